/**
 * `get-online-attributes` reads the synced DuckDB table without ever holding its lock, so a writer in
 * another process (dbt, here DuckDB's Python client that dbt-duckdb uses) opens and writes the file
 * while reads flow; and it serves the 2026 types `dict` and `timestamp` as JSON.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { EmulatorHandle, duckdbFilesFromPaths, startEmulator } from '../../src/emulator';
import { pythonExecutable } from '../../src/runner/python';
import { http, sampleBatchSource, sampleGroup } from '../support/emulator';

let emulator: EmulatorHandle | undefined;
let workDir: string;
beforeEach(() => {
  workDir = mkdtempSync(join(tmpdir(), 'signals-emulator-online-'));
});
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
  rmSync(workDir, { recursive: true, force: true });
});

async function runSql(file: string, sql: string): Promise<void> {
  const instance = await DuckDBInstance.create(file);
  const connection = await instance.connect();
  try {
    await connection.run(sql);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Starts an emulator serving `file` with `group` registered, materialized and published. */
async function servedGroup(file: string, group: Record<string, unknown>): Promise<(body: unknown) => ReturnType<typeof http>> {
  emulator = await startEmulator({ duckdbFiles: duckdbFilesFromPaths([file]) });
  const handle = emulator;
  const api = (method: string, path: string, body?: unknown) =>
    http(handle.url, method, `/api/v1/${path}`, { token: handle.credentials.sandboxToken, body });
  expect((await api('POST', 'registry/attribute_groups/', group)).status).toBe(201);
  expect((await api('PUT', 'registry/attribute_groups/user_engagement/versions/1/batch_source', sampleBatchSource())).status).toBe(200);
  expect((await api('POST', 'engines/publish', { attribute_groups: [{ name: 'user_engagement', version: 1 }] })).status).toBe(200);
  return (body) => api('POST', 'get-online-attributes', body);
}

/** Opens the file read-write `rounds` times from another process, each time updating u1's count to the round. */
const WRITER = `
import sys, time, duckdb
path, rounds = sys.argv[1], int(sys.argv[2])
for i in range(1, rounds + 1):
    con = duckdb.connect(path)
    con.execute("UPDATE analytics_derived.user_engagement_1_attributes SET page_views_7d = ?, updated_at = updated_at + INTERVAL 1 SECOND WHERE domain_userid = 'u1'", [i])
    con.close()
    time.sleep(0.005)
`;

// Per-test timeout of this file: it writes DuckDB tables with Python and starts an emulator over them.
jest.setTimeout(3 * 60_000);

describe('emulator get-online-attributes and a concurrent writer', () => {
  it('never blocks another process writing the DuckDB file while reads flow, and serves consistent, fresh values', async () => {
    const python = pythonExecutable();
    if (!existsSync(python))
      throw new Error(`${python} is missing: run \`npm run setup:python\` (it installs dbt-duckdb and DuckDB's Python client).`);
    const file = join(workDir, 'warehouse.duckdb');
    await runSql(
      file,
      `CREATE SCHEMA analytics_derived;
       CREATE TABLE analytics_derived.user_engagement_1_attributes AS
       SELECT 'u1' AS domain_userid, 0::BIGINT AS page_views_7d, TIMESTAMP '2025-01-01 00:00:00' AS updated_at;`,
    );
    const online = await servedGroup(file, sampleGroup());
    const read = async () => {
      const answer = await online({ attribute_keys: { domain_userid: ['u1'] }, attributes: ['user_engagement_v1:page_views_7d'] });
      expect(answer.status).toBe(200);
      return answer.body.page_views_7d[0] as number;
    };
    expect(await read()).toBe(0);

    const rounds = 60;
    const writer = spawn(python, ['-c', WRITER, file, String(rounds)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    writer.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    let writing = true;
    const exited = new Promise<number>((resolve) =>
      writer.on('close', (code) => {
        writing = false;
        resolve(code ?? -1);
      }),
    );
    const seen: number[] = [];
    while (writing) seen.push(await read());
    expect({ exit: await exited, stderr }).toEqual({ exit: 0, stderr: '' });

    // Reads overlapped the writes, each saw a committed state, and they never went back in time.
    expect(seen.length).toBeGreaterThan(5);
    expect(seen.every((value) => value >= 0 && value <= rounds)).toBe(true);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    // Once the writer is done, the next read sees its last write.
    expect(await read()).toBe(rounds);
  }, 120_000);
});

describe('emulator get-online-attributes value types', () => {
  it('serves dict columns (MAP, STRUCT, JSON) as objects and timestamps as ISO-8601 UTC strings', async () => {
    const file = join(workDir, 'warehouse.duckdb');
    await runSql(
      file,
      `CREATE SCHEMA analytics_derived;
       CREATE TABLE analytics_derived.user_engagement_1_attributes AS
       SELECT 'u1' AS domain_userid,
              MAP {'mobile': 3::BIGINT, 'desktop': 1::BIGINT} AS device_counts,
              {'plan': 'pro', 'seats': 4} AS profile,
              '{"a": [1, 2]}'::JSON AS raw_json,
              TIMESTAMP '2025-03-04 05:06:07.891' AS last_seen,
              [TIMESTAMP '2025-01-01 00:00:00', TIMESTAMP '2025-01-02 12:00:00'] AS seen_days,
              9007199254740993::BIGINT AS huge_count,
              TIMESTAMP '2025-03-04 05:06:07' AS updated_at;`,
    );
    const attribute = (name: string, type: string, aggregation: string) => ({
      name,
      type,
      aggregation,
      events: [],
      property: { type: 'atomic', name: 'derived_tstamp' },
    });
    const online = await servedGroup(
      file,
      sampleGroup({
        attributes: [
          attribute('device_counts', 'dict', 'category_count'),
          attribute('profile', 'dict', 'last'),
          attribute('raw_json', 'dict', 'last'),
          attribute('last_seen', 'timestamp', 'last'),
          attribute('seen_days', 'unix_timestamp_list', 'unique_list'),
          attribute('huge_count', 'int64', 'counter'),
        ],
      }),
    );
    const names = ['device_counts', 'profile', 'raw_json', 'last_seen', 'seen_days', 'huge_count'];
    const answer = await online({
      attribute_keys: { domain_userid: ['u1', 'nobody'] },
      attributes: names.map((name) => `user_engagement_v1:${name}`),
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      domain_userid: ['u1', 'nobody'],
      device_counts: [{ mobile: 3, desktop: 1 }, null],
      profile: [{ plan: 'pro', seats: 4 }, null],
      raw_json: [{ a: [1, 2] }, null],
      last_seen: ['2025-03-04T05:06:07.891Z', null],
      seen_days: [['2025-01-01T00:00:00.000Z', '2025-01-02T12:00:00.000Z'], null],
      huge_count: ['9007199254740993', null],
    });
  });
});
