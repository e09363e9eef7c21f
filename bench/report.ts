/**
 * The bench report: report.json (everything, for machines), report.md (for people) and chart.png
 * (time per scenario per history length, and the steady state's growth with history).
 * The goals and their reasons are computed in bench/goals.ts.
 */
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import duckdb from '@duckdb/node-api';
import { pythonExecutable } from '../src/runner/python';
import { renderFigure } from './chart';
import {
  computeGoals,
  find,
  fullRecomputes,
  int,
  lookbackCost,
  medianSteadyRun,
  n,
  ratio,
  startupSeconds,
  steadyRows,
  steadySeconds,
  type Goal,
} from './goals';
import { fmtBytes, type BenchResult, type ScenarioResult } from './results';

export interface Environment {
  machine: { cpus: number; cpuModel: string; memoryBytes: number; os: string; arch: string };
  versions: { node: string; duckdbNode: string; duckdbPython: string | null; dbtCore: string | null; dbtDuckdb: string | null };
}

export interface Report {
  generatedAt: string;
  environment: Environment;
  bench: BenchResult;
  goals: Goal[];
  /** Per history length: the cross-run dedupe lookback's cost in the steady-state runs. */
  dedupeLookback: Array<{ historyDays: number } & NonNullable<ReturnType<typeof lookbackCost>>>;
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

/** Whether other processes used more than 15% of the machine's CPU during a scenario. */
export function disturbed(s: ScenarioResult, cpus: number): boolean {
  return s.otherCpuSeconds !== null && s.otherCpuSeconds > 0.15 * s.seconds * cpus;
}

export function buildReport(bench: BenchResult, env: Environment): Report {
  return {
    generatedAt: new Date().toISOString(),
    environment: env,
    bench,
    goals: computeGoals(bench),
    dedupeLookback: bench.options.lengths.flatMap((d) => {
      const c = lookbackCost(bench, d);
      return c ? [{ historyDays: d, ...c }] : [];
    }),
    notes: [
      'Wall clock times are whole scenarios as a user runs them: for the engine one runUntilCaughtUp (the Python environment check, one warm dbt process for every round, the tests of the synced table), for the hand-written query one DuckDB process (the Python DuckDB build dbt-duckdb uses) running the query and writing the table.',
      'Steady-state figures are medians over the runs of a phase (one more day of loads each, consecutive days); per-model and per-table figures are those of the median run.',
      "Before each steady-state run the bench parses the project, untimed, with that run's variables: the bench pins each day with a dbt variable, which would otherwise cost a full parse that a scheduled run, finding its previous run's parse, does not pay.",
      "Rows scanned and SQL seconds come from DuckDB's profiler during the runs themselves (a dbt-duckdb plugin reads each statement's profile; the SQL is unchanged): every engine run, every statement, summed per model and per table. The timed hand-written query runs with the profiler on too. SQL seconds are the wall time of each statement as dbt's cursor saw it.",
      'Peak memory is the highest sum of RSS over the process tree doing the work (dbt and its DuckDB), sampled every 100 ms from /proc.',
      '"Other CPU" is the CPU time the rest of the machine used during a scenario (from /proc/stat, hypervisor steal included): when it is large the wall clock is not trustworthy.',
      'On a freshly booted VM (e.g. Firecracker), the first gigabytes of memory a process touches are slow: the bench runs the hand-written query once untimed before timing anything, but the first scenarios can still be slower than later ones.',
    ],
  };
}

/** dbt's own statement groups are bracketed: shown in italics. */
const modelLabel = (m: string) => (m.startsWith('(') ? `*${m.slice(1, -1)}*` : m);

/** Columns of the per-model and per-table tables: the representative run of each kind and length. */
function costColumns(bench: BenchResult): Array<{ title: string; run: ScenarioResult }> {
  const cols: Array<{ title: string; run: ScenarioResult }> = [];
  for (const d of bench.options.lengths) {
    const first = find(bench, 'backfill', d) ?? find(bench, 'catchup', d);
    if (first?.cost) cols.push({ title: `${first.id} ${first.historyDays} d`, run: first });
    const noop = find(bench, 'noop', d);
    if (noop?.cost) cols.push({ title: `no-op ${d} d`, run: noop });
    const steady = medianSteadyRun(bench, d);
    if (steady?.cost) cols.push({ title: `steady ${d} d (median run)`, run: steady });
    const full = find(bench, 'full_refresh', d);
    if (full?.cost) cols.push({ title: `full refresh ${full.historyDays} d`, run: full });
  }
  return cols;
}

function markdown(report: Report): string {
  const { bench, environment: env } = report;
  const o = bench.options;
  const lengths = o.lengths;
  const lines: string[] = [];
  const push = (...l: string[]) => lines.push(...l);
  push('# signals-batch benchmark', '');
  push(
    `Generated by \`npm run bench\` (docs/bench.md) on ${report.generatedAt.slice(0, 10)}: ${o.users.toLocaleString('en-US')} users, ` +
      `history lengths ${lengths.join(', ')} days, start date ${o.startDate}, snowplow__backfill_limit_days ${o.backfillLimitDays}, ` +
      `snowplow__upsert_lookback_days ${o.upsertLookbackDays}, DuckDB memory limit ${o.memoryLimit ?? "DuckDB's default"}, ${o.threads === undefined ? '' : `dbt threads ${o.threads}, `}${o.steadyRuns} steady-state run(s) per length, profiler ${o.profile ? 'on' : 'off'}. ` +
      `Total bench time ${n(bench.totalSeconds / 60, 1)} min on ${env.machine.cpus} CPUs.`,
    '',
  );
  const noisy = bench.scenarios.filter((s) => disturbed(s, env.machine.cpus));
  if (noisy.length > 0) {
    push(
      `**Warning:** ${noisy.length} of ${bench.scenarios.length} scenarios ran while other processes used more than 15% of the machine's CPU ` +
        `(${noisy.map((s) => s.label).join('; ')}): their wall clock times are inflated. Rows scanned do not depend on it; run again on an idle machine for settled times.`,
      '',
    );
  }

  push('## Against the hand-written query', '', 'What a user would otherwise run: one query over the whole history, every day.', '');
  push(
    '| history | hand-written query | steady-state run (median) | no-op run | engine full recompute | rows scanned: hand-written / steady |',
    '|---|---|---|---|---|---|',
  );
  for (const L of lengths) {
    const hand = find(bench, 'baseline', L);
    const steady = steadySeconds(bench, L);
    const full = fullRecomputes(bench).find((s) => s.phaseDays === L);
    push(
      `| ${L} d | ${n(hand?.seconds, 1)} s | ${n(steady, 1)} s (${n(ratio(steady, hand?.seconds), 2)}x) | ${n(find(bench, 'noop', L)?.seconds, 1)} s | ` +
        `${full ? `${n(full.seconds, 1)} s (${n(ratio(full.seconds, hand?.seconds), 2)}x, ${full.id === 'backfill' ? 'backfill' : 'full refresh'})` : '-'} | ` +
        `${int(hand?.rowsScanned)} / ${int(steadyRows(bench, L))} |`,
    );
  }
  push('', '![time per scenario and history length; steady state as history grows](chart.png)', '');

  push('## Goals', '', '| goal | limit | measured | met |', '|---|---|---|---|');
  const value = (g: Goal) => (g.unit === 'bytes' ? fmtBytes(g.value) : g.unit === 'seconds' ? `${n(g.value, 2)} s` : n(g.value, 3));
  for (const g of report.goals) push(`| ${g.name} | ${g.limit} | ${value(g)} | ${g.met === null ? 'n/a' : g.met ? 'yes' : '**no**'} |`);
  push('', '### Why', '');
  for (const g of report.goals) push(`- **${g.name}**. ${g.reason}`);
  push('');

  push('## The cross-run dedupe lookback', '');
  push(
    `events_this_run drops copies of events an earlier run already loaded: it scans the event_id of the last snowplow__upsert_lookback_days ` +
      `(${o.upsertLookbackDays}) days of loads. Its cost in the steady-state runs (medians; the scan's seconds are DuckDB's operator time, summed over threads):`,
    '',
  );
  if (report.dedupeLookback.length === 0) push('Not measured (run with the profiler).', '');
  else {
    push(
      "| history | days looked back | rows scanned | per lookback day | share of the run's rows | scan seconds |",
      '|---|---|---|---|---|---|',
    );
    for (const c of report.dedupeLookback)
      push(
        `| ${c.historyDays} d | ${c.days} | ${int(c.rows)} | ${int(c.perDay)} | ${n(100 * c.shareOfRows, 1)}% | ${n(c.scanSeconds, 3)} |`,
      );
    push('');
  }

  push('## Scenarios', '');
  push(
    '| scenario | history | wall clock (s) | rounds | new events | dates recomputed | keys recomputed | rows written | rows scanned | SQL (s) | peak RSS | CPU (s) | other CPU (s) |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  );
  for (const s of bench.scenarios) {
    const opt = (v: number | undefined) => (v === undefined ? '' : int(v));
    push(
      `| ${s.label}${disturbed(s, env.machine.cpus) ? ' (disturbed)' : ''} | ${s.historyDays} | ${n(s.seconds, 1)} | ${s.rounds ?? ''} | ${opt(s.newEvents)} | ` +
        `${opt(s.datesRecomputed)} | ${opt(s.keysRecomputed)} | ${opt(s.rowsWritten)} | ${int(s.rowsScanned)} | ${s.cost ? n(s.cost.sqlSeconds, 1) : ''} | ` +
        `${fmtBytes(s.peakRssBytes)} | ${n(s.cpuSeconds, 1)} | ${n(s.otherCpuSeconds, 1)} |`,
    );
  }
  push('');

  const cols = costColumns(bench);
  push('## Where the time goes', '');
  if (cols.length === 0) push('Not measured (run with the profiler).', '');
  else {
    push(
      "Per model: seconds of its SQL statements / rows they scanned, over every round of the run. Entries in *italics* are dbt's own statements.",
      '',
    );
    push(`| model | ${cols.map((c) => c.title).join(' | ')} |`, `|---|${cols.map(() => '---').join('|')}|`);
    const models = [...new Set(cols.flatMap((c) => c.run.cost!.models.map((m) => m.model)))];
    for (const m of models) {
      const cells = cols.map((c) => {
        const x = c.run.cost!.models.find((y) => y.model === m);
        return x ? `${n(x.seconds, 2)} / ${int(x.rowsScanned)}` : '';
      });
      push(`| ${modelLabel(m)} | ${cells.join(' | ')} |`);
    }
    push(
      `| **total (SQL s / rows)** | ${cols.map((c) => `**${n(c.run.cost!.sqlSeconds, 2)} / ${int(c.run.cost!.rowsScanned)}**`).join(' | ')} |`,
    );
    push(`| wall clock of the run (s) | ${cols.map((c) => n(c.run.seconds, 1)).join(' | ')} |`);
    const phase = (c: { run: ScenarioResult }) => {
      const p = c.run.phases;
      return p
        ? `${n(startupSeconds(c.run), 1)} / ${n(p.roundsSeconds, 1)} (${n(p.roundsSqlSeconds, 1)}) / ${n(p.testsSeconds, 1)} / ${n(p.endSeconds, 1)}`
        : 'n/a';
    };
    push(`| wall clock: start-up / rounds (SQL) / tests / end (s) | ${cols.map(phase).join(' | ')} |`, '');
    push(
      "Start-up is the time before dbt's first statement (Python environment check, the worker's Python start, dbt's imports, parsing); " +
        "rounds run from the first statement to the last round's end, SQL in brackets (the rest is dbt between statements: compiling models, metadata, bookkeeping; SQL summed over dbt's threads can exceed the wall clock); " +
        'tests are the dbt tests of the synced table, end is stopping the worker.',
      '',
    );
    push('Rows scanned per table (all models of the run):', '');
    push(`| table | ${cols.map((c) => c.title).join(' | ')} |`, `|---|${cols.map(() => '---').join('|')}|`);
    const tables = [...new Set(cols.flatMap((c) => Object.keys(c.run.rowsScannedByTable ?? {})))].sort();
    for (const t of tables) push(`| ${t} | ${cols.map((c) => int(c.run.rowsScannedByTable?.[t] ?? 0)).join(' | ')} |`);
    push('');
  }

  push(
    '## Equality with the hand-written query',
    '',
    '| history | engine state | equal | rows | cells compared |',
    '|---|---|---|---|---|',
  );
  for (const c of bench.checks)
    push(`| ${c.historyDays} d | after ${c.after} | ${c.equal ? 'yes' : '**no**'} | ${int(c.rows)} | ${int(c.cells)} |`);
  push('');

  push('## Data', '');
  push(
    '| history | events table rows | distinct event_id | app "bench" rows | users | DB file | daily aggregate rows (rollup rows) | daily value rows | attribute rows |',
  );
  push('|---|---|---|---|---|---|---|---|---|');
  for (const z of bench.sizes) {
    push(
      `| ${z.historyDays} d | ${int(z.eventRows)} | ${int(z.distinctEventIds)} | ${int(z.benchAppEvents)} | ${int(z.users)} | ${fmtBytes(z.dbBytes)} | ` +
        `${int(z.dailyAggregateRows)} (${int(z.rollupRows)}) | ${int(z.dailyValueRows)} | ${int(z.attributeRows)} |`,
    );
  }
  const genSeconds = bench.generatorSeconds.reduce((a, g) => a + g.seconds, 0);
  push(
    '',
    `Generator: ${int(bench.generatorSeconds.reduce((a, g) => a + g.rows, 0))} rows in ${n(genSeconds, 1)} s, straight into DuckDB with SQL.`,
    '',
  );
  push('Keys with a non-default value per attribute (hand-written query, first length): the data exercises every attribute.', '');
  push(
    Object.entries(bench.columnsWithValues)
      .map(([c, v]) => `${c} ${int(v)}`)
      .join(', '),
    '',
  );

  push('## Machine and versions', '', '| | |', '|---|---|');
  push(
    `| CPU | ${env.machine.cpus} x ${env.machine.cpuModel} |`,
    `| memory | ${fmtBytes(env.machine.memoryBytes)} |`,
    `| OS | ${env.machine.os} (${env.machine.arch}) |`,
  );
  push(`| Node | ${env.versions.node} |`);
  push(
    `| DuckDB | ${env.versions.duckdbNode} (generator, @duckdb/node-api); ${env.versions.duckdbPython ?? 'n/a'} (dbt-duckdb and the hand-written query) |`,
  );
  push(`| dbt | dbt-core ${env.versions.dbtCore ?? 'n/a'}, dbt-duckdb ${env.versions.dbtDuckdb ?? 'n/a'} |`, '');
  push('## Notes', '', ...report.notes.map((x) => `- ${x}`), '');
  return lines.join('\n');
}

export function chart(report: Report): Buffer {
  const { bench } = report;
  const lengths = bench.options.lengths;
  const d = lengths[0];
  const rel = (v: (L: number) => number | null) => lengths.map((L) => ratio(v(L), v(d)));
  const hand = (L: number) => find(bench, 'baseline', L)?.seconds ?? null;
  const panels: Parameters<typeof renderFigure>[0]['panels'] = [
    {
      kind: 'bar',
      title: 'time per scenario',
      yLabel: 'seconds (wall clock)',
      groups: lengths.map((L) => `${L} days of history`),
      series: [
        { name: 'hand-written query', color: [244, 165, 130], values: lengths.map(hand) },
        {
          name: 'engine full recompute',
          color: [214, 96, 77],
          values: lengths.map((L) => fullRecomputes(bench).find((s) => s.phaseDays === L)?.seconds ?? null),
        },
        { name: 'steady state (one more day, median)', color: [67, 147, 195], values: lengths.map((L) => steadySeconds(bench, L)) },
        {
          name: 'no-op run (fixed cost of a run)',
          color: [160, 160, 160],
          values: lengths.map((L) => find(bench, 'noop', L)?.seconds ?? null),
        },
      ],
    },
  ];
  if (lengths.length > 1) {
    panels.push({
      kind: 'line',
      title: `growth with history, relative to ${d} days`,
      yLabel: `x the value at ${d} days`,
      x: lengths,
      xFormat: (x) => `${x} d`,
      series: [
        { name: 'steady state: time', color: [67, 147, 195], values: rel((L) => steadySeconds(bench, L)) },
        { name: 'steady state: rows scanned', color: [33, 102, 172], values: rel((L) => steadyRows(bench, L)) },
        { name: 'hand-written query: time', color: [244, 165, 130], values: rel(hand) },
      ],
      reference: { value: 1.1, label: 'goal 1.1' },
    });
  }
  return renderFigure({
    title: 'signals-batch: incremental runs vs. a hand-written query',
    subtitle: `${bench.options.users.toLocaleString('en-US')} users, DuckDB, ${report.environment.machine.cpus} cores; steady state = median of ${bench.options.steadyRuns} run(s)`,
    panels,
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
