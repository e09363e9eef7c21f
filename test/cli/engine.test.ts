/**
 * The engine commands of the `signals-batch` CLI, run as child processes of the built package
 * (`node bin/signals-batch.js`): generate, load-events and run; invalid input exits non-zero with
 * a one-paragraph error naming the attribute and field, and writes nothing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseApiView, parseView, toApiView } from '../../src/definition';
import { generateProject } from '../../src/dbt';
import { generateEvents, sampleView, writeEventsCsv } from '../../src/sample';
import { queryDuckdb } from '../support/duckdb';
import { tempDir } from '../support/run';
import { buildPackage, cliProcess, expectOneParagraph, packageRoot, type CliRun } from '../support/cli';

// Per-test timeout of this file: it runs dbt, several times per test: minutes on a busy 2-core machine.
jest.setTimeout(10 * 60_000);

const fixtures = path.join(packageRoot, 'test', 'fixtures', 'views');
const work = tempDir('cli-engine');

const cli = (...args: string[]): CliRun => cliProcess(args, { cwd: work });

beforeAll(buildPackage, 300_000);

describe('signals-batch generate', () => {
  test('writes <out>/<name>_<version>/, the same files as the library generates', () => {
    const out = path.join(work, 'generated');
    const r = cli('generate', '--view', path.join(fixtures, 'shop_view.api.json'), '--target', 'duckdb', '--out', out);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const dir = path.join(out, 'shop_user_features_3');
    expect(r.stdout.trim()).toBe(dir);
    const view = parseApiView(JSON.parse(fs.readFileSync(path.join(fixtures, 'shop_view.api.json'), 'utf8')));
    const expected = generateProject(view, { target: 'duckdb' });
    for (const [file, content] of Object.entries(expected.files)) expect(fs.readFileSync(path.join(dir, file), 'utf8')).toBe(content);
    expect(fs.existsSync(path.join(dir, 'packages.yml'))).toBe(false);
  });

  test('--vars become the project defaults; --verbose names the attribute table', () => {
    const out = path.join(work, 'with-vars');
    const r = cli(
      'generate',
      '--view',
      path.join(fixtures, 'shop_view.api.json'),
      '--out',
      out,
      '--vars',
      '{"snowplow__start_date": "2024-03-01"}',
      '--verbose',
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('attribute table: <schema>_derived.shop_user_features_3_attributes');
    expect(fs.readFileSync(path.join(out, 'shop_user_features_3', 'dbt_project.yml'), 'utf8')).toContain(
      'snowplow__start_date: "2024-03-01"',
    );
  });

  test('an invalid view: exit code != 0, one paragraph naming the attribute and field, nothing written', () => {
    const out = path.join(work, 'invalid');
    const r = cli('generate', '--view', path.join(fixtures, 'invalid_first_without_property.api.json'), '--target', 'duckdb', '--out', out);
    expect(r.code).not.toBe(0);
    expect(r.code).not.toBeNull();
    expectOneParagraph(r.stderr);
    expect(r.stderr).toContain('invalid view "broken_view"');
    expect(r.stderr).toContain('attribute "first_source": property: aggregation "first" needs a property');
    expect(r.stdout).toBe('');
    expect(fs.existsSync(out)).toBe(false);
  });

  test('API field names in errors; several problems in one paragraph', () => {
    const view = JSON.parse(fs.readFileSync(path.join(fixtures, 'shop_view.api.json'), 'utf8')) as {
      attributes: Array<Record<string, unknown>>;
    };
    view.attributes[0].period = 'PT12H';
    view.attributes[1].default_value = 7;
    const file = path.join(work, 'two_problems.json');
    fs.writeFileSync(file, JSON.stringify(view));
    const out = path.join(work, 'two-problems');
    const r = cli('generate', '--view', file, '--out', out);
    expect(r.code).toBe(1);
    expectOneParagraph(r.stderr);
    expect(r.stderr).toContain('attribute "page_views_7d": period: period "PT12H" is not a whole number of days');
    expect(r.stderr).toContain('attribute "first_source": default_value: default value 7 does not fit type "string"');
    expect(fs.existsSync(out)).toBe(false);
  });

  test.each([
    ['a file that is not JSON', 1, ['--view', path.join(fixtures, '..', '..', 'cli', 'engine.test.ts')], /is not valid JSON/],
    ['a missing view file', 1, ['--view', path.join(work, 'nope.json')], /cannot read view file/],
    [
      'an unknown variable',
      2,
      ['--view', path.join(fixtures, 'shop_view.api.json'), '--vars', '{"snowplow__nope": 1}'],
      /unknown variable "snowplow__nope"/,
    ],
    [
      'a variable of the wrong type',
      2,
      ['--view', path.join(fixtures, 'shop_view.api.json'), '--vars', '{"snowplow__backfill_limit_days": "many"}'],
      /snowplow__backfill_limit_days/,
    ],
    [
      '--vars that is not JSON',
      2,
      ['--view', path.join(fixtures, 'shop_view.api.json'), '--vars', '{oops'],
      /option '--vars <json>' argument '\{oops' is invalid. It is not valid JSON/,
    ],
    [
      'an unknown target',
      2,
      ['--view', path.join(fixtures, 'shop_view.api.json'), '--target', 'oracle'],
      /argument 'oracle' is invalid. Allowed choices are duckdb, snowflake/,
    ],
  ])('%s: exit code %i (2 for a usage error), one paragraph, nothing written', (_what, code, args, message) => {
    const out = path.join(work, `bad-${Math.random().toString(36).slice(2)}`);
    const r = cli('generate', ...args, '--out', out);
    expect(r.code).toBe(code);
    expectOneParagraph(r.stderr);
    expect(r.stderr).toMatch(message);
    expect(fs.existsSync(out)).toBe(false);
  });
});

describe('signals-batch load-events and run', () => {
  test('load events, run until caught up: the attribute table is main_derived.<name>_<version>_attributes', async () => {
    const csv = path.join(work, 'events.csv');
    const rows = generateEvents({ seed: 3, users: 40, days: 8, startDate: '2025-01-01' });
    await writeEventsCsv(rows, csv);
    const viewFile = path.join(work, 'sample_view.json');
    fs.writeFileSync(viewFile, JSON.stringify(toApiView(parseView(sampleView())), null, 2));
    const database = path.join(work, 'warehouse.duckdb');

    const gen = cli('generate', '--view', viewFile, '--out', path.join(work, 'projects'));
    expect(gen.code).toBe(0);
    const projectDir = gen.stdout.trim();
    expect(path.basename(projectDir)).toBe('sample_shop_users_1');

    const load = cli('load-events', '--duckdb', database, csv);
    expect(load).toMatchObject({ code: 0 });
    expect(load.stdout).toContain(`${rows.length} events loaded into atomic.events`);

    const vars = { snowplow__start_date: '2025-01-01', snowplow__mock_current_day: '2025-01-09' };
    const runArgs = ['run', '--project', projectDir, '--duckdb', database, '--vars', JSON.stringify(vars)];
    const run = cli(...runArgs);
    expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stderr).toMatch(/round 1: .* - caught up/); // progress per round
    expect(run.stdout).toMatch(/^caught up after 1 round\(s\) in [\d.]+s; attribute table: main_derived\.sample_shop_users_1_attributes$/m);

    const table = await queryDuckdb(database, 'select * from main_derived.sample_shop_users_1_attributes order by domain_userid');
    const keys = new Set(
      rows.filter((r) => r.domain_userid !== null && String(r.derived_tstamp) >= '2025-01-01').map((r) => r.domain_userid),
    );
    expect(table.length).toBeGreaterThan(20);
    expect(table.length).toBeLessThanOrEqual(keys.size);
    expect(Object.keys(table[0])).toEqual(['domain_userid', ...sampleView().attributes.map((a) => a.name), 'updated_at']);

    const again = cli(...runArgs);
    expect(again.code).toBe(0);
    expect(await queryDuckdb(database, 'select * from main_derived.sample_shop_users_1_attributes order by domain_userid')).toEqual(table);
  });

  test('run --json: stdout is exactly one line of JSON with the result, progress stays on stderr', async () => {
    const csv = path.join(work, 'json-events.csv');
    await writeEventsCsv(generateEvents({ seed: 4, users: 10, days: 3, startDate: '2025-01-01' }), csv);
    const database = path.join(work, 'json.duckdb');
    expect(cli('load-events', '--duckdb', database, csv).code).toBe(0);
    const viewFile = path.join(work, 'json_view.json');
    fs.writeFileSync(viewFile, JSON.stringify(toApiView(parseView({ ...sampleView(), name: 'json_users' }))));
    const projectDir = cli('generate', '--view', viewFile, '--out', path.join(work, 'json-projects')).stdout.trim();

    const run = cli(
      'run',
      '--json',
      '--project',
      projectDir,
      '--duckdb',
      database,
      '--vars',
      '{"snowplow__start_date": "2025-01-01", "snowplow__mock_current_day": "2025-01-05"}',
    );
    expect(run.code).toBe(0);
    expect(run.stdout.endsWith('\n')).toBe(true);
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
    const result = JSON.parse(run.stdout);
    expect(Object.keys(result)).toEqual(['project', 'caughtUp', 'rounds', 'seconds', 'processedThrough', 'newestLoadTstamp', 'totals']);
    expect(result).toMatchObject({ project: 'json_users_1', caughtUp: true, rounds: 1 });
    expect(typeof result.seconds).toBe('number');
    expect(result.processedThrough).toBe(result.newestLoadTstamp);
    expect(Object.keys(result.totals)).toEqual(['newEvents', 'datesRecomputed', 'datesSkipped', 'keysRecomputed']);
    expect(result.totals.newEvents).toBeGreaterThan(0);
    expect(run.stderr).toMatch(/round 1: .* - caught up/);
  });

  test('load-events good.csv bad.csv: exit 1, one paragraph naming file, line and column, nothing committed', () => {
    const header = 'event_id,domain_userid,derived_tstamp,load_tstamp';
    const good = path.join(work, 'good.csv');
    const bad = path.join(work, 'bad.csv');
    fs.writeFileSync(good, `${header}\ne1,u1,2025-01-01 10:00:00,2025-01-01 10:00:00\n`);
    fs.writeFileSync(bad, `${header}\ne2,u2,2025-01-01 10:00:00,2025-01-01 10:00:00\ne3,u3,soon,2025-01-01 10:00:00\n`);
    const database = path.join(work, 'atomic-load.duckdb');
    const load = cli('load-events', '--duckdb', database, good, bad);
    expect(load.code).toBe(1);
    expectOneParagraph(load.stderr);
    expect(load.stderr).toContain(
      `load-events failed, nothing was loaded: ${bad} line 3, column derived_tstamp: "soon" is not a timestamp`,
    );
    expect(load.stdout).toBe('');
    expect(fs.existsSync(database)).toBe(false);
  });

  test('load-events with a missing file and run without a project fail in one paragraph', () => {
    const database = path.join(work, 'other.duckdb');
    const load = cli('load-events', '--duckdb', database, path.join(work, 'missing.csv'));
    expect(load.code).toBe(1);
    expectOneParagraph(load.stderr);
    expect(load.stderr).toContain('events file not found');
    expect(fs.existsSync(database)).toBe(false);
    const existing = path.join(work, 'existing.duckdb');
    fs.writeFileSync(existing, '');
    const run = cli('run', '--project', path.join(work, 'no-such-project'), '--duckdb', existing);
    expect(run.code).toBe(1);
    expectOneParagraph(run.stderr);
    expect(run.stderr).toContain('is not a generated dbt project');
  });
});
