export { runUntilCaughtUp, parseProject, MAX_THREADS, MAX_ROUNDS, type RunOptions } from './run';
export { isCaughtUp, parseStatus, runResultJson, type RoundStatus, type RunResultJson, type RunSummary, type RunTotals } from './result';
export { DbtRunError, RunInterruptedError, RunOptionsError } from './invocation';
export { ensurePythonEnv, venvDir, dbtExecutable, pythonExecutable, requirementsFile, type PythonEnv } from './python';
export {
  renderProfile,
  defaultThreads,
  writeProfiles,
  pythonEnvFor,
  connectionProblems,
  nameProblem,
  duckdbPathProblem,
  duckdbMemoryLimitProblem,
  DUCKDB_MEMORY_LIMIT_FORM,
  DUCKDB_DEFAULT_MEMORY_LIMIT,
  SECRET_ENV,
  NAME_RULES,
  type WarehouseConnection,
  type DuckdbConnection,
  type SnowflakeConnection,
  type BigqueryConnection,
  type DatabricksConnection,
  type SparkSessionConnection,
} from './profiles';
