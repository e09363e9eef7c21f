import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DbtRunError, isCaughtUp, parseStatus, renderProfile, runUntilCaughtUp, writeProfiles } from '../../src/runner';
import { generateProject, writeProject } from '../../src/dbt';
import { parseView, pageView, domainUserid } from '../../src/definition';

describe('reading the status line a generated project logs', () => {
  it('takes the last status line of a dbt run', () => {
    const out = [
      '05:50:21  signals-batch status: {"processed_through": null, "newest_load_tstamp": "2025-01-07 23:05:04"}',
      '05:50:22  signals-batch status: {"processed_through": "2025-01-03 23:59:59.999999", "newest_load_tstamp": "2025-01-07 23:05:04", "new_events": 23, "dates_recomputed": 3, "dates_skipped": 0, "keys_recomputed": 8}',
    ].join('\n');
    expect(parseStatus(out)).toEqual({
      processedThrough: '2025-01-03 23:59:59.999999',
      newestLoadTstamp: '2025-01-07 23:05:04',
      newEvents: 23,
      datesRecomputed: 3,
      datesSkipped: 0,
      keysRecomputed: 8,
    });
    expect(parseStatus('no status here')).toBeNull();
  });

  it('is caught up when processing reached the newest load, or nothing is loaded', () => {
    expect(isCaughtUp({ processedThrough: '2025-01-07 23:05:04', newestLoadTstamp: '2025-01-07 23:05:04' })).toBe(true);
    expect(isCaughtUp({ processedThrough: '2025-01-06 23:59:59.999999', newestLoadTstamp: '2025-01-07 23:05:04' })).toBe(false);
    expect(isCaughtUp({ processedThrough: null, newestLoadTstamp: '2025-01-07 23:05:04' })).toBe(false);
    expect(isCaughtUp({ processedThrough: null, newestLoadTstamp: null })).toBe(true);
  });
});

describe('dbt profiles written from options', () => {
  it('points a DuckDB profile at the database file and schema', () => {
    const { yaml, env } = renderProfile('signals_batch', 'dev', { type: 'duckdb', path: '/data/wh.duckdb', schema: 'analytics' });
    expect(yaml).toContain('signals_batch:\n  target: dev\n');
    expect(yaml).toContain('path: "/data/wh.duckdb"');
    expect(yaml).toContain('schema: "analytics"');
    expect(env).toEqual({});
  });

  it('keeps Snowflake secrets out of the file and passes them through the environment', async () => {
    const secret = 'hunter2-very-secret';
    const files = await writeProfiles('signals_batch', 'prod', {
      type: 'snowflake', account: 'acme-xy123', user: 'dbt', role: 'TRANSFORMER', warehouse: 'WH', database: 'ANALYTICS', schema: 'SIGNALS', password: secret,
    });
    try {
      const text = fs.readFileSync(path.join(files.dir, 'profiles.yml'), 'utf8');
      expect(text).not.toContain(secret);
      expect(text).toContain("password: \"{{ env_var('SIGNALS_BATCH_DBT_PASSWORD') }}\"");
      expect(files.env.SIGNALS_BATCH_DBT_PASSWORD).toBe(secret);
      expect(fs.statSync(path.join(files.dir, 'profiles.yml')).mode & 0o077).toBe(0);
    } finally {
      await files.cleanup();
    }
    expect(fs.existsSync(files.dir)).toBe(false);
  });
});

describe('running a project', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'signals-batch-runner-'));
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  it('rejects unknown dbt variables before running anything', async () => {
    const view = parseView({ name: 'runner_vars', version: 1, attributeKey: domainUserid, attributes: [{ name: 'views', type: 'int64', aggregation: 'counter', events: [pageView()] }] });
    const dir = await writeProject(work, generateProject(view, { target: 'duckdb' }));
    await expect(
      runUntilCaughtUp({ projectDir: dir, connection: { type: 'duckdb', path: path.join(work, 'wh.duckdb') }, vars: { snowplow__strat_date: '2025-01-01' }, setupPython: false }),
    ).rejects.toThrow('unknown variable "snowplow__strat_date" (did you mean "snowplow__start_date"?)');
    expect(fs.existsSync(path.join(work, 'wh.duckdb'))).toBe(false);
  });

  it('names the failing model and shows dbt\'s error when the events table is missing', async () => {
    const view = parseView({ name: 'runner_failure', version: 1, attributeKey: domainUserid, attributes: [{ name: 'views', type: 'int64', aggregation: 'counter', events: [pageView()] }] });
    const dir = await writeProject(work, generateProject(view, { target: 'duckdb' }));
    const lines: string[] = [];
    const run = runUntilCaughtUp({ projectDir: dir, connection: { type: 'duckdb', path: path.join(work, 'empty.duckdb') }, log: (l) => lines.push(l) });
    await expect(run).rejects.toBeInstanceOf(DbtRunError);
    const error = (await run.catch((e: DbtRunError) => e)) as DbtRunError;
    expect(error.message).toMatch(/dbt run failed in (model runner_failure_1_run_limits|dbt)/);
    expect(error.message).toMatch(/atomic.*events|events.*does not exist|Catalog Error/i);
  });
});
