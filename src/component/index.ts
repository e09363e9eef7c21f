/** The Pulumi component: `BatchAttributeView`, its arguments, and the pure helpers it is built from. */
export { BatchAttributeView, BatchAttributeViewArgsError, BATCH_ATTRIBUTE_VIEW_TYPE, type AttributeTableRef } from './batchAttributeView';
export {
  batchAttributeViewArgsSchema,
  type BatchAttributeViewArgs,
  type ViewDefinition,
  type WarehouseArgs,
  type DuckdbWarehouseArgs,
  type SnowflakeWarehouseArgs,
  type BigqueryWarehouseArgs,
  type DatabricksWarehouseArgs,
  type DbtArgs,
} from './args';
export { WAREHOUSES, type WarehouseName, type WarehouseUnit, type WarehouseSetup, type WarehouseContext } from './warehouses';
export { runArgv, shellCommand, type RunCommandOptions } from './runCommand';
export { parseRunResult, type DbtRunSummary } from './runSummary';
export { portablePath, cliScript } from './paths';
export {
  signalsConnectionStatus,
  SIGNALS_CONFIG_KEYS,
  SIGNALS_ENV_NAMES,
  SIGNALS_SECRET_SETTINGS,
  type SignalsConnectionStatus,
  type SignalsSetting,
} from './signalsConfig';
