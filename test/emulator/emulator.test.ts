/**
 * The Signals emulator over HTTP: request validation answered as the real API answers it (422), the
 * registry's semantics, both ways to authenticate, injected faults, and get-online-attributes over a
 * synced DuckDB table.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { EmulatorHandle, duckdbFilesFromPaths, startEmulator } from '../../src/emulator';
import { http, sampleBatchSource, sampleGroup } from '../support/emulator';

// Per-test timeout of this file: it starts an emulator per test, some with DuckDB files.
jest.setTimeout(3 * 60_000);

let emulator: EmulatorHandle;
let token: string;
let workDir: string;

beforeEach(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'signals-emulator-'));
  emulator = await startEmulator();
  token = emulator.credentials.sandboxToken;
});
afterEach(async () => {
  await emulator.close();
  rmSync(workDir, { recursive: true, force: true });
});

const api = (method: string, path: string, body?: unknown) => http(emulator.url, method, `/api/v1/${path}`, { token, body });

describe('emulator validation (422 like the real API)', () => {
  it('rejects a group name that breaks the name pattern', async () => {
    const response = await api('POST', 'registry/attribute_groups/', sampleGroup({ name: 'user-engagement' }));
    expect(response.status).toBe(422);
    expect(response.body.detail).toEqual([
      expect.objectContaining({ loc: ['body', 'name'], msg: expect.stringContaining('^[A-Za-z0-9_]+$') }),
    ]);
  });

  it('accepts a group without an owner, as the API model does, and rejects one over 255 characters', async () => {
    const group = sampleGroup();
    delete group.owner;
    expect((await api('POST', 'registry/attribute_groups/', group)).status).toBe(201);
    const response = await api('POST', 'registry/attribute_groups/', sampleGroup({ version: 2, owner: `${'o'.repeat(250)}@example.com` }));
    expect(response.status).toBe(422);
    expect(response.body.detail).toEqual([
      { loc: ['body', 'owner'], msg: 'String should have at most 255 characters', type: 'string_too_long' },
    ]);
  });

  it('rejects an unknown aggregation, naming the attribute index and field', async () => {
    const group = sampleGroup();
    (group.attributes as Record<string, unknown>[])[1].aggregation = 'median';
    const response = await api('POST', 'registry/attribute_groups/', group);
    expect(response.status).toBe(422);
    expect(response.body.detail).toEqual([
      expect.objectContaining({ loc: ['body', 'attributes', 1, 'aggregation'], msg: expect.stringContaining('counter') }),
    ]);
  });

  it('rejects a batch source with an empty table', async () => {
    await api('POST', 'registry/attribute_groups/', sampleGroup());
    const response = await api(
      'PUT',
      'registry/attribute_groups/user_engagement/versions/1/batch_source',
      sampleBatchSource({ table: '' }),
    );
    expect(response.status).toBe(422);
    expect(response.body.detail).toEqual([
      { loc: ['body', 'table'], msg: 'String should have at least 1 character', type: 'string_too_short' },
    ]);
  });

  it('rejects a batch source database with characters outside ^[A-Za-z0-9_-]+$ and a missing schema', async () => {
    await api('POST', 'registry/attribute_groups/', sampleGroup());
    const source: Record<string, unknown> = sampleBatchSource({ database: 'my.db' });
    delete source.wh_schema;
    const response = await api('PUT', 'registry/attribute_groups/user_engagement/versions/1/batch_source', source);
    expect(response.status).toBe(422);
    expect(response.body.detail.map((entry: { loc: unknown[] }) => entry.loc)).toEqual([
      ['body', 'database'],
      ['body', 'schema'],
    ]);
  });

  it('rejects malformed JSON and a missing body', async () => {
    const malformed = await http(emulator.url, 'POST', '/api/v1/engines/publish', {
      token,
      rawBody: '{"attribute_groups": [',
      headers: { 'content-type': 'application/json' },
    });
    expect(malformed.status).toBe(422);
    expect(malformed.body.detail[0].type).toBe('json_invalid');
    const missing = await http(emulator.url, 'POST', '/api/v1/registry/attribute_groups/', { token });
    expect(missing.status).toBe(422);
    expect(missing.body.detail).toEqual([{ loc: ['body'], msg: 'Field required', type: 'missing' }]);
  });

  it('rejects a non-integer version in the path and an unknown property_syntax', async () => {
    expect((await api('GET', 'registry/attribute_groups/g/versions/latest')).body.detail[0].loc).toEqual(['path', 'version']);
    const syntax = await api('GET', 'registry/attribute_groups/?property_syntax=postgres');
    expect(syntax.status).toBe(422);
    expect(syntax.body.detail[0].loc).toEqual(['query', 'property_syntax']);
  });
});

describe('emulator registry semantics', () => {
  it('answers 400 when creating an existing group, 404 for a missing one, 405 for a wrong method', async () => {
    expect((await api('POST', 'registry/attribute_groups/', sampleGroup())).status).toBe(201);
    const again = await api('POST', 'registry/attribute_groups/', sampleGroup());
    expect(again).toMatchObject({ status: 400, body: { detail: 'Attribute group user_engagement version 1 already exists' } });
    expect((await api('GET', 'registry/attribute_groups/nope/versions/1')).status).toBe(404);
    expect((await api('PUT', 'registry/attribute_groups/nope/versions/1', sampleGroup({ name: 'nope' }))).status).toBe(404);
    expect((await api('DELETE', 'registry/attribute_groups/nope/versions/1')).status).toBe(404);
    expect((await api('PATCH', 'registry/attribute_groups/user_engagement/versions/1')).status).toBe(405);
    expect((await api('GET', 'no/such/path')).status).toBe(404);
  });

  it('serves versions: the latest by name, one by version, and all versions', async () => {
    await api('POST', 'registry/attribute_groups/', sampleGroup());
    await api('POST', 'registry/attribute_groups/', sampleGroup({ version: 2, description: 'v2' }));
    expect((await api('GET', 'registry/attribute_groups/user_engagement')).body).toMatchObject({ version: 2, description: 'v2' });
    expect((await api('GET', 'registry/attribute_groups/user_engagement/versions/1')).body.version).toBe(1);
    const versions = await api('GET', 'registry/attribute_groups/user_engagement/versions/');
    expect(versions.body.map((group: { version: number }) => group.version)).toEqual([1, 2]);
  });

  it('returns the API response fields of a group', async () => {
    const created = await api('POST', 'registry/attribute_groups/', sampleGroup({ attribute_key: { name: 'user', key: 'domain_userid' } }));
    expect(created.body).toMatchObject({
      name: 'user_engagement',
      version: 1,
      attribute_key: { name: 'user', key: 'domain_userid', blobl_path: null, is_published: false },
      attribute_key_or_name: 'domain_userid',
      feast_name: 'user_engagement_v1',
      full_name: 'user_engagement_v1',
      stream_source_name: null,
      is_published: false,
      batch_source: null,
      offline: true,
    });
  });

  it('refuses a PUT whose body names another group than the path', async () => {
    await api('POST', 'registry/attribute_groups/', sampleGroup());
    const response = await api('PUT', 'registry/attribute_groups/user_engagement/versions/1', sampleGroup({ version: 2 }));
    expect(response.status).toBe(422);
    expect(response.body.detail[0].loc).toEqual(['body', 'version']);
  });

  it('only accepts a batch source on an offline group', async () => {
    await api('POST', 'registry/attribute_groups/', sampleGroup({ offline: false }));
    const response = await api('PUT', 'registry/attribute_groups/user_engagement/versions/1/batch_source', sampleBatchSource());
    expect(response.status).toBe(400);
    expect(response.body.detail).toContain('not offline');
  });

  it('publishes and unpublishes, refusing to delete a published group', async () => {
    await api('POST', 'registry/attribute_groups/', sampleGroup());
    const link = { attribute_groups: [{ name: 'user_engagement', version: 1 }] };
    expect((await api('POST', 'engines/publish', link)).body).toEqual({ status: 'published' });
    expect((await api('POST', 'engines/publish', link)).body).toEqual({ status: 'nothing to publish' });
    const refused = await api('DELETE', 'registry/attribute_groups/user_engagement/versions/1');
    expect(refused.status).toBe(400);
    expect(refused.body.detail).toContain('unpublish it first');
    expect((await api('POST', 'engines/unpublish', link)).body).toEqual({ status: 'unpublished' });
    expect((await api('DELETE', 'registry/attribute_groups/user_engagement/versions/1')).status).toBe(200);
    expect((await api('POST', 'engines/publish', link)).status).toBe(404);
  });

  it('supports attribute key CRUD', async () => {
    expect((await api('POST', 'registry/attribute_keys/', { name: 'domain_userid', key: 'domain_userid' })).status).toBe(201);
    expect((await api('POST', 'registry/attribute_keys/', { name: 'domain_userid' })).status).toBe(400);
    expect((await api('POST', 'registry/attribute_keys/', { name: 'bad key' })).status).toBe(422);
    expect((await api('PUT', 'registry/attribute_keys/domain_userid', { name: 'domain_userid', description: 'd' })).body).toMatchObject({
      name: 'domain_userid',
      description: 'd',
    });
    expect((await api('GET', 'registry/attribute_keys/')).body).toHaveLength(1);
    expect((await api('DELETE', 'registry/attribute_keys/domain_userid')).status).toBe(200);
    expect((await api('GET', 'registry/attribute_keys/domain_userid')).status).toBe(404);
  });

  it('renders typed properties in the warehouse syntax asked for', async () => {
    await api('POST', 'registry/attribute_groups/', sampleGroup());
    const property = async (syntax: string) =>
      (await api('GET', `registry/attribute_groups/?property_syntax=${syntax}`)).body[0].attributes[2].property;
    expect(await property('snowflake')).toBe('contexts_nl_basjes_yauaa_context_1[0]:operatingSystemName');
    expect(await property('bigquery')).toBe('contexts_nl_basjes_yauaa_context_1[safe_offset(0)].operating_system_name');
    expect(await property('databricks')).toBe('contexts_nl_basjes_yauaa_context_1[0].operating_system_name');
  });
});

describe('emulator auth', () => {
  it('requires a bearer token on the API but not on health-all', async () => {
    expect((await http(emulator.url, 'GET', '/api/v1/registry/attribute_groups/')).status).toBe(401);
    expect((await http(emulator.url, 'GET', '/api/v1/registry/attribute_groups/', { token: 'made-up' })).status).toBe(401);
    expect(await http(emulator.url, 'GET', '/health-all')).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('exchanges API credentials for an expiring JWT at the console token endpoint', async () => {
    await emulator.close();
    emulator = await startEmulator({ tokenTtlSeconds: 0.3, credentials: { apiKey: 'k1', apiKeyId: 'id1', orgId: 'org1' } });
    const exchange = await http(emulator.url, 'GET', '/api/msc/v1/organizations/org1/credentials/v3/token', {
      headers: { 'X-API-Key-Id': 'id1', 'X-API-Key': 'k1' },
    });
    expect(exchange.status).toBe(200);
    const accessToken: string = exchange.body.accessToken;
    const claims = JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString());
    expect(claims.exp - claims.iat).toBeCloseTo(0.3, 5);
    expect((await http(emulator.url, 'GET', '/api/v1/registry/attribute_groups/', { token: accessToken })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 350));
    const expired = await http(emulator.url, 'GET', '/api/v1/registry/attribute_groups/', { token: accessToken });
    expect(expired).toMatchObject({ status: 401, body: { detail: 'Token expired' } });

    const wrongOrg = await http(emulator.url, 'GET', '/api/msc/v1/organizations/other/credentials/v3/token', {
      headers: { 'X-API-Key-Id': 'id1', 'X-API-Key': 'k1' },
    });
    expect(wrongOrg.status).toBe(401);
  });
});

describe('emulator faults', () => {
  it('answers injected statuses with Retry-After, then recovers', async () => {
    emulator.faults.inject({ path: '/health-all', status: 429, retryAfter: 7, count: 2 });
    const first = await http(emulator.url, 'GET', '/health-all');
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('7');
    expect((await http(emulator.url, 'GET', '/health-all')).status).toBe(429);
    expect((await http(emulator.url, 'GET', '/health-all')).status).toBe(200);
    expect(emulator.faults.pending()).toEqual([]);
  });

  it('can be driven over HTTP by tests running the emulator in another process', async () => {
    const added = await http(emulator.url, 'POST', '/_emulator/faults', {
      controlToken: emulator.controlToken,
      body: { path: 'engines/publish', status: 503 },
    });
    expect(added.status).toBe(201);
    expect((await api('POST', 'engines/publish', { attribute_groups: [] })).status).toBe(503);
    expect((await api('POST', 'engines/publish', { attribute_groups: [] })).status).toBe(200);
  });
});

describe('emulator get-online-attributes', () => {
  async function writeAttributeTable(file: string): Promise<void> {
    const instance = await DuckDBInstance.create(file);
    const connection = await instance.connect();
    await connection.run(`
      CREATE SCHEMA analytics_derived;
      CREATE TABLE analytics_derived.user_engagement_1_attributes AS
      SELECT * FROM (VALUES
        ('u1', 3::BIGINT, 'NL', 'Linux', TIMESTAMP '2025-01-01 00:00:00'),
        ('u1', 5::BIGINT, 'FR', 'Mac OS', TIMESTAMP '2025-01-02 00:00:00'),
        ('u2', 1::BIGINT, NULL, 'Android', TIMESTAMP '2025-01-01 00:00:00')
      ) AS t(domain_userid, page_views_7d, last_country, last_os, updated_at);`);
    connection.closeSync();
    instance.closeSync();
  }

  const request = (attributes: string[]) => ({
    attribute_keys: { domain_userid: ['u1', 'u2', 'unknown'] },
    attributes,
    full_attribute_names: false,
  });

  it('answers from the synced DuckDB table once the group is materialized', async () => {
    const file = join(workDir, 'warehouse.duckdb');
    await writeAttributeTable(file);
    await emulator.close();
    emulator = await startEmulator({ duckdbFiles: duckdbFilesFromPaths([file]) });
    token = emulator.credentials.sandboxToken;
    await api('POST', 'registry/attribute_groups/', sampleGroup());
    const wanted = request(['user_engagement_v1:page_views_7d', 'user_engagement_v1:last_country', 'user_engagement_v1:last_os']);

    // Registered but not materialized: the online store has nothing yet.
    expect((await api('POST', 'get-online-attributes', wanted)).body).toEqual({
      domain_userid: ['u1', 'u2', 'unknown'],
      page_views_7d: [null, null, null],
      last_country: [null, null, null],
      last_os: [null, null, null],
    });

    await api('PUT', 'registry/attribute_groups/user_engagement/versions/1/batch_source', sampleBatchSource());
    await api('POST', 'engines/publish', { attribute_groups: [{ name: 'user_engagement', version: 1 }] });
    const values = await api('POST', 'get-online-attributes', wanted);
    expect(values).toMatchObject({ status: 200 });
    // u1 has two rows: the newest by timestamp_field wins.
    expect(values.body).toEqual({
      domain_userid: ['u1', 'u2', 'unknown'],
      page_views_7d: [5, 1, null],
      last_country: ['FR', null, null],
      last_os: ['Mac OS', 'Android', null],
    });
    // The file is closed after the request, so a writer can open it again.
    const writer = await DuckDBInstance.create(file);
    writer.closeSync();
  });

  it('validates the request and the attribute references', async () => {
    await api('POST', 'registry/attribute_groups/', sampleGroup());
    expect((await api('POST', 'get-online-attributes', { attributes: ['x'] })).status).toBe(422);
    expect((await api('POST', 'get-online-attributes', request(['user_engagement_v1:nope']))).status).toBe(404);
    expect((await api('POST', 'get-online-attributes', request(['user_engagement_v9:page_views_7d']))).status).toBe(404);
    const wrongKey = await api('POST', 'get-online-attributes', {
      attribute_keys: { network_userid: ['n1'] },
      attributes: ['user_engagement_v1:page_views_7d'],
    });
    expect(wrongKey.status).toBe(400);
    const bare = await api('POST', 'get-online-attributes', request(['page_views_7d']));
    expect(bare.status).toBe(422);
    expect(bare.body.detail[0]).toMatchObject({ loc: ['body', 'attributes', 0], type: 'string_pattern_mismatch' });
    const full = await api('POST', 'get-online-attributes', {
      ...request(['user_engagement_v1:page_views_7d']),
      full_attribute_names: true,
    });
    expect(Object.keys(full.body)).toEqual(['domain_userid', 'user_engagement_v1:page_views_7d']);
  });

  it('maps --duckdb files to database names by file stem', () => {
    expect(duckdbFilesFromPaths(['/data/dev.duckdb', 'prod.db'])).toEqual({
      dev: '/data/dev.duckdb',
      prod: expect.stringMatching(/\/prod\.db$/),
    });
    expect(() => duckdbFilesFromPaths(['/a/dev.duckdb', '/b/dev.duckdb'])).toThrow('share the database name dev');
    expect(existsSync(workDir)).toBe(true);
  });
});
