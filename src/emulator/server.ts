/**
 * A local Signals API on loopback, strict like the real one as far as the public SDK shows it:
 * bearer auth, the console token endpoint, FastAPI-style 422 bodies validated with the project's own
 * schemas, 400 when creating an existing object, 404 for missing ones, 405 for a known path with the
 * wrong method. See `docs/signals.md` for the endpoint list and which behaviours are inferred.
 */
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { basename, extname, resolve } from 'node:path';
import { toBatchSourceModel } from '../definition/batchSource';
import { FaultInjector, FaultSpec } from './faults';
import { OnlineStoreError, readOnlineValues } from './onlineStore';
import { WAREHOUSE_SYNTAXES, WarehouseSyntax, renderGroupProperties } from './propertySyntax';
import { EmulatorState, StoredGroup } from './state';
import { TokenAuthority } from './tokens';
import {
  ValidationDetail,
  validateAttributeKeyBody,
  validateBatchSourceBody,
  validateGroupBody,
  validateOnlineAttributesBody,
  validatePublishBody,
} from './validation';

export interface EmulatorCredentials {
  apiKey: string;
  apiKeyId: string;
  orgId: string;
  sandboxToken: string;
}

export interface EmulatorOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Interface to listen on. Default 127.0.0.1 (loopback only). */
  host?: string;
  /** Accepted credentials; anything not given is generated at random. */
  credentials?: Partial<EmulatorCredentials>;
  /** Lifetime of access tokens from the console token endpoint. Default 3600 s. */
  tokenTtlSeconds?: number;
  /** Persist the registry to this JSON file (loaded at start when it exists). */
  statePath?: string;
  /** DuckDB files serving `get-online-attributes`, by batch-source `database` name. */
  duckdbFiles?: Record<string, string>;
  /** One line per request (method, path, status); never headers or bodies. */
  logger?: (line: string) => void;
}

export interface HealthState {
  status: string;
  dependencies: Record<string, string>;
}

export interface RequestRecord {
  method: string;
  /** Path and query string as received. */
  path: string;
  status: number;
}

export interface EmulatorHandle {
  /** API URL to give the client (`--api-url`); `/api/v1` and `/health-all` live under it. */
  url: string;
  /** Console URL for BDP token exchange (`--console-url`); the same server. */
  consoleUrl: string;
  credentials: EmulatorCredentials;
  faults: FaultInjector;
  state: EmulatorState;
  tokens: TokenAuthority;
  /** Requests handled so far, in order (the latest 10000). */
  requests: RequestRecord[];
  /** Changes what `GET /health-all` answers. */
  setHealth(health: HealthState): void;
  close(): Promise<void>;
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

interface RequestContext {
  method: string;
  url: URL;
  body: unknown;
  rawBody: string;
}

type RouteHandler = (ctx: RequestContext, params: string[]) => Promise<Reply> | Reply;

interface Route {
  pattern: RegExp;
  handlers: Partial<Record<string, RouteHandler>>;
}

const API_PREFIX = '/api/v1/';
const CONSOLE_TOKEN_PATTERN = /^\/api\/msc\/v1\/organizations\/([^/]+)\/credentials\/v3\/token\/?$/;
const MAX_BODY_BYTES = 5 * 1024 * 1024;
const MAX_RECORDED_REQUESTS = 10000;

const detail = (message: string): { detail: string } => ({ detail: message });
const unprocessable = (entries: ValidationDetail[]): Reply => ({ status: 422, body: { detail: entries } });

/** Starts the emulator; resolves once it listens. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<EmulatorHandle> {
  const credentials: EmulatorCredentials = {
    apiKey: options.credentials?.apiKey ?? `emu-key-${randomBytes(12).toString('hex')}`,
    apiKeyId: options.credentials?.apiKeyId ?? randomUUID(),
    orgId: options.credentials?.orgId ?? randomUUID(),
    sandboxToken: options.credentials?.sandboxToken ?? `emu-sandbox-${randomBytes(12).toString('hex')}`,
  };
  const state = new EmulatorState(options.statePath);
  const tokens = new TokenAuthority(options.tokenTtlSeconds ?? 3600);
  const faults = new FaultInjector();
  const requests: RequestRecord[] = [];
  const duckdbFiles = Object.fromEntries(
    Object.entries(options.duckdbFiles ?? {}).map(([database, file]) => [database, resolve(file)]),
  );
  let health: HealthState = { status: 'ok', dependencies: { storage: 'ok', feature_server: 'ok' } };
  const log = options.logger ?? (() => undefined);

  const api = new SignalsApi(state, duckdbFiles, log);
  const routes = api.routes();
  const stallTimers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://emulator.local');
    const record = (status: number) => {
      // Bounded, so a long-running emulator does not grow without limit.
      if (requests.length >= MAX_RECORDED_REQUESTS) requests.splice(0, requests.length - MAX_RECORDED_REQUESTS + 1);
      requests.push({ method, path: `${url.pathname}${url.search}`, status });
      log(`${method} ${url.pathname}${url.search} -> ${status}`);
    };
    const send = (reply: Reply) => {
      if (res.destroyed || res.writableEnded) return;
      const payload = reply.body === undefined ? '' : JSON.stringify(reply.body);
      res.writeHead(reply.status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(payload),
        ...reply.headers,
      });
      res.end(payload);
      record(reply.status);
    };

    const fault = faults.take(method, url.pathname);
    if (fault?.stallMs !== undefined) {
      await new Promise<void>((done) => {
        const timer = setTimeout(() => {
          stallTimers.delete(timer);
          done();
        }, fault.stallMs);
        stallTimers.add(timer);
        res.on('close', () => {
          clearTimeout(timer);
          stallTimers.delete(timer);
          done();
        });
      });
      if (res.destroyed) {
        record(0);
        return;
      }
    }
    if (fault?.status !== undefined) {
      send(faultReply(fault));
      return;
    }

    let rawBody: string;
    try {
      rawBody = await readBody(req);
    } catch {
      send({ status: 413, body: detail('Request body too large') });
      return;
    }
    let body: unknown;
    if (rawBody.trim() !== '') {
      try {
        body = JSON.parse(rawBody);
      } catch (error) {
        send(unprocessable([{ loc: ['body', 0], msg: `JSON decode error: ${(error as Error).message}`, type: 'json_invalid' }]));
        return;
      }
    }
    const ctx: RequestContext = { method, url, body, rawBody };

    if (url.pathname === '/health-all') {
      send(method === 'GET' ? { status: 200, body: health } : { status: 405, body: detail('Method Not Allowed') });
      return;
    }
    const consoleMatch = CONSOLE_TOKEN_PATTERN.exec(url.pathname);
    if (consoleMatch) {
      send(method === 'GET' ? tokenExchange(req, decodeURIComponent(consoleMatch[1])) : { status: 405, body: detail('Method Not Allowed') });
      return;
    }
    if (url.pathname.startsWith('/_emulator/')) {
      send(control(ctx));
      return;
    }
    if (!url.pathname.startsWith(API_PREFIX)) {
      send({ status: 404, body: detail('Not Found') });
      return;
    }
    const refused = checkBearer(req);
    if (refused) {
      send(refused);
      return;
    }
    send(await dispatch(routes, ctx, url.pathname.slice(API_PREFIX.length)));
  };

  const tokenExchange = (req: IncomingMessage, orgId: string): Reply => {
    const keyId = header(req, 'x-api-key-id');
    const key = header(req, 'x-api-key');
    if (!keyId || !key) return { status: 401, body: { message: 'Missing X-API-Key-Id or X-API-Key header' } };
    if (!safeEqual(keyId, credentials.apiKeyId) || !safeEqual(key, credentials.apiKey) || orgId !== credentials.orgId) {
      return { status: 401, body: { message: 'Invalid API key, API key id or organization' } };
    }
    return { status: 200, body: { accessToken: tokens.mint(orgId) } };
  };

  const checkBearer = (req: IncomingMessage): Reply | undefined => {
    const authorization = header(req, 'authorization');
    const match = authorization ? /^Bearer\s+(\S+)$/i.exec(authorization) : null;
    if (!match) return { status: 401, body: detail('Not authenticated'), headers: { 'www-authenticate': 'Bearer' } };
    const token = match[1];
    if (safeEqual(token, credentials.sandboxToken)) return undefined;
    const verdict = tokens.verify(token);
    return verdict.ok ? undefined : { status: 401, body: detail(verdict.reason), headers: { 'www-authenticate': 'Bearer' } };
  };

  const control = (ctx: RequestContext): Reply => {
    const path = ctx.url.pathname;
    if (path === '/_emulator/faults' && ctx.method === 'POST') {
      const spec = ctx.body as (FaultSpec & { pathRegex?: string }) | undefined;
      if (!spec || (typeof spec.path !== 'string' && typeof spec.pathRegex !== 'string')) {
        return unprocessable([{ loc: ['body', 'path'], msg: 'path or pathRegex required', type: 'missing' }]);
      }
      try {
        faults.inject({ ...spec, path: spec.pathRegex ? new RegExp(spec.pathRegex) : spec.path });
      } catch (error) {
        return unprocessable([{ loc: ['body'], msg: (error as Error).message, type: 'value_error' }]);
      }
      return { status: 201, body: { pending: faults.pending().length } };
    }
    if (path === '/_emulator/faults' && ctx.method === 'DELETE') {
      faults.clear();
      return { status: 200, body: {} };
    }
    if (path === '/_emulator/state' && ctx.method === 'GET') return { status: 200, body: state.snapshot() };
    return { status: 404, body: detail('Not Found') };
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`emulator error: ${(error as Error).message}`);
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify(detail('Internal Server Error')));
      }
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', rejectListen);
      resolveListen();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;

  return {
    url,
    consoleUrl: url,
    credentials,
    faults,
    state,
    tokens,
    requests,
    setHealth(next: HealthState) {
      health = structuredClone(next);
    },
    close: () =>
      new Promise<void>((resolveClose) => {
        for (const timer of stallTimers) clearTimeout(timer);
        stallTimers.clear();
        server.close(() => resolveClose());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/** The Signals API routes (relative to `/api/v1/`) over the registry state. */
class SignalsApi {
  constructor(
    private readonly state: EmulatorState,
    private readonly duckdbFiles: Record<string, string>,
    private readonly log: (line: string) => void,
  ) {}

  routes(): Route[] {
    return [
      {
        pattern: /^registry\/attribute_groups\/?$/,
        handlers: { GET: (ctx) => this.listGroups(ctx), POST: (ctx) => this.createGroup(ctx) },
      },
      { pattern: /^registry\/attribute_groups\/([^/]+)\/?$/, handlers: { GET: (_ctx, [name]) => this.latestGroup(name) } },
      {
        pattern: /^registry\/attribute_groups\/([^/]+)\/versions\/?$/,
        handlers: { GET: (_ctx, [name]) => this.groupVersions(name) },
      },
      {
        pattern: /^registry\/attribute_groups\/([^/]+)\/versions\/([^/]+)\/?$/,
        handlers: {
          GET: (_ctx, [name, version]) => this.withVersion(version, (v) => this.getGroup(name, v)),
          PUT: (ctx, [name, version]) => this.withVersion(version, (v) => this.updateGroup(ctx, name, v)),
          DELETE: (_ctx, [name, version]) => this.withVersion(version, (v) => this.deleteGroup(name, v)),
        },
      },
      {
        pattern: /^registry\/attribute_groups\/([^/]+)\/versions\/([^/]+)\/batch_source\/?$/,
        handlers: {
          PUT: (ctx, [name, version]) => this.withVersion(version, (v) => this.putBatchSource(ctx, name, v)),
          DELETE: (_ctx, [name, version]) => this.withVersion(version, (v) => this.deleteBatchSource(name, v)),
        },
      },
      {
        pattern: /^registry\/attribute_keys\/?$/,
        handlers: { GET: () => this.listKeys(), POST: (ctx) => this.createKey(ctx) },
      },
      {
        pattern: /^registry\/attribute_keys\/([^/]+)\/?$/,
        handlers: {
          GET: (_ctx, [name]) => this.getKey(name),
          PUT: (ctx, [name]) => this.updateKey(ctx, name),
          DELETE: (_ctx, [name]) => this.deleteKey(name),
        },
      },
      { pattern: /^engines\/publish\/?$/, handlers: { POST: (ctx) => this.setPublished(ctx, true) } },
      { pattern: /^engines\/unpublish\/?$/, handlers: { POST: (ctx) => this.setPublished(ctx, false) } },
      { pattern: /^get-online-attributes\/?$/, handlers: { POST: (ctx) => this.onlineAttributes(ctx) } },
    ];
  }

  private listGroups(ctx: RequestContext): Reply {
    const offlineParam = ctx.url.searchParams.get('offline');
    const syntaxParam = ctx.url.searchParams.get('property_syntax');
    const problems: ValidationDetail[] = [];
    if (offlineParam !== null && !['true', 'false'].includes(offlineParam.toLowerCase())) {
      problems.push({ loc: ['query', 'offline'], msg: 'Input should be a valid boolean', type: 'bool_parsing' });
    }
    if (syntaxParam !== null && !WAREHOUSE_SYNTAXES.includes(syntaxParam as WarehouseSyntax)) {
      problems.push({
        loc: ['query', 'property_syntax'],
        msg: `Input should be ${WAREHOUSE_SYNTAXES.map((s) => `'${s}'`).join(', ')}`,
        type: 'enum',
      });
    }
    if (problems.length > 0) return unprocessable(problems);
    const offline = offlineParam === null ? undefined : offlineParam.toLowerCase() === 'true';
    const groups = this.state
      .listGroups()
      .filter((group) => offline === undefined || (group.definition.offline === true) === offline)
      .map((group) => groupResponse(group))
      .map((body) => (syntaxParam ? renderGroupProperties(body, syntaxParam as WarehouseSyntax) : body));
    return { status: 200, body: groups };
  }

  private createGroup(ctx: RequestContext): Reply {
    const checked = validateGroupBody(ctx.body);
    if (!checked.ok) return unprocessable(checked.detail);
    const { name, version } = checked.value;
    if (this.state.getGroup(name, version)) {
      return { status: 400, body: detail(`Attribute group ${name} version ${version} already exists`) };
    }
    const stored = this.state.putGroup({
      name,
      version,
      definition: { ...checked.value.definition, version },
      isPublished: checked.value.isPublished,
      batchSource: checked.value.batchSource,
    });
    return { status: 201, body: groupResponse(stored) };
  }

  private latestGroup(name: string): Reply {
    const group = this.state.latestGroup(name);
    return group ? { status: 200, body: groupResponse(group) } : notFoundGroup(name);
  }

  private groupVersions(name: string): Reply {
    const versions = this.state.listGroups().filter((group) => group.name === name);
    return versions.length > 0 ? { status: 200, body: versions.map(groupResponse) } : notFoundGroup(name);
  }

  private getGroup(name: string, version: number): Reply {
    const group = this.state.getGroup(name, version);
    return group ? { status: 200, body: groupResponse(group) } : notFoundGroup(name, version);
  }

  private updateGroup(ctx: RequestContext, name: string, version: number): Reply {
    const checked = validateGroupBody(ctx.body);
    if (!checked.ok) return unprocessable(checked.detail);
    const mismatch: ValidationDetail[] = [];
    if (checked.value.name !== name) {
      mismatch.push({ loc: ['body', 'name'], msg: `name must equal the path's ${name}`, type: 'value_error' });
    }
    if (checked.value.version !== version) {
      mismatch.push({ loc: ['body', 'version'], msg: `version must equal the path's ${version}`, type: 'value_error' });
    }
    if (mismatch.length > 0) return unprocessable(mismatch);
    if (!this.state.getGroup(name, version)) return notFoundGroup(name, version);
    // PUT replaces the object: fields not sent take their defaults, as with any pydantic model.
    const stored = this.state.putGroup({
      name,
      version,
      definition: { ...checked.value.definition, version },
      isPublished: checked.value.isPublished,
      batchSource: checked.value.batchSource,
    });
    return { status: 200, body: groupResponse(stored) };
  }

  private deleteGroup(name: string, version: number): Reply {
    const group = this.state.getGroup(name, version);
    if (!group) return notFoundGroup(name, version);
    if (group.isPublished) {
      return { status: 400, body: detail(`Attribute group ${name} version ${version} is published; unpublish it first`) };
    }
    this.state.deleteGroup(name, version);
    return { status: 200, body: {} };
  }

  private putBatchSource(ctx: RequestContext, name: string, version: number): Reply {
    const checked = validateBatchSourceBody(ctx.body);
    if (!checked.ok) return unprocessable(checked.detail);
    const group = this.state.getGroup(name, version);
    if (!group) return notFoundGroup(name, version);
    if (group.definition.offline !== true) {
      return {
        status: 400,
        body: detail(`Attribute group ${name} version ${version} is not offline; only batch groups have a batch source`),
      };
    }
    const updated = this.state.updateGroup(name, version, (stored) => {
      stored.batchSource = toBatchSourceModel(checked.value);
    }) as StoredGroup;
    return { status: 200, body: groupResponse(updated) };
  }

  private deleteBatchSource(name: string, version: number): Reply {
    const group = this.state.getGroup(name, version);
    if (!group) return notFoundGroup(name, version);
    if (!group.batchSource) {
      return { status: 404, body: detail(`Attribute group ${name} version ${version} has no batch source`) };
    }
    if (group.isPublished) {
      return { status: 400, body: detail(`Attribute group ${name} version ${version} is published; unpublish it first`) };
    }
    const updated = this.state.updateGroup(name, version, (stored) => {
      stored.batchSource = null;
    }) as StoredGroup;
    return { status: 200, body: groupResponse(updated) };
  }

  private listKeys(): Reply {
    return { status: 200, body: this.state.listKeys().map(keyResponse) };
  }

  private createKey(ctx: RequestContext): Reply {
    const checked = validateAttributeKeyBody(ctx.body);
    if (!checked.ok) return unprocessable(checked.detail);
    const { is_published: isPublished, ...definition } = checked.value;
    if (this.state.getKey(definition.name)) {
      return { status: 400, body: detail(`Attribute key ${definition.name} already exists`) };
    }
    const stored = this.state.putKey({ name: definition.name, definition, isPublished: isPublished ?? false });
    return { status: 201, body: keyResponse(stored) };
  }

  private getKey(name: string): Reply {
    const key = this.state.getKey(name);
    return key ? { status: 200, body: keyResponse(key) } : { status: 404, body: detail(`Attribute key ${name} not found`) };
  }

  private updateKey(ctx: RequestContext, name: string): Reply {
    const checked = validateAttributeKeyBody(ctx.body);
    if (!checked.ok) return unprocessable(checked.detail);
    if (checked.value.name !== name) {
      return unprocessable([{ loc: ['body', 'name'], msg: `name must equal the path's ${name}`, type: 'value_error' }]);
    }
    if (!this.state.getKey(name)) return { status: 404, body: detail(`Attribute key ${name} not found`) };
    const { is_published: isPublished, ...definition } = checked.value;
    const stored = this.state.putKey({ name, definition, isPublished: isPublished ?? false });
    return { status: 200, body: keyResponse(stored) };
  }

  private deleteKey(name: string): Reply {
    const key = this.state.getKey(name);
    if (!key) return { status: 404, body: detail(`Attribute key ${name} not found`) };
    if (key.isPublished) return { status: 400, body: detail(`Attribute key ${name} is published; unpublish it first`) };
    this.state.deleteKey(name);
    return { status: 200, body: {} };
  }

  /** `engines/publish` and `engines/unpublish`: every named object must exist; nothing changes otherwise. */
  private setPublished(ctx: RequestContext, published: boolean): Reply {
    const checked = validatePublishBody(ctx.body);
    if (!checked.ok) return unprocessable(checked.detail);
    const request = checked.value;
    for (const service of request.services ?? []) return { status: 404, body: detail(`Service ${service.name} not found`) };
    for (const item of request.interventions ?? []) {
      return { status: 404, body: detail(`Intervention ${item.name} version ${item.version} not found`) };
    }
    for (const link of request.attribute_groups ?? []) {
      if (!this.state.getGroup(link.name, link.version)) return notFoundGroup(link.name, link.version);
    }
    for (const link of request.attribute_keys ?? []) {
      if (!this.state.getKey(link.name)) return { status: 404, body: detail(`Attribute key ${link.name} not found`) };
    }
    let changed = 0;
    for (const link of request.attribute_groups ?? []) {
      this.state.updateGroup(link.name, link.version, (group) => {
        if (group.isPublished !== published) changed += 1;
        group.isPublished = published;
      });
    }
    for (const link of request.attribute_keys ?? []) {
      const key = this.state.getKey(link.name) as NonNullable<ReturnType<EmulatorState['getKey']>>;
      if (key.isPublished !== published) {
        changed += 1;
        this.state.putKey({ ...key, isPublished: published });
      }
    }
    const verb = published ? 'publish' : 'unpublish';
    return { status: 200, body: { status: changed > 0 ? `${verb}ed` : `nothing to ${verb}` } };
  }

  private async onlineAttributes(ctx: RequestContext): Promise<Reply> {
    const checked = validateOnlineAttributesBody(ctx.body);
    if (!checked.ok) return unprocessable(checked.detail);
    const request = checked.value;
    if (request.service) return { status: 404, body: detail(`Service ${request.service} not found`) };
    const [keyName, ids] = Object.entries(request.attribute_keys)[0];

    // Resolve "{group}_v{version}:{attribute}" references (or a bare attribute name, when unambiguous).
    const wanted: { group: StoredGroup; attribute: string; column: string }[] = [];
    for (const reference of request.attributes ?? []) {
      const resolved = this.resolveAttribute(reference);
      if ('reply' in resolved) return resolved.reply;
      const { group, attribute } = resolved;
      const key = group.definition.attribute_key as { name?: string; key?: string } | undefined;
      if (key?.name !== keyName && key?.key !== keyName) {
        return {
          status: 400,
          body: detail(`Attribute group ${group.name} version ${group.version} is keyed by ${key?.name}, not ${keyName}`),
        };
      }
      wanted.push({ group, attribute, column: request.full_attribute_names ? `${group.name}_v${group.version}:${attribute}` : attribute });
    }

    const response: Record<string, unknown[]> = { [keyName]: ids };
    const byGroup = new Map<StoredGroup, typeof wanted>();
    for (const item of wanted) byGroup.set(item.group, [...(byGroup.get(item.group) ?? []), item]);
    for (const [group, items] of byGroup) {
      const source = group.batchSource;
      const file = source ? this.duckdbFiles[source.database] : undefined;
      let values: Record<string, unknown[]> | undefined;
      if (group.isPublished && source && file) {
        try {
          values = await readOnlineValues({
            file,
            source,
            keyColumn: attributeKeyColumn(group),
            ids,
            columns: items.map((item) => item.attribute),
          });
        } catch (error) {
          if (!(error instanceof OnlineStoreError)) throw error;
          this.log(`get-online-attributes: ${error.message}`);
          return { status: 503, body: detail(`Online store unavailable for ${group.name}_v${group.version}: ${error.message}`) };
        }
      } else {
        this.log(
          `get-online-attributes: ${group.name}_v${group.version} is not synced ` +
            `(published: ${group.isPublished}, batch source: ${source ? source.database : 'none'}, DuckDB file: ${file ?? 'none'}); answering nulls`,
        );
      }
      for (const item of items) response[item.column] = values ? values[item.attribute] : ids.map(() => null);
    }
    return { status: 200, body: response };
  }

  private resolveAttribute(reference: string): { group: StoredGroup; attribute: string } | { reply: Reply } {
    const qualified = /^([A-Za-z0-9_]+)_v(\d+):([A-Za-z0-9_]+)$/.exec(reference);
    if (qualified) {
      const [, name, version, attribute] = qualified;
      const group = this.state.getGroup(name, Number(version));
      if (!group) return { reply: notFoundGroup(name, Number(version)) };
      if (!groupAttributeNames(group).includes(attribute)) {
        return { reply: { status: 404, body: detail(`Attribute ${attribute} not found in ${name} version ${version}`) } };
      }
      return { group, attribute };
    }
    const candidates = this.state.listGroups().filter((group) => groupAttributeNames(group).includes(reference));
    if (candidates.length === 1) return { group: candidates[0], attribute: reference };
    return {
      reply: unprocessable([
        {
          loc: ['body', 'attributes'],
          msg: `${reference} ${candidates.length === 0 ? 'matches no attribute' : 'is ambiguous'}; use "{group}_v{version}:{attribute}"`,
          type: 'value_error',
        },
      ]),
    };
  }

  private withVersion(raw: string, next: (version: number) => Reply): Reply {
    if (!/^\d+$/.test(raw)) {
      return unprocessable([{ loc: ['path', 'version'], msg: 'Input should be a valid integer', type: 'int_parsing' }]);
    }
    return next(Number(raw));
  }
}

async function dispatch(routes: Route[], ctx: RequestContext, relativePath: string): Promise<Reply> {
  for (const route of routes) {
    const match = route.pattern.exec(relativePath);
    if (!match) continue;
    const handler = route.handlers[ctx.method];
    if (!handler) return { status: 405, body: detail('Method Not Allowed') };
    const needsBody = ['POST', 'PUT'].includes(ctx.method);
    if (needsBody && ctx.body === undefined) {
      return unprocessable([{ loc: ['body'], msg: 'Field required', type: 'missing' }]);
    }
    return handler(ctx, match.slice(1).map((part) => decodeURIComponent(part)));
  }
  return { status: 404, body: detail('Not Found') };
}

/** A stored group as the API returns it: the definition plus defaults and server fields. */
function groupResponse(group: StoredGroup): Record<string, unknown> {
  const definition = structuredClone(group.definition);
  const key = (definition.attribute_key ?? {}) as Record<string, unknown>;
  const offline = definition.offline ?? null;
  return {
    online: true,
    ttl: null,
    description: null,
    ...definition,
    name: group.name,
    version: group.version,
    offline,
    attribute_key: { is_published: false, ...key, blobl_path: null },
    attribute_key_or_name: attributeKeyColumn(group),
    attribute_group_or_attribute_key_ttl: definition.ttl ?? key.ttl ?? null,
    batch_source: group.batchSource,
    is_published: group.isPublished,
    feast_name: `${group.name}_v${group.version}`,
    full_name: `${group.name}_v${group.version}`,
    stream_source_name: offline === true ? null : `${group.name}_stream`,
  };
}

function keyResponse(key: { definition: Record<string, unknown>; isPublished: boolean }): Record<string, unknown> {
  return { ...key.definition, is_published: key.isPublished, blobl_path: null };
}

/** The key column of the group's table: the attribute key's `key`, else its name. */
function attributeKeyColumn(group: StoredGroup): string {
  const key = (group.definition.attribute_key ?? {}) as { name?: string; key?: string };
  return key.key ?? key.name ?? '';
}

function groupAttributeNames(group: StoredGroup): string[] {
  const attributes = Array.isArray(group.definition.attributes) ? (group.definition.attributes as { name?: string }[]) : [];
  return attributes.map((attribute) => String(attribute.name));
}

function notFoundGroup(name: string, version?: number): Reply {
  return {
    status: 404,
    body: detail(version === undefined ? `Attribute group ${name} not found` : `Attribute group ${name} version ${version} not found`),
  };
}

function faultReply(fault: FaultSpec): Reply {
  const status = fault.status as number;
  const headers: Record<string, string> = {};
  if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
  return { status, body: fault.body ?? detail(`Injected fault: HTTP ${status}`), headers };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolveBody, rejectBody) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        rejectBody(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')));
    req.on('error', rejectBody);
  });
}

/** `--duckdb path/to/file.duckdb` -> `{file: path}`: the database name dbt-duckdb uses is the file stem. */
export function duckdbFilesFromPaths(paths: readonly string[]): Record<string, string> {
  const files: Record<string, string> = {};
  for (const path of paths) {
    const database = basename(path, extname(path));
    if (files[database] && files[database] !== resolve(path)) {
      throw new Error(`Two DuckDB files share the database name ${database}: ${files[database]} and ${resolve(path)}`);
    }
    files[database] = resolve(path);
  }
  return files;
}
