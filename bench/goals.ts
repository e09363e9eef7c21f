/**
 * The goals of the incremental engine, measured: each one's value, whether it is met, and why,
 * in sentences built from this bench's own numbers. The bar is the hand-written query (what a user
 * would run instead of the engine), at the first history length unless a goal says otherwise.
 */
import { fmtBytes, median, type BenchResult, type ScenarioId, type ScenarioResult } from './results';
import { HOOKS, METADATA, TESTS, type ModelCost } from './profile';

export interface Goal {
  id: string;
  name: string;
  limit: string;
  /** Seconds, bytes or a ratio (see `unit`); null when the bench did not measure it. */
  value: number | null;
  unit: 'ratio' | 'seconds' | 'bytes';
  met: boolean | null;
  /** Why, from the measured numbers. */
  reason: string;
}

const GIB4 = 4 * 1024 ** 3;

export const n = (v: number | null | undefined, digits = 2) =>
  v === null || v === undefined || !Number.isFinite(v) ? 'n/a' : v.toFixed(digits);
export const int = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : Math.round(v).toLocaleString('en-US'));
export const ratio = (a: number | null | undefined, b: number | null | undefined) =>
  a === null || a === undefined || b === null || b === undefined || b <= 0 ? null : a / b;

export function find(bench: BenchResult, id: ScenarioId, phaseDays: number): ScenarioResult | undefined {
  return bench.scenarios.find((s) => s.id === id && s.phaseDays === phaseDays);
}

export function steadyRuns(bench: BenchResult, phaseDays: number): ScenarioResult[] {
  return bench.scenarios.filter((s) => s.id === 'steady' && s.phaseDays === phaseDays);
}

/** The median wall clock of a phase's steady-state runs. */
export function steadySeconds(bench: BenchResult, phaseDays: number): number | null {
  return median(steadyRuns(bench, phaseDays).map((s) => s.seconds));
}

/** The median rows scanned of a phase's steady-state runs. */
export function steadyRows(bench: BenchResult, phaseDays: number): number | null {
  return median(steadyRuns(bench, phaseDays).flatMap((s) => (s.rowsScanned === null ? [] : [s.rowsScanned])));
}

/** The steady-state run whose wall clock is the phase's median (the lower middle one for an even count). */
export function medianSteadyRun(bench: BenchResult, phaseDays: number): ScenarioResult | undefined {
  const runs = [...steadyRuns(bench, phaseDays)].sort((a, b) => a.seconds - b.seconds);
  return runs[Math.floor((runs.length - 1) / 2)];
}

/** The engine's full recomputes: the first backfill and any full refresh. */
export function fullRecomputes(bench: BenchResult): ScenarioResult[] {
  return bench.scenarios.filter((s) => s.id === 'backfill' || s.id === 'full_refresh');
}

const isDbtGroup = (m: string) => m === HOOKS || m === METADATA || m === TESTS;

/** The `count` costliest models of a run by seconds, as "name 1.2 s". */
function topModels(models: ModelCost[] | undefined, count: number, by: 'seconds' | 'rowsScanned' = 'seconds'): string {
  if (!models) return 'n/a (not profiled)';
  return [...models]
    .sort((a, b) => b[by] - a[by])
    .slice(0, count)
    .map((m) => (by === 'seconds' ? `${m.model} ${n(m.seconds, 2)} s` : `${m.model} ${int(m.rowsScanned)} rows`))
    .join(', ');
}

/** Where a run's wall clock went: start-up, the rounds (SQL and the rest), the tests, the end. */
export function timeSplit(s: ScenarioResult | undefined): string {
  if (!s?.cost) return 'not profiled';
  const p = s.phases;
  if (!p) return `${n(s.cost.sqlSeconds, 1)} s of SQL statements and ${n(Math.max(0, s.seconds - s.cost.sqlSeconds), 1)} s outside SQL`;
  return (
    `${n(p.setupSeconds, 1)} s checking the Python environment, ${n(p.startSeconds, 1)} s from there to dbt's first statement ` +
    `(the worker's Python start, dbt's imports, parsing the project), ${n(p.roundsSeconds, 1)} s of rounds ` +
    `(${n(p.roundsSqlSeconds, 1)} s of it in SQL, ${n(Math.max(0, p.roundsSeconds - p.roundsSqlSeconds), 1)} s in dbt between statements: ` +
    `compiling each model, metadata, bookkeeping), ${n(p.testsSeconds, 1)} s testing the synced table (${n(p.testsSqlSeconds, 1)} s SQL) ` +
    `and ${n(p.endSeconds, 1)} s stopping the worker`
  );
}

/** A run's start-up: checking the Python environment and reaching dbt's first statement. */
export function startupSeconds(s: ScenarioResult | undefined): number | null {
  return s?.phases ? s.phases.setupSeconds + s.phases.startSeconds : null;
}

/**
 * The sentence saying that a run's start-up alone is over a goal's allowance, so no change to the
 * SQL can meet it while dbt runs the SQL; empty when it is not over.
 */
function startupBound(s: ScenarioResult | undefined, allowed: number | null): string {
  const start = startupSeconds(s);
  if (start === null || allowed === null || start <= allowed) return '';
  return (
    ` Bounded: the start-up alone (${n(start, 1)} s before dbt's first statement, paid by every run however little SQL it runs) ` +
    `is over the ${n(allowed, 1)} s allowed, so no change to the SQL can meet this goal while dbt runs it.`
  );
}

/**
 * The fewest rows a run that recomputes keys from their stored partials can read: the partial rows
 * (daily aggregates and value rows, as stored at the phase's length) of the keys it recomputed, in
 * proportion, each read once, plus the day's new events. Null when the bench lacks a number.
 */
function partialsFloor(
  bench: BenchResult,
  s: ScenarioResult | undefined,
): { rows: number; keys: number; of: number; share: number; aggregateRows: number; valueRows: number; events: number } | null {
  const size = bench.sizes.find((z) => z.historyDays === s?.phaseDays);
  if (!s || !size || size.dailyAggregateRows === null || !size.attributeRows || s.keysRecomputed === undefined) return null;
  const share = Math.min(1, s.keysRecomputed / size.attributeRows);
  const aggregateRows = size.dailyAggregateRows;
  const valueRows = size.dailyValueRows ?? 0;
  const events = s.newEvents ?? 0;
  return {
    rows: share * (aggregateRows + valueRows) + events,
    keys: s.keysRecomputed,
    of: size.attributeRows,
    share,
    aggregateRows,
    valueRows,
    events,
  };
}

/**
 * The sentence saying that reading each recomputed key's partials once is already over a rows goal's
 * allowance; empty when it is not over.
 */
function partialsBound(bench: BenchResult, s: ScenarioResult | undefined, handRows: number | undefined | null, limit: number): string {
  const floor = partialsFloor(bench, s);
  const r = ratio(floor?.rows, handRows);
  if (floor === null || r === null || r <= limit) return '';
  return (
    ` Bounded: the run recomputed ${int(floor.keys)} keys (${n(100 * floor.share, 0)}% of the ${int(floor.of)} the table had at ${s!.phaseDays} d; a key changes when a window or time since an event moves, not only ` +
    `when it has new events), and min, max, first, last and per-value aggregates over a window cannot subtract the day that leaves it, ` +
    `so a recomputed key reads its stored partials. Reading those once (${int(floor.aggregateRows)} daily aggregate rows and ` +
    `${int(floor.valueRows)} value rows at ${s!.phaseDays} d, for that share of keys) plus the day's ${int(floor.events)} events is ` +
    `${int(floor.rows)} rows, ${n(r, 2)} of the hand-written query: over the ${n(limit, 2)} allowed while keys are recomputed from stored partials.`
  );
}

/** Seconds per model of `a` minus those of `b`: what the day's work adds to the fixed cost. */
function growth(a: ScenarioResult | undefined, b: ScenarioResult | undefined, key: 'seconds' | 'rowsScanned', count: number): string {
  if (!a?.cost || !b?.cost) return 'n/a';
  const of = (s: ScenarioResult, m: string) => s.cost!.models.find((x) => x.model === m)?.[key] ?? 0;
  return a.cost.models
    .map((m) => ({ model: m.model, delta: m[key] - of(b, m.model) }))
    .sort((x, y) => y.delta - x.delta)
    .slice(0, count)
    .map((x) => `${x.model} +${key === 'seconds' ? `${n(x.delta, 2)} s` : `${int(x.delta)} rows`}`)
    .join(', ');
}

/** Tables whose rows scanned grew most from run `a` to run `b`. */
function tableGrowth(a: ScenarioResult | undefined, b: ScenarioResult | undefined, count: number): string {
  if (!a?.rowsScannedByTable || !b?.rowsScannedByTable) return 'n/a';
  const tables = new Set([...Object.keys(a.rowsScannedByTable), ...Object.keys(b.rowsScannedByTable)]);
  return [...tables]
    .map((t) => ({ t, from: a.rowsScannedByTable![t] ?? 0, to: b.rowsScannedByTable![t] ?? 0 }))
    .sort((x, y) => y.to - y.from - (x.to - x.from))
    .slice(0, count)
    .map((x) => `${x.t} ${int(x.from)} -> ${int(x.to)}`)
    .join(', ');
}

function topTables(s: ScenarioResult | undefined, count: number): string {
  if (!s?.rowsScannedByTable) return 'n/a';
  return Object.entries(s.rowsScannedByTable)
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([t, v]) => `${t} ${int(v)}`)
    .join(', ');
}

const verdict = (met: boolean | null) => (met === null ? 'Not measured' : met ? 'Met' : 'Not met');

export function computeGoals(bench: BenchResult): Goal[] {
  const lengths = bench.options.lengths;
  const d = lengths[0];
  const base = find(bench, 'baseline', d);
  const noop = find(bench, 'noop', d);
  const steady = steadySeconds(bench, d);
  const run = medianSteadyRun(bench, d);
  const marginal = steady !== null && noop ? Math.max(0, steady - noop.seconds) : null;
  const le = (v: number | null, limit: number) => (v === null ? null : v <= limit);
  const goals: Goal[] = [];

  const g1 = ratio(steady, base?.seconds);
  goals.push({
    id: 'steady_vs_hand_written',
    name: `steady-state daily run / hand-written full recompute (${d} d)`,
    limit: '<= 0.15',
    value: g1,
    unit: 'ratio',
    met: le(g1, 0.15),
    reason:
      `${verdict(le(g1, 0.15))}: the median steady-state run took ${n(steady, 1)} s and the hand-written query ${n(base?.seconds, 1)} s, ` +
      `so the goal allows ${n(base ? 0.15 * base.seconds : null, 1)} s. Of the median run: ${timeSplit(run)}. ` +
      `Its costliest models: ${topModels(
        run?.cost?.models.filter((m) => !isDbtGroup(m.model)),
        3,
      )}.` +
      startupBound(run, base ? 0.15 * base.seconds : null),
  });

  const g2 = ratio(marginal, base?.seconds);
  goals.push({
    id: 'marginal_vs_hand_written',
    name: `its marginal part (steady minus the no-op run) / hand-written (${d} d)`,
    limit: '<= 0.05',
    value: g2,
    unit: 'ratio',
    met: le(g2, 0.05),
    reason:
      `${verdict(le(g2, 0.05))}: ${n(steady, 1)} s - ${n(noop?.seconds, 1)} s (no-op) = ${n(marginal, 1)} s of work for the day, ` +
      `against ${n(base ? 0.05 * base.seconds : null, 2)} s allowed. Per model, the steady run's SQL beyond the no-op's: ${growth(run, noop, 'seconds', 3)}.`,
  });

  const g3 = noop?.seconds ?? null;
  goals.push({
    id: 'noop_seconds',
    name: `dbt's fixed cost: a no-op run (${d} d)`,
    limit: '<= 2 s',
    value: g3,
    unit: 'seconds',
    met: le(g3, 2),
    reason:
      `${verdict(le(g3, 2))}: a run with nothing new took ${n(g3, 1)} s: ${timeSplit(noop)}` +
      (noop?.cost ? `; ${noop.cost.statements} statements ran, scanning ${int(noop.rowsScanned)} rows (most: ${topTables(noop, 3)})` : '') +
      '.' +
      startupBound(noop, 2),
  });

  const steadyScanned = steadyRows(bench, d);
  const g4 = ratio(steadyScanned, base?.rowsScanned);
  const lookback = run?.cost?.dedupeLookback;
  goals.push({
    id: 'rows_vs_hand_written',
    name: `rows scanned by a steady-state run / by the hand-written query (${d} d)`,
    limit: '<= 0.1',
    value: g4,
    unit: 'ratio',
    met: le(g4, 0.1),
    reason:
      `${verdict(le(g4, 0.1))}: a steady-state run scanned ${int(steadyScanned)} rows (median), the hand-written query ${int(base?.rowsScanned)}. ` +
      `The tables it read most: ${topTables(run, 4)}; by model: ${topModels(run?.cost?.models, 3, 'rowsScanned')}.` +
      (lookback
        ? ` The cross-run dedupe lookback alone read ${int(lookback.rowsScanned)} rows (${n((100 * lookback.rowsScanned) / Math.max(1, run!.rowsScanned ?? 0), 0)}% of the run).`
        : '') +
      partialsBound(bench, run, base?.rowsScanned, 0.1),
  });

  for (const full of fullRecomputes(bench)) {
    const hand = find(bench, 'baseline', full.phaseDays);
    const v = ratio(full.seconds, hand?.seconds);
    const what = full.id === 'backfill' ? 'backfill' : 'full refresh';
    goals.push({
      id: `full_recompute_${full.phaseDays}`,
      name: `engine full recompute (${what}, ${full.historyDays} d) / hand-written (${hand?.historyDays ?? full.phaseDays} d)`,
      limit: '<= 1.5',
      value: v,
      unit: 'ratio',
      met: le(v, 1.5),
      reason:
        `${verdict(le(v, 1.5))}: the ${what} took ${n(full.seconds, 1)} s in ${full.rounds} round(s) ` +
        `(snowplow__backfill_limit_days ${bench.options.backfillLimitDays}), the hand-written query ${n(hand?.seconds, 1)} s. ` +
        `Of the ${what}: ${timeSplit(full)}; costliest models: ${topModels(
          full.cost?.models.filter((m) => !isDbtGroup(m.model)),
          3,
        )}. ` +
        `It scanned ${int(full.rowsScanned)} rows, the hand-written query ${int(hand?.rowsScanned)}.`,
    });
  }

  for (const L of lengths.slice(1)) {
    const t = ratio(steadySeconds(bench, L), steady);
    const r = ratio(steadyRows(bench, L), steadyScanned);
    const runL = medianSteadyRun(bench, L);
    const handGrowth = ratio(find(bench, 'baseline', L)?.seconds, base?.seconds);
    goals.push({
      id: `flat_time_${L}`,
      name: `steady state at ${L} d / at ${d} d (time)`,
      limit: '<= 1.1',
      value: t,
      unit: 'ratio',
      met: le(t, 1.1),
      reason:
        `${verdict(le(t, 1.1))}: ${n(steadySeconds(bench, L), 1)} s at ${L} d vs ${n(steady, 1)} s at ${d} d ` +
        `(the hand-written query grew ${n(handGrowth, 2)}x). Per model: ${growth(runL, run, 'seconds', 3)}.`,
    });
    goals.push({
      id: `flat_rows_${L}`,
      name: `steady state at ${L} d / at ${d} d (rows scanned)`,
      limit: '<= 1.1',
      value: r,
      unit: 'ratio',
      met: le(r, 1.1),
      reason: `${verdict(le(r, 1.1))}: ${int(steadyRows(bench, L))} rows at ${L} d vs ${int(steadyScanned)} at ${d} d. Tables that grew most: ${tableGrowth(run, runL, 3)}.`,
    });
  }

  const engine = bench.scenarios.filter((s) => s.id !== 'baseline' && s.peakRssBytes !== null);
  const peak = engine.length ? engine.reduce((a, s) => (s.peakRssBytes! > a.peakRssBytes! ? s : a)) : undefined;
  const hand = bench.scenarios.filter((s) => s.id === 'baseline');
  goals.push({
    id: 'peak_memory',
    name: 'peak memory of any engine run',
    limit: '< 4 GiB',
    value: peak?.peakRssBytes ?? null,
    unit: 'bytes',
    met: peak ? peak.peakRssBytes! < GIB4 : null,
    reason:
      `${verdict(peak ? peak.peakRssBytes! < GIB4 : null)}: the highest was ${fmtBytes(peak?.peakRssBytes)} (${peak?.label ?? 'n/a'}); ` +
      `a backfill round holds at most snowplow__backfill_limit_days (${bench.options.backfillLimitDays}) of loads, ` +
      `and DuckDB spills to disk past its memory limit (${bench.options.memoryLimit ?? "DuckDB's default, 80% of RAM"}); ` +
      'the rest is dbt, Python and memory DuckDB holds outside its buffer manager. ' +
      `The hand-written query peaked at ${hand.map((b) => `${fmtBytes(b.peakRssBytes)} (${b.historyDays} d)`).join(', ') || 'n/a'}.`,
  });
  return goals;
}

/**
 * The cross-run dedupe's cost in a phase's steady-state runs (medians), and per day of lookback:
 * a run looks back snowplow__upsert_lookback_days of loads, or all earlier loads when fewer.
 */
export function lookbackCost(
  bench: BenchResult,
  phaseDays: number,
): { days: number; rows: number; perDay: number; scanSeconds: number; shareOfRows: number } | null {
  const runs = steadyRuns(bench, phaseDays).filter((s) => s.cost?.dedupeLookback);
  if (runs.length === 0) return null;
  const daysOf = (s: ScenarioResult) => Math.min(bench.options.upsertLookbackDays, s.historyDays - 1);
  const rows = median(runs.map((s) => s.cost!.dedupeLookback!.rowsScanned))!;
  return {
    days: median(runs.map(daysOf))!,
    rows,
    perDay: median(runs.map((s) => s.cost!.dedupeLookback!.rowsScanned / Math.max(1, daysOf(s))))!,
    scanSeconds: median(runs.map((s) => s.cost!.dedupeLookback!.scanSeconds))!,
    shareOfRows: median(runs.map((s) => s.cost!.dedupeLookback!.rowsScanned / Math.max(1, s.rowsScanned ?? 0)))!,
  };
}
