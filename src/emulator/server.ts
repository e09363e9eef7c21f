/**
 * A local Signals API on loopback, strict like the real one as far as its published model shows:
 * bearer auth, the console token endpoint, FastAPI-style 422 bodies validated with the API's own
 * models, 400 when creating an existing object, 404 for missing ones, 405 for a known path with the
 * wrong method. See `docs/signals.md` for the endpoint list and which behaviours are inferred.
 *
 * This file wires the parts together: `transport.ts` (HTTP), `auth.ts` (who may call what),
 * `control.ts` (`/_emulator/*`), `routes.ts` (the API's route table) and the handlers behind it.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { basename, extname, resolve } from 'node:path';
import { Authenticator, CONSOLE_TOKEN_PATTERN, EmulatorCredentials } from './auth';
import { CONTROL_PREFIX, ControlPlane } from './control';
import { FaultInjector, FaultSpecJson } from './faults';
import { OnlineAttributes } from './onlineAttributes';
import { OnlineStore } from './onlineStore';
import { Registry } from './registry';
import { Reply, methodNotAllowed, notFound, reply } from './replies';
import { findRoute, runRoute, signalsRoutes } from './routes';
import { DEFAULT_STATE_WRITE_DELAY_MS, EmulatorState } from './state';
import { TokenAuthority } from './tokens';
import { IncomingApiRequest, ReplyRecord, listen, safeDecode } from './transport';

export type { EmulatorCredentials } from './auth';
export type RequestRecord = ReplyRecord;

export interface EmulatorOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Interface to listen on. Default 127.0.0.1 (loopback only). */
  host?: string;
  /** Accepted credentials; anything not given is generated at random. */
  credentials?: Partial<EmulatorCredentials>;
  /** Token for the `/_emulator/*` control plane (header `X-Emulator-Control-Token`); random when not given. */
  controlToken?: string;
  /** Lifetime of access tokens from the console token endpoint. Default 3600 s. */
  tokenTtlSeconds?: number;
  /** Persist the registry to this JSON file (loaded at start when it exists). */
  statePath?: string;
  /** Changes within this window are written to the state file together. Default 200 ms. */
  stateWriteDelayMs?: number;
  /** DuckDB files serving `get-online-attributes`, by batch-source `database` name. */
  duckdbFiles?: Record<string, string>;
  /** One line per request (method, path, status); never headers or bodies. */
  logger?: (line: string) => void;
}

export interface HealthState {
  status: string;
  dependencies: Record<string, string>;
}

export interface EmulatorHandle {
  /** API URL to give the client (`--api-url`); `/api/v1` and `/health-all` live under it. */
  url: string;
  /** Console URL for BDP token exchange (`--console-url`); the same server. */
  consoleUrl: string;
  credentials: EmulatorCredentials;
  /** Opens the `/_emulator/*` control plane (header `X-Emulator-Control-Token`), and nothing else. */
  controlToken: string;
  faults: FaultInjector;
  state: EmulatorState;
  tokens: TokenAuthority;
  /** Requests handled so far, in order (the latest 10000). */
  requests: RequestRecord[];
  /** Changes what `GET /health-all` answers. */
  setHealth(health: HealthState): void;
  /** Stops listening, releases stalled requests and writes pending state. */
  close(): Promise<void>;
}

const API_PREFIX = '/api/v1/';
const MAX_RECORDED_REQUESTS = 10000;
const random = (prefix: string) => `${prefix}-${randomBytes(12).toString('hex')}`;

/** Starts the emulator; resolves once it listens. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<EmulatorHandle> {
  const credentials: EmulatorCredentials = {
    apiKey: options.credentials?.apiKey ?? random('emu-key'),
    apiKeyId: options.credentials?.apiKeyId ?? randomUUID(),
    orgId: options.credentials?.orgId ?? randomUUID(),
    sandboxToken: options.credentials?.sandboxToken ?? random('emu-sandbox'),
  };
  const controlToken = options.controlToken ?? random('emu-control');
  const log = options.logger ?? (() => undefined);
  const state = new EmulatorState(options.statePath, options.stateWriteDelayMs ?? DEFAULT_STATE_WRITE_DELAY_MS, log);
  const tokens = new TokenAuthority(options.tokenTtlSeconds ?? 3600);
  const faults = new FaultInjector();
  const auth = new Authenticator(credentials, tokens, controlToken);
  const control = new ControlPlane(auth, faults, state);
  const store = new OnlineStore(log);
  const duckdbFiles = Object.fromEntries(Object.entries(options.duckdbFiles ?? {}).map(([database, file]) => [database, resolve(file)]));
  const routes = signalsRoutes(new Registry(state), new OnlineAttributes(state, store, duckdbFiles, log));
  const requests: RequestRecord[] = [];
  let health: HealthState = { status: 'ok', dependencies: { storage: 'ok', feature_server: 'ok' } };

  const handle = async (request: IncomingApiRequest): Promise<Reply | undefined> => {
    const { method, path } = request;
    if (path.startsWith(CONTROL_PREFIX)) return control.handle(request);
    const fault = faults.take(method, path);
    if (fault?.stallMs !== undefined && !(await request.hold(fault.stallMs))) return undefined;
    if (fault?.status !== undefined) return faultReply(fault);

    if (path === '/health-all') return method === 'GET' ? { status: 200, body: health } : methodNotAllowed();
    const consoleMatch = CONSOLE_TOKEN_PATTERN.exec(path);
    if (consoleMatch) return method === 'GET' ? auth.exchange(request.header, safeDecode(consoleMatch[1]) ?? '') : methodNotAllowed();
    if (!path.startsWith(API_PREFIX)) return notFound();
    const refused = auth.refuseApi(request.header);
    if (refused) return refused;
    const found = findRoute(routes, method, path.slice(API_PREFIX.length));
    if ('reply' in found) return found.reply;
    const read = await request.readJson();
    if (!read.ok) return read.reply;
    return runRoute(found, { method, query: request.query, body: read.body });
  };

  const transport = await listen({
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    handler: handle,
    log,
    onReply: (record) => {
      // Bounded, so a long-running emulator does not grow without limit.
      if (requests.length >= MAX_RECORDED_REQUESTS) requests.splice(0, requests.length - MAX_RECORDED_REQUESTS + 1);
      requests.push(record);
      log(`${record.method} ${record.path} -> ${record.status}`);
    },
  });

  return {
    url: transport.url,
    consoleUrl: transport.url,
    credentials,
    controlToken,
    faults,
    state,
    tokens,
    requests,
    setHealth(next: HealthState) {
      health = structuredClone(next);
    },
    async close() {
      await transport.close();
      await store.close();
      await state.close();
    },
  };
}

function faultReply(fault: FaultSpecJson): Reply {
  const status = fault.status as number;
  const headers: Record<string, string> = {};
  if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
  return fault.body !== undefined ? { status, body: fault.body, headers } : { ...reply(status, `Injected fault: HTTP ${status}`), headers };
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
