/**
 * The bench pipeline at tiny scale: the engine (backfill in several rounds, then a steady-state
 * day) must produce exactly the table of the hand-written baseline query; plus the generator's
 * and the comparison's own guarantees. Timings are recorded but never asserted.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareTables } from '../../bench/compare';
import { appendLoads, createEventsTable, eventsSql } from '../../bench/generator';
import { runBench, type BenchResult } from '../../bench/pipeline';
import { buildReport, environment, writeReport } from '../../bench/report';
import { benchView } from '../../bench/view';

const GEN = { users: 200, startDate: '2025-01-01' };

async function rowsFingerprint(loads: Array<[number, number]>): Promise<{ rows: number; fingerprint: string }> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    await createEventsTable(conn, GEN);
    for (const [from, to] of loads) await appendLoads(conn, GEN, from, to);
    const r = (
      await conn.runAndReadAll(
        `select count(*), cast(sum(hash(event_id, load_tstamp, derived_tstamp, event_name, geo_country, domain_userid, cast(unstruct_event_com_acme_add_to_cart_1 as varchar))) as varchar) from atomic.events`,
      )
    ).getRows()[0];
    return { rows: Number(r[0]), fingerprint: String(r[1]) };
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

describe('bench generator', () => {
  it('is deterministic, and N days then one more day equals N + 1 days', async () => {
    const once = await rowsFingerprint([[0, 5]]);
    const again = await rowsFingerprint([[0, 5]]);
    const split = await rowsFingerprint([
      [0, 4],
      [4, 5],
    ]);
    expect(once.rows).toBeGreaterThan(500);
    expect(again).toEqual(once);
    expect(split).toEqual(once);
  });

  it('writes late loads, duplicates, keyless and other-app events', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    try {
      await createEventsTable(conn, { ...GEN, users: 2000 });
      await appendLoads(conn, { ...GEN, users: 2000 }, 0, 12);
      const [late, duplicated, keyless, otherApp, ordered] = (
        await conn.runAndReadAll(`
          select
            count(*) filter (where load_tstamp > derived_tstamp + interval 1 day),
            (select count(*) from (select event_id from atomic.events group by 1 having count(*) > 1)),
            count(*) filter (where domain_userid is null or domain_userid = ''),
            count(*) filter (where app_id <> 'bench'),
            (select count(*) from (select load_tstamp < lag(load_tstamp) over (order by rowid) as back from atomic.events) where back)
          from atomic.events`)
      )
        .getRows()[0]
        .map(Number);
      expect(late).toBeGreaterThan(0);
      expect(duplicated).toBeGreaterThan(0);
      expect(keyless).toBeGreaterThan(0);
      expect(otherApp).toBeGreaterThan(0);
      expect(ordered).toBe(0); // appended in load order
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  });

  it('only interpolates validated values into its SQL', () => {
    expect(() => eventsSql({ users: 10, startDate: "2025-01-01'; drop table x; --" }, 0, 1)).toThrow(/YYYY-MM-DD/);
    expect(() => eventsSql({ users: 1.5, startDate: '2025-01-01' }, 0, 1)).toThrow(/integer/);
  });
});

describe('table comparison', () => {
  it('finds a changed cell, a missing key and tolerates double rounding only', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    try {
      // k1: 0.1 + 0.2 vs 0.3 in doubles differ only by rounding; k2: a real difference in n and d
      await conn.run(
        `create table a as select * from (values ('k1', 1, 0.1::double + 0.2::double, ['x']), ('k2', 2, 1.0::double, null)) t(k, n, d, l)`,
      );
      await conn.run(
        `create table b as select * from (values ('k1', 1, 0.3::double, ['x']), ('k2', 3, 1.001::double, null), ('k3', 0, 0.0::double, null)) t(k, n, d, l)`,
      );
      expect(Number((await conn.runAndReadAll(`select count(*) from a join b using (k) where a.d = b.d`)).getRows()[0][0])).toBe(0);
      const c = await compareTables(conn, { left: 'a', right: 'b', key: 'k', columns: ['n', 'd', 'l'], doubleColumns: new Set(['d']) });
      expect(c.equal).toBe(false);
      expect(c.onlyRight).toBe(1);
      expect(c.mismatches.map((m) => [m.column, m.rows])).toEqual([
        ['n', 1],
        ['d', 1],
      ]);
      expect(c.mismatches[0].examples[0]).toEqual({ key: 'k2', left: '2', right: '3' });
      const same = await compareTables(conn, { left: 'a', right: 'a', key: 'k', columns: ['n', 'd', 'l'] });
      expect(same.equal).toBe(true);
      expect(same.cellsCompared).toBe(6);
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  });
});

describe('bench pipeline at tiny scale', () => {
  let workDir: string;
  let result: BenchResult;

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'signals-bench-test-'));
    result = await runBench({
      users: 200,
      days: 6,
      startDate: '2025-01-01',
      workDir: join(workDir, 'work'),
      backfillLimitDays: 2,
      generatorChunkDays: 4,
      steadyRuns: 2,
      warmup: false,
      profile: true,
      double: false,
      fullRefreshDoubled: false,
      log: () => undefined,
    });
  });
  afterAll(() => {
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it("matches the hand-written baseline cell for cell, after a multi-round backfill and after a steady-state day", () => {
    expect(result.checks.map((c) => [c.after, c.equal])).toEqual([
      ['backfill', true],
      ['2 steady-state run(s)', true],
    ]);
    for (const c of result.checks) {
      expect(c.rows).toBeGreaterThan(100);
      expect(c.cells).toBe(c.rows * benchView().attributes.length);
    }
    const backfill = result.scenarios.find((s) => s.id === 'backfill')!;
    expect(backfill.rounds).toBeGreaterThan(1);
    const steady = result.scenarios.filter((s) => s.id === 'steady');
    expect(steady).toHaveLength(2);
    for (const s of steady) {
      expect(s.rounds).toBe(1);
      expect(s.newEvents).toBeGreaterThan(0);
      expect(s.datesRecomputed).toBeGreaterThan(1); // late events reopen earlier dates
    }
    const noop = result.scenarios.find((s) => s.id === 'noop')!;
    expect(noop.newEvents).toBe(0);
    expect(noop.rowsWritten).toBe(0);
  });

  it('exercises every attribute of the view with a non-default value', () => {
    for (const a of benchView().attributes) expect([a.name, result.columnsWithValues[a.name] > 0]).toEqual([a.name, true]);
  });

  it('writes report.md, report.json and a PNG chart', async () => {
    const report = buildReport(result, environment());
    const files = await writeReport(join(workDir, 'results'), report);
    expect(readFileSync(files.chart).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const md = readFileSync(files.markdown, 'utf8');
    expect(md).toContain('## Targets');
    expect(md).toContain('steady state / full recompute');
    const json = JSON.parse(readFileSync(files.json, 'utf8'));
    expect(json.targets).toHaveLength(5);
    expect(json.ratios.steadyOverBackfill).toBeGreaterThan(0);
    const profiled = json.bench.scenarios.find((s: { id: string }) => s.id === 'steady').models as Array<{ model: string; rowsScanned: number }>;
    expect(profiled.map((m) => m.model)).toEqual(expect.arrayContaining(['events_this_run', 'deferred_events', 'daily_aggregates', 'daily_values', 'attributes_this_run', 'attributes']));
    expect(profiled.find((m) => m.model === 'daily_aggregates')!.rowsScanned).toBeGreaterThan(0);
    expect(json.bench.scenarios.every((s: { peakRssBytes: number | null }) => s.peakRssBytes === null || s.peakRssBytes > 0)).toBe(true);
    expect(existsSync(files.json)).toBe(true);
  });
});
