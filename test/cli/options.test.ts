/**
 * Every CLI option is parsed and checked before the command reads, writes or runs anything:
 * bad values are usage errors (exit 2) that say what to give instead.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { dialectFor, TARGETS } from '../../src/dbt';
import { cliInProcess as cli, expectOneParagraph, packageRoot } from '../support/cli';

// Per-test timeout of this file: it starts the CLI as a process per test.
jest.setTimeout(3 * 60_000);

const view = path.join(packageRoot, 'test', 'fixtures', 'views', 'shop_view.api.json');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'signals-batch-options-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

let counter = 0;
const fresh = (name: string) => path.join(work, `${name}-${++counter}`);

/** A file that exists, standing in for a DuckDB database (option checks stop before it is opened). */
const someDatabase = () => {
  const file = fresh('wh.duckdb');
  fs.writeFileSync(file, '');
  return file;
};

describe('options are checked by the parser', () => {
  test('a newline in --profile cannot inject YAML: refused, nothing written', async () => {
    const out = fresh('out');
    const r = await cli('generate', '--view', view, '--out', out, '--profile', 'signals_batch\ninjected: true');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("option '--profile <name>' argument");
    expect(r.stderr).toContain('Use a letter or _, then letters, digits or _');
    expect(fs.existsSync(out)).toBe(false);
  });

  test('a quote in --schema cannot break SQL: refused', async () => {
    const r = await cli('run', '--project', work, '--duckdb', someDatabase(), '--schema', "main'; drop table x; --");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("option '--schema <schema>' argument");
  });

  test.each([
    ['--max-rounds', 'abc', 'Use a whole number from 1 to 100000.'],
    ['--threads', '0', 'Use a whole number from 1 to 64.'],
    ['--threads', '2.5', 'Use a whole number from 1 to 64.'],
  ])('run %s %s is refused with what to give instead', async (option, value, hint) => {
    const r = await cli('run', '--project', work, '--duckdb', someDatabase(), option, value);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`argument '${value}' is invalid. ${hint}`);
    expect(r.stderr).not.toContain('NaN');
  });

  test('run --duckdb with a database file that does not exist is refused, and none is created', async () => {
    const typo = fresh('typo.duckdb');
    const r = await cli('run', '--project', work, '--duckdb', typo);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`No such file: ${typo}. Give the database holding the events (load them with signals-batch load-events).`);
    expect(fs.existsSync(typo)).toBe(false);
  });

  test('run --duckdb and --snowflake-account conflict', async () => {
    const r = await cli('run', '--project', work, '--duckdb', someDatabase(), '--snowflake-account', 'acme-xy123');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("option '--duckdb <file>' cannot be used with option '--snowflake-account <account>'");
  });

  test('Snowflake names admit no template or quote', async () => {
    const r = await cli('run', '--project', work, '--snowflake-account', 'acme', '--snowflake-user', "{{ env_var('X') }}");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("option '--snowflake-user <user>' argument");
  });

  test('--vars are checked against the project variables, dates included', async () => {
    const r = await cli('run', '--project', work, '--duckdb', someDatabase(), '--vars', '{"snowplow__mock_current_day": "2025-02-30"}');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('snowplow__mock_current_day: "2025-02-30" is not a calendar date YYYY-MM-DD');
  });

  test('usage errors are one paragraph ending with where to find the usage', async () => {
    const r = await cli('generate', '--view', view, '--out', fresh('out'), '--target', 'oracle');
    expectOneParagraph(r.stderr);
    expect(r.stderr.trim().endsWith('(add --help for usage)')).toBe(true);
  });
});

describe('--target everywhere', () => {
  test('generate offers only implemented targets, and takes --target-type (the reference name) as an alias', async () => {
    const help = (await cli('generate', '--help')).stdout.replace(/\s+/g, ' ');
    const implemented = TARGETS.filter((target) => {
      try {
        return dialectFor(target) !== undefined;
      } catch {
        return false;
      }
    });
    expect(implemented).toContain('duckdb');
    expect(help).toContain(`(choices: ${implemented.map((t) => `"${t}"`).join(', ')}, default: "duckdb")`);
    for (const other of TARGETS.filter((t) => !implemented.includes(t))) expect(help).not.toContain(other);
    const out = fresh('out');
    const r = await cli('generate', '--view', view, '--out', out, '--target-type', 'snowflake');
    expect(r.code).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(out, 'shop_user_features_3', 'signals_batch.json'), 'utf8')).target).toBe('snowflake');
  });

  test('materialize, which writes no SQL, accepts every target name of the reference CLI', async () => {
    const r = await cli('materialize', '--target-type', 'bigquery', '--api-url', 'http://127.0.0.1:9');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Missing --attribute-group-name');
  });

  test('--target and --target-type that disagree are refused', async () => {
    const out = fresh('out');
    const r = await cli('generate', '--view', view, '--out', out, '--target', 'duckdb', '--target-type', 'snowflake');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--target duckdb and --target-type snowflake disagree');
    expect(fs.existsSync(out)).toBe(false);
  });
});

describe('--verbose is one program-level option', () => {
  test.each([
    ['before the command', ['--verbose', 'generate']],
    ['after the command', ['generate', '--verbose']],
    ['as -v', ['-v', 'generate']],
  ])('works %s', async (_where, head) => {
    const r = await cli(...head, '--view', view, '--out', fresh('out'));
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('attribute table: <schema>_derived.shop_user_features_3_attributes');
  });
});

describe('--json failures', () => {
  test('a usage error with --json prints one line {"error": ...} on stdout and details on stderr', async () => {
    const r = await cli('run', '--json', '--project', work, '--duckdb', someDatabase(), '--threads', '0');
    expect(r.code).toBe(2);
    expect(r.stdout.endsWith('\n')).toBe(true);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(r.stdout)).toEqual({ error: "option '--threads <n>' argument '0' is invalid. Use a whole number from 1 to 64." });
    expect(r.stderr).toContain('--threads');
  });

  test('a failed run with --json prints {"error": ...} on stdout', async () => {
    const r = await cli('run', '--json', '--project', fresh('no-project'), '--duckdb', someDatabase());
    expect(r.code).toBe(1);
    expect(Object.keys(JSON.parse(r.stdout))).toEqual(['error']);
    expect(JSON.parse(r.stdout).error).toContain('is not a generated dbt project');
    expect(r.stderr).toContain('is not a generated dbt project');
  });
});
