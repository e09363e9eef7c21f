export { runUntilCaughtUp, isCaughtUp, parseStatus, DbtRunError, type RunOptions, type RunSummary, type RoundStatus } from './run';
export { ensurePythonEnv, venvDir, dbtExecutable, pythonExecutable } from './python';
export { renderProfile, writeProfiles, type WarehouseConnection, type DuckdbConnection, type SnowflakeConnection } from './profiles';
