/** Test support for the dynamic providers: an emulator plus the environment the providers read. */
import * as pulumi from '@pulumi/pulumi';
import { EmulatorHandle, startEmulator } from '../../src/emulator';
import { SIGNALS_ENV, SignalsClient } from '../../src/signals';

/** Every environment variable the providers read. */
export const PROVIDER_ENV_NAMES: string[] = Object.values(SIGNALS_ENV);

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

/** Pulumi's placeholder for values unknown during preview. */
export const UNKNOWN = pulumi.runtime.unknownValue;

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
