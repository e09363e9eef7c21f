/**
 * The Signals connection of the registration providers, read when a method runs: the stack config the
 * provider's `configure` received (`signals-batch:*`), else the environment of the Pulumi CLI
 * (`SNOWPLOW_*`). Nothing is read when the provider is serialized, so no credential lands in the state.
 */
import type * as pulumi from '@pulumi/pulumi';
import { SignalsApi } from '../signals/api';
import { SIGNALS_CONFIG_KEYS, clientOptionsFromSettings, resolveConnection } from '../signals/config';

/** Stack config values by key (`signals-batch:apiUrl` ...), as `configure` received them. */
export type ConfiguredSettings = Readonly<Record<string, string>>;

/** The `signals-batch:*` values of the stack config. */
export function configuredSettings(req: pulumi.dynamic.ConfigureRequest): ConfiguredSettings {
  const values: Record<string, string> = {};
  for (const key of Object.values(SIGNALS_CONFIG_KEYS)) {
    const value = req.config.get(key);
    if (value) values[key] = value;
  }
  return values;
}

/** A client over the configured settings and the environment; names every missing setting. */
export function signalsApi(configured: ConfiguredSettings | undefined): SignalsApi {
  const connection = resolveConnection((key) => configured?.[key]);
  if (connection.missing.length > 0) {
    throw new Error(`The Signals connection is not configured: set ${connection.missing.join(', ')}.`);
  }
  return new SignalsApi(clientOptionsFromSettings(connection.settings));
}

/**
 * What the Signals providers share: the stack config `configure` receives (kept in the provider
 * process only; never there when the provider is serialized) and a client built from it at call time.
 */
export abstract class SignalsResourceProvider {
  private configured?: ConfiguredSettings;

  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    this.configured = configuredSettings(req);
  }

  /** A client for this call (stack config first, then the environment). */
  protected api(): SignalsApi {
    return signalsApi(this.configured);
  }
}
