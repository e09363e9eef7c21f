/** Test support for the dynamic providers: an emulator plus the environment the providers read. */
import { EmulatorHandle, startEmulator } from '../../src/emulator';
import { SignalsClient } from '../../src/signals';

export const PROVIDER_ENV_NAMES = [
  'SNOWPLOW_API_URL',
  'SNOWPLOW_API_KEY',
  'SNOWPLOW_API_KEY_ID',
  'SNOWPLOW_ORG_ID',
  'SNOWPLOW_AUTH_MODE',
  'SNOWPLOW_SANDBOX_TOKEN',
  'SNOWPLOW_CONSOLE_URL',
];

export interface ProviderTestContext {
  emulator: EmulatorHandle;
  /** A client for arranging state and for out-of-band changes. */
  client: SignalsClient;
  restoreEnv(): void;
}

/** Starts an emulator and points the providers' environment at it (BDP auth through its token endpoint). */
export async function startProviderContext(): Promise<ProviderTestContext> {
  const saved = Object.fromEntries(PROVIDER_ENV_NAMES.map((name) => [name, process.env[name]]));
  const emulator = await startEmulator({
    credentials: { apiKey: 'provider-test-api-key', apiKeyId: 'provider-test-key-id', orgId: 'org-providers' },
  });
  process.env.SNOWPLOW_API_URL = emulator.url;
  process.env.SNOWPLOW_CONSOLE_URL = emulator.consoleUrl;
  process.env.SNOWPLOW_API_KEY = emulator.credentials.apiKey;
  process.env.SNOWPLOW_API_KEY_ID = emulator.credentials.apiKeyId;
  process.env.SNOWPLOW_ORG_ID = emulator.credentials.orgId;
  delete process.env.SNOWPLOW_AUTH_MODE;
  delete process.env.SNOWPLOW_SANDBOX_TOKEN;
  const client = new SignalsClient({ apiUrl: emulator.url, auth: { mode: 'sandbox', sandboxToken: emulator.credentials.sandboxToken } });
  return {
    emulator,
    client,
    restoreEnv() {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    },
  };
}

export const UNKNOWN = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';

/** A `pulumi.dynamic.ConfigureRequest` over a plain map of stack config values. */
export function configRequest(values: Record<string, string>) {
  return {
    config: {
      get: (key: string) => values[key],
      require: (key: string) => {
        if (values[key] === undefined) throw new Error(`Missing required configuration key: ${key}`);
        return values[key];
      },
    },
  };
}
