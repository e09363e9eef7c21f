/**
 * The Signals connection as the program sees it: the component uses this only to say, at
 * construction, what is missing. The registration providers read the same settings at call time
 * (provider `configure` gets the stack config; the environment is the Pulumi CLI's), so no credential
 * ever lands in a resource's state. The keys and variable names live in `src/signals/config.ts`.
 */
import * as pulumi from '@pulumi/pulumi';
import { resolveConnection, SIGNALS_CONFIG_KEYS, SIGNALS_ENV, SIGNALS_SECRET_SETTINGS, type SignalsSetting } from '../signals/config';

export { SIGNALS_CONFIG_KEYS, SIGNALS_SECRET_SETTINGS, type SignalsSetting };
/** Environment variable of each setting (the reference CLI's names, plus the console URL). */
export const SIGNALS_ENV_NAMES = SIGNALS_ENV;

/** What the Signals connection looks like from the program (never the secret values). */
export interface SignalsConnectionStatus {
  /** The API URL (not secret), when configured. */
  apiUrl?: string;
  /** `bdp` (API key + key id + org id) or `sandbox` (token). */
  authMode: string;
  /** Settings still missing, as `signals-batch:x or SNOWPLOW_X`. */
  missing: string[];
  /** Where each configured setting comes from. */
  sources: Partial<Record<SignalsSetting, 'stack config' | 'environment'>>;
}

/**
 * Read the connection the providers will use: stack config first, then the environment.
 * `getConfig` defaults to the program's stack config (raw values, so no secret warning is logged).
 */
export function signalsConnectionStatus(
  env: NodeJS.ProcessEnv = process.env,
  getConfig: (key: string) => string | undefined = (key) => pulumi.runtime.getConfig(key),
): SignalsConnectionStatus {
  const { settings, authMode, missing, sources } = resolveConnection(getConfig, env);
  return { apiUrl: settings.apiUrl, authMode, missing, sources };
}
