export { runUntilCaughtUp, isCaughtUp, parseStatus, DbtRunError, type RunOptions, type RunSummary, type RoundStatus } from './run';
export { ensurePythonEnv, venvDir, dbtExecutable, pythonExecutable, requirementsFile, type PythonEnv } from './python';
export {
  renderProfile,
  writeProfiles,
  pythonEnvFor,
  type WarehouseConnection,
  type DuckdbConnection,
  type SnowflakeConnection,
  type BigqueryConnection,
  type DatabricksConnection,
  type SparkSessionConnection,
} from './profiles';
