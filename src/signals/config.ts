/**
 * Connection settings (API URL, auth mode and credentials) -> client options. Shared by the CLI and by
 * anything else that reads the reference CLI's environment variables.
 */
import { SignalsAuth } from './auth';
import { SignalsClientOptions } from './client';
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
