/**
 * Pulumi dynamic provider: registers a batch attribute group (a view version) in the Signals registry.
 *
 * Self-contained on purpose (reference pulumi-notes, 2.3): the provider object is serialized into the
 * Pulumi state, so this file imports no local module, requires nothing at module scope that a method
 * uses, keeps no state captured at serialization time, and reads credentials at call time (provider
 * `configure` -> stack config `signals-batch:*`, else the `SNOWPLOW_*` environment variables).
 *
 * Lifecycle: create/update upsert the group (GET, then POST or PUT; `is_published` and `batch_source`
 * are carried over from the live group so re-registering never unmaterializes it); a name or version
 * change replaces the resource; read returns the live registry state (drift); delete unpublishes when
 * needed and deletes the version, tolerating 404.
 */
import * as pulumi from '@pulumi/pulumi';

/** The attribute group in the Signals API's JSON input form (snake_case, as `toApiView` returns it). */
export type AttributeGroupJson = Record<string, unknown> & { name: string; version?: number };

export interface AttributeGroupRegistrationInputs {
  /** The group definition, API JSON form. `is_published` and `batch_source` in it are ignored. */
  group: AttributeGroupJson;
  /** Publish the group when registering. Default false (materialization publishes). */
  publish?: boolean;
}

export interface AttributeGroupRegistrationOutputs {
  /** Group name and version (copied from `group`, the replace keys). */
  name: string;
  version: number;
  /** The definition as registered (or as found live by a refresh, when it drifted). */
  group: AttributeGroupJson;
  publish: boolean;
  /** Live publication flag after the last operation. */
  isPublished: boolean;
  /** `{name}_v{version}` (the API's `full_name`). */
  fullName: string;
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
/** Registry fields owned by other operations, never compared nor sent from the definition. */
const NOT_DEFINITION_FIELDS = ['is_published', 'batch_source'];

function definitionOf(group: AttributeGroupJson): AttributeGroupJson {
  const copy = { ...group };
  for (const field of NOT_DEFINITION_FIELDS) delete copy[field];
  return { ...copy, version: group.version ?? 1 };
}

/** The plain provider (tested directly); `AttributeGroupRegistration` below wraps it for Pulumi. */
export class AttributeGroupRegistrationProvider
  implements pulumi.dynamic.ResourceProvider<AttributeGroupRegistrationInputs, AttributeGroupRegistrationOutputs>
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
    _olds: AttributeGroupRegistrationInputs,
    news: AttributeGroupRegistrationInputs,
  ): Promise<pulumi.dynamic.CheckResult<AttributeGroupRegistrationInputs>> {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    const group = news.group as Record<string, unknown> | undefined;
    if (group === (UNKNOWN_VALUE as unknown)) return { inputs: news };
    if (!group || typeof group !== 'object' || Array.isArray(group)) {
      return { failures: [{ property: 'group', reason: 'group must be the attribute group as an object (API JSON form)' }] };
    }
    const known = (value: unknown) => value !== undefined && !containsUnknown(value);
    if (known(group.name) && (typeof group.name !== 'string' || !NAME_PATTERN.test(group.name) || group.name.length > 128)) {
      failures.push({ property: 'group', reason: `group.name must match ${NAME_PATTERN.source} (1-128 characters); got ${JSON.stringify(group.name)}` });
    }
    if (group.name === undefined) failures.push({ property: 'group', reason: 'group.name is required' });
    if (known(group.version) && (!Number.isInteger(group.version) || (group.version as number) < 1)) {
      failures.push({ property: 'group', reason: `group.version must be a positive integer; got ${JSON.stringify(group.version)}` });
    }
    if (group.owner === undefined || (known(group.owner) && (typeof group.owner !== 'string' || group.owner === ''))) {
      failures.push({ property: 'group', reason: 'group.owner is required (the owner\'s email address)' });
    }
    const key = group.attribute_key as Record<string, unknown> | undefined;
    if (known(key) && (!key || typeof key !== 'object' || typeof key.name !== 'string' || !NAME_PATTERN.test(key.name))) {
      failures.push({ property: 'group', reason: `group.attribute_key.name must match ${NAME_PATTERN.source}` });
    }
    if (known(group.attributes) && (!Array.isArray(group.attributes) || group.attributes.length === 0)) {
      failures.push({ property: 'group', reason: 'group.attributes must list at least one attribute' });
    }
    if (known(news.publish) && news.publish !== undefined && typeof news.publish !== 'boolean') {
      failures.push({ property: 'publish', reason: 'publish must be true or false' });
    }
    if (failures.length > 0) return { failures };
    return { inputs: { group: news.group, publish: news.publish ?? false } };
  }

  async diff(
    _id: string,
    olds: AttributeGroupRegistrationOutputs,
    news: AttributeGroupRegistrationInputs,
  ): Promise<pulumi.dynamic.DiffResult> {
    const newGroup = (news.group ?? {}) as AttributeGroupJson;
    const replaces: string[] = [];
    const newName = newGroup.name;
    const newVersion = newGroup.version ?? 1;
    if (containsUnknown(newName) || newName !== olds.name || containsUnknown(newVersion) || newVersion !== olds.version) {
      replaces.push('group');
    }
    const changed =
      replaces.length > 0 ||
      containsUnknown(news.group) ||
      canonicalJson(definitionOf(newGroup)) !== canonicalJson(definitionOf(olds.group)) ||
      (news.publish ?? false) !== (olds.publish ?? false) ||
      ((news.publish ?? false) && olds.isPublished === false);
    return { changes: changed, replaces, deleteBeforeReplace: false };
  }

  async create(inputs: AttributeGroupRegistrationInputs): Promise<pulumi.dynamic.CreateResult<AttributeGroupRegistrationOutputs>> {
    const outs = await this.register(inputs);
    return { id: `${outs.name}/${outs.version}`, outs };
  }

  async update(
    _id: string,
    _olds: AttributeGroupRegistrationOutputs,
    news: AttributeGroupRegistrationInputs,
  ): Promise<pulumi.dynamic.UpdateResult<AttributeGroupRegistrationOutputs>> {
    return { outs: await this.register(news) };
  }

  async read(
    id: string,
    props?: AttributeGroupRegistrationOutputs,
  ): Promise<pulumi.dynamic.ReadResult<AttributeGroupRegistrationOutputs>> {
    const [idName, idVersion] = id.split('/');
    const name = props?.name ?? idName;
    const version = props?.version ?? Number(idVersion);
    const session = openSession(resolveConnection(this.configured));
    const path = PROVIDER_PATHS.attributeGroupVersion(name, version);
    const answer = await session.call('GET', path);
    if (answer.status === 404) return { id: '' };
    if (answer.status !== 200) throw session.failure('GET', path, answer);
    const liveDefinition = definitionOf(groupInputOf(answer.data) as AttributeGroupJson);
    // Keep the recorded definition while every field it sets still holds; otherwise report the live one.
    const group = props?.group && liveMatches(definitionOf(props.group), liveDefinition) ? props.group : liveDefinition;
    const publish = props?.publish ?? false;
    const outs: AttributeGroupRegistrationOutputs = {
      name,
      version,
      group,
      publish,
      isPublished: answer.data.is_published === true,
      fullName: `${name}_v${version}`,
    };
    return { id, props: outs, inputs: { group, publish } as unknown as AttributeGroupRegistrationOutputs };
  }

  async delete(_id: string, props: AttributeGroupRegistrationOutputs): Promise<void> {
    const session = openSession(resolveConnection(this.configured));
    const path = PROVIDER_PATHS.attributeGroupVersion(props.name, props.version);
    const live = await session.call('GET', path);
    if (live.status === 404) return;
    if (live.status !== 200) throw session.failure('GET', path, live);
    if (live.data?.is_published) await unpublishGroup(session, props.name, props.version);
    const answer = await session.call('DELETE', path);
    if (answer.status !== 404 && (answer.status < 200 || answer.status >= 300)) throw session.failure('DELETE', path, answer);
  }

  /** Upsert: GET, then POST (new) or PUT (existing, keeping its publication and batch source). */
  private async register(inputs: AttributeGroupRegistrationInputs): Promise<AttributeGroupRegistrationOutputs> {
    const session = openSession(resolveConnection(this.configured));
    const definition = definitionOf(inputs.group);
    const name = definition.name;
    const version = definition.version as number;
    const publish = inputs.publish ?? false;
    const path = PROVIDER_PATHS.attributeGroupVersion(name, version);
    const live = await session.call('GET', path);
    let answer: HttpAnswer;
    if (live.status === 404) {
      answer = await session.call('POST', PROVIDER_PATHS.attributeGroups, { ...definition, is_published: publish });
      if (answer.status < 200 || answer.status >= 300) throw session.failure('POST', PROVIDER_PATHS.attributeGroups, answer);
    } else if (live.status === 200) {
      const current = groupInputOf(live.data);
      const body: Record<string, unknown> = { ...definition, is_published: publish || current.is_published === true };
      if (current.batch_source) body.batch_source = current.batch_source;
      answer = await session.call('PUT', path, body);
      if (answer.status < 200 || answer.status >= 300) throw session.failure('PUT', path, answer);
    } else {
      throw session.failure('GET', path, live);
    }
    return {
      name,
      version,
      group: inputs.group,
      publish,
      isPublished: answer.data?.is_published === true,
      fullName: `${name}_v${version}`,
    };
  }
}

export interface AttributeGroupRegistrationArgs {
  /**
   * The attribute group in the Signals API's JSON input form (e.g. `toApiView(view)`): `name`, `version`,
   * `owner`, `attribute_key`, `attributes`, ... (checked by the provider's `check`).
   */
  group: pulumi.Input<Record<string, unknown>>;
  /** Publish the group when registering. Default false: materialization (BatchSourceRegistration) publishes. */
  publish?: pulumi.Input<boolean>;
}

/**
 * A batch attribute group registered in Signals. Changing the group's name or version replaces it; any
 * other definition change updates it in place. Credentials: stack config `signals-batch:apiUrl`,
 * `signals-batch:apiKey` (secret), `signals-batch:apiKeyId`, `signals-batch:orgId`, `signals-batch:authMode`,
 * `signals-batch:sandboxToken` (secret), `signals-batch:consoleUrl`, or the `SNOWPLOW_*` environment variables.
 */
export class AttributeGroupRegistration extends pulumi.dynamic.Resource {
  declare public readonly name: pulumi.Output<string>;
  declare public readonly version: pulumi.Output<number>;
  declare public readonly group: pulumi.Output<AttributeGroupJson>;
  declare public readonly publish: pulumi.Output<boolean>;
  declare public readonly isPublished: pulumi.Output<boolean>;
  declare public readonly fullName: pulumi.Output<string>;

  constructor(name: string, args: AttributeGroupRegistrationArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      new AttributeGroupRegistrationProvider(),
      name,
      { group: args.group, publish: args.publish, name: undefined, version: undefined, isPublished: undefined, fullName: undefined },
      opts,
      'signals-batch',
      'AttributeGroupRegistration',
    );
  }
}

/** The duplicated constants, exported for the test that keeps them equal to src/signals/paths.ts. */
export { PROVIDER_PATHS as providerPaths, CONFIG_KEYS as providerConfigKeys, ENV_NAMES as providerEnvNames };
