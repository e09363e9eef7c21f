/**
 * The Signals connection shared by a component's children: one place for the stack config keys
 * (`signals-batch:*`) and environment variables (`SNOWPLOW_*`) the registration providers read.
 *
 * The dynamic providers read these at call time (provider `configure` gets the stack config; the
 * environment is the Pulumi CLI's), so no credential ever lands in a resource's state. The component
 * uses this module only to say, at construction, what is missing.
 */
import * as pulumi from '@pulumi/pulumi';
import { SIGNALS_ENV } from '../signals/config';

/** Stack config key of each setting (set secrets with `pulumi config set --secret`). */
export const SIGNALS_CONFIG_KEYS = {
  apiUrl: 'signals-batch:apiUrl',
  apiKey: 'signals-batch:apiKey',
  apiKeyId: 'signals-batch:apiKeyId',
  orgId: 'signals-batch:orgId',
  authMode: 'signals-batch:authMode',
  sandboxToken: 'signals-batch:sandboxToken',
  consoleUrl: 'signals-batch:consoleUrl',
} as const;

/** Environment variable of each setting (the reference CLI's names, plus the console URL). */
export const SIGNALS_ENV_NAMES = SIGNALS_ENV;

/** Secret settings: give them as `pulumi config set --secret` (or in the environment). */
export const SIGNALS_SECRET_SETTINGS = ['apiKey', 'sandboxToken'] as const;

export type SignalsSetting = keyof typeof SIGNALS_CONFIG_KEYS;

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
  const values: Partial<Record<SignalsSetting, string>> = {};
  const sources: SignalsConnectionStatus['sources'] = {};
  for (const setting of Object.keys(SIGNALS_CONFIG_KEYS) as SignalsSetting[]) {
    const fromConfig = getConfig(SIGNALS_CONFIG_KEYS[setting]);
    const fromEnv = env[SIGNALS_ENV_NAMES[setting]];
    if (fromConfig) {
      values[setting] = fromConfig;
      sources[setting] = 'stack config';
    } else if (fromEnv) {
      values[setting] = fromEnv;
      sources[setting] = 'environment';
    }
  }
  const authMode = (values.authMode ?? 'bdp').toLowerCase();
  const needed: SignalsSetting[] = ['apiUrl', ...(authMode === 'sandbox' ? (['sandboxToken'] as const) : (['apiKey', 'apiKeyId', 'orgId'] as const))];
  const missing = needed.filter((s) => !values[s]).map((s) => `${SIGNALS_CONFIG_KEYS[s]} or ${SIGNALS_ENV_NAMES[s]}`);
  if (authMode !== 'bdp' && authMode !== 'sandbox') missing.push(`${SIGNALS_CONFIG_KEYS.authMode}: "${values.authMode}" is neither bdp nor sandbox`);
  return { apiUrl: values.apiUrl, authMode, missing, sources };
}
