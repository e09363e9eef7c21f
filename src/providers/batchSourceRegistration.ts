/**
 * Pulumi dynamic provider: materializes a batch attribute group in Signals, i.e. registers the
 * attribute table as the group's batch source and publishes the group so Signals syncs it into its online
 * store; deleting the resource unmaterializes (unpublish, then remove the batch source; 404 tolerated).
 *
 * Self-contained on purpose (reference pulumi-notes, 2.3): the provider object is serialized into the
 * Pulumi state, so this file imports no local module, keeps no state captured at serialization time, and
 * reads credentials at call time (provider `configure` -> stack config `signals-batch:*`, else the
 * `SNOWPLOW_*` environment variables).
 *
 * Diff: the group name/version replace the resource; the batch source fields update it in place, so
 * `pulumi preview` shows e.g. `[diff: ~table]`. Read (refresh) reports the live batch source and whether
 * the group is still published.
 */
import * as pulumi from '@pulumi/pulumi';

export interface BatchSourceRegistrationInputs {
  /** The attribute group (and version) the table belongs to. Changing either replaces the resource. */
  attributeGroupName: string;
  attributeGroupVersion: number;
  /** Batch source name (`^[A-Za-z0-9_]+$`). */
  name: string;
  /** Warehouse database (`^[A-Za-z0-9_-]+$`; DuckDB: the file stem; BigQuery: the project). */
  database: string;
  /** Warehouse schema of the table (sent as `wh_schema`). */
  schema: string;
  table: string;
  /** Column Signals uses to sync only changed rows (e.g. `updated_at`). */
  timestampField: string;
  description?: string;
  owner?: string;
}

export interface BatchSourceRegistrationOutputs extends BatchSourceRegistrationInputs {
  /** Whether the group was published (synced) when last created, updated or refreshed. */
  published: boolean;
}

// --- begin minimal Signals HTTP helper (identical in both provider files; test/providers/paths.test.ts checks) ---
/** Pulumi's placeholder for values not known during preview. */
const UNKNOWN_VALUE = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';
const CONFIG_KEYS = {
  apiUrl: 'signals-batch:apiUrl',
  apiKey: 'signals-batch:apiKey',
  apiKeyId: 'signals-batch:apiKeyId',
  orgId: 'signals-batch:orgId',
  authMode: 'signals-batch:authMode',
  sandboxToken: 'signals-batch:sandboxToken',
  consoleUrl: 'signals-batch:consoleUrl',
};
const ENV_NAMES = {
  apiUrl: 'SNOWPLOW_API_URL',
  apiKey: 'SNOWPLOW_API_KEY',
  apiKeyId: 'SNOWPLOW_API_KEY_ID',
  orgId: 'SNOWPLOW_ORG_ID',
  authMode: 'SNOWPLOW_AUTH_MODE',
  sandboxToken: 'SNOWPLOW_SANDBOX_TOKEN',
  consoleUrl: 'SNOWPLOW_CONSOLE_URL',
};
/** Copies of `src/signals/paths.ts` (published and inferred paths; documented there). */
const PROVIDER_PATHS = {
  consoleToken: (orgId: string) => `/api/msc/v1/organizations/${encodeURIComponent(orgId)}/credentials/v3/token`,
  attributeGroups: 'registry/attribute_groups/',
  attributeGroupVersion: (name: string, version: number) =>
    `registry/attribute_groups/${encodeURIComponent(name)}/versions/${encodeURIComponent(String(version))}`,
  batchSource: (name: string, version: number) =>
    `registry/attribute_groups/${encodeURIComponent(name)}/versions/${encodeURIComponent(String(version))}/batch_source`,
  publish: 'engines/publish',
  unpublish: 'engines/unpublish',
  routeMissingStatuses: [404, 405],
};
const HTTP_TIMEOUT_MS = 30000;
const HTTP_MAX_RETRIES = 3;

type ConnectionSettings = Partial<Record<keyof typeof CONFIG_KEYS, string>>;

interface HttpAnswer {
  status: number;
  data: any;
}

interface SignalsSession {
  /** An authenticated call relative to `/api/v1/`; answers every status (401 after one token refresh throws). */
  call(method: string, path: string, body?: unknown): Promise<HttpAnswer>;
  /** The error for an unexpected answer: call, status, API message; credentials scrubbed. */
  failure(method: string, path: string, answer: HttpAnswer): Error;
}

/** Stack config (from `configure`) first, then the environment; read when a method runs. */
function resolveConnection(configured: ConnectionSettings | undefined): Required<Pick<ConnectionSettings, 'apiUrl'>> &
  ConnectionSettings {
  const settings: ConnectionSettings = {};
  for (const field of Object.keys(CONFIG_KEYS) as (keyof typeof CONFIG_KEYS)[]) {
    const value = configured?.[field] || process.env[ENV_NAMES[field]];
    if (value) settings[field] = value;
  }
  const mode = (settings.authMode ?? 'bdp').toLowerCase();
  const missing: string[] = [];
  if (!settings.apiUrl) missing.push(`${CONFIG_KEYS.apiUrl} or ${ENV_NAMES.apiUrl}`);
  if (mode === 'sandbox') {
    if (!settings.sandboxToken) missing.push(`${CONFIG_KEYS.sandboxToken} or ${ENV_NAMES.sandboxToken}`);
  } else if (mode === 'bdp') {
    for (const field of ['apiKey', 'apiKeyId', 'orgId'] as const) {
      if (!settings[field]) missing.push(`${CONFIG_KEYS[field]} or ${ENV_NAMES[field]}`);
    }
  } else {
    throw new Error(`Unknown Signals auth mode "${settings.authMode}": use bdp or sandbox.`);
  }
  if (missing.length > 0) {
    throw new Error(`The Signals connection is not configured: set ${missing.join(', ')}.`);
  }
  return { ...settings, apiUrl: settings.apiUrl as string, authMode: mode };
}

function openSession(connection: ReturnType<typeof resolveConnection>): SignalsSession {
  const apiUrl = connection.apiUrl.replace(/\/+$/, '');
  let token: string | undefined;
  const scrub = (text: string): string => {
    let out = text.replace(/Bearer\s+\S+/g, 'Bearer [redacted]');
    for (const secret of [connection.apiKey, connection.apiKeyId, connection.sandboxToken, token]) {
      if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]');
    }
    return out;
  };
  const apiMessage = (data: any): string => {
    if (data === undefined || data === null || data === '') return '';
    if (typeof data.detail === 'string') return data.detail;
    if (Array.isArray(data.detail)) {
      return data.detail
        .map((item: any) => `${Array.isArray(item?.loc) ? `${item.loc.join('.')}: ` : ''}${item?.msg ?? JSON.stringify(item)}`)
        .join('; ');
    }
    if (typeof data.message === 'string') return data.message;
    return typeof data === 'string' ? data.slice(0, 500) : JSON.stringify(data).slice(0, 500);
  };
  // One HTTP exchange with bounded retries (network errors, timeouts, 429, 5xx; Retry-After honoured).
  const send = async (url: string, init: { method: string; headers: Record<string, string>; body?: string }, callName: string) => {
    for (let attempt = 1; ; attempt += 1) {
      let answer: (HttpAnswer & { retryAfter: string | null }) | undefined;
      let reason = '';
      try {
        const response = await fetch(url, { ...init, signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
        const text = await response.text();
        let data: any = text;
        try {
          data = text ? JSON.parse(text) : undefined;
        } catch {
          // keep the raw text
        }
        answer = { status: response.status, data, retryAfter: response.headers.get('retry-after') };
      } catch (error) {
        const err = error as { name?: string; cause?: { code?: string } };
        reason = err.name === 'TimeoutError' ? `no answer within ${HTTP_TIMEOUT_MS} ms` : `network error ${err.cause?.code ?? ''}`.trim();
      }
      const retryable = !answer || answer.status === 429 || answer.status >= 500;
      if (!retryable || attempt > HTTP_MAX_RETRIES) {
        if (answer) return { status: answer.status, data: answer.data };
        throw new Error(scrub(`Signals API call ${callName} failed: ${reason} (after ${attempt} attempts).`));
      }
      const retryAfterSeconds = answer?.retryAfter && /^\d+(\.\d+)?$/.test(answer.retryAfter) ? Number(answer.retryAfter) : undefined;
      const backoff = 500 * 2 ** (attempt - 1);
      const delay = retryAfterSeconds !== undefined ? Math.min(retryAfterSeconds * 1000, 30000) : backoff / 2 + Math.random() * (backoff / 2);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  };
  const bearer = async (): Promise<string> => {
    if (connection.authMode === 'sandbox') return connection.sandboxToken as string;
    if (token) return token;
    const consoleUrl = (connection.consoleUrl || 'https://console.snowplowanalytics.com').replace(/\/+$/, '');
    const path = PROVIDER_PATHS.consoleToken(connection.orgId as string);
    const answer = await send(
      `${consoleUrl}${path}`,
      { method: 'GET', headers: { 'X-API-Key-Id': connection.apiKeyId as string, 'X-API-Key': connection.apiKey as string } },
      `GET ${path}`,
    );
    if (answer.status !== 200 || typeof answer.data?.accessToken !== 'string') {
      throw new Error(
        scrub(
          `Signals authentication failed: the console token endpoint answered HTTP ${answer.status}` +
            `${apiMessage(answer.data) ? `: ${apiMessage(answer.data)}` : ''}. Check the API key, key id and organization id.`,
        ),
      );
    }
    token = answer.data.accessToken as string;
    return token;
  };
  return {
    async call(method, path, body) {
      const callName = `${method} ${path}`;
      const exchange = async () =>
        send(
          `${apiUrl}/api/v1/${path}`,
          {
            method,
            headers: { Authorization: `Bearer ${await bearer()}`, 'Content-Type': 'application/json; charset=utf-8' },
            body: body === undefined ? undefined : JSON.stringify(body),
          },
          callName,
        );
      let answer = await exchange();
      if (answer.status === 401 && connection.authMode === 'bdp') {
        token = undefined;
        answer = await exchange();
      }
      if (answer.status === 401 || answer.status === 403) {
        throw new Error(scrub(`Signals API call ${callName} was refused with HTTP ${answer.status}: ${apiMessage(answer.data)}. Check the Signals credentials.`));
      }
      return answer;
    },
    failure(method, path, answer) {
      const message = apiMessage(answer.data);
      return new Error(scrub(`Signals API call ${method} ${path} failed with HTTP ${answer.status}${message ? `: ${message}` : ''}.`));
    },
  };
}

/** Unpublish with the inferred endpoint, falling back to `is_published: false` (see src/signals/paths.ts). */
async function unpublishGroup(session: SignalsSession, name: string, version: number): Promise<void> {
  const body = { attribute_groups: [{ name, version }] };
  const answer = await session.call('POST', PROVIDER_PATHS.unpublish, body);
  if (answer.status >= 200 && answer.status < 300) return;
  if (!PROVIDER_PATHS.routeMissingStatuses.includes(answer.status)) throw session.failure('POST', PROVIDER_PATHS.unpublish, answer);
  const path = PROVIDER_PATHS.attributeGroupVersion(name, version);
  const live = await session.call('GET', path);
  if (live.status === 404 || live.data?.is_published === false) return;
  if (live.status !== 200) throw session.failure('GET', path, live);
  const updated = await session.call('PUT', path, { ...groupInputOf(live.data), is_published: false });
  if (updated.status < 200 || updated.status >= 300) throw session.failure('PUT', path, updated);
}

/** A group response back in input form: nulls and server-only fields removed. */
function groupInputOf(response: Record<string, any>): Record<string, any> {
  const withoutNulls = (value: any): any => {
    if (Array.isArray(value)) return value.map(withoutNulls);
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => [k, withoutNulls(v)]));
    }
    return value;
  };
  const input = withoutNulls(response);
  for (const field of ['attribute_key_or_name', 'attribute_group_or_attribute_key_ttl', 'feast_name', 'full_name', 'stream_source_name']) {
    delete input[field];
  }
  if (input.attribute_key) delete input.attribute_key.blobl_path;
  if (input.batch_source) {
    const { name, database, schema, wh_schema: whSchema, table, timestamp_field: timestampField, description, owner } = input.batch_source;
    input.batch_source = withoutNulls({ name, database, schema: schema ?? whSchema, table, timestamp_field: timestampField, description, owner });
  }
  return input;
}

/** True when `value` is, or contains, Pulumi's unknown placeholder. */
function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN_VALUE) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value && typeof value === 'object') return Object.values(value).some(containsUnknown);
  return false;
}

/** JSON with sorted keys and no null/undefined members: equal definitions give equal text. */
function canonicalJson(value: unknown): string {
  const normalize = (inner: any): any => {
    if (Array.isArray(inner)) return inner.map(normalize);
    if (inner && typeof inner === 'object') {
      return Object.fromEntries(
        Object.keys(inner)
          .sort()
          .filter((key) => inner[key] !== null && inner[key] !== undefined)
          .map((key) => [key, normalize(inner[key])]),
      );
    }
    return inner;
  };
  return JSON.stringify(normalize(value));
}

/** Every field of `desired` has the same value in `live` (extra live fields, e.g. API defaults, are ignored). */
function liveMatches(desired: unknown, live: unknown): boolean {
  if (Array.isArray(desired)) {
    return Array.isArray(live) && desired.length === live.length && desired.every((item, i) => liveMatches(item, live[i]));
  }
  if (desired && typeof desired === 'object') {
    if (!live || typeof live !== 'object' || Array.isArray(live)) return false;
    return Object.entries(desired).every(([key, value]) =>
      value === null || value === undefined ? true : liveMatches(value, (live as Record<string, unknown>)[key]),
    );
  }
  return desired === live;
}
// --- end minimal Signals HTTP helper ---

const NAME_PATTERN = /^[A-Za-z0-9_]+$/;
/** Same rule as `BATCH_SOURCE_DATABASE_PATTERN` in src/definition/batchSource.ts (a test keeps them equal). */
const DATABASE_PATTERN = /^[A-Za-z0-9_-]+$/;
/** Fields updated in place; order is the order of `pulumi preview` messages. */
const SOURCE_FIELDS = ['name', 'database', 'schema', 'table', 'timestampField', 'description', 'owner'] as const;
const REPLACE_FIELDS = ['attributeGroupName', 'attributeGroupVersion'] as const;

/** The PUT body (`wh_schema`, snake_case; empty optional fields left out). */
function batchSourceBody(inputs: BatchSourceRegistrationInputs): Record<string, string> {
  const body: Record<string, string> = {
    name: inputs.name,
    database: inputs.database,
    wh_schema: inputs.schema,
    table: inputs.table,
    timestamp_field: inputs.timestampField,
  };
  if (inputs.description) body.description = inputs.description;
  if (inputs.owner) body.owner = inputs.owner;
  return body;
}

/** Removes the batch source: DELETE (inferred path), else re-register the group without it; 404 tolerated. */
async function removeBatchSource(session: SignalsSession, name: string, version: number): Promise<void> {
  const path = PROVIDER_PATHS.batchSource(name, version);
  const answer = await session.call('DELETE', path);
  if (answer.status >= 200 && answer.status < 300) return;
  if (!PROVIDER_PATHS.routeMissingStatuses.includes(answer.status)) throw session.failure('DELETE', path, answer);
  const groupPath = PROVIDER_PATHS.attributeGroupVersion(name, version);
  const live = await session.call('GET', groupPath);
  if (live.status === 404 || !live.data?.batch_source) return;
  if (live.status !== 200) throw session.failure('GET', groupPath, live);
  const input = groupInputOf(live.data);
  delete input.batch_source;
  const updated = await session.call('PUT', groupPath, input);
  if (updated.status < 200 || updated.status >= 300) throw session.failure('PUT', groupPath, updated);
}

/** The plain provider (tested directly); `BatchSourceRegistration` below wraps it for Pulumi. */
export class BatchSourceRegistrationProvider
  implements pulumi.dynamic.ResourceProvider<BatchSourceRegistrationInputs, BatchSourceRegistrationOutputs>
{
  /** Set by `configure` in the provider process; never present when the provider is serialized. */
  private configured?: ConnectionSettings;

  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    const settings: ConnectionSettings = {};
    for (const [field, key] of Object.entries(CONFIG_KEYS) as [keyof typeof CONFIG_KEYS, string][]) {
      const value = req.config.get(key);
      if (value) settings[field] = value;
    }
    this.configured = settings;
  }

  async check(
    _olds: BatchSourceRegistrationInputs,
    news: BatchSourceRegistrationInputs,
  ): Promise<pulumi.dynamic.CheckResult<BatchSourceRegistrationInputs>> {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    // Values unknown during preview are accepted as they are; they are checked again at update time.
    const known = (value: unknown) => !containsUnknown(value);
    const pattern = (property: keyof BatchSourceRegistrationInputs, regex: RegExp, max = 128) => {
      const value = news[property];
      if (!known(value)) return;
      if (typeof value !== 'string' || value === '') {
        failures.push({ property, reason: `${property} is required and must be a non-empty string` });
      } else if (!regex.test(value) || value.length > max) {
        failures.push({ property, reason: `${property} must match ${regex.source}; got ${JSON.stringify(value)}` });
      }
    };
    pattern('attributeGroupName', NAME_PATTERN);
    pattern('name', NAME_PATTERN);
    pattern('database', DATABASE_PATTERN, Number.MAX_SAFE_INTEGER);
    pattern('schema', NAME_PATTERN);
    pattern('table', NAME_PATTERN);
    pattern('timestampField', NAME_PATTERN);
    const version = news.attributeGroupVersion;
    if (known(version) && (!Number.isInteger(version) || version < 1)) {
      failures.push({ property: 'attributeGroupVersion', reason: `attributeGroupVersion must be a positive integer; got ${JSON.stringify(version)}` });
    }
    for (const property of ['description', 'owner'] as const) {
      const value = news[property];
      if (value !== undefined && value !== null && known(value) && typeof value !== 'string') {
        failures.push({ property, reason: `${property} must be a string` });
      }
    }
    if (failures.length > 0) return { failures };
    const inputs: Record<string, unknown> = {};
    for (const field of [...REPLACE_FIELDS, ...SOURCE_FIELDS]) {
      if (news[field] !== undefined && news[field] !== null) inputs[field] = news[field];
    }
    return { inputs: inputs as unknown as BatchSourceRegistrationInputs };
  }

  async diff(
    _id: string,
    olds: BatchSourceRegistrationOutputs,
    news: BatchSourceRegistrationInputs,
  ): Promise<pulumi.dynamic.DiffResult> {
    const differs = (field: keyof BatchSourceRegistrationInputs) =>
      containsUnknown(news[field]) || (news[field] ?? '') !== (olds[field] ?? '');
    const replaces = REPLACE_FIELDS.filter(differs);
    const changed = SOURCE_FIELDS.filter(differs);
    // A group unpublished out of band (seen by refresh) is published again by an update.
    const republish = olds.published === false;
    return { changes: replaces.length > 0 || changed.length > 0 || republish, replaces: [...replaces], deleteBeforeReplace: false };
  }

  async create(inputs: BatchSourceRegistrationInputs): Promise<pulumi.dynamic.CreateResult<BatchSourceRegistrationOutputs>> {
    const session = openSession(resolveConnection(this.configured));
    const { attributeGroupName: name, attributeGroupVersion: version } = inputs;
    const groupPath = PROVIDER_PATHS.attributeGroupVersion(name, version);
    const group = await session.call('GET', groupPath);
    if (group.status === 404) {
      throw new Error(`Attribute group ${name} version ${version} is not registered in Signals; register it before materializing.`);
    }
    if (group.status !== 200) throw session.failure('GET', groupPath, group);
    try {
      await this.materialize(session, inputs);
    } catch (error) {
      // Leave nothing half-registered: undo the batch source this call added (best effort).
      if (!group.data?.batch_source) await removeBatchSource(session, name, version).catch(() => undefined);
      throw error;
    }
    return { id: `${name}/${version}`, outs: { ...inputs, published: true } };
  }

  async update(
    _id: string,
    _olds: BatchSourceRegistrationOutputs,
    news: BatchSourceRegistrationInputs,
  ): Promise<pulumi.dynamic.UpdateResult<BatchSourceRegistrationOutputs>> {
    const session = openSession(resolveConnection(this.configured));
    await this.materialize(session, news);
    return { outs: { ...news, published: true } };
  }

  async read(
    id: string,
    props?: BatchSourceRegistrationOutputs,
  ): Promise<pulumi.dynamic.ReadResult<BatchSourceRegistrationOutputs>> {
    const [idName, idVersion] = id.split('/');
    const name = props?.attributeGroupName ?? idName;
    const version = props?.attributeGroupVersion ?? Number(idVersion);
    const session = openSession(resolveConnection(this.configured));
    const path = PROVIDER_PATHS.attributeGroupVersion(name, version);
    const answer = await session.call('GET', path);
    if (answer.status === 404) return { id: '' };
    if (answer.status !== 200) throw session.failure('GET', path, answer);
    const source = answer.data?.batch_source;
    if (!source) return { id: '' };
    const live: BatchSourceRegistrationInputs = {
      attributeGroupName: name,
      attributeGroupVersion: version,
      name: source.name,
      database: source.database,
      schema: source.schema ?? source.wh_schema,
      table: source.table,
      timestampField: source.timestamp_field,
    };
    if (source.description) live.description = source.description;
    if (source.owner) live.owner = source.owner;
    return { id, props: { ...live, published: answer.data.is_published === true }, inputs: live as BatchSourceRegistrationOutputs };
  }

  async delete(_id: string, props: BatchSourceRegistrationOutputs): Promise<void> {
    const session = openSession(resolveConnection(this.configured));
    await unpublishGroup(session, props.attributeGroupName, props.attributeGroupVersion);
    await removeBatchSource(session, props.attributeGroupName, props.attributeGroupVersion);
  }

  /** PUT the batch source, then publish the group. */
  private async materialize(session: SignalsSession, inputs: BatchSourceRegistrationInputs): Promise<void> {
    const { attributeGroupName: name, attributeGroupVersion: version } = inputs;
    const path = PROVIDER_PATHS.batchSource(name, version);
    const put = await session.call('PUT', path, batchSourceBody(inputs));
    if (put.status < 200 || put.status >= 300) throw session.failure('PUT', path, put);
    const published = await session.call('POST', PROVIDER_PATHS.publish, { attribute_groups: [{ name, version }] });
    if (published.status < 200 || published.status >= 300) throw session.failure('POST', PROVIDER_PATHS.publish, published);
  }
}

export interface BatchSourceRegistrationArgs {
  attributeGroupName: pulumi.Input<string>;
  attributeGroupVersion: pulumi.Input<number>;
  name: pulumi.Input<string>;
  database: pulumi.Input<string>;
  schema: pulumi.Input<string>;
  table: pulumi.Input<string>;
  timestampField: pulumi.Input<string>;
  description?: pulumi.Input<string>;
  owner?: pulumi.Input<string>;
}

/**
 * The attribute table registered as a group's batch source, with the group published (materialized).
 * Credentials: stack config `signals-batch:apiUrl`, `signals-batch:apiKey` (secret), `signals-batch:apiKeyId`,
 * `signals-batch:orgId`, `signals-batch:authMode`, `signals-batch:sandboxToken` (secret),
 * `signals-batch:consoleUrl`, or the `SNOWPLOW_*` environment variables.
 */
export class BatchSourceRegistration extends pulumi.dynamic.Resource {
  declare public readonly attributeGroupName: pulumi.Output<string>;
  declare public readonly attributeGroupVersion: pulumi.Output<number>;
  declare public readonly name: pulumi.Output<string>;
  declare public readonly database: pulumi.Output<string>;
  declare public readonly schema: pulumi.Output<string>;
  declare public readonly table: pulumi.Output<string>;
  declare public readonly timestampField: pulumi.Output<string>;
  declare public readonly description: pulumi.Output<string | undefined>;
  declare public readonly owner: pulumi.Output<string | undefined>;
  declare public readonly published: pulumi.Output<boolean>;

  constructor(name: string, args: BatchSourceRegistrationArgs, opts?: pulumi.CustomResourceOptions) {
    super(new BatchSourceRegistrationProvider(), name, { ...args, published: undefined }, opts, 'signals-batch', 'BatchSourceRegistration');
  }
}

/** The duplicated constants, exported for the test that keeps them equal to src/signals and src/definition. */
export {
  PROVIDER_PATHS as providerPaths,
  CONFIG_KEYS as providerConfigKeys,
  ENV_NAMES as providerEnvNames,
  NAME_PATTERN as providerNamePattern,
  DATABASE_PATTERN as providerDatabasePattern,
};
