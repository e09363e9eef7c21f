/**
 * Incremental processing equals a full recompute (docs/design.md section 4):
 * the generated sample events are loaded into warehouse A in batches split by load time, with a
 * run after each batch, and into warehouse B all at once with one --full-refresh run. The
 * attribute tables must agree in every row and cell; a further run on A with no new data must
 * change nothing, updated_at included. A few values are also computed here in TypeScript from the
 * raw rows, so the test cannot pass by both runs being wrong in the same way.
 */
import * as path from 'node:path';
import { keyColumnName, parseView } from '../../src/definition';
import { generateProject, writeProject } from '../../src/dbt';
import { runUntilCaughtUp, type RunSummary } from '../../src/runner';
import {
  DUPLICATE_MARKER_COUNTRY,
  generateEvents,
  QUOTED_CAMPAIGN,
  SAMPLE_APP_ID,
  SAMPLE_OTHER_APP_ID,
  sampleView,
  writeEventsCsv,
  type EventRow,
} from '../../src/sample';
import { loadEventsCsv } from '../../src/warehouse/duckdbEvents';
import { oracleDifferences, oracleTable } from '../support/oracle';
import { ONLY_EVERY_EVENT, inScope as inScopeFrom, splitByLoadTime, toMillis } from '../support/sampleBatches';
import { queryDuckdb, readTable } from '../support/duckdb';
import { collectLog, tempDir } from '../support/run';
import { tableDifferences, type Row } from '../support/tables';

// Per-test timeout of this file: it runs dbt, several times per test: minutes on a busy 2-core machine.
jest.setTimeout(10 * 60_000);

const START_DATE = '2025-01-01';
const BATCHES = 6;
const DAY = 86_400_000;
const VARS = {
  snowplow__start_date: START_DATE,
  snowplow__app_id: [SAMPLE_APP_ID],
  // one round per batch: every batch spans less load time than this
  snowplow__backfill_limit_days: 60,
  snowplow__mock_current_day: '2025-02-03',
};

const work = tempDir('equivalence');
const incrementalDb = path.join(work, 'incremental.duckdb');
const fullDb = path.join(work, 'full.duckdb');
const view = parseView(sampleView());
const project = generateProject(view, { target: 'duckdb', vars: VARS });
const table = `main_derived.${project.tables.attributes}`;
const key = keyColumnName(view);
const rows = generateEvents({ seed: 7, users: 400, days: 35, startDate: START_DATE });
const { lines, log } = collectLog();

const batches = splitByLoadTime(rows, BATCHES);
const batchOf = new Map<EventRow, number>();
batches.forEach((b, i) => b.forEach((r) => batchOf.set(r, i)));

/** Events in scope of the sample view from START_DATE on. */
const inScope = (all: EventRow[]) => inScopeFrom(all, START_DATE);

let projectDir: string;
const incrementalRuns: RunSummary[] = [];
let incremental: Row[] = [];
let full: Row[] = [];

beforeAll(async () => {
  projectDir = await writeProject(path.join(work, 'projects'), project);
  for (let i = 0; i < batches.length; i++) await writeEventsCsv(batches[i], path.join(work, `batch_${i + 1}.csv`));
});

afterAll(() => {
  // Kept on failure for inspection; the OS cleans the temp folder.
  if (incremental.length === 0) process.stdout.write(`runner log:\n${lines.join('\n')}\n(work folder ${work})\n`);
});

describe('the generated dataset has the untidy parts the engine must handle', () => {
  const scoped = inScope(rows);

  test('several hundred users over 30+ days, in several load-time batches', () => {
    expect(new Set(scoped.map((r) => r.domain_userid)).size).toBeGreaterThan(300);
    const days = new Set(scoped.map((r) => String(r.derived_tstamp).slice(0, 10)));
    expect(days.size).toBeGreaterThanOrEqual(30);
    expect(batches).toHaveLength(BATCHES);
    for (const b of batches) expect(b.length).toBeGreaterThan(50);
  });

  test('late loads of 1-10 days, many of them in a later batch than events of the same day', () => {
    const delays = rows.map((r) => Math.floor((toMillis(String(r.load_tstamp)) - toMillis(String(r.derived_tstamp))) / DAY));
    expect(delays.filter((d) => d >= 1).length).toBeGreaterThan(200);
    expect(Math.max(...delays)).toBeGreaterThanOrEqual(9);
    const firstBatchOfDate = new Map<string, number>();
    for (const r of rows) {
      const date = String(r.derived_tstamp).slice(0, 10);
      firstBatchOfDate.set(date, Math.min(firstBatchOfDate.get(date) ?? BATCHES, batchOf.get(r)!));
    }
    const lateAcrossBatches = rows.filter((r) => batchOf.get(r)! > firstBatchOfDate.get(String(r.derived_tstamp).slice(0, 10))!);
    expect(lateAcrossBatches.length).toBeGreaterThan(100);
  });

  test('re-sent event_ids, some loaded in a later batch than the first copy', () => {
    const byId = new Map<string, EventRow[]>();
    for (const r of rows) byId.set(String(r.event_id), [...(byId.get(String(r.event_id)) ?? []), r]);
    const copies = [...byId.values()].filter((c) => c.length > 1);
    expect(copies.length).toBeGreaterThan(50);
    expect(copies.filter((c) => new Set(c.map((r) => batchOf.get(r))).size > 1).length).toBeGreaterThan(20);
    // a later copy is marked, so a copy that wins over the first load would show
    for (const c of copies) expect(c.slice(1).every((r) => r.geo_country === DUPLICATE_MARKER_COUNTRY)).toBe(true);
  });

  test('NULL keys, events before the start date (some loaded after it), another app, two page_view vendors', () => {
    expect(rows.filter((r) => r.domain_userid === null).length).toBeGreaterThan(50);
    const early = rows.filter((r) => String(r.derived_tstamp) < START_DATE);
    expect(early.length).toBeGreaterThan(20);
    expect(early.filter((r) => String(r.load_tstamp) >= START_DATE).length).toBeGreaterThan(10);
    expect(rows.filter((r) => r.app_id === SAMPLE_OTHER_APP_ID).length).toBeGreaterThan(50);
    const pageViewVendors = new Set(rows.filter((r) => r.event_name === 'page_view').map((r) => r.event_vendor));
    expect([...pageViewVendors].sort()).toEqual(['com.acme', 'com.snowplowanalytics.snowplow']);
  });

  test('events only the every-event attributes count, and users who send only those', () => {
    expect(rows.filter((r) => ONLY_EVERY_EVENT.has(String(r.event_name))).length).toBeGreaterThan(100);
    const others = new Set(rows.filter((r) => !ONLY_EVERY_EVENT.has(String(r.event_name))).map((r) => r.domain_userid));
    const onlyThose = new Set(
      rows
        .filter((r) => r.app_id === SAMPLE_APP_ID && r.domain_userid !== null && !others.has(r.domain_userid))
        .map((r) => r.domain_userid),
    );
    expect(onlyThose.size).toBeGreaterThan(2);
  });

  test('quotes and -- in values, several entities per event, self-describing event properties', () => {
    expect(rows.some((r) => r.mkt_campaign === QUOTED_CAMPAIGN)).toBe(true);
    expect(rows.some((r) => String(r.page_title).includes('"'))).toBe(true);
    const carts = rows
      .map((r) => r.contexts_com_acme_cart_1_0_0 ?? r.contexts_com_acme_cart_1_0_1)
      .filter((c): c is string => typeof c === 'string');
    expect(carts.filter((c) => (JSON.parse(c) as unknown[]).length >= 2).length).toBeGreaterThan(50);
    expect(rows.filter((r) => typeof r.unstruct_event_com_acme_checkout_1_0_0 === 'string').length).toBeGreaterThan(20);
    expect(rows.filter((r) => typeof r.unstruct_event_com_acme_checkout_1_0_1 === 'string').length).toBeGreaterThan(5);
  });
});

describe('incremental runs equal one full refresh', () => {
  test(`${BATCHES} batches with a run after each, against one --full-refresh over everything`, async () => {
    for (let i = 0; i < batches.length; i++) {
      await loadEventsCsv([path.join(work, `batch_${i + 1}.csv`)], { database: incrementalDb });
      const summary = await runUntilCaughtUp({
        projectDir,
        connection: { type: 'duckdb', path: incrementalDb, schema: 'main' },
        vars: VARS,
        log,
      });
      expect(summary.caughtUp).toBe(true);
      incrementalRuns.push(summary);
    }
    // every batch was processed by its own run, and later runs revisited dates of earlier ones
    expect(incrementalRuns.every((s) => s.totals.newEvents > 0)).toBe(true);
    expect(incrementalRuns.slice(1).some((s) => s.totals.datesRecomputed > 7)).toBe(true);

    await loadEventsCsv(
      batches.map((_, i) => path.join(work, `batch_${i + 1}.csv`)),
      { database: fullDb },
    );
    const fullRun = await runUntilCaughtUp({
      projectDir,
      connection: { type: 'duckdb', path: fullDb, schema: 'main' },
      vars: VARS,
      fullRefresh: true,
      log,
    });
    expect(fullRun).toMatchObject({ caughtUp: true, rounds: 1 });
    expect(fullRun.totals.newEvents).toBe(incrementalRuns.reduce((s, r) => s + r.totals.newEvents, 0));

    incremental = await readTable(incrementalDb, table, key);
    full = await readTable(fullDb, table, key);
    expect(full.length).toBeGreaterThan(300);
    expect(Object.keys(full[0])).toEqual([key, ...view.attributes.map((a) => a.name), 'updated_at']);
    expect(tableDifferences(full, incremental, key, ['updated_at'])).toEqual([]);
  });

  test('every attribute has non-trivial values (the comparison is not over empty columns)', () => {
    for (const a of view.attributes) {
      const values = new Set(full.map((r) => JSON.stringify(r[a.name])));
      expect({ attribute: a.name, distinctValues: values.size > 1 }).toEqual({ attribute: a.name, distinctValues: true });
    }
  });

  test('a further run with no new data changes nothing, updated_at included', async () => {
    expect(incremental.length).toBeGreaterThan(0);
    const summary = await runUntilCaughtUp({
      projectDir,
      connection: { type: 'duckdb', path: incrementalDb, schema: 'main' },
      vars: VARS,
      log,
    });
    expect(summary).toMatchObject({ caughtUp: true, rounds: 1 });
    expect(summary.totals).toEqual({ newEvents: 0, datesRecomputed: 0, datesSkipped: 0, keysRecomputed: 0 });
    const again = await readTable(incrementalDb, table, key);
    expect(tableDifferences(incremental, again, key)).toEqual([]);
    const runs = await queryDuckdb(
      incrementalDb,
      `select count(*) as runs from main_snowplow_manifest.${project.tables.incrementalManifest}`,
    );
    expect(Number(runs[0].runs)).toBe(BATCHES + 1);
  });

  test('when the current day moves, an incremental run without new data equals a full refresh on the new day', async () => {
    expect(incremental.length).toBeGreaterThan(0);
    const later = { ...VARS, snowplow__mock_current_day: '2025-02-09' };
    const moved = await runUntilCaughtUp({
      projectDir,
      connection: { type: 'duckdb', path: incrementalDb, schema: 'main' },
      vars: later,
      log,
    });
    expect(moved.totals.newEvents).toBe(0);
    expect(moved.totals.keysRecomputed).toBeGreaterThan(0);
    const refreshed = await runUntilCaughtUp({
      projectDir,
      connection: { type: 'duckdb', path: fullDb, schema: 'main' },
      vars: later,
      fullRefresh: true,
      log,
    });
    expect(refreshed.caughtUp).toBe(true);
    const a = await readTable(incrementalDb, table, key);
    const b = await readTable(fullDb, table, key);
    expect(tableDifferences(b, a, key, ['updated_at'])).toEqual([]);
    // the windowed attributes did change with the day
    expect(tableDifferences(incremental, a, key, ['updated_at']).length).toBeGreaterThan(0);
    // rows whose values stayed the same kept their updated_at
    const before = new Map(incremental.map((r) => [r[key], r]));
    const unchanged = a.filter((r) => tableDifferences([before.get(r[key])!], [r], key, ['updated_at']).length === 0);
    expect(unchanged.length).toBeGreaterThan(0);
    for (const r of unchanged) expect(r.updated_at).toBe(before.get(r[key])!.updated_at);
  });

  test('updated_at moved only for rows that changed in a run', async () => {
    // the last batch changes some keys but not all: rows untouched by it keep an older updated_at
    const stamps = new Set(incremental.map((r) => String(r.updated_at)));
    expect(stamps.size).toBeGreaterThan(1);
    const lastBatchKeys = new Set(batches[BATCHES - 1].map((r) => r.domain_userid));
    const newest = [...stamps].sort().pop();
    for (const r of incremental) if (r.updated_at === newest) expect(lastBatchKeys.has(r[key] as string)).toBe(true);
  });
});

describe('values computed independently from the raw rows', () => {
  const scoped = inScope(rows);
  const byKey = (rowsOfTable: Row[]) => new Map(rowsOfTable.map((r) => [String(r[key]), r]));

  test('one row per key with an event in scope: none for NULL keys, other apps or pre-start-only users', () => {
    const expectedKeys = [...new Set(scoped.map((r) => String(r.domain_userid)))].sort();
    expect(full.map((r) => String(r[key])).sort()).toEqual(expectedKeys);
    expect(full.some((r) => r[key] === null || r[key] === '')).toBe(false);
    const otherAppOnly = new Set(rows.filter((r) => r.app_id === SAMPLE_OTHER_APP_ID).map((r) => r.domain_userid));
    for (const r of rows) if (r.app_id === SAMPLE_APP_ID) otherAppOnly.delete(r.domain_userid);
    otherAppOnly.delete(null);
    expect(otherAppOnly.size).toBeGreaterThan(0);
    for (const k of otherAppOnly) expect(byKey(full).has(String(k))).toBe(false);
  });

  test('users who send only link clicks and errors have a row: the every-event attributes count them', () => {
    const others = new Set(scoped.filter((r) => !ONLY_EVERY_EVENT.has(String(r.event_name))).map((r) => String(r.domain_userid)));
    const onlyThose = [...new Set(scoped.map((r) => String(r.domain_userid)))].filter((k) => !others.has(k));
    expect(onlyThose.length).toBeGreaterThan(0);
    for (const k of onlyThose) {
      const row = byKey(full).get(k)!;
      expect({ key: k, pageViews: Number(row.page_views_lifetime), anyEvents: Number(row.events_without_campaign) > 0 }).toEqual({
        key: k,
        pageViews: 0,
        anyEvents: true,
      });
    }
  });

  test('lifetime counters: Snowplow page views (not com.acme page_view) and the quoted campaign', () => {
    const table = byKey(full);
    const pageViews = new Map<string, number>();
    const vip = new Map<string, number>();
    for (const r of scoped) {
      if (r.event_vendor !== 'com.snowplowanalytics.snowplow' || r.event_name !== 'page_view') continue;
      const k = String(r.domain_userid);
      pageViews.set(k, (pageViews.get(k) ?? 0) + 1);
      if (String(r.mkt_campaign ?? '').includes(QUOTED_CAMPAIGN)) vip.set(k, (vip.get(k) ?? 0) + 1);
    }
    expect(vip.size).toBeGreaterThan(5);
    for (const [k, row] of table) {
      expect({ key: k, pageViews: Number(row.page_views_lifetime), vip: Number(row.vip_campaign_views) }).toEqual({
        key: k,
        pageViews: pageViews.get(k) ?? 0,
        vip: vip.get(k) ?? 0,
      });
    }
  });

  test('every cell equals the rules of docs/design.md section 4, evaluated in TypeScript', () => {
    const expected = oracleTable(view, rows, {
      startDate: START_DATE,
      appIds: VARS.snowplow__app_id,
      currentDay: VARS.snowplow__mock_current_day,
    });
    expect(expected.length).toBe(full.length);
    expect(oracleDifferences(view, expected, full)).toEqual([]);
  });

  test('re-sent copies never win over the first load', () => {
    for (const r of full) {
      expect(r.last_country).not.toBe(DUPLICATE_MARKER_COUNTRY);
      expect((r.countries_seen as string[] | null) ?? []).not.toContain(DUPLICATE_MARKER_COUNTRY);
    }
  });
});
