/**
 * The bench report: report.json (everything, for machines), report.md (for people) and
 * chart.png (time per scenario and history length), with the ratios and targets of issue 5.
 */
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import duckdb from '@duckdb/node-api';
import { DEFAULT_VARS } from '../src/dbt';
import { pythonExecutable } from '../src/runner/python';
import { renderBarChart } from './chart';
import type { ModelProfile } from './profile';
import { fmtBytes, median, type BenchResult, type ScenarioId, type ScenarioResult } from './pipeline';

export interface Environment {
  machine: { cpus: number; cpuModel: string; memoryBytes: number; os: string; arch: string };
  versions: { node: string; duckdbNode: string; duckdbPython: string | null; dbtCore: string | null; dbtDuckdb: string | null };
}

export interface Target {
  name: string;
  limit: string;
  value: number | null;
  met: boolean | null;
}

export interface Ratios {
  /** steady(days) / engine backfill(days): the engine's own full recompute. */
  steadyOverBackfill: number | null;
  /** steady(days) / hand-written query(days). */
  steadyOverBaseline: number | null;
  /** The same ratios without dbt's fixed cost (a no-op run) in the engine's times. */
  marginalSteadyOverBackfill: number | null;
  marginalSteadyOverBaseline: number | null;
  /** steady(2 x days) / engine full recompute(2 x days). */
  steadyOverFullRecomputeDoubled: number | null;
  /** steady(2 x days) / steady(days), and the same without the no-op cost. */
  steadyDoubledOverSteady: number | null;
  marginalSteadyDoubledOverSteady: number | null;
  /** How full recomputes grow: hand-written(2 x days) / hand-written(days), engine likewise. */
  baselineDoubledOverBaseline: number | null;
  fullRecomputeDoubledOverFullRecompute: number | null;
  /** Highest peak RSS of any engine run, and of steady-state runs only (bytes). */
  peakRssAnyRun: number | null;
  peakRssSteady: number | null;
}

export interface Report {
  generatedAt: string;
  environment: Environment;
  bench: BenchResult;
  ratios: Ratios;
  targets: Target[];
  notes: string[];
}

export function environment(): Environment {
  let python: Record<string, string | null> = {};
  const probe = spawnSync(
    pythonExecutable(),
    [
      '-c',
      'import importlib.metadata as m, json\nv = {}\nfor p in ("duckdb", "dbt-core", "dbt-duckdb"):\n    try: v[p] = m.version(p)\n    except Exception: v[p] = None\nprint(json.dumps(v))',
    ],
    { encoding: 'utf8' },
  );
  if (probe.status === 0) python = JSON.parse(probe.stdout) as Record<string, string | null>;
  return {
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      memoryBytes: os.totalmem(),
      os: `${os.type()} ${os.release()}`,
      arch: os.arch(),
    },
    versions: {
      node: process.version,
      duckdbNode: duckdb.version(),
      duckdbPython: python.duckdb ?? null,
      dbtCore: python['dbt-core'] ?? null,
      dbtDuckdb: python['dbt-duckdb'] ?? null,
    },
  };
}

const ratio = (a: number | null | undefined, b: number | null | undefined) =>
  a === null || a === undefined || b === null || b === undefined || b <= 0 ? null : a / b;

function find(bench: BenchResult, id: ScenarioId, phaseDays: number): ScenarioResult | undefined {
  return bench.scenarios.find((s) => s.id === id && s.phaseDays === phaseDays);
}

/** The median wall clock of a phase's steady-state runs. */
export function steadySeconds(bench: BenchResult, phaseDays: number): number | null {
  return median(bench.scenarios.filter((s) => s.id === 'steady' && s.phaseDays === phaseDays).map((s) => s.seconds));
}

/** The engine's full recompute of a phase: the backfill (base phase) or the full refresh (doubled). */
export function fullRecomputeSeconds(bench: BenchResult, phaseDays: number): number | null {
  return (find(bench, 'backfill', phaseDays) ?? find(bench, 'full_refresh', phaseDays))?.seconds ?? null;
}

export function computeRatios(bench: BenchResult): Ratios {
  const d = bench.options.days;
  const d2 = 2 * d;
  const backfill = fullRecomputeSeconds(bench, d);
  const noop = find(bench, 'noop', d)?.seconds ?? null;
  const baseline = find(bench, 'baseline', d)?.seconds ?? null;
  const steady = steadySeconds(bench, d);
  const noop2 = find(bench, 'noop', d2)?.seconds ?? null;
  const baseline2 = find(bench, 'baseline', d2)?.seconds ?? null;
  const steady2 = steadySeconds(bench, d2);
  const marginal = (s: number | null, n: number | null) => (s !== null && n !== null ? Math.max(0, s - n) : null);
  const engineRuns = bench.scenarios.filter((s) => s.id !== 'baseline' && s.peakRssBytes !== null);
  const steadyRuns = engineRuns.filter((s) => s.id === 'steady');
  return {
    steadyOverBackfill: ratio(steady, backfill),
    steadyOverBaseline: ratio(steady, baseline),
    marginalSteadyOverBackfill: ratio(marginal(steady, noop), marginal(backfill, noop)),
    marginalSteadyOverBaseline: ratio(marginal(steady, noop), baseline),
    steadyOverFullRecomputeDoubled: ratio(steady2, fullRecomputeSeconds(bench, d2)),
    steadyDoubledOverSteady: ratio(steady2, steady),
    marginalSteadyDoubledOverSteady: ratio(marginal(steady2, noop2), marginal(steady, noop)),
    baselineDoubledOverBaseline: ratio(baseline2, baseline),
    fullRecomputeDoubledOverFullRecompute: ratio(fullRecomputeSeconds(bench, d2), backfill),
    peakRssAnyRun: engineRuns.length ? Math.max(...engineRuns.map((s) => s.peakRssBytes!)) : null,
    peakRssSteady: steadyRuns.length ? Math.max(...steadyRuns.map((s) => s.peakRssBytes!)) : null,
  };
}

const GIB4 = 4 * 1024 ** 3;

export function computeTargets(r: Ratios): Target[] {
  const le = (v: number | null, limit: number) => (v === null ? null : v <= limit);
  return [
    { name: 'steady state / full recompute (engine backfill) at the base history', limit: '<= 0.1', value: r.steadyOverBackfill, met: le(r.steadyOverBackfill, 0.1) },
    { name: 'steady state / full recompute (hand-written query) at the base history', limit: '<= 0.1', value: r.steadyOverBaseline, met: le(r.steadyOverBaseline, 0.1) },
    { name: 'steady state (doubled history) / steady state (base history)', limit: '<= 1.5', value: r.steadyDoubledOverSteady, met: le(r.steadyDoubledOverSteady, 1.5) },
    { name: 'peak memory of a steady-state run', limit: '< 4 GiB', value: r.peakRssSteady, met: r.peakRssSteady === null ? null : r.peakRssSteady < GIB4 },
    { name: 'peak memory of any engine run (backfill included)', limit: '< 4 GiB', value: r.peakRssAnyRun, met: r.peakRssAnyRun === null ? null : r.peakRssAnyRun < GIB4 },
  ];
}

const n = (v: number | null | undefined, digits = 2) => (v === null || v === undefined ? 'n/a' : v.toFixed(digits));
const int = (v: number | null | undefined) => (v === null || v === undefined ? '' : Math.round(v).toLocaleString('en-US'));

/** Why the targets are (not) met, from the numbers of this run. */
function analysis(bench: BenchResult, r: Ratios): string[] {
  const d = bench.options.days;
  const first = bench.scenarios.find((s) => s.id === 'steady' && s.phaseDays === d);
  const noop = find(bench, 'noop', d);
  const size = bench.sizes.find((s) => s.historyDays === d);
  const steady = steadySeconds(bench, d);
  const lines: string[] = [];
  if (!first || steady === null) return lines;
  const model = (name: string) => first.models?.find((m) => m.model === name);
  const scanned = (m: ModelProfile | undefined, tableSuffix: string) =>
    m ? Object.entries(m.rowsScannedByTable).find(([t]) => t.endsWith(tableSuffix))?.[1] : undefined;
  const daily = model('daily_aggregates');
  const attrs = model('attributes_this_run');
  const events = model('events_this_run');
  lines.push(
    `- A steady-state run reads one day of loads (${int(first.newEvents)} new events in the first one); late events (3.5% arrive ` +
      `1-10 days late) touch ${int(first.datesRecomputed)} event dates.` +
      (daily
        ? ` Their events fold into the stored partials of the (key, date) pairs they touch: daily_aggregates wrote ${int(daily.rowsProduced)} rows ` +
          `in ${n(daily.dbtSeconds, 2)} s, scanning ${int(daily.rowsScanned)} rows.`
        : ''),
  );
  lines.push(
    `- ${int(first.keysRecomputed)} keys of ${int(size?.attributeRows)} were recomputed: keys with new events, and every key with an event on ` +
      'a date entering or leaving a P1D, P7D or P30D window (windows move every day). Each of them reads its rollup row and its daily rows since the rollup boundary' +
      (attrs ? ` (attributes_this_run scanned ${int(attrs.rowsScanned)} rows, ${n(attrs.dbtSeconds, 2)} s)` : '') +
      ': bounded by the longest window, not by history.',
  );
  if (events) {
    lines.push(
      `- events_this_run scans ${int(scanned(events, 'atomic.events'))} rows of the raw events: the day's loads plus the event_ids of ` +
        `snowplow__upsert_lookback_days (${DEFAULT_VARS.snowplow__upsert_lookback_days} by default) of earlier loads, to drop re-loaded copies. ` +
        'Bounded by the lookback, not by history.',
    );
  }
  if (noop) {
    lines.push(
      `- dbt's fixed cost per invocation (a no-op run: start-up, parsing, every model on empty inputs, hooks) is ${n(noop.seconds, 1)} s, ` +
        `${n((100 * noop.seconds) / steady, 0)}% of the median steady-state run. Without it, steady / full recompute is ` +
        `${n(r.marginalSteadyOverBackfill, 3)} and steady / hand-written query ${n(r.marginalSteadyOverBaseline, 3)}.`,
    );
  }
  const peakOf = (id: ScenarioId) => Math.max(0, ...bench.scenarios.filter((s) => s.id === id).map((s) => s.peakRssBytes ?? 0));
  const baselines = bench.scenarios.filter((s) => s.id === 'baseline');
  lines.push(
    `- Memory: a run's peak grows with the load window it processes, not with history. Backfill rounds of ` +
      `${bench.options.backfillLimitDays} days peaked at ${fmtBytes(peakOf('backfill'))}, steady-state runs at ${fmtBytes(peakOf('steady'))}; ` +
      'a larger snowplow__backfill_limit_days makes fewer, bigger rounds (one 60-day round of the default scale peaked at ~4.3 GiB ' +
      `on the development VM). The hand-written query's peak grows with history: ${baselines.map((b) => `${fmtBytes(b.peakRssBytes)} at ${b.historyDays} days`).join(', ')}.`,
  );
  const baseline = find(bench, 'baseline', d);
  if (baseline) {
    lines.push(
      `- The hand-written query (${n(baseline.seconds, 1)} s) is ${n(ratio(fullRecomputeSeconds(bench, d), baseline.seconds), 1)}x faster than the ` +
        "engine's own full recompute: DuckDB scans columnar data fast, while the engine persists this run's events and the daily " +
        'aggregates and runs in rounds. With a whole recompute costing seconds, a fixed cost of a few seconds per run keeps any ' +
        'incremental dbt run near the cost of the query at this scale.',
    );
  }
  return lines;
}

const WHAT_WOULD = [
  "- **Less fixed cost per run.** What is left of a steady-state run at the base history is mostly dbt's fixed cost (see the",
  '  no-op run): Python and dbt start-up, parsing, one round trip per model and the hooks. Keeping dbt warm between rounds',
  '  (dbtRunner in a long-lived process), fewer scratch models, or running the same SQL without dbt on the embedded target',
  '  would lower it; against a hand-written query that DuckDB answers in a few seconds, no run with a fixed cost of this size',
  '  can cost a tenth. On a warehouse, where a full recompute over months of events takes minutes, the same fixed cost is small.',
  '- **More history.** The ratio falls as history grows: see steady / full recompute at the doubled history.',
  '- **Roll up history outside every window** (for growth). Lifetime attributes make each affected key re-read all its daily',
  '  rows; a per-key rollup of the dates older than the longest period and the late-event horizon, merged with the recent',
  '  daily rows, would make the steady-state cost independent of history length.',
];

const OTHER_FINDINGS = [
  '- **first/last partial aggregates on DuckDB** (src/dbt/dialects/duckdb.ts `firstValue`): `(list(v order by derived_tstamp,',
  "  event_id) filter (...))[1]` sorts every group's values. `arg_min(v, (derived_tstamp, event_id)) filter (...)` (arg_max for",
  '  last) gives the same rows: 60 days of daily aggregates in 4.3-4.7 s instead of 14.7-16.8 s (one query, development VM).',
  '  It speeds up backfills and full refreshes (30.7 s instead of 40.4 s for the 60-day backfill in a prototype).',
];

export function buildReport(bench: BenchResult, env: Environment): Report {
  const ratios = computeRatios(bench);
  return {
    generatedAt: new Date().toISOString(),
    environment: env,
    bench,
    ratios,
    targets: computeTargets(ratios),
    notes: [
      'Wall clock times are whole scenarios as a user runs them: for the engine one runUntilCaughtUp (dbt start-up included, every round), for the hand-written query one DuckDB process (the Python DuckDB build dbt-duckdb uses) running the query and writing the table.',
      'Steady-state figures are the median of the runs of a phase (one more day of loads each, consecutive days).',
      'Peak memory is the highest sum of RSS over the process tree doing the work (dbt and its DuckDB), sampled every 100 ms from /proc.',
      '"Other CPU" is the CPU time the rest of the machine used during a scenario (from /proc/stat, hypervisor steal included): when it is large the wall clock is not trustworthy.',
      "Rows scanned come from DuckDB's profiler, replaying each model's compiled SELECT right after the run (run_limits' replay sees the manifest that already includes the run, so its window is empty).",
      'On a freshly booted VM (e.g. Firecracker), the first gigabytes of memory a process touches are slow (the host backs them lazily): the bench runs the hand-written query once untimed before timing anything, but the first scenarios can still be slower than later ones.',
    ],
  };
}

/** Whether other processes used more than 15% of the machine's CPU during a scenario. */
export function disturbed(s: ScenarioResult, cpus: number): boolean {
  return s.otherCpuSeconds !== null && s.otherCpuSeconds > 0.15 * s.seconds * cpus;
}

function markdown(report: Report): string {
  const { bench, environment: env, ratios: r } = report;
  const o = bench.options;
  const d = o.days;
  const lines: string[] = [];
  lines.push('# signals-batch benchmark', '');
  lines.push(
    `Generated by \`npm run bench\` (docs/bench.md) on ${report.generatedAt.slice(0, 10)}: ${o.users.toLocaleString('en-US')} users, ` +
      `${d} days of history${o.double ? `, then doubled to ${2 * d}` : ''}, start date ${o.startDate}, snowplow__backfill_limit_days ${o.backfillLimitDays}, ` +
      `${o.steadyRuns} steady-state run(s) per history length. Total bench time ${n(bench.totalSeconds / 60, 1)} min.`,
    '',
  );
  lines.push('## Machine and versions', '', '| | |', '|---|---|');
  lines.push(`| CPU | ${env.machine.cpus} x ${env.machine.cpuModel} |`);
  lines.push(`| memory | ${fmtBytes(env.machine.memoryBytes)} |`);
  lines.push(`| OS | ${env.machine.os} (${env.machine.arch}) |`);
  lines.push(`| Node | ${env.versions.node} |`);
  lines.push(`| DuckDB | ${env.versions.duckdbNode} (generator, @duckdb/node-api); ${env.versions.duckdbPython ?? 'n/a'} (dbt-duckdb and the hand-written query) |`);
  lines.push(`| dbt | dbt-core ${env.versions.dbtCore ?? 'n/a'}, dbt-duckdb ${env.versions.dbtDuckdb ?? 'n/a'} |`, '');

  lines.push('## Targets', '', '| target | limit | measured | met |', '|---|---|---|---|');
  for (const t of report.targets) {
    const value = t.name.startsWith('peak memory') ? fmtBytes(t.value) : n(t.value, 3);
    lines.push(`| ${t.name} | ${t.limit} | ${value} | ${t.met === null ? 'n/a' : t.met ? 'yes' : '**no**'} |`);
  }
  const noisy = bench.scenarios.filter((s) => disturbed(s, env.machine.cpus));
  if (noisy.length > 0) {
    lines.push(
      '',
      `**Warning:** ${noisy.length} scenario(s) ran while other processes used more than 15% of the machine's CPU (marked ` +
        '"disturbed" below: ' +
        noisy.map((s) => s.label).join('; ') +
        '). Their wall clock times are inflated; run the bench again on an idle machine for settled numbers.',
    );
  }
  lines.push('', '## Headline numbers', '', '| | seconds |', '|---|---|');
  lines.push(`| engine full recompute (initial backfill, ${d} d) | ${n(fullRecomputeSeconds(bench, d), 1)} |`);
  lines.push(`| hand-written query (${d} d) | ${n(find(bench, 'baseline', d)?.seconds, 1)} |`);
  lines.push(`| steady state, median (${d} d) | ${n(steadySeconds(bench, d), 1)} |`);
  lines.push(`| no-op run: dbt's fixed cost (${d} d) | ${n(find(bench, 'noop', d)?.seconds, 1)} |`);
  if (o.double) {
    lines.push(`| engine full recompute (full refresh, ${2 * d} d) | ${n(fullRecomputeSeconds(bench, 2 * d), 1)} |`);
    lines.push(`| hand-written query (${2 * d} d) | ${n(find(bench, 'baseline', 2 * d)?.seconds, 1)} |`);
    lines.push(`| steady state, median (${2 * d} d) | ${n(steadySeconds(bench, 2 * d), 1)} |`);
    lines.push(`| no-op run (${2 * d} d) | ${n(find(bench, 'noop', 2 * d)?.seconds, 1)} |`);
  }
  lines.push('', '![time per scenario and history length](chart.png)', '');
  lines.push('## Ratios', '', '| ratio | value |', '|---|---|');
  lines.push(`| steady / engine full recompute (${d} d) | ${n(r.steadyOverBackfill, 3)} |`);
  lines.push(`| steady / hand-written query (${d} d) | ${n(r.steadyOverBaseline, 3)} |`);
  lines.push(`| marginal steady / marginal full recompute (no-op run subtracted from both) | ${n(r.marginalSteadyOverBackfill, 3)} |`);
  lines.push(`| marginal steady / hand-written query | ${n(r.marginalSteadyOverBaseline, 3)} |`);
  if (o.double) {
    lines.push(`| steady / engine full recompute (${2 * d} d) | ${n(r.steadyOverFullRecomputeDoubled, 3)} |`);
    lines.push(`| steady (${2 * d} d) / steady (${d} d) | ${n(r.steadyDoubledOverSteady, 3)} |`);
    lines.push(`| marginal steady (${2 * d} d) / marginal steady (${d} d) | ${n(r.marginalSteadyDoubledOverSteady, 3)} |`);
    lines.push(`| hand-written query (${2 * d} d) / hand-written query (${d} d) | ${n(r.baselineDoubledOverBaseline, 3)} |`);
    lines.push(`| engine full recompute (${2 * d} d) / engine full recompute (${d} d) | ${n(r.fullRecomputeDoubledOverFullRecompute, 3)} |`);
  }
  lines.push('');
  const missed = report.targets.filter((t) => t.met === false);
  lines.push(missed.length > 0 ? '### Why targets are missed' : '### Analysis', '', ...analysis(bench, r), '');
  if (missed.length > 0) lines.push('### What would reach them', '', ...WHAT_WOULD, '');
  lines.push('### Other findings', '', ...OTHER_FINDINGS, '');

  lines.push('## Scenarios', '');
  lines.push(
    '| scenario | history (days) | wall clock (s) | rounds | new events | dates recomputed | keys recomputed | rows written | rows scanned | peak RSS | CPU (s) | other CPU (s) |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  );
  for (const s of bench.scenarios) {
    lines.push(
      `| ${s.label}${disturbed(s, env.machine.cpus) ? ' (disturbed)' : ''} | ${s.historyDays} | ${n(s.seconds, 1)} | ${s.rounds ?? ''} | ${int(s.newEvents)} | ${int(s.datesRecomputed)} | ${int(s.keysRecomputed)} | ${int(s.rowsWritten)} | ${int(s.rowsScanned)} | ${fmtBytes(s.peakRssBytes)} | ${n(s.cpuSeconds, 1)} | ${n(s.otherCpuSeconds, 1)} |`,
    );
  }
  lines.push('');

  lines.push('## Equality with the hand-written query', '', '| history (days) | engine state | equal | rows | cells compared | query (s) |', '|---|---|---|---|---|---|');
  for (const c of bench.checks) lines.push(`| ${c.historyDays} | after ${c.after} | ${c.equal ? 'yes' : '**no**'} | ${int(c.rows)} | ${int(c.cells)} | ${n(c.baselineSeconds, 1)} |`);
  lines.push('');

  lines.push('## Where the time goes', '', "Per model: dbt's execution time in the run's last round / rows scanned (DuckDB profiler).", '');
  const profiled = bench.scenarios.filter((s) => s.models && s.models.length > 0);
  if (profiled.length > 0) {
    lines.push(`| model | ${profiled.map((s) => `${s.id} at ${s.historyDays} d`).join(' | ')} |`, `|---|${profiled.map(() => '---').join('|')}|`);
    for (const m of profiled[0].models!) {
      const cells = profiled.map((s) => {
        const p = s.models!.find((x) => x.model === m.model);
        return p ? `${n(p.dbtSeconds, 2)} s / ${int(p.rowsScanned)}` : '';
      });
      lines.push(`| ${m.model} | ${cells.join(' | ')} |`);
    }
    lines.push('', 'Rows scanned per table in the profiled steady-state runs:', '');
    for (const s of profiled.filter((x) => x.id === 'steady')) {
      lines.push(`- ${s.label}:`);
      for (const m of s.models!) {
        const tables = Object.entries(m.rowsScannedByTable)
          .filter(([, v]) => v > 0)
          .map(([t, v]) => `${t} ${int(v)}`)
          .join(', ');
        if (tables) lines.push(`  - ${m.model}: ${tables}`);
      }
    }
    lines.push('');
  } else {
    for (const s of bench.scenarios.filter((x) => x.modelSeconds)) {
      lines.push(`- ${s.label}: ${Object.entries(s.modelSeconds!).map(([k, v]) => `${k} ${n(v, 2)} s`).join(', ')}`);
    }
    lines.push('');
  }

  lines.push('## Data', '');
  lines.push('| history (days) | events table rows | distinct event_id | app "bench" rows | users | DB file | daily value rows | daily aggregate rows | attribute rows |');
  lines.push('|---|---|---|---|---|---|---|---|---|');
  for (const z of bench.sizes) {
    lines.push(
      `| ${z.historyDays} | ${int(z.eventRows)} | ${int(z.distinctEventIds)} | ${int(z.benchAppEvents)} | ${int(z.users)} | ${fmtBytes(z.dbBytes)} | ${int(z.dailyValueRows)} | ${int(z.dailyAggregateRows)} | ${int(z.attributeRows)} |`,
    );
  }
  const genSeconds = bench.generatorSeconds.reduce((a, g) => a + g.seconds, 0);
  lines.push('', `Generator: ${int(bench.generatorSeconds.reduce((a, g) => a + g.rows, 0))} rows in ${n(genSeconds, 1)} s, straight into DuckDB with SQL.`, '');
  lines.push('Keys with a non-default value per attribute (hand-written query, base history): the data exercises every attribute.', '');
  lines.push(Object.entries(bench.columnsWithValues).map(([c, v]) => `${c} ${int(v)}`).join(', '), '');
  lines.push('## Notes', '', ...report.notes.map((x) => `- ${x}`), '');
  return lines.join('\n');
}

export function chart(report: Report): Buffer {
  const { bench } = report;
  const phases = bench.options.double ? [bench.options.days, 2 * bench.options.days] : [bench.options.days];
  return renderBarChart({
    title: 'signals-batch: time per scenario',
    subtitle: `${bench.options.users.toLocaleString('en-US')} users, DuckDB, ${report.environment.machine.cpus} cores; steady state = median of ${bench.options.steadyRuns} run(s)`,
    yLabel: 'seconds (wall clock)',
    groups: phases.map((d) => `${d} days of history`),
    series: [
      { name: 'engine full recompute', color: [214, 96, 77], values: phases.map((d) => fullRecomputeSeconds(bench, d)) },
      { name: 'hand-written query', color: [244, 165, 130], values: phases.map((d) => find(bench, 'baseline', d)?.seconds ?? null) },
      { name: 'steady state (one more day)', color: [67, 147, 195], values: phases.map((d) => steadySeconds(bench, d)) },
      { name: 'no-op run (dbt fixed cost)', color: [160, 160, 160], values: phases.map((d) => find(bench, 'noop', d)?.seconds ?? null) },
    ],
  });
}

/** Write report.json, report.md and chart.png into `dir`; returns their paths. */
export async function writeReport(dir: string, report: Report): Promise<{ json: string; markdown: string; chart: string }> {
  await fs.mkdir(dir, { recursive: true });
  const files = { json: path.join(dir, 'report.json'), markdown: path.join(dir, 'report.md'), chart: path.join(dir, 'chart.png') };
  await fs.writeFile(files.json, JSON.stringify(report, null, 2) + '\n');
  await fs.writeFile(files.markdown, markdown(report));
  await fs.writeFile(files.chart, chart(report));
  return files;
}
