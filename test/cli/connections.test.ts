/**
 * `signals-batch run` connection options: one warehouse's options (or your own dbt profiles) at a time,
 * each name checked by its parser, the profile the runner writes from them, and secrets only from the
 * environment, never echoed.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTarget } from '../../src/cli/connections';
import { renderProfile, SECRET_ENV } from '../../src/runner';
import { cliInProcess as cli } from '../support/cli';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'signals-batch-connections-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const DATABRICKS = [
  '--databricks-host',
  'adb-1.2.azuredatabricks.net',
  '--databricks-http-path',
  '/sql/1.0/warehouses/abc123',
  '--databricks-catalog',
  'main',
];
const KEY = JSON.stringify({
  type: 'service_account',
  project_id: 'acme-analytics',
  private_key: '-----BEGIN PRIVATE KEY-----\nMIIEv-very-secret\n-----END PRIVATE KEY-----\n',
});

/** Runs `work` with the given environment variables set (and restores them after). */
async function withEnv<T>(vars: Record<string, string | undefined>, work: () => Promise<T> | T): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  apply(vars);
  try {
    return await work();
  } finally {
    apply(saved);
  }
}

describe('one place to run at a time', () => {
  test.each([
    [
      ['--bigquery-project', 'acme-analytics', ...DATABRICKS],
      "option '--bigquery-project <project>' cannot be used with option '--databricks-host <host>'",
    ],
    [
      ['--snowflake-user', 'DBT', '--bigquery-location', 'EU'],
      "option '--snowflake-user <user>' cannot be used with option '--bigquery-location <location>'",
    ],
    [
      ['--profiles-dir', work, '--databricks-catalog', 'main'],
      "option '--databricks-catalog <catalog>' cannot be used with option '--profiles-dir <dir>'",
    ],
  ])('%j is refused as a usage error', async (options, message) => {
    const r = await cli('run', '--project', work, ...options);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });

  test('without any, the error lists every way to say where to run', async () => {
    const r = await cli('run', '--project', work);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Say where to run: --duckdb <file>, --snowflake-account');
    expect(r.stderr).toContain(
      '--bigquery-project, --databricks-host (with --databricks-http-path, --databricks-catalog), or --profiles-dir <your dbt profiles>',
    );
  });

  test('an option without its warehouse names the option it needs', async () => {
    const r = await cli('run', '--project', work, '--databricks-catalog', 'main');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--databricks-catalog needs --databricks-host.');
  });

  test('run --help lists each warehouse and says where its secret comes from', async () => {
    const help = (await cli('run', '--help')).stdout.replace(/\s+/g, ' ');
    for (const option of [
      '--bigquery-project <project>',
      '--bigquery-location <location>',
      '--databricks-host <host>',
      '--databricks-http-path <path>',
      '--databricks-catalog <catalog>',
      '--profiles-dir <dir>',
    ]) {
      expect(help).toContain(option);
    }
    expect(help).toContain(SECRET_ENV.keyfileJson);
    expect(help).toContain(SECRET_ENV.token);
  });
});

describe('names are checked by the parser', () => {
  test.each([
    ['--bigquery-project', 'Acme Analytics', 'Use a GCP project id'],
    ['--bigquery-location', "EU'", 'Use a BigQuery location such as EU, US or europe-west2.'],
    [
      '--databricks-host',
      'https://adb-1.azuredatabricks.net',
      'Use a host name such as adb-123.4.azuredatabricks.net (no scheme or path).',
    ],
    ['--databricks-http-path', "/sql/{{ env_var('X') }}", 'Use an HTTP path such as /sql/1.0/warehouses/abc123.'],
    ['--databricks-catalog', 'main;drop', 'Use a letter or _, then letters, digits or _'],
    ['--duckdb-memory-limit', "2GB'); set threads=1; --", 'Use a number and a unit, e.g. 2GB, 1500MB or 4GiB.'],
  ])('%s %j is refused', async (option, value, hint) => {
    const r = await cli('run', '--project', work, option, value);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`argument '${value}' is invalid. ${hint}`);
  });
});

describe('DuckDB', () => {
  test('the memory limit reaches the profile as a DuckDB setting, 2GB unless given', () => {
    const file = path.join(work, 'wh.duckdb');
    const given = runTarget({ duckdb: file, duckdbMemoryLimit: '6GiB', schema: 'main' });
    expect(given).toEqual({ connection: { type: 'duckdb', path: file, schema: 'main', memoryLimit: '6GiB' } });
    if (!('connection' in given)) throw new Error('expected a connection');
    expect(renderProfile('p', 'dev', given.connection).yaml).toContain(
      'settings: {"memory_limit": "6GiB", "preserve_insertion_order": "false"}',
    );
    const unset = runTarget({ duckdb: file, schema: 'main' });
    if (!('connection' in unset)) throw new Error('expected a connection');
    expect(renderProfile('p', 'dev', unset.connection).yaml).toContain(
      'settings: {"memory_limit": "2GB", "preserve_insertion_order": "false"}',
    );
  });

  test('one dbt thread unless the run asks for more: DuckDB already runs each statement on every core', () => {
    const target = runTarget({ duckdb: path.join(work, 'wh.duckdb'), schema: 'main' });
    if (!('connection' in target)) throw new Error('expected a connection');
    expect(renderProfile('p', 'dev', target.connection).yaml).toContain('      threads: 1\n');
    expect(renderProfile('p', 'dev', target.connection, 3).yaml).toContain('      threads: 3\n');
  });
});

describe('BigQuery', () => {
  test('the dataset is --schema; a service-account key comes only from the environment and never reaches the profile file', async () => {
    const target = await withEnv({ [SECRET_ENV.keyfileJson]: KEY }, () =>
      runTarget({
        bigqueryProject: 'acme-analytics',
        bigqueryLocation: 'EU',
        bigqueryMaximumBytesBilled: 1_000_000_000,
        schema: 'signals',
      }),
    );
    expect(target).toEqual({
      connection: {
        type: 'bigquery',
        project: 'acme-analytics',
        dataset: 'signals',
        location: 'EU',
        maximumBytesBilled: 1_000_000_000,
        keyfileJson: KEY,
      },
    });
    const { yaml, env } = renderProfile(
      'signals_batch',
      'prod',
      (target as { connection: Parameters<typeof renderProfile>[2] }).connection,
    );
    expect(yaml).toBe(
      'signals_batch:\n  target: prod\n  outputs:\n    prod:\n' +
        '      type: "bigquery"\n      project: "acme-analytics"\n      dataset: "signals"\n      threads: 4\n      method: "service-account-json"\n' +
        '      location: "EU"\n      maximum_bytes_billed: 1000000000\n' +
        `      keyfile_json: "{{ env_var('${SECRET_ENV.keyfileJson}') }}"\n`,
    );
    expect(Buffer.from(env[SECRET_ENV.keyfileJson], 'base64').toString()).toBe(KEY);
  });

  test('without a key, dbt uses Application Default Credentials (oauth)', async () => {
    const target = await withEnv({ [SECRET_ENV.keyfileJson]: undefined }, () =>
      runTarget({ bigqueryProject: 'acme-analytics', schema: 'signals' }),
    );
    const { yaml, env } = renderProfile(
      'signals_batch',
      'prod',
      (target as { connection: Parameters<typeof renderProfile>[2] }).connection,
    );
    expect(yaml).toContain('method: "oauth"');
    expect(yaml).not.toContain('keyfile_json');
    expect(env).toEqual({});
  });
});

describe('Databricks', () => {
  test('needs the HTTP path and the catalog', async () => {
    const r = await cli('run', '--project', work, '--databricks-host', 'adb-1.2.azuredatabricks.net');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--databricks-host also needs --databricks-http-path, --databricks-catalog');
  });

  test('needs the token in the environment (never as an argument)', async () => {
    const r = await withEnv({ [SECRET_ENV.token]: undefined }, () => cli('run', '--project', work, ...DATABRICKS));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Databricks credentials missing: set ${SECRET_ENV.token}`);
    expect((await cli('run', '--project', work, ...DATABRICKS, '--databricks-token', 'x')).stderr).toContain(
      "unknown option '--databricks-token'",
    );
  });

  test('the connection names host, HTTP path, catalog and schema; the token travels in the environment', async () => {
    const target = await withEnv({ [SECRET_ENV.token]: 'dapi-0123-secret' }, () =>
      runTarget({
        databricksHost: 'adb-1.2.azuredatabricks.net',
        databricksHttpPath: '/sql/1.0/warehouses/abc123',
        databricksCatalog: 'main',
        schema: 'signals',
      }),
    );
    expect(target).toEqual({
      connection: {
        type: 'databricks',
        host: 'adb-1.2.azuredatabricks.net',
        httpPath: '/sql/1.0/warehouses/abc123',
        catalog: 'main',
        schema: 'signals',
        token: 'dapi-0123-secret',
      },
    });
  });

  test('a run error never echoes the token', async () => {
    const token = 'dapi-0123-secret';
    const project = path.join(work, `project-${token}`);
    const r = await withEnv({ [SECRET_ENV.token]: token }, () => cli('run', '--json', '--project', project, ...DATABRICKS));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('is not a generated dbt project');
    expect(r.stderr).toContain('[redacted]');
    expect(r.stdout + r.stderr).not.toContain(token);
  });
});

describe('your own dbt profiles', () => {
  test('--profiles-dir needs no connection options and is passed as it is', () => {
    expect(runTarget({ profilesDir: work, schema: 'main' })).toEqual({ profilesDir: work });
  });

  test('a run with --profiles-dir goes as far as the project check', async () => {
    const r = await cli('run', '--project', path.join(work, 'missing'), '--profiles-dir', work, '--target-name', 'prod');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('is not a generated dbt project');
  });
});
