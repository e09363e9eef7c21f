export {
  runUntilCaughtUp,
  isCaughtUp,
  parseStatus,
  DbtRunError,
  RunInterruptedError,
  RunOptionsError,
  MAX_THREADS,
  MAX_ROUNDS,
  runResultJson,
  type RunResultJson,
  type RunOptions,
  type RunSummary,
  type RoundStatus,
} from './run';
export { ensurePythonEnv, venvDir, dbtExecutable, pythonExecutable } from './python';
export {
  renderProfile,
  writeProfiles,
  connectionProblems,
  nameProblem,
  duckdbPathProblem,
  SECRET_ENV,
  NAME_RULES,
  type WarehouseConnection,
  type DuckdbConnection,
  type SnowflakeConnection,
} from './profiles';
