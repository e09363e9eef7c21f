/**
 * The emulator in tests: a small, valid batch attribute group in the API's JSON input form and the
 * pieces to build others, HTTP helpers, and an emulator started for each test.
 */
import { request } from 'node:http';
import { startEmulator, type EmulatorHandle } from '../../src/emulator';

/** Starts an emulator (default options) before each test of the file and closes it after; returns it. */
export function emulatorPerTest(): () => EmulatorHandle {
  let emulator: EmulatorHandle | undefined;
  beforeEach(async () => {
    emulator = await startEmulator();
  });
  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
  });
  return () => {
    if (!emulator) throw new Error('the emulator runs only inside a test');
    return emulator;
  };
}

export const pageView = { vendor: 'com.snowplowanalytics.snowplow', name: 'page_view', version: '1-0-0' };

export function sampleGroup(overrides: Record<string, unknown> = {}): Record<string, unknown> & {
  name: string;
  version: number;
} {
  return {
    name: 'user_engagement',
    version: 1,
    attribute_key: { name: 'domain_userid' },
    owner: 'owner@example.com',
    description: 'Engagement of each user',
    online: true,
    offline: true,
    attributes: [
      { name: 'page_views_7d', type: 'int64', aggregation: 'counter', events: [pageView], period: 'P7D' },
      {
        name: 'last_country',
        type: 'string',
        aggregation: 'last',
        events: [pageView],
        property: { type: 'atomic', name: 'geo_country' },
      },
      {
        name: 'last_os',
        type: 'string',
        aggregation: 'last',
        events: [pageView],
        property: {
          type: 'entity',
          vendor: 'nl.basjes',
          name: 'yauaa_context',
          major_version: 1,
          path: '$.operatingSystemName',
          index: 0,
        },
      },
    ],
    ...overrides,
  } as Record<string, unknown> & { name: string; version: number };
}

export function sampleBatchSource(overrides: Record<string, unknown> = {}) {
  return {
    name: 'user_engagement_1_attributes',
    database: 'warehouse',
    wh_schema: 'analytics_derived',
    table: 'user_engagement_1_attributes',
    timestamp_field: 'updated_at',
    description: 'Attributes of user_engagement v1',
    owner: 'owner@example.com',
    ...overrides,
  };
}

/** Calls `/api/v1/<path>` of the emulator `emulator()` returns, with its sandbox token. */
export function sandboxApi(emulator: () => EmulatorHandle) {
  return (method: string, path: string, body?: unknown) =>
    http(emulator().url, method, `/api/v1/${path}`, { token: emulator().credentials.sandboxToken, body });
}

/** Pieces of attribute groups in the API's JSON input form, to build the cases of the API model tests. */
export const atomic = (name: string, extra: Record<string, unknown> = {}) => ({ type: 'atomic', name, ...extra });
export const entity = (path: string, extra: Record<string, unknown> = {}) => ({
  type: 'entity',
  vendor: 'com.acme',
  name: 'checkout',
  major_version: 1,
  path,
  index: 0,
  ...extra,
});
export const event = (path: string, extra: Record<string, unknown> = {}) => ({
  type: 'event',
  vendor: 'com.acme',
  name: 'purchase',
  major_version: 2,
  path,
  ...extra,
});
export const attribute = (overrides: Record<string, unknown>) => ({
  name: 'a',
  type: 'int64',
  aggregation: 'counter',
  events: [pageView],
  ...overrides,
});
export const groupWith = (attributes: Record<string, unknown>[], overrides: Record<string, unknown> = {}) =>
  sampleGroup({ attributes, ...overrides });

export interface HttpOptions {
  /** API bearer token. */
  token?: string;
  /** Control-plane token (`/_emulator/*`). */
  controlToken?: string;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

/** Raw HTTP helper for emulator tests (no client logic in the way). */
export async function http(
  baseUrl: string,
  method: string,
  path: string,
  options: HttpOptions = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.controlToken) headers['x-emulator-control-token'] = options.controlToken;
  let payload: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(options.body);
  }
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body: payload });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}

/**
 * Sends `rawPath` exactly as given (fetch would resolve `..` and re-encode escapes first), so tests
 * can show what the server does with such paths.
 */
export function rawHttp(
  baseUrl: string,
  method: string,
  rawPath: string,
  options: HttpOptions = {},
): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.controlToken) headers['x-emulator-control-token'] = options.controlToken;
  const payload = options.body !== undefined ? JSON.stringify(options.body) : options.rawBody;
  if (payload !== undefined) headers['content-length'] = String(Buffer.byteLength(payload));
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const outgoing = request({ hostname, port, method, path: rawPath, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: response.statusCode ?? 0, body: text ? JSON.parse(text) : undefined });
      });
    });
    outgoing.on('error', reject);
    outgoing.end(payload);
  });
}
