/**
 * Cost-control knobs for late events (docs/design.md 5.3): a date older than
 * snowplow__late_event_lookback_days whose late events number fewer than
 * snowplow__min_late_events_to_process is not recomputed, and the skipped count is kept in the
 * daily aggregation manifest; once enough have arrived the date is recomputed and the count resets.
 * A date within the lookback is recomputed whatever the count.
 */
import * as path from 'node:path';
import { atomic, parseView, pageView, type View } from '../../src/definition';
import { generateProject, writeProject } from '../../src/dbt';
import { runUntilCaughtUp, type RunSummary } from '../../src/runner';
import { writeEventsCsv, type EventRow } from '../../src/sample';
import { pageViewRow } from '../support/events';
import { loadEventsCsv } from '../../src/warehouse/duckdbEvents';
import { queryDuckdb } from '../support/duckdb';
import { collectLog, tempDir } from '../support/run';
import { type Row } from '../support/tables';

// Per-test timeout of this file: it runs dbt, several times per test: minutes on a busy 2-core machine.
jest.setTimeout(10 * 60_000);

const VARS = {
  snowplow__start_date: '2025-01-01',
  snowplow__backfill_limit_days: 60,
  snowplow__late_event_lookback_days: 2,
  snowplow__min_late_events_to_process: 3,
  snowplow__mock_current_day: '2025-01-20',
};

// Reserved, upper-case and digit-first attribute names: quoted identifiers all the way through dbt.
const view: View = parseView({
  name: 'late_knobs',
  version: 2,
  attributeKey: { name: 'domain_userid' },
  attributes: [
    { name: 'select', type: 'int64', aggregation: 'counter', events: [pageView()] },
    { name: 'LastCountry', type: 'string', aggregation: 'last', events: [pageView()], property: atomic('geo_country') },
    { name: '1st_country', type: 'string', aggregation: 'first', events: [pageView()], property: atomic('geo_country') },
  ],
});

/** A page_view of `user` at `at`, loaded at `loaded`, from `country`. */
function pageViewFrom(user: string, at: string, loaded: string, country: string): EventRow {
  return pageViewRow(user, at, { load_tstamp: loaded, geo_country: country });
}

const work = tempDir('late-events');
const database = path.join(work, 'warehouse.duckdb');
const project = generateProject(view, { target: 'duckdb', vars: VARS });
const attributes = `main_derived.${project.tables.attributes}`;
const dailyManifest = `main_snowplow_manifest.${project.tables.dailyAggregationManifest}`;
const { log } = collectLog();
let projectDir: string;

async function loadAndRun(name: string, rows: EventRow[]): Promise<RunSummary> {
  const file = path.join(work, `${name}.csv`);
  await writeEventsCsv(rows, file);
  await loadEventsCsv([file], { database });
  const summary = await runUntilCaughtUp({ projectDir, connection: { type: 'duckdb', path: database, schema: 'main' }, vars: VARS, log });
  expect(summary.caughtUp).toBe(true);
  return summary;
}

async function user(id: string): Promise<Row> {
  const rows = await queryDuckdb(database, `select * from ${attributes} where domain_userid = '${id}'`);
  expect(rows).toHaveLength(1);
  return rows[0];
}

async function manifestOf(date: string): Promise<Row> {
  const rows = await queryDuckdb(
    database,
    `select cast(event_date as varchar) as event_date, skipped_events from ${dailyManifest} where event_date = date '${date}'`,
  );
  expect(rows).toHaveLength(1);
  return rows[0];
}

beforeAll(async () => {
  projectDir = await writeProject(path.join(work, 'projects'), project);
});

describe('late events below and above snowplow__min_late_events_to_process', () => {
  test('first run: events loaded on time are all computed', async () => {
    const summary = await loadAndRun('batch_1', [
      pageViewFrom('alice', '2025-01-03 10:00:00.000', '2025-01-03 10:05:00.000', 'DE'),
      pageViewFrom('alice', '2025-01-05 10:00:00.000', '2025-01-05 10:05:00.000', 'FR'),
      pageViewFrom('bob', '2025-01-05 11:00:00.000', '2025-01-05 11:05:00.000', 'US'),
    ]);
    expect(summary.totals).toMatchObject({ newEvents: 3, datesRecomputed: 2, datesSkipped: 0 });
    expect(await user('alice')).toMatchObject({ select: '2', LastCountry: 'FR', '1st_country': 'DE' });
    expect(await manifestOf('2025-01-03')).toEqual({ event_date: '2025-01-03', skipped_events: '0' });
  });

  let aliceBefore: Row;
  test('two late events of an old date (below the threshold of 3): the date is not recomputed, the count is kept', async () => {
    aliceBefore = await user('alice');
    const summary = await loadAndRun('batch_2', [
      // 2025-01-03, loaded 9 days later: late (lookback 2 days)
      pageViewFrom('alice', '2025-01-03 12:00:00.000', '2025-01-12 08:00:00.000', 'GB'),
      pageViewFrom('alice', '2025-01-03 13:00:00.000', '2025-01-12 08:00:01.000', 'GB'),
      // 2025-01-10, loaded 2 days later: within the lookback, recomputed though alone
      pageViewFrom('carol', '2025-01-10 09:00:00.000', '2025-01-12 08:00:02.000', 'NL'),
    ]);
    expect(summary.totals).toMatchObject({ newEvents: 3, datesRecomputed: 1, datesSkipped: 1 });
    expect(await manifestOf('2025-01-03')).toEqual({ event_date: '2025-01-03', skipped_events: '2' });
    expect(await manifestOf('2025-01-10')).toEqual({ event_date: '2025-01-10', skipped_events: '0' });
    // alice's row is untouched, updated_at included
    expect(await user('alice')).toEqual(aliceBefore);
    expect(await user('carol')).toMatchObject({ select: '1', LastCountry: 'NL' });
  });

  test('a third late event reaches the threshold: the date is recomputed with all three, the count resets', async () => {
    const summary = await loadAndRun('batch_3', [pageViewFrom('alice', '2025-01-03 14:00:00.000', '2025-01-14 08:00:00.000', 'JP')]);
    expect(summary.totals).toMatchObject({ newEvents: 1, datesRecomputed: 1, datesSkipped: 0 });
    expect(await manifestOf('2025-01-03')).toEqual({ event_date: '2025-01-03', skipped_events: '0' });
    const alice = await user('alice');
    // 2 on time + 3 late; the last page view is still 2025-01-05 (FR)
    expect(alice).toMatchObject({ select: '5', LastCountry: 'FR', '1st_country': 'DE' });
    expect(alice.updated_at).not.toBe(aliceBefore.updated_at);
  });

  test('with the default threshold (1) a single late event is processed at once', async () => {
    const file = path.join(work, 'batch_4.csv');
    await writeEventsCsv([pageViewFrom('bob', '2025-01-04 09:00:00.000', '2025-01-15 08:00:00.000', 'BR')], file);
    await loadEventsCsv([file], { database });
    const late = await runUntilCaughtUp({
      projectDir,
      connection: { type: 'duckdb', path: database, schema: 'main' },
      vars: { ...VARS, snowplow__min_late_events_to_process: 1 },
      log,
    });
    expect(late.totals).toMatchObject({ newEvents: 1, datesRecomputed: 1, datesSkipped: 0 });
    expect(await user('bob')).toMatchObject({ select: '2', LastCountry: 'US' });
    expect(await manifestOf('2025-01-04')).toEqual({ event_date: '2025-01-04', skipped_events: '0' });
  });
});
