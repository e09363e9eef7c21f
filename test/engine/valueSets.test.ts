/**
 * Per-value attributes keep their value rows in daily_values by value set: the events they count
 * and the value they take. Attributes that share both share the rows, each reading them in its own
 * window; a set only windowed attributes read keeps no rows of days past the rollup boundary (they
 * are in none of its windows), while a set a lifetime attribute reads folds them into its rollup row.
 */
import * as path from 'node:path';
import { atomic, pageView, parseView } from '../../src/definition';
import { generateProject, writeProject } from '../../src/dbt';
import { runUntilCaughtUp } from '../../src/runner';
import { writeEventsCsv, type EventRow } from '../../src/sample';
import { loadEventsCsv } from '../../src/warehouse/duckdbEvents';
import { queryDuckdb } from '../support/duckdb';
import { collectLog, tempDir } from '../support/run';

// Per-test timeout of this file: it runs dbt, several times per test: minutes on a busy 2-core machine.
jest.setTimeout(10 * 60_000);

const country = atomic('geo_country');
const view = parseView({
  name: 'value_sets',
  version: 1,
  attributeKey: { name: 'domain_userid' },
  attributes: [
    // one value set: page views by country, read for a lifetime and for 7 days
    { name: 'country_views', type: 'dict', aggregation: 'category_count', events: [pageView()], property: country },
    { name: 'top_country_7d', type: 'string', aggregation: 'most_frequent', events: [pageView()], property: country, period: 'P7D' },
    // another: page views outside FR, read for 3 days only
    {
      name: 'countries_3d',
      type: 'string_list',
      aggregation: 'unique_list',
      events: [pageView()],
      property: country,
      criteria: { all: [{ property: country, operator: '!=', value: 'FR' }] },
      period: 'P3D',
    },
  ],
});

let sequence = 0;
/** A page view of alice in `geo_country` at `at`, loaded at `loaded` (default: when it happened). */
function pageViewIn(geoCountry: string, at: string, loaded = at): EventRow {
  sequence += 1;
  return {
    app_id: 'web',
    event_id: `00000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`,
    event_vendor: 'com.snowplowanalytics.snowplow',
    event_name: 'page_view',
    event_version: '1-0-0',
    domain_userid: 'alice',
    derived_tstamp: at,
    dvce_created_tstamp: at,
    load_tstamp: loaded,
    geo_country: geoCountry,
  };
}

const FIRST_LOADS = [
  pageViewIn('DE', '2025-01-02 10:00:00'),
  pageViewIn('DE', '2025-01-03 10:00:00'),
  pageViewIn('FR', '2025-01-12 10:00:00'),
  pageViewIn('DE', '2025-01-12 11:00:00'),
  pageViewIn('FR', '2025-01-13 10:00:00'),
  pageViewIn('FR', '2025-01-14 10:00:00'),
  pageViewIn('DE', '2025-01-14 11:00:00'),
];
const LATER_LOADS = [
  // late by two weeks: past the rollup boundary when it arrives
  pageViewIn('DE', '2025-01-03 12:00:00', '2025-01-17 09:00:00'),
  pageViewIn('GB', '2025-01-18 10:00:00'),
];

// Windows end at the current day; the rollup boundary is 7 (the longest window) + 1 days before it.
const VARS = { snowplow__start_date: '2025-01-01', snowplow__late_event_lookback_days: 1, snowplow__backfill_limit_days: 60 };
const work = tempDir('value-sets');
const database = path.join(work, 'warehouse.duckdb');
const project = generateProject(view, { target: 'duckdb', vars: VARS });
const values = `main_derived.${project.tables.attributes.replace(/_attributes$/, '_daily_values')}`;
const { log } = collectLog();
let projectDir: string;

async function runOn(day: string): Promise<Record<string, unknown>> {
  const summary = await runUntilCaughtUp({
    projectDir,
    connection: { type: 'duckdb', path: database },
    vars: { snowplow__mock_current_day: day },
    log,
  });
  expect(summary.caughtUp).toBe(true);
  const [alice] = await queryDuckdb(database, `select * from main_derived.${project.tables.attributes}`);
  return alice;
}

/** Per value set: its rollup rows and the earliest day of its daily rows. */
async function storedSets(): Promise<Record<string, { rollupRows: number; firstDay: string }>> {
  const rows = await queryDuckdb(
    database,
    `select value_set, count(*) filter (where event_date = date '0001-01-01') as rollup_rows,
       cast(min(event_date) filter (where event_date <> date '0001-01-01') as varchar) as first_day
     from ${values} group by value_set order by value_set`,
  );
  return Object.fromEntries(rows.map((r) => [String(r.value_set), { rollupRows: Number(r.rollup_rows), firstDay: String(r.first_day) }]));
}

function counts(dict: unknown): Record<string, number> {
  const entries = Array.isArray(dict) ? dict.map((e: { key: string; value: unknown }) => [e.key, e.value]) : Object.entries(dict as object);
  return Object.fromEntries(entries.map(([k, v]) => [String(k), Number(v)]));
}

beforeAll(async () => {
  projectDir = await writeProject(path.join(work, 'projects'), project);
  await writeEventsCsv(FIRST_LOADS, path.join(work, 'first.csv'));
  await loadEventsCsv([path.join(work, 'first.csv')], { database });
});

describe('value sets', () => {
  test('attributes with the same events and values read one set of rows, each in its own window', async () => {
    // current day 2025-01-15: the 7-day window is 8-14 January, the 3-day one 12-14 January
    const alice = await runOn('2025-01-15');
    expect(counts(alice.country_views)).toEqual({ DE: 4, FR: 3 });
    expect(alice.top_country_7d).toBe('FR');
    expect(alice.countries_3d).toEqual(['DE']);
    // two value sets for three attributes; the rollup boundary is 2025-01-07: 2 and 3 January are
    // folded into the rollup row for the lifetime count, and dropped for the 3-day list
    expect(await storedSets()).toEqual({
      v01: { rollupRows: 1, firstDay: '2025-01-12' },
      v02: { rollupRows: 0, firstDay: '2025-01-12' },
    });
  });

  test('a late event past the boundary counts for the lifetime attribute and is in no window', async () => {
    await writeEventsCsv(LATER_LOADS, path.join(work, 'later.csv'));
    await loadEventsCsv([path.join(work, 'later.csv')], { database });
    // current day 2025-01-20: 7-day window 13-19 January, 3-day window 17-19 January; the boundary
    // moves only to 2025-01-08 (the longest window of the last run's day started then)
    const alice = await runOn('2025-01-20');
    expect(counts(alice.country_views)).toEqual({ DE: 5, FR: 3, GB: 1 });
    expect(alice.top_country_7d).toBe('FR');
    expect(alice.countries_3d).toEqual(['GB']);
    expect(await storedSets()).toEqual({
      v01: { rollupRows: 1, firstDay: '2025-01-12' },
      v02: { rollupRows: 0, firstDay: '2025-01-12' },
    });
  });

  test('days aging past the boundary fold into the rollup row of a lifetime set and leave a windowed one', async () => {
    // no new events; current day 2025-01-21: boundary 2025-01-13, 7-day window 14-20 January
    const alice = await runOn('2025-01-21');
    expect(counts(alice.country_views)).toEqual({ DE: 5, FR: 3, GB: 1 });
    // DE, FR and GB once each in the window: the tie goes to the latest event (GB on 18 January)
    expect(alice.top_country_7d).toBe('GB');
    expect(alice.countries_3d).toEqual(['GB']);
    expect(await storedSets()).toEqual({
      v01: { rollupRows: 2, firstDay: '2025-01-13' },
      v02: { rollupRows: 0, firstDay: '2025-01-14' },
    });
  });
});
