/**
 * Connection settings (API URL, auth mode and credentials) -> client options. Shared by the CLI, the
 * Pulumi providers and the component: the one map of environment variables (`SIGNALS_ENV`) and stack
 * config keys (`SIGNALS_CONFIG_KEYS`), and how a connection is put together from them.
 */
import type { SignalsAuth } from './auth';
import type { SignalsClientOptions } from './api';
import { SignalsInputError } from './errors';

/** Environment variable of each setting (the reference CLI's names, plus the console URL). */
export const SIGNALS_ENV = {
  apiUrl: 'SNOWPLOW_API_URL',
  apiKey: 'SNOWPLOW_API_KEY',
  apiKeyId: 'SNOWPLOW_API_KEY_ID',
  orgId: 'SNOWPLOW_ORG_ID',
  authMode: 'SNOWPLOW_AUTH_MODE',
  sandboxToken: 'SNOWPLOW_SANDBOX_TOKEN',
  consoleUrl: 'SNOWPLOW_CONSOLE_URL',
} as const;

/** Stack config key of each setting, for Pulumi programs (set secrets with `pulumi config set --secret`). */
export const SIGNALS_CONFIG_KEYS = {
  apiUrl: 'signals-batch:apiUrl',
  apiKey: 'signals-batch:apiKey',
  apiKeyId: 'signals-batch:apiKeyId',
  orgId: 'signals-batch:orgId',
  authMode: 'signals-batch:authMode',
  sandboxToken: 'signals-batch:sandboxToken',
  consoleUrl: 'signals-batch:consoleUrl',
} as const;

/** Settings that are secrets. */
export const SIGNALS_SECRET_SETTINGS = ['apiKey', 'sandboxToken'] as const;

export type SignalsSetting = keyof typeof SIGNALS_ENV;

export interface SignalsConnectionSettings {
  apiUrl?: string;
  apiKey?: string;
  apiKeyId?: string;
  orgId?: string;
  authMode?: string;
  sandboxToken?: string;
  consoleUrl?: string;
}

/** Reads the settings from environment variables (unset or empty variables are left undefined). */
export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): SignalsConnectionSettings {
  const settings: SignalsConnectionSettings = {};
  for (const [field, variable] of Object.entries(SIGNALS_ENV) as [keyof SignalsConnectionSettings, string][]) {
    const value = env[variable];
    if (value !== undefined && value !== '') settings[field] = value;
  }
  return settings;
}

/** Validates the settings and builds client options; the error names what is missing, never a value. */
export function clientOptionsFromSettings(
  settings: SignalsConnectionSettings,
  extra: Omit<SignalsClientOptions, 'apiUrl' | 'auth'> = {},
): SignalsClientOptions {
  if (!settings.apiUrl) {
    throw new SignalsInputError('The Signals API URL is missing: pass --api-url or set SNOWPLOW_API_URL.');
  }
  const mode = (settings.authMode ?? 'bdp').toLowerCase();
  let auth: SignalsAuth;
  if (mode === 'sandbox') {
    auth = { mode: 'sandbox', sandboxToken: settings.sandboxToken ?? '' };
  } else if (mode === 'bdp') {
    auth = {
      mode: 'bdp',
      apiKey: settings.apiKey ?? '',
      apiKeyId: settings.apiKeyId ?? '',
      orgId: settings.orgId ?? '',
      consoleUrl: settings.consoleUrl,
    };
  } else {
    throw new SignalsInputError(
      `Unknown auth mode ${JSON.stringify(settings.authMode)} (--auth-mode or SNOWPLOW_AUTH_MODE): use bdp or sandbox.`,
    );
  }
  return { apiUrl: settings.apiUrl, auth, ...extra };
}

/** A connection put together from stack config and the environment (never holding where a value is shown). */
export interface ResolvedConnection {
  settings: SignalsConnectionSettings;
  /** `bdp` (API key + key id + org id) or `sandbox` (token), lower case. */
  authMode: string;
  /** Settings still missing, as `signals-batch:x or SNOWPLOW_X`. */
  missing: string[];
  /** Where each configured setting comes from. */
  sources: Partial<Record<SignalsSetting, 'stack config' | 'environment'>>;
}

/** Stack config first (`getConfig` by `signals-batch:*` key), then the environment; says what is missing. */
export function resolveConnection(
  getConfig: (key: string) => string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedConnection {
  const settings: SignalsConnectionSettings = {};
  const sources: ResolvedConnection['sources'] = {};
  for (const setting of Object.keys(SIGNALS_ENV) as SignalsSetting[]) {
    const fromConfig = getConfig(SIGNALS_CONFIG_KEYS[setting]);
    const fromEnv = env[SIGNALS_ENV[setting]];
    if (fromConfig) {
      settings[setting] = fromConfig;
      sources[setting] = 'stack config';
    } else if (fromEnv) {
      settings[setting] = fromEnv;
      sources[setting] = 'environment';
    }
  }
  const authMode = (settings.authMode ?? 'bdp').toLowerCase();
  const needed: SignalsSetting[] = [
    'apiUrl',
    ...(authMode === 'sandbox' ? (['sandboxToken'] as const) : (['apiKey', 'apiKeyId', 'orgId'] as const)),
  ];
  const missing = needed.filter((s) => !settings[s]).map((s) => `${SIGNALS_CONFIG_KEYS[s]} or ${SIGNALS_ENV[s]}`);
  if (authMode !== 'bdp' && authMode !== 'sandbox') {
    missing.push(`${SIGNALS_CONFIG_KEYS.authMode}: "${settings.authMode}" is neither bdp nor sandbox`);
  }
  return { settings, authMode, missing, sources };
}
