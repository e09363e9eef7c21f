/**
 * Signals API client: `SignalsApi` (api.ts) does the calls, `SignalsClient` (client.ts) also checks
 * request bodies first; all real-API paths (published and inferred) are in `paths.ts`.
 */
export { SignalsClient } from './client';
export { SignalsApi } from './api';
export { fetchHealth } from './health';
export type { HealthResponse } from './health';
export type {
  SignalsClientOptions,
  PublishResponse,
  UnpublishResult,
  RemoveBatchSourceResult,
  OnlineAttributesRequest,
  PropertySyntax,
} from './api';
export { toGroupInput, stripNulls } from './groups';
export type { AttributeGroupBody, AttributeGroupResponse } from './groups';
export { DEFAULT_CONSOLE_URL, decodeJwtClaims } from './auth';
export type { SignalsAuth } from './auth';
export {
  SignalsError,
  SignalsHttpError,
  SignalsNetworkError,
  SignalsTimeoutError,
  SignalsAuthError,
  SignalsInputError,
  SignalsMaterializeError,
} from './errors';
export { SIGNALS_PATHS, ROUTE_MISSING_STATUSES } from './paths';
export { DEFAULT_RETRY_POLICY, DEFAULT_TIMEOUT_MS } from './transport';
export type { RetryPolicy } from './transport';
export {
  SIGNALS_ENV,
  SIGNALS_CONFIG_KEYS,
  SIGNALS_SECRET_SETTINGS,
  settingsFromEnv,
  clientOptionsFromSettings,
  resolveConnection,
} from './config';
export type { SignalsConnectionSettings, SignalsSetting, ResolvedConnection } from './config';
