import { createServer } from 'node:net';
import { EmulatorHandle, startEmulator } from '../../src/emulator';
import {
  SignalsAuthError,
  SignalsClient,
  SignalsClientOptions,
  SignalsHttpError,
  SignalsInputError,
  SignalsMaterializeError,
  SignalsNetworkError,
  SignalsTimeoutError,
} from '../../src/signals';
import { sampleBatchSource, sampleGroup } from '../support/emulator';

// Per-test timeout of this file: it starts the emulator and exercises retries and timeouts.
jest.setTimeout(3 * 60_000);

const FAST_RETRY = { maxRetries: 3, baseDelayMs: 5, maxDelayMs: 20 };

let emulator: EmulatorHandle;

beforeEach(async () => {
  emulator = await startEmulator({ credentials: { apiKey: 'test-api-key-secret', apiKeyId: 'test-key-id', orgId: 'org-1' } });
});
afterEach(async () => {
  await emulator.close();
});

function bdpClient(overrides: Partial<SignalsClientOptions> = {}): SignalsClient {
  return new SignalsClient({
    apiUrl: emulator.url,
    auth: {
      mode: 'bdp',
      apiKey: emulator.credentials.apiKey,
      apiKeyId: emulator.credentials.apiKeyId,
      orgId: emulator.credentials.orgId,
      consoleUrl: emulator.consoleUrl,
    },
    retry: FAST_RETRY,
    ...overrides,
  });
}

/** Requests to the API (not the token endpoint), as `METHOD path -> status`. */
function apiCalls(): string[] {
  return emulator.requests
    .filter((request) => request.path.startsWith('/api/v1/'))
    .map((request) => `${request.method} ${request.path.replace('/api/v1/', '')} -> ${request.status}`);
}

async function caught(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

describe('SignalsClient happy paths (BDP auth against the emulator)', () => {
  it('registers, materializes, reads back, unmaterializes and deletes a group', async () => {
    const client = bdpClient();

    const created = await client.upsertAttributeGroup(sampleGroup());
    expect(created.action).toBe('created');
    expect(created.group).toMatchObject({ name: 'user_engagement', version: 1, is_published: false, batch_source: null });

    const listed = await client.listAttributeGroups({ offline: true });
    expect(listed.map((group) => group.name)).toEqual(['user_engagement']);
    expect(await client.listAttributeGroups({ offline: false })).toEqual([]);

    const materialized = await client.materialize('user_engagement', 1, sampleBatchSource());
    expect(materialized.publish.status).toBe('published');
    const live = await client.getAttributeGroup('user_engagement', 1);
    expect(live?.is_published).toBe(true);
    expect(live?.batch_source).toMatchObject({
      database: 'warehouse',
      schema: 'analytics_derived',
      table: 'user_engagement_1_attributes',
      timestamp_field: 'updated_at',
    });

    const unmaterialized = await client.unmaterialize('user_engagement', 1);
    expect(unmaterialized.unpublish).toEqual({ status: 'unpublished', via: 'engines/unpublish' });
    expect(unmaterialized.batchSource).toEqual({ removed: true, via: 'delete' });
    const after = await client.getAttributeGroup('user_engagement', 1);
    expect(after).toMatchObject({ is_published: false, batch_source: null });

    expect(await client.deleteAttributeGroup('user_engagement', 1)).toEqual({ deleted: true });
    expect(await client.getAttributeGroup('user_engagement', 1)).toBeUndefined();
    expect(emulator.tokens.issued).toBe(1);
  });

  it('asks for warehouse property paths with property_syntax', async () => {
    const client = bdpClient();
    await client.upsertAttributeGroup(sampleGroup());
    const [group] = await client.listAttributeGroups({ offline: true, propertySyntax: 'snowflake' });
    const properties = (group.attributes as { property?: unknown }[]).map((attribute) => attribute.property);
    expect(properties).toEqual([undefined, 'geo_country', 'contexts_nl_basjes_yauaa_context_1[0]:operatingSystemName']);
    expect(apiCalls()).toContain('GET registry/attribute_groups/?offline=true&property_syntax=snowflake -> 200');
  });

  it('reads the health endpoint without a token', async () => {
    const client = bdpClient();
    expect(await client.health()).toEqual({ status: 'ok', dependencies: { storage: 'ok', feature_server: 'ok' } });
    expect(emulator.tokens.issued).toBe(0);
  });

  it('works with a sandbox token', async () => {
    const client = new SignalsClient({
      apiUrl: emulator.url,
      auth: { mode: 'sandbox', sandboxToken: emulator.credentials.sandboxToken },
      retry: FAST_RETRY,
    });
    await client.upsertAttributeGroup(sampleGroup());
    expect((await client.listAttributeGroups()).length).toBe(1);
    expect(emulator.tokens.issued).toBe(0);
  });
});

describe('SignalsClient upsert', () => {
  it('reads first and updates an existing group with PUT, keeping its batch source and publication', async () => {
    const client = bdpClient();
    await client.upsertAttributeGroup(sampleGroup());
    await client.materialize('user_engagement', 1, sampleBatchSource());
    emulator.requests.length = 0;

    const updated = await client.upsertAttributeGroup(sampleGroup({ description: 'changed' }));
    expect(updated.action).toBe('updated');
    expect(apiCalls()).toEqual([
      'GET registry/attribute_groups/user_engagement/versions/1 -> 200',
      'PUT registry/attribute_groups/user_engagement/versions/1 -> 200',
    ]);
    expect(updated.group).toMatchObject({ description: 'changed', is_published: true });
    expect(updated.group.batch_source).toMatchObject({ table: 'user_engagement_1_attributes' });
  });

  it('falls back to PUT when the POST answers 400 because the group appeared meanwhile', async () => {
    const client = bdpClient();
    await client.upsertAttributeGroup(sampleGroup());
    emulator.requests.length = 0;
    // The read-first GET misses the group once (as if it was created concurrently).
    emulator.faults.inject({ method: 'GET', path: 'registry/attribute_groups/user_engagement/versions/1', status: 404 });

    const result = await client.upsertAttributeGroup(sampleGroup({ description: 'second writer' }));
    expect(result.action).toBe('updated');
    expect(apiCalls()).toEqual([
      'GET registry/attribute_groups/user_engagement/versions/1 -> 404',
      'POST registry/attribute_groups/ -> 400',
      'GET registry/attribute_groups/user_engagement/versions/1 -> 200',
      'PUT registry/attribute_groups/user_engagement/versions/1 -> 200',
    ]);
    expect((await client.getAttributeGroup('user_engagement', 1))?.description).toBe('second writer');
  });

  it('reports a 422 with the call, the status and the API message', async () => {
    const client = bdpClient();
    const error = await caught(client.upsertAttributeGroup(sampleGroup({ name: 'bad name!' })));
    expect(error).toBeInstanceOf(SignalsHttpError);
    expect((error as SignalsHttpError).status).toBe(422);
    expect(error.message).toContain('POST registry/attribute_groups/');
    expect(error.message).toContain('HTTP 422');
    expect(error.message).toContain('body.name');
  });
});

describe('SignalsClient missing objects', () => {
  it('tolerates deleting a group that does not exist', async () => {
    const client = bdpClient();
    expect(await client.deleteAttributeGroup('never_registered', 3)).toEqual({ deleted: false });
  });

  it('unmaterializes a group that does not exist without error', async () => {
    const client = bdpClient();
    const result = await client.unmaterialize('never_registered', 1);
    expect(result.batchSource.removed).toBe(false);
  });

  it('refuses an invalid batch source before calling the API', async () => {
    const client = bdpClient();
    const error = await caught(client.putBatchSource('user_engagement', 1, sampleBatchSource({ table: '' })));
    expect(error).toBeInstanceOf(SignalsInputError);
    expect(error.message).toContain('table: table must not be empty');
    expect(emulator.requests).toEqual([]);
  });
});

describe('SignalsClient materialize that stops halfway', () => {
  it('says the batch source is registered but the group not published, and that materializing again finishes it', async () => {
    const client = bdpClient();
    await client.upsertAttributeGroup(sampleGroup());
    emulator.faults.inject({ method: 'POST', path: 'engines/publish', status: 503, count: 4 });
    const error = await caught(client.materialize('user_engagement', 1, sampleBatchSource()));
    expect(error).toBeInstanceOf(SignalsMaterializeError);
    expect((error as SignalsMaterializeError).published).toBe(false);
    expect(error.message).toMatch(
      /^Materializing attribute group user_engagement version 1 stopped halfway: the batch source was registered, then publishing failed: Signals API call POST engines\/publish failed with HTTP 503.*\(gave up after 4 attempts\)\. Signals now: attribute group user_engagement version 1 is registered with batch source \S+ and is not published, so Signals does not sync it\. Materializing again finishes it \(it is safe to repeat\)\.$/,
    );
    await client.materialize('user_engagement', 1, sampleBatchSource());
    expect((await client.getAttributeGroup('user_engagement', 1))?.is_published).toBe(true);
  });
});

describe('SignalsClient inferred unpublish paths', () => {
  it('falls back to is_published=false when engines/unpublish does not exist (405)', async () => {
    const client = bdpClient();
    await client.upsertAttributeGroup(sampleGroup());
    await client.materialize('user_engagement', 1, sampleBatchSource());
    emulator.faults.inject({ method: 'POST', path: 'engines/unpublish', status: 405, body: { detail: 'Method Not Allowed' } });

    expect(await client.unpublish('user_engagement', 1)).toEqual({ status: 'unpublished', via: 'is_published' });
    const live = await client.getAttributeGroup('user_engagement', 1);
    expect(live?.is_published).toBe(false);
    expect(live?.batch_source).toMatchObject({ table: 'user_engagement_1_attributes' });
  });

  it('falls back to re-registering without batch_source when DELETE batch_source does not exist (404)', async () => {
    const client = bdpClient();
    await client.upsertAttributeGroup(sampleGroup());
    await client.putBatchSource('user_engagement', 1, sampleBatchSource());
    emulator.faults.inject({ method: 'DELETE', path: /batch_source$/, status: 404, body: { detail: 'Not Found' } });

    expect(await client.removeBatchSource('user_engagement', 1)).toEqual({ removed: true, via: 'group-update' });
    expect((await client.getAttributeGroup('user_engagement', 1))?.batch_source).toBeNull();
  });
});

describe('SignalsClient retries', () => {
  it('retries injected 500s and succeeds', async () => {
    const client = bdpClient();
    await client.upsertAttributeGroup(sampleGroup());
    emulator.faults.inject({ method: 'POST', path: 'engines/publish', status: 500, count: 2 });

    expect(await client.publish('user_engagement', 1)).toEqual({ status: 'published' });
    expect(apiCalls().filter((call) => call.startsWith('POST engines/publish'))).toEqual([
      'POST engines/publish -> 500',
      'POST engines/publish -> 500',
      'POST engines/publish -> 200',
    ]);
  });

  it('waits as long as a 429 Retry-After asks before retrying', async () => {
    const client = bdpClient();
    emulator.faults.inject({ path: 'registry/attribute_groups/', status: 429, retryAfter: 1 });
    const started = Date.now();
    await client.listAttributeGroups();
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(apiCalls()).toEqual(['GET registry/attribute_groups/ -> 429', 'GET registry/attribute_groups/ -> 200']);
  });

  it('gives up after the retry bound with a clear error', async () => {
    const client = bdpClient({ retry: { maxRetries: 2, baseDelayMs: 5, maxDelayMs: 10 } });
    await client.upsertAttributeGroup(sampleGroup());
    emulator.faults.inject({ method: 'POST', path: 'engines/publish', status: 503, count: 10, body: { detail: 'engine overloaded' } });

    const error = await caught(client.publish('user_engagement', 1));
    expect(error).toBeInstanceOf(SignalsHttpError);
    expect(error.message).toBe(
      'Signals API call POST engines/publish failed with HTTP 503: engine overloaded (gave up after 3 attempts).',
    );
    expect((error as SignalsHttpError).attempts).toBe(3);
    expect(apiCalls().filter((call) => call.startsWith('POST engines/publish'))).toHaveLength(3);
  });

  it('does not retry a client error', async () => {
    const client = bdpClient();
    const error = await caught(client.publish('missing_group', 1));
    expect((error as SignalsHttpError).status).toBe(404);
    expect(error.message).toContain('Attribute group missing_group version 1 not found');
    expect(apiCalls()).toEqual(['POST engines/publish -> 404']);
  });

  it('retries network errors and then names the call', async () => {
    const port = await freePort();
    const client = new SignalsClient({
      apiUrl: `http://127.0.0.1:${port}`,
      auth: { mode: 'sandbox', sandboxToken: 'sandbox-secret-token' },
      retry: { maxRetries: 2, baseDelayMs: 5, maxDelayMs: 10 },
    });
    const error = await caught(client.listAttributeGroups());
    expect(error).toBeInstanceOf(SignalsNetworkError);
    expect(error.message).toBe(
      'Signals API call GET registry/attribute_groups/ failed: network error ECONNREFUSED (gave up after 3 attempts).',
    );
  });
});

describe('SignalsClient timeouts', () => {
  it('times out on a stalled answer and says after how long', async () => {
    const client = bdpClient({ timeoutMs: 200, retry: { maxRetries: 1, baseDelayMs: 5, maxDelayMs: 10 } });
    emulator.faults.inject({ path: 'registry/attribute_groups/', stallMs: 5000, count: 5 });
    const started = Date.now();
    const error = await caught(client.listAttributeGroups());
    expect(error).toBeInstanceOf(SignalsTimeoutError);
    expect(error.message).toBe(
      'Signals API call GET registry/attribute_groups/ failed: no answer within the 200 ms timeout (gave up after 2 attempts).',
    );
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('retries after one stalled attempt and succeeds', async () => {
    const client = bdpClient({ timeoutMs: 200 });
    emulator.faults.inject({ path: 'registry/attribute_groups/', stallMs: 5000 });
    expect(await client.listAttributeGroups()).toEqual([]);
  });
});

describe('SignalsClient tokens', () => {
  it('exchanges the API key once and reuses the token', async () => {
    const client = bdpClient();
    await client.listAttributeGroups();
    await client.listAttributeGroups();
    expect(emulator.tokens.issued).toBe(1);
  });

  it('refreshes the token before it expires', async () => {
    await emulator.close();
    emulator = await startEmulator({ tokenTtlSeconds: 1 });
    const client = bdpClient();
    await client.listAttributeGroups();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await client.listAttributeGroups();
    expect(emulator.tokens.issued).toBe(2);
    // The expired token was never sent: no 401 happened.
    expect(apiCalls()).toEqual(['GET registry/attribute_groups/ -> 200', 'GET registry/attribute_groups/ -> 200']);
  });

  it('refreshes the token once after a 401 and retries the call', async () => {
    const client = bdpClient();
    await client.listAttributeGroups();
    emulator.tokens.revokeAll();
    expect(await client.listAttributeGroups()).toEqual([]);
    expect(emulator.tokens.issued).toBe(2);
    expect(apiCalls()).toEqual([
      'GET registry/attribute_groups/ -> 200',
      'GET registry/attribute_groups/ -> 401',
      'GET registry/attribute_groups/ -> 200',
    ]);
  });

  it('stops after one refresh when the API keeps refusing', async () => {
    const client = bdpClient();
    emulator.faults.inject({ path: 'registry/attribute_groups/', status: 401, count: 2, body: { detail: 'Token revoked' } });
    const error = await caught(client.listAttributeGroups());
    expect(error).toBeInstanceOf(SignalsAuthError);
    expect(error.message).toContain('GET registry/attribute_groups/ was refused with HTTP 401: Token revoked');
    expect(emulator.tokens.issued).toBe(2);
  });
});

describe('SignalsClient credentials', () => {
  it('reports wrong BDP credentials clearly without echoing them', async () => {
    const client = new SignalsClient({
      apiUrl: emulator.url,
      auth: { mode: 'bdp', apiKey: 'wrong-api-key-value', apiKeyId: 'wrong-key-id-value', orgId: 'org-1', consoleUrl: emulator.consoleUrl },
      retry: FAST_RETRY,
    });
    const error = await caught(client.listAttributeGroups());
    expect(error).toBeInstanceOf(SignalsAuthError);
    expect((error as SignalsAuthError).status).toBe(401);
    expect(error.message).toContain('Signals authentication failed');
    expect(error.message).toContain('HTTP 401: Invalid API key, API key id or organization');
    expect(error.message).toContain('SNOWPLOW_API_KEY');
    expect(error.message).not.toContain('wrong-api-key-value');
    expect(error.message).not.toContain('wrong-key-id-value');
    expect(JSON.stringify(error)).not.toContain('wrong-api-key-value');
  });

  it('reports a wrong sandbox token without echoing it', async () => {
    const client = new SignalsClient({
      apiUrl: emulator.url,
      auth: { mode: 'sandbox', sandboxToken: 'not-the-sandbox-token' },
      retry: FAST_RETRY,
    });
    const error = await caught(client.listAttributeGroups());
    expect(error).toBeInstanceOf(SignalsAuthError);
    expect(error.message).toContain('refused with HTTP 401');
    expect(error.message).toContain('SNOWPLOW_SANDBOX_TOKEN');
    expect(error.message).not.toContain('not-the-sandbox-token');
  });

  it('redacts a credential the API echoes in an error message', async () => {
    const client = bdpClient({ retry: { maxRetries: 0 } });
    emulator.faults.inject({ path: 'registry/attribute_groups/', status: 500, body: { detail: 'key test-api-key-secret is bad' } });
    const error = await caught(client.listAttributeGroups());
    expect(error.message).toContain('key [redacted] is bad');
    expect(error.message).not.toContain('test-api-key-secret');
  });

  it('redacts a credential the API echoes URL-encoded, base64-encoded or in another letter case', async () => {
    const client = bdpClient({ retry: { maxRetries: 0 } });
    const key = emulator.credentials.apiKey;
    const echo = `got ${encodeURIComponent(key)} and ${Buffer.from(key).toString('base64')} and ${key.toUpperCase()}`;
    emulator.faults.inject({ path: 'registry/attribute_groups/', status: 500, body: { detail: echo } });
    const error = await caught(client.listAttributeGroups());
    expect(error.message).toContain('got [redacted] and [redacted] and [redacted]');
    expect(error.message.toLowerCase()).not.toContain(key.toLowerCase());
  });

  it('names the missing settings when BDP credentials are incomplete', () => {
    expect(
      () => new SignalsClient({ apiUrl: emulator.url, auth: { mode: 'bdp', apiKey: 'k', apiKeyId: '', orgId: '' } }),
    ).toThrow('missing: --api-key-id/SNOWPLOW_API_KEY_ID, --org-id/SNOWPLOW_ORG_ID');
  });
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
