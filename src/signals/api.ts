/**
 * The Signals API operations: registry (attribute groups), batch source, publish/unpublish, online
 * attributes, health. Base URL `{apiUrl}/api/v1/`; auth, timeouts and retries as described in `auth.ts`
 * and `transport.ts`. Bodies are sent as given: `SignalsClient` (client.ts) adds the input checks.
 *
 * The Pulumi providers use this class directly. Pulumi serializes their code, with everything it
 * reaches, into the state; nothing here may reach a zod schema (its bound methods cannot be serialized),
 * which is why the checks live in the subclass.
 */
import type { AxiosInstance } from 'axios';
import type { BatchSourceConfig } from '../definition/batchSource';
import { BdpTokenSource, SandboxTokenSource, type SignalsAuth, type TokenSource, assertCompleteAuth } from './auth';
import { SignalsAuthError, SignalsError, SignalsInputError, SignalsMaterializeError, apiMessageFromBody, redact } from './errors';
import { type AttributeGroupBody, type AttributeGroupResponse, describeBatchSource, toGroupInput, withLiveState } from './groups';
import { type HealthResponse, checkedApiUrl, requestHealth } from './health';
import { ROUTE_MISSING_STATUSES, SIGNALS_PATHS } from './paths';
import {
  DEFAULT_RETRY_POLICY,
  DEFAULT_TIMEOUT_MS,
  type HttpResult,
  type RetryPolicy,
  type TransportOptions,
  createAxios,
  httpError,
  sendWithRetries,
} from './transport';

export type PropertySyntax = 'snowflake' | 'bigquery' | 'databricks';

export interface SignalsClientOptions {
  /** Signals API URL, without `/api/v1` (a trailing slash is ignored). */
  apiUrl: string;
  auth: SignalsAuth;
  /** Per-attempt timeout. Default 30 s (as the reference SDK). */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Refresh BDP tokens this long before expiry. Default 60 s. */
  tokenRefreshMarginMs?: number;
  /** Verbose log sink: one line per HTTP attempt (method, path, status, time); never headers or bodies. */
  logger?: (line: string) => void;
}

export interface PublishResponse {
  status: string;
}

export interface UnpublishResult {
  status: string;
  /** Which mechanism did it (see `paths.ts`): the inferred endpoint, the `is_published` fallback, or nothing. */
  via: 'engines/unpublish' | 'is_published' | 'group-absent';
}

export interface RemoveBatchSourceResult {
  removed: boolean;
  via: 'delete' | 'group-update' | 'absent';
}

export interface OnlineAttributesRequest {
  attribute_keys: Record<string, string[]>;
  attributes?: string[];
  service?: string;
  full_attribute_names?: boolean;
}

export class SignalsApi {
  private readonly apiBase: string;
  private readonly http: AxiosInstance;
  private readonly tokens: TokenSource;
  private readonly transport: TransportOptions;

  constructor(options: SignalsClientOptions) {
    this.apiBase = checkedApiUrl(options.apiUrl);
    assertCompleteAuth(options.auth);
    this.http = createAxios();
    const transportBase = {
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      retry: { ...DEFAULT_RETRY_POLICY, ...options.retry },
      logger: options.logger,
    };
    this.tokens =
      options.auth.mode === 'sandbox'
        ? new SandboxTokenSource(options.auth.sandboxToken)
        : new BdpTokenSource(options.auth, this.http, transportBase, options.tokenRefreshMarginMs);
    this.transport = { ...transportBase, secrets: () => this.tokens.secrets() };
  }

  /** `GET {apiUrl}/health-all` (no auth). */
  async health(): Promise<HealthResponse> {
    return requestHealth(this.http, this.apiBase, this.transport);
  }

  /** `GET registry/attribute_groups/`, optionally only offline (batch) groups and with warehouse property paths. */
  async listAttributeGroups(params: { offline?: boolean; propertySyntax?: PropertySyntax } = {}): Promise<AttributeGroupResponse[]> {
    const query: Record<string, string | boolean> = {};
    if (params.offline !== undefined) query.offline = params.offline;
    if (params.propertySyntax) query.property_syntax = params.propertySyntax;
    const { result, callName } = await this.call('GET', SIGNALS_PATHS.attributeGroups, { params: query });
    const body = this.expectOk(result, callName);
    if (!Array.isArray(body)) {
      throw new SignalsError(`Signals API call ${callName} did not answer with a list.`, {
        call: callName,
        status: result.status,
        attempts: result.attempts,
      });
    }
    return body as AttributeGroupResponse[];
  }

  /** One version of a group (or the latest when `version` is omitted); undefined when it does not exist. */
  async getAttributeGroup(name: string, version?: number): Promise<AttributeGroupResponse | undefined> {
    const path = version === undefined ? SIGNALS_PATHS.attributeGroupLatest(name) : SIGNALS_PATHS.attributeGroupVersion(name, version);
    const { result, callName } = await this.call('GET', path);
    if (result.status === 404) return undefined;
    return this.expectOk(result, callName) as AttributeGroupResponse;
  }

  /**
   * Registers a group: reads it first, then creates (POST) or updates (PUT). Fields owned by other
   * operations (`batch_source` set by materialize, `is_published` set by publish) are carried over from
   * the live group unless the body sets them, so re-registering never silently unmaterializes. A POST
   * answered 400 ("already exists", e.g. created concurrently) falls back to PUT, like the reference SDK.
   */
  async upsertAttributeGroup(
    body: AttributeGroupBody,
    options: { publish?: boolean } = {},
  ): Promise<{ action: 'created' | 'updated'; group: AttributeGroupResponse }> {
    const { name, version } = groupIdentity(body);
    const payload: Record<string, unknown> = { ...body, version };
    if (options.publish !== undefined) payload.is_published = options.publish;
    const live = await this.getAttributeGroup(name, version);
    if (live) return { action: 'updated', group: await this.putGroup(name, version, withLiveState(payload, live)) };

    if (payload.is_published === undefined) payload.is_published = false;
    const { result, callName } = await this.call('POST', SIGNALS_PATHS.attributeGroups, { data: payload });
    if (result.status === 400) {
      this.transport.logger?.(`${callName}: HTTP 400 (group exists), updating it instead`);
      const raced = await this.getAttributeGroup(name, version);
      const merged = raced ? withLiveState(payload, raced) : payload;
      return { action: 'updated', group: await this.putGroup(name, version, merged) };
    }
    return { action: 'created', group: this.expectOk(result, callName) as AttributeGroupResponse };
  }

  /** `DELETE registry/attribute_groups/{name}/versions/{version}`; a missing group is not an error. */
  async deleteAttributeGroup(name: string, version: number): Promise<{ deleted: boolean }> {
    const { result, callName } = await this.call('DELETE', SIGNALS_PATHS.attributeGroupVersion(name, version));
    if (result.status === 404) return { deleted: false };
    this.expectOk(result, callName);
    return { deleted: true };
  }

  /** `PUT .../batch_source` with `{name, database, wh_schema, table, timestamp_field, description?, owner?}`. */
  async putBatchSource(name: string, version: number, config: BatchSourceConfig): Promise<unknown> {
    const body: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(config)) {
      if (value !== null && value !== undefined && value !== '') body[key] = value;
    }
    const { result, callName } = await this.call('PUT', SIGNALS_PATHS.batchSource(name, version), { data: body });
    return this.expectOk(result, callName);
  }

  /** `POST engines/publish {"attribute_groups":[{name, version}]}`. */
  async publish(name: string, version: number): Promise<PublishResponse> {
    const { result, callName } = await this.call('POST', SIGNALS_PATHS.publish, {
      data: { attribute_groups: [{ name, version }] },
    });
    const body = this.expectOk(result, callName) as Partial<PublishResponse> | undefined;
    return { status: typeof body?.status === 'string' ? body.status : 'published' };
  }

  /**
   * Unpublishes a group. The real path is not public (see `paths.ts`): tries `POST engines/unpublish`; on
   * 404/405 falls back to re-registering the group with `is_published: false`. A missing group is not an error.
   */
  async unpublish(name: string, version: number): Promise<UnpublishResult> {
    const { result, callName } = await this.call('POST', SIGNALS_PATHS.unpublish, {
      data: { attribute_groups: [{ name, version }] },
    });
    if (!ROUTE_MISSING_STATUSES.includes(result.status)) {
      const body = this.expectOk(result, callName) as Partial<PublishResponse> | undefined;
      return { status: typeof body?.status === 'string' ? body.status : 'unpublished', via: 'engines/unpublish' };
    }
    this.transport.logger?.(`${callName}: HTTP ${result.status}, falling back to is_published=false`);
    const live = await this.getAttributeGroup(name, version);
    if (!live) return { status: 'nothing to unpublish', via: 'group-absent' };
    if (live.is_published === false) return { status: 'nothing to unpublish', via: 'is_published' };
    await this.putGroup(name, version, { ...toGroupInput(live), is_published: false });
    return { status: 'unpublished', via: 'is_published' };
  }

  /**
   * Removes the group's batch source. The real path is not public (see `paths.ts`): tries `DELETE
   * .../batch_source`; on 404/405 falls back to re-registering the group without `batch_source`.
   */
  async removeBatchSource(name: string, version: number): Promise<RemoveBatchSourceResult> {
    const { result, callName } = await this.call('DELETE', SIGNALS_PATHS.batchSource(name, version));
    if (!ROUTE_MISSING_STATUSES.includes(result.status)) {
      this.expectOk(result, callName);
      return { removed: true, via: 'delete' };
    }
    const live = await this.getAttributeGroup(name, version);
    if (!live || !live.batch_source) return { removed: false, via: 'absent' };
    const input = toGroupInput(live);
    delete input.batch_source;
    await this.putGroup(name, version, input);
    return { removed: true, via: 'group-update' };
  }

  /**
   * Materialize: register the batch source, then publish the group so Signals syncs the table. When
   * publishing fails after the batch source was registered, the `SignalsMaterializeError` says what
   * Signals holds now (read back) and that materializing again finishes it.
   */
  async materialize(name: string, version: number, config: BatchSourceConfig): Promise<{ publish: PublishResponse }> {
    await this.putBatchSource(name, version, config);
    try {
      return { publish: await this.publish(name, version) };
    } catch (error) {
      if (!(error instanceof SignalsError)) throw error;
      const now = await this.materializationState(name, version);
      throw new SignalsMaterializeError(
        `Materializing attribute group ${name} version ${version} stopped halfway: the batch source was registered, ` +
          `then publishing failed: ${error.message} Signals now: ${now.description}. ` +
          'Materializing again finishes it (it is safe to repeat).',
        error,
        now.published,
      );
    }
  }

  /**
   * What Signals holds for one group version, as a sentence (`attribute group g version 1 is registered
   * with batch source db.schema.table and is not published, so Signals does not sync it`), read live.
   */
  async materializationState(name: string, version: number): Promise<{ description: string; published?: boolean }> {
    const subject = `attribute group ${name} version ${version}`;
    let live: AttributeGroupResponse | undefined;
    try {
      live = await this.getAttributeGroup(name, version);
    } catch (error) {
      return { description: `${subject} could not be read back (${(error as Error).message})` };
    }
    if (!live) return { description: `${subject} is not registered`, published: false };
    const source = live.batch_source ? `with batch source ${describeBatchSource(live.batch_source)}` : 'without a batch source';
    const published = live.is_published === true;
    const sync = published ? 'and is published' : 'and is not published, so Signals does not sync it';
    return { description: `${subject} is registered ${source} ${sync}`, published };
  }

  /** Unmaterialize: unpublish the group, then remove its batch source. Missing objects are not errors. */
  async unmaterialize(name: string, version: number): Promise<{ unpublish: UnpublishResult; batchSource: RemoveBatchSourceResult }> {
    const unpublish = await this.unpublish(name, version);
    const batchSource = await this.removeBatchSource(name, version);
    return { unpublish, batchSource };
  }

  /** `POST get-online-attributes`: `{column: [value per identifier]}`. */
  async getOnlineAttributes(request: OnlineAttributesRequest): Promise<Record<string, unknown[]>> {
    const { result, callName } = await this.call('POST', SIGNALS_PATHS.onlineAttributes, {
      data: { full_attribute_names: false, ...request },
    });
    return this.expectOk(result, callName) as Record<string, unknown[]>;
  }

  private async putGroup(name: string, version: number, body: Record<string, unknown>): Promise<AttributeGroupResponse> {
    const { result, callName } = await this.call('PUT', SIGNALS_PATHS.attributeGroupVersion(name, version), {
      data: body,
    });
    return this.expectOk(result, callName) as AttributeGroupResponse;
  }

  /**
   * An authenticated call relative to `/api/v1/`. A 401 discards the cached token and retries once with
   * a fresh one (BDP); a second refusal is a `SignalsAuthError`.
   */
  private async call(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    options: { params?: Record<string, string | number | boolean>; data?: unknown } = {},
  ): Promise<{ result: HttpResult; callName: string }> {
    const callName = `${method} ${path}`;
    const send = async (token: string) =>
      sendWithRetries(
        this.http,
        {
          method,
          url: `${this.apiBase}${SIGNALS_PATHS.apiPrefix}${path}`,
          callName,
          params: options.params,
          data: options.data,
          headers: { Authorization: `Bearer ${token}` },
        },
        this.transport,
      );
    let result = await send(await this.tokens.getToken());
    if (result.status === 401 && this.tokens.canRefresh) {
      this.transport.logger?.(`${callName}: HTTP 401, refreshing the access token and retrying once`);
      result = await send(await this.tokens.getToken(true));
    }
    if (result.status === 401 || result.status === 403) {
      const secrets = this.tokens.secrets();
      const apiMessage = apiMessageFromBody(result.data);
      const safeMessage = apiMessage === undefined ? undefined : redact(apiMessage, secrets);
      const hint = this.tokens.canRefresh
        ? 'Check that the API key belongs to the organization and may use Signals'
        : 'Check --sandbox-token/SNOWPLOW_SANDBOX_TOKEN';
      throw new SignalsAuthError(
        redact(
          `Signals API call ${callName} was refused with HTTP ${result.status}` + (safeMessage ? `: ${safeMessage}` : '') + `. ${hint}.`,
          secrets,
        ),
        { call: callName, status: result.status, apiMessage: safeMessage, attempts: result.attempts },
      );
    }
    return { result, callName };
  }

  private expectOk(result: HttpResult, callName: string): unknown {
    if (result.status >= 200 && result.status < 300) return result.data;
    throw httpError(result, callName, this.tokens.secrets());
  }
}

function groupIdentity(body: AttributeGroupBody): { name: string; version: number } {
  if (!body || typeof body.name !== 'string' || body.name === '') {
    throw new SignalsInputError('An attribute group needs a non-empty "name".');
  }
  const version = body.version ?? 1;
  if (!Number.isInteger(version) || version < 1) {
    throw new SignalsInputError(`Attribute group ${body.name}: "version" must be a positive integer; got ${JSON.stringify(body.version)}.`);
  }
  return { name: body.name, version };
}
