/**
 * Windows follow the run's current day (docs/design.md section 4, rule 6): U - N <= d < U, with U the
 * current day (snowplow__mock_current_day) plus one when snowplow__include_current_day_in_windows.
 * Runs without new data must move the windows forward and backward, each result checked against
 * the rule computed here.
 */
import * as path from 'node:path';
import { pageView, parseView } from '../../src/definition';
import { generateProject, writeProject } from '../../src/dbt';
import { runUntilCaughtUp } from '../../src/runner';
import { writeEventsCsv, type EventRow } from '../../src/sample';
import { loadEventsCsv } from '../../src/warehouse/duckdbEvents';
import { queryDuckdb } from '../support/duckdb';
import { collectLog, tempDir } from '../support/run';

// Per-test timeout of this file: it runs dbt, several times per test: minutes on a busy 2-core machine.
jest.setTimeout(10 * 60_000);

const view = parseView({
  name: 'moving_windows',
  version: 1,
  attributeKey: { name: 'domain_userid' },
  attributes: [
    { name: 'views_1d', type: 'int64', aggregation: 'counter', events: [pageView()], period: 'P1D' },
    { name: 'views_3d', type: 'int64', aggregation: 'counter', events: [pageView()], period: 'PT72H' },
    { name: 'views', type: 'int64', aggregation: 'counter', events: [pageView()] },
  ],
});

const EVENTS: Array<[string, string]> = [
  ['alice', '2025-01-05'],
  ['bob', '2025-01-08'],
  ['bob', '2025-01-07'],
  ['carol', '2025-01-09'],
];

function row([user, date]: [string, string], i: number): EventRow {
  const at = `${date} 10:00:00.000`;
  return {
    app_id: 'web',
    event_id: `ev-${i}`,
    event_vendor: 'com.snowplowanalytics.snowplow',
    event_name: 'page_view',
    event_version: '1-0-0',
    domain_userid: user,
    derived_tstamp: at,
    dvce_created_tstamp: at,
    load_tstamp: at,
  };
}

/** The rule of docs/design.md 4.6, computed here. */
function expected(day: string, includeToday: boolean): Record<string, Record<string, number>> {
  const u = Date.parse(`${day}T00:00:00Z`) + (includeToday ? 86_400_000 : 0);
  const out: Record<string, Record<string, number>> = {};
  for (const [user, date] of EVENTS) {
    const d = Date.parse(`${date}T00:00:00Z`);
    const inWindow = (n: number) => (u - n * 86_400_000 <= d && d < u ? 1 : 0);
    const r = (out[user] ??= { views_1d: 0, views_3d: 0, views: 0 });
    r.views_1d += inWindow(1);
    r.views_3d += inWindow(3);
    r.views += 1;
  }
  return out;
}

const work = tempDir('windows');
const database = path.join(work, 'warehouse.duckdb');
const project = generateProject(view, { target: 'duckdb', vars: { snowplow__start_date: '2025-01-01' } });
const { log } = collectLog();
let projectDir: string;

beforeAll(async () => {
  projectDir = await writeProject(path.join(work, 'projects'), project);
  await writeEventsCsv(EVENTS.map(row), path.join(work, 'events.csv'));
  await loadEventsCsv([path.join(work, 'events.csv')], { database });
});

describe('windows move with the current day, in both directions, without new data', () => {
  test.each([
    ['2025-01-10', false],
    ['2025-01-06', false], // backwards
    ['2025-01-09', false], // forwards again, but not as far as the first run
    ['2025-01-09', true], // the current day counts
    ['2025-01-08', true],
  ] as const)('current day %s, include current day %s', async (day, includeToday) => {
    const summary = await runUntilCaughtUp({
      projectDir,
      connection: { type: 'duckdb', path: database, schema: 'main' },
      vars: { snowplow__mock_current_day: day, snowplow__include_current_day_in_windows: includeToday },
      log,
    });
    expect(summary.caughtUp).toBe(true);
    const rows = await queryDuckdb(
      database,
      `select * exclude (updated_at) from main_derived.${project.tables.attributes} order by domain_userid`,
    );
    const actual = Object.fromEntries(
      rows.map((r) => [r.domain_userid, { views_1d: Number(r.views_1d), views_3d: Number(r.views_3d), views: Number(r.views) }]),
    );
    expect(actual).toEqual(expected(day, includeToday));
  });
});

describe('windows cannot reach back into the rolled-up days', () => {
  test('a current day moved back past the rollup slack stops the run with the fix, changing nothing', async () => {
    const before = await queryDuckdb(database, `select * from main_derived.${project.tables.attributes} order by domain_userid`);
    await expect(
      runUntilCaughtUp({
        projectDir,
        connection: { type: 'duckdb', path: database, schema: 'main' },
        vars: { snowplow__mock_current_day: '2025-01-03' },
        log,
      }),
    ).rejects.toThrow(/moved back further than snowplow__late_event_lookback_days allows[\s\S]*--full-refresh --allow-refresh/);
    expect(await queryDuckdb(database, `select * from main_derived.${project.tables.attributes} order by domain_userid`)).toEqual(before);
  });
});
