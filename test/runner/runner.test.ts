import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  connectionProblems,
  DbtRunError,
  isCaughtUp,
  parseStatus,
  pythonEnvFor,
  renderProfile,
  requirementsFile,
  runUntilCaughtUp,
  writeProfiles,
} from '../../src/runner';
import { generateProject, writeProject } from '../../src/dbt';
import { ModelProgress } from '../../src/runner/dbtProcess';
import { describeFailure } from '../../src/runner/invocation';
import { parseView, pageView, domainUserid } from '../../src/definition';

// Per-test timeout of this file: it runs dbt, several times per test: minutes on a busy 2-core machine.
jest.setTimeout(10 * 60_000);

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

  it('is not caught up while the windows end before today (a resumed run kept the day it started on)', () => {
    const line =
      '05:50:22  signals-batch status: {"processed_through": "2025-01-07 23:05:04.000000", "newest_load_tstamp": "2025-01-07 23:05:04.000000", "windows_current": false}';
    const status = parseStatus(line)!;
    expect(status.windowsCurrent).toBe(false);
    expect(isCaughtUp(status)).toBe(false);
    expect(isCaughtUp({ ...status, windowsCurrent: true })).toBe(true);
  });
});

describe('what a failed dbt invocation says to do next', () => {
  const failure = (line: string) => ({
    success: false,
    error: null,
    output: `12:00:01  Runtime Error in model x_daily_values\n${line}\n`,
    progress: new ModelProgress(),
  });
  const project = fs.mkdtempSync(path.join(os.tmpdir(), 'signals-batch-failure-'));
  afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

  it('names the memory limit options when DuckDB ran out of its memory', async () => {
    const error = await describeFailure(
      project,
      failure('  Out of Memory Error: failed to allocate data of size 16.0 MiB (1.8 GiB/1.8 GiB used)'),
    );
    expect(error.message).toContain('dbt run failed in dbt');
    expect(error.message).toContain(
      'DuckDB reached its memory limit: raise it (--duckdb-memory-limit, or warehouse.duckdb.memoryLimit in the component)',
    );
  });

  it('otherwise says to fix the cause and re-run', async () => {
    const error = await describeFailure(project, failure('  Binder Error: column "x" not found'));
    expect(error.message).toContain('Binder Error: column "x" not found');
    expect(error.message).toContain('Fix the cause, then re-run: completed work is kept');
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

  it('runs a local Spark session on one dbt thread unless the run asks for more, as DuckDB; a warehouse on four', () => {
    const spark = { type: 'spark' as const, schema: 'analytics' };
    expect(renderProfile('signals_batch', 'dev', spark).yaml).toContain('      threads: 1\n');
    expect(renderProfile('signals_batch', 'dev', spark, 2).yaml).toContain('      threads: 2\n');
    const databricks = { type: 'databricks' as const, host: 'h', httpPath: '/p', token: 't', catalog: 'c', schema: 's' };
    expect(renderProfile('signals_batch', 'dev', databricks).yaml).toContain('      threads: 4\n');
  });

  it('loads dbt-duckdb plugins from module paths, their settings inert to Jinja, and refuses a module that is not a Python name', () => {
    const { yaml } = renderProfile('signals_batch', 'dev', {
      type: 'duckdb',
      path: '/data/wh.duckdb',
      plugins: [{ module: 'tools.profiler', config: { output: '/tmp/{{ 7 * 7 }}.jsonl' } }],
      modulePaths: ['/opt/tools'],
    });
    expect(yaml).toContain(`plugins: [{"module":"tools.profiler","config":{"output":"/tmp/{{ '{' }}{ 7 * 7 }}.jsonl"}}]`);
    expect(yaml).toContain('module_paths: ["/opt/tools"]');
    expect(() =>
      renderProfile('signals_batch', 'dev', { type: 'duckdb', path: '/x.duckdb', plugins: [{ module: 'os; import sys' }] }),
    ).toThrow(/plugin module "os; import sys" is not a Python module name/);
  });

  it('keeps Snowflake secrets out of the file and passes them through the environment', async () => {
    const secret = 'hunter2-very-secret';
    const files = await writeProfiles('signals_batch', 'prod', {
      type: 'snowflake',
      account: 'acme-xy123',
      user: 'dbt',
      role: 'TRANSFORMER',
      warehouse: 'WH',
      database: 'ANALYTICS',
      schema: 'SIGNALS',
      password: secret,
    });
    try {
      const text = fs.readFileSync(path.join(files.dir, 'profiles.yml'), 'utf8');
      expect(text).not.toContain(secret);
      expect(text).toContain('password: "{{ env_var(\'SIGNALS_BATCH_DBT_PASSWORD\') }}"');
      expect(files.env.SIGNALS_BATCH_DBT_PASSWORD).toBe(secret);
      expect(fs.statSync(path.join(files.dir, 'profiles.yml')).mode & 0o077).toBe(0);
    } finally {
      await files.cleanup();
    }
    expect(fs.existsSync(files.dir)).toBe(false);
  });

  it('keeps a BigQuery service-account key out of the file: one base64 secret in the environment', () => {
    const key = JSON.stringify({
      type: 'service_account',
      private_key: '-----BEGIN PRIVATE KEY-----\nsecret\n-----END PRIVATE KEY-----\n',
    });
    const { yaml, env } = renderProfile('signals_batch', 'prod', {
      type: 'bigquery',
      project: 'acme-analytics',
      dataset: 'signals',
      location: 'EU',
      keyfileJson: key,
      maximumBytesBilled: 10_000_000_000,
    });
    expect(yaml).not.toContain('secret');
    expect(yaml).toContain('method: "service-account-json"');
    expect(yaml).toContain('keyfile_json: "{{ env_var(\'SIGNALS_BATCH_DBT_BIGQUERY_KEYFILE_JSON\') }}"');
    expect(yaml).toContain('maximum_bytes_billed: 10000000000');
    expect(Buffer.from(env.SIGNALS_BATCH_DBT_BIGQUERY_KEYFILE_JSON, 'base64').toString()).toBe(key);
  });

  it('keeps a Databricks token out of the file and names catalog, schema and HTTP path', () => {
    const { yaml, env } = renderProfile('signals_batch', 'prod', {
      type: 'databricks',
      host: 'adb-1.azuredatabricks.net',
      httpPath: '/sql/1.0/warehouses/abc',
      token: 'dapi-secret',
      catalog: 'main',
      schema: 'signals',
    });
    expect(yaml).not.toContain('dapi-secret');
    expect(yaml).toContain('token: "{{ env_var(\'SIGNALS_BATCH_DBT_DATABRICKS_TOKEN\') }}"');
    expect(yaml).toContain('catalog: "main"');
    expect(yaml).toContain('http_path: "/sql/1.0/warehouses/abc"');
    expect(env).toEqual({ SIGNALS_BATCH_DBT_DATABRICKS_TOKEN: 'dapi-secret' });
  });

  it('refuses BigQuery and Databricks names that could break the profile, naming each', () => {
    expect(connectionProblems({ type: 'bigquery', project: 'Acme Analytics', dataset: 'signals', location: "EU'" })).toEqual([
      'BigQuery project "Acme Analytics" is not valid: use a GCP project id: lower-case letters, digits, "-" (a domain-scoped one also "." and ":")',
      'BigQuery location "EU\'" is not valid: use a BigQuery location such as EU, US or europe-west2',
    ]);
    expect(
      connectionProblems({
        type: 'databricks',
        host: 'https://adb-1.net',
        httpPath: '/sql/{{ x }}',
        token: 't',
        catalog: 'main',
        schema: 'signals',
      }),
    ).toEqual([
      'Databricks host "https://adb-1.net" is not valid: use a host name such as adb-123.4.azuredatabricks.net (no scheme or path)',
      'Databricks HTTP path "/sql/{{ x }}" is not valid: use an HTTP path such as /sql/1.0/warehouses/abc123',
    ]);
    expect(
      connectionProblems({
        type: 'databricks',
        host: 'adb-1.2.azuredatabricks.net',
        httpPath: 'sql/protocolv1/o/123/0123-456789-abc',
        token: 't',
        catalog: 'main',
        schema: 'signals',
      }),
    ).toEqual([]);
  });

  it('runs each adapter from its own pinned environment', () => {
    expect(['duckdb', 'snowflake', 'bigquery', 'databricks', 'spark'].map((t) => pythonEnvFor(t as 'duckdb'))).toEqual([
      'duckdb',
      'snowflake',
      'bigquery',
      'databricks',
      'spark',
    ]);
    for (const env of ['duckdb', 'snowflake', 'bigquery', 'databricks', 'spark', 'fakesnow', 'crucible', 'sqlglot'] as const) {
      const pins = fs
        .readFileSync(requirementsFile(env), 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '');
      expect({ env, unpinned: pins.filter((l) => !/^[A-Za-z0-9_.\-[\]]+==\S+$/.test(l)) }).toEqual({ env, unpinned: [] });
    }
  });
});

describe('running a project', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'signals-batch-runner-'));
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  it('rejects unknown dbt variables before running anything', async () => {
    const view = parseView({
      name: 'runner_vars',
      version: 1,
      attributeKey: domainUserid,
      attributes: [{ name: 'views', type: 'int64', aggregation: 'counter', events: [pageView()] }],
    });
    const dir = await writeProject(work, generateProject(view, { target: 'duckdb' }));
    await expect(
      runUntilCaughtUp({
        projectDir: dir,
        connection: { type: 'duckdb', path: path.join(work, 'wh.duckdb') },
        vars: { snowplow__strat_date: '2025-01-01' },
        setupPython: false,
      }),
    ).rejects.toThrow('unknown variable "snowplow__strat_date" (did you mean "snowplow__start_date"?)');
    expect(fs.existsSync(path.join(work, 'wh.duckdb'))).toBe(false);
  });

  it("uses the user's own dbt profiles as they are, and says where profiles.yml was expected", async () => {
    const view = parseView({
      name: 'runner_profiles',
      version: 1,
      attributeKey: domainUserid,
      attributes: [{ name: 'views', type: 'int64', aggregation: 'counter', events: [pageView()] }],
    });
    const dir = await writeProject(work, generateProject(view, { target: 'duckdb' }));
    await expect(runUntilCaughtUp({ projectDir: dir, profilesDir: path.join(work, 'nowhere'), setupPython: false })).rejects.toThrow(
      /no profiles\.yml in .*nowhere/,
    );
    await expect(
      runUntilCaughtUp({ projectDir: dir, profilesDir: work, connection: { type: 'duckdb', path: 'x.duckdb' }, setupPython: false }),
    ).rejects.toThrow(/either a connection or profilesDir/);
    // a profile of the user's, with its own target names: dbt runs with it and the target chosen
    const profiles = path.join(work, 'user-profiles');
    fs.mkdirSync(profiles, { recursive: true });
    const database = path.join(work, 'user.duckdb');
    fs.writeFileSync(
      path.join(profiles, 'profiles.yml'),
      `signals_batch:\n  target: other\n  outputs:\n    other:\n      type: duckdb\n      path: /nonexistent/dir/other.duckdb\n    mine:\n      type: duckdb\n      path: ${JSON.stringify(database)}\n      schema: main\n`,
    );
    const run = runUntilCaughtUp({ projectDir: dir, profilesDir: profiles, targetName: 'mine', log: () => undefined });
    // no events table yet: dbt got as far as the user's target database
    await expect(run).rejects.toBeInstanceOf(DbtRunError);
    expect(fs.existsSync(database)).toBe(true);
  });

  it("names the failing model and shows dbt's error when the events table is missing", async () => {
    const view = parseView({
      name: 'runner_failure',
      version: 1,
      attributeKey: domainUserid,
      attributes: [{ name: 'views', type: 'int64', aggregation: 'counter', events: [pageView()] }],
    });
    const dir = await writeProject(work, generateProject(view, { target: 'duckdb' }));
    const lines: string[] = [];
    const run = runUntilCaughtUp({
      projectDir: dir,
      connection: { type: 'duckdb', path: path.join(work, 'empty.duckdb') },
      log: (l) => lines.push(l),
    });
    await expect(run).rejects.toBeInstanceOf(DbtRunError);
    const error = (await run.catch((e: DbtRunError) => e)) as DbtRunError;
    expect(error.message).toMatch(/dbt run failed in (model runner_failure_1_run_limits|dbt)/);
    expect(error.message).toMatch(/atomic.*events|events.*does not exist|Catalog Error/i);
  });
});
