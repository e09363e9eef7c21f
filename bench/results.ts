/**
 * What a bench produces: its scenarios, equality checks and data sizes (report.json holds them
 * as they are), and the small helpers that read them.
 */
import type { BenchOptions } from './pipeline';
import type { RunCost, RunPhases } from './profile';

export type ScenarioId = 'backfill' | 'catchup' | 'noop' | 'baseline' | 'steady' | 'full_refresh';

export interface ScenarioResult {
  id: ScenarioId;
  /** The phase: the history length it belongs to. */
  phaseDays: number;
  /** Days of load time in the events table when the scenario ran. */
  historyDays: number;
  label: string;
  /** Wall clock of the whole scenario as a user sees it (dbt start-up included). */
  seconds: number;
  /** The engine's own counts (summed over rounds), from its incremental manifest. */
  rounds?: number;
  newEvents?: number;
  datesRecomputed?: number;
  datesSkipped?: number;
  keysRecomputed?: number;
  /** Rows of the attribute table whose sync timestamp moved (new or changed rows). */
  rowsWritten?: number;
  /** Peak RSS of the process tree doing the work (dbt, or the DuckDB process of the baseline). */
  peakRssBytes: number | null;
  /** CPU seconds of the work, and of everything else on the machine meanwhile. */
  cpuSeconds: number | null;
  otherCpuSeconds: number | null;
  /** Rows DuckDB's profiler counted as scanned, in total and per table (null: not profiled). */
  rowsScanned: number | null;
  rowsScannedByTable?: Record<string, number>;
  /** Engine runs: every statement's cost, per model and table. */
  cost?: RunCost;
  /** Engine runs: where the wall clock went (start-up, rounds, tests). */
  phases?: RunPhases | null;
}

export interface CheckResult {
  historyDays: number;
  after: string;
  equal: boolean;
  rows: number;
  cells: number;
  detail: string;
}

export interface DataSize {
  historyDays: number;
  eventRows: number;
  distinctEventIds: number;
  benchAppEvents: number;
  users: number;
  dbBytes: number;
  dailyValueRows: number | null;
  dailyAggregateRows: number | null;
  /** Rows of daily_aggregates that are per-key rollups of the days outside every window. */
  rollupRows: number | null;
  attributeRows: number | null;
}

export interface BenchResult {
  options: Omit<BenchOptions, 'log' | 'backfillLimitDays' | 'upsertLookbackDays'> & {
    backfillLimitDays: number;
    upsertLookbackDays: number;
    /** Absent in reports from before the limit was recorded (DuckDB's own default then). */
    memoryLimit?: string;
  };
  generatorSeconds: Array<{ fromDay: number; toDay: number; rows: number; seconds: number }>;
  sizes: DataSize[];
  scenarios: ScenarioResult[];
  checks: CheckResult[];
  /** Attribute columns with a non-default value in the baseline (coverage of the data). */
  columnsWithValues: Record<string, number>;
  totalSeconds: number;
}

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function fmtBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return 'n/a';
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
  return `${(bytes / 1024 ** 2).toFixed(0)} MiB`;
}
