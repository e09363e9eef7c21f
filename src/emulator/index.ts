/** Local Signals API emulator: see `server.ts` and `docs/signals.md`. */
export { startEmulator, duckdbFilesFromPaths } from './server';
export type { EmulatorOptions, EmulatorHandle, EmulatorCredentials, HealthState, RequestRecord } from './server';
export { CONTROL_TOKEN_HEADER } from './auth';
export { FaultInjector, FaultSpecError } from './faults';
export type { FaultSpec, FaultSpecJson } from './faults';
export { EmulatorState } from './state';
export type { StoredGroup, StoredKey } from './state';
export { TokenAuthority } from './tokens';
export { renderProperty, renderGroupProperties, snakeCase } from './propertySyntax';
