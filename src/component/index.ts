/** The Pulumi component: `BatchAttributeView` and its arguments. */
export { BatchAttributeView, BatchAttributeViewArgsError, BATCH_ATTRIBUTE_VIEW_TYPE, type AttributeTableRef } from './batchAttributeView';
export {
  batchAttributeViewArgsSchema,
  type BatchAttributeViewArgs,
  type ViewDefinition,
  type WarehouseArgs,
  type DuckdbWarehouseArgs,
  type SnowflakeWarehouseArgs,
  type DbtArgs,
} from './args';
export { parseRunOutput, type DbtRunSummary } from './runSummary';
export {
  signalsConnectionStatus,
  SIGNALS_CONFIG_KEYS,
  SIGNALS_ENV_NAMES,
  SIGNALS_SECRET_SETTINGS,
  type SignalsConnectionStatus,
  type SignalsSetting,
} from './signalsConfig';
