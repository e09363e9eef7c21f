/**
 * How the bench turns the profiler's per-statement lines into a run's cost: per model (dbt's own
 * statements grouped apart), per table (readable names), the dedupe lookback picked out, and the
 * run's wall clock split at the runner's progress lines.
 */
import { HOOKS, METADATA, runPhases, summarizeRun, tableLabel, TESTS, type StatementRecord } from '../../bench/profile';

const PREFIX = 'view_1_';
const statement = (over: Partial<StatementRecord>): StatementRecord => ({
  node: null,
  connection: null,
  at: 1000,
  seconds: 0.1,
  rows_scanned: 0,
  peak_buffer_bytes: 0,
  scans: [],
  ...over,
});
const scan = (table: string, rows: number, projections: string[]) => ({ table, rows, seconds: 0.01, projections });

describe('a run cost from profiled statements', () => {
  const statements = [
    statement({ connection: 'list_db', at: 1000 }),
    statement({
      connection: 'master',
      at: 1001,
      rows_scanned: 3,
      scans: [scan('db.main_snowplow_manifest.view_1_incremental_manifest', 3, ['run_id'])],
    }),
    statement({
      node: 'model.view_1.view_1_events_this_run',
      at: 1002,
      seconds: 1.5,
      rows_scanned: 1300,
      scans: [
        scan('db.atomic.events', 1000, ['load_tstamp', 'event_id', 'derived_tstamp', 'domain_userid']),
        scan('db.atomic.events', 300, ['load_tstamp', 'event_id']),
      ],
    }),
    statement({
      node: 'model.view_1.view_1_daily_aggregates',
      at: 1004,
      seconds: 0.5,
      rows_scanned: 70,
      scans: [
        scan('db.main_derived.view_1_daily_aggregates', 50, ['key_value']),
        scan('"temp".main.view_1_daily_aggregates__dbt_tmp20261201015354734494', 20, ['key_value']),
      ],
    }),
    statement({ node: 'model.view_1.view_1_daily_aggregates', at: 1005, seconds: 0.2 }),
    statement({
      node: 'test.view_1.unique_view_1_attributes_domain_userid.abc',
      at: 1010,
      rows_scanned: 40,
      scans: [scan('db.main_derived.view_1_attributes', 40, ['domain_userid'])],
    }),
  ];
  const cost = summarizeRun(statements, { projectPrefix: PREFIX, eventsTable: 'atomic.events' });

  it('sums statements per model in the order dbt ran them, with dbt metadata, hooks and tests apart', () => {
    expect(cost.models.map((m) => [m.model, m.statements, m.rowsScanned])).toEqual([
      [METADATA, 1, 0],
      [HOOKS, 1, 3],
      ['events_this_run', 1, 1300],
      ['daily_aggregates', 2, 70],
      [TESTS, 1, 40],
    ]);
    expect(cost.rowsScanned).toBe(1413);
    expect(cost.sqlSeconds).toBeCloseTo(2.5);
    expect(cost.models.find((m) => m.model === 'daily_aggregates')!.seconds).toBeCloseTo(0.7);
  });

  it('names tables without the catalog and the project prefix, and dbt temporary copies once per model', () => {
    expect(cost.rowsScannedByTable).toEqual({
      'main_snowplow_manifest.incremental_manifest': 3,
      'atomic.events': 1300,
      'main_derived.daily_aggregates': 50,
      'temp.daily_aggregates (dbt temporary copy)': 20,
      'main_derived.attributes': 40,
    });
    expect(tableLabel('"temp".main.view_1_attributes__dbt_tmp2026', PREFIX)).toBe('temp.attributes (dbt temporary copy)');
  });

  it("picks out the cross-run dedupe: events_this_run's scan of only event ids and load times", () => {
    expect(cost.dedupeLookback).toEqual({ rowsScanned: 300, scanSeconds: 0.01 });
    const withoutLookup = summarizeRun(statements.slice(0, 2), { projectPrefix: PREFIX, eventsTable: 'atomic.events' });
    expect(withoutLookup.dedupeLookback).toBeNull();
  });

  it("splits the wall clock at the runner's progress lines", () => {
    const marks = [
      { at: 999, line: '[setup-python] Python environment up to date: /x/.venv' },
      { at: 1006, line: 'round 1: loads processed through 2025-01-06 ... (6.5s) - caught up' },
      { at: 1011, line: 'tests of view_1_attributes passed' },
    ];
    const p = runPhases(998.5, 1011.5, marks, statements)!;
    expect(p.setupSeconds).toBeCloseTo(0.5);
    expect(p.startSeconds).toBeCloseTo(1); // 999 -> the first statement at 1000
    expect(p.roundsSeconds).toBeCloseTo(6);
    expect(p.roundsSqlSeconds).toBeCloseTo(2.4);
    expect(p.testsSeconds).toBeCloseTo(5);
    expect(p.testsSqlSeconds).toBeCloseTo(0.1);
    expect(p.endSeconds).toBeCloseTo(0.5);
    expect(runPhases(998.5, 1011.5, marks.slice(0, 1), statements)).toBeNull();
  });
});
