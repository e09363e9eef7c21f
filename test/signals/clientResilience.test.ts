/**
 * How the Signals client copes with trouble: retries (5xx, 429 Retry-After, network errors),
 * timeouts, token reuse and refresh, and wrong or incomplete credentials, never echoing them.
 */
import { createServer } from 'node:net';
import { SignalsAuthError, SignalsClient, SignalsHttpError, SignalsNetworkError, SignalsTimeoutError } from '../../src/signals';
import { sampleGroup } from '../support/emulator';
import { apiCalls, bdpClient, caught, emulator, FAST_RETRY, restartEmulator, signalsEmulatorPerTest } from '../support/signals';

// Per-test timeout of this file: it starts the emulator and exercises retries and timeouts.
jest.setTimeout(3 * 60_000);

signalsEmulatorPerTest();

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
    expect(error.message).toBe('Signals API call POST engines/publish failed with HTTP 503: engine overloaded (gave up after 3 attempts).');
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
    await restartEmulator({ tokenTtlSeconds: 1 });
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
    expect(() => new SignalsClient({ apiUrl: emulator.url, auth: { mode: 'bdp', apiKey: 'k', apiKeyId: '', orgId: '' } })).toThrow(
      'missing: --api-key-id/SNOWPLOW_API_KEY_ID, --org-id/SNOWPLOW_ORG_ID',
    );
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
