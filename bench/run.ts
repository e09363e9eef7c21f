/**
 * `npm run bench [-- flags]`: generate synthetic events into DuckDB, run the engine's scenarios at
 * each history length and the hand-written query, and write bench/results/report.{md,json} and
 * chart.png.
 * See docs/bench.md.
 */
import { Command, InvalidArgumentError } from 'commander';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { duckdbMemoryLimit } from '../src/cli/options';
import { packageRoot } from '../src/paths';
import { runBench } from './pipeline';
import { fmtBytes } from './results';
import { buildReport, disturbed, environment, writeReport, type Report } from './report';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number >= 1');
  return n;
}

function wholeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number >= 0');
  return n;
}

function lengths(value: string): number[] {
  const days = value.split(',').map((v) => Number(v.trim()));
  if (days.some((d) => !Number.isInteger(d) || d < 1) || days.some((d, i) => i > 0 && d <= days[i - 1])) {
    throw new InvalidArgumentError('must be increasing whole numbers of days, comma-separated (e.g. 60,120,240)');
  }
  return days;
}

function date(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) throw new InvalidArgumentError('must be a date YYYY-MM-DD');
  return value;
}

export async function main(argv: string[]): Promise<number> {
  const program = new Command()
    .name('npm run bench --')
    .description('Benchmark the incremental engine against a hand-written query and its own full recompute (docs/bench.md)')
    .option('--users <n>', 'distinct users', positiveInt, 50000)
    .option('--days <list>', 'history lengths in days, one phase each (a single number: one phase)', lengths, [60, 120, 240])
    .option('--start-date <date>', 'first day of the history (snowplow__start_date)', date, '2025-01-01')
    .option('--backfill-limit-days <n>', "snowplow__backfill_limit_days (default: the engine's, 30)", positiveInt)
    .option(
      '--upsert-lookback-days <n>',
      "snowplow__upsert_lookback_days: the cross-run dedupe lookback (default: the engine's, 30)",
      wholeNumber,
    )
    .option(
      '--memory-limit <size>',
      "DuckDB's memory limit for the engine's runs, e.g. 4GB (default: the runner's, 2GB)",
      duckdbMemoryLimit,
    )
    .option('--steady-runs <n>', 'steady-state runs (consecutive days) per history length; the median is reported', positiveInt, 3)
    .option(
      '--full-refresh-at <days>',
      'the history length at which the engine is also rebuilt from scratch (default: the second length)',
      positiveInt,
    )
    .option('--chunk-days <n>', 'load days the generator inserts per SQL statement', positiveInt, 15)
    .option(
      '--work-dir <dir>',
      'where the DuckDB file and the dbt project go (emptied first)',
      path.join(os.tmpdir(), 'signals-batch-bench'),
    )
    .option('--out <dir>', 'report directory', path.join(packageRoot(), 'bench', 'results'))
    .option('--threads <n>', 'dbt threads', positiveInt)
    .option('--no-double', 'only the first history length')
    .option('--no-full-refresh', 'skip the engine full refresh')
    .option('--no-profile', "skip DuckDB's per-statement profiler (no rows scanned, no per-model times)")
    .option('--no-warmup', 'skip the untimed warm-up query before the first timed scenario')
    .option('--report-from <file>', 'run nothing: write the report again from the report.json of an earlier bench')
    .exitOverride();
  try {
    program.parse(argv);
  } catch (e) {
    const code = (e as { exitCode?: number }).exitCode;
    return code ?? 2;
  }
  const o = program.opts<{
    users: number;
    days: number[];
    startDate: string;
    backfillLimitDays?: number;
    upsertLookbackDays?: number;
    memoryLimit?: string;
    steadyRuns: number;
    fullRefreshAt?: number;
    chunkDays: number;
    workDir: string;
    out: string;
    threads?: number;
    double: boolean;
    fullRefresh: boolean;
    profile: boolean;
    warmup: boolean;
    reportFrom?: string;
  }>();
  const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
  if (o.reportFrom) {
    const earlier = JSON.parse(await fs.readFile(o.reportFrom, 'utf8')) as Report;
    const files = await writeReport(path.resolve(o.out), {
      ...buildReport(earlier.bench, earlier.environment),
      generatedAt: earlier.generatedAt,
    });
    log(`report written again from ${o.reportFrom}: ${files.markdown}, ${files.json}, ${files.chart}`);
    return 0;
  }
  const days = o.double ? o.days : o.days.slice(0, 1);
  const fullRefreshAt = o.fullRefresh ? (o.fullRefreshAt ?? days[1] ?? null) : null;
  if (fullRefreshAt !== null && !days.includes(fullRefreshAt)) {
    log(`--full-refresh-at ${fullRefreshAt} is not one of the history lengths (${days.join(', ')})`);
    return 2;
  }
  const env = environment();
  log(
    `${env.machine.cpus} CPUs, ${fmtBytes(env.machine.memoryBytes)}; node ${env.versions.node}, DuckDB ${env.versions.duckdbNode}, dbt-core ${env.versions.dbtCore}`,
  );
  const bench = await runBench({
    users: o.users,
    lengths: days,
    startDate: o.startDate,
    workDir: o.workDir,
    backfillLimitDays: o.backfillLimitDays,
    upsertLookbackDays: o.upsertLookbackDays,
    memoryLimit: o.memoryLimit,
    generatorChunkDays: o.chunkDays,
    steadyRuns: o.steadyRuns,
    warmup: o.warmup,
    profile: o.profile,
    fullRefreshAt,
    threads: o.threads,
    log,
  });
  const report = buildReport(bench, env);
  const files = await writeReport(path.resolve(o.out), report);
  log(`report: ${files.markdown}, ${files.json}, ${files.chart}`);
  const noisy = bench.scenarios.filter((s) => disturbed(s, env.machine.cpus));
  if (noisy.length > 0) {
    log(
      `warning: other processes used much CPU during ${noisy.map((s) => `"${s.label}"`).join(', ')}; those times are inflated, run again on an idle machine`,
    );
  }
  for (const g of report.goals) {
    const value =
      g.unit === 'bytes'
        ? fmtBytes(g.value)
        : g.value === null
          ? 'n/a'
          : g.unit === 'seconds'
            ? `${g.value.toFixed(2)} s`
            : g.value.toFixed(3);
    log(`goal ${g.name} ${g.limit}: ${value} -> ${g.met === null ? 'n/a' : g.met ? 'met' : 'NOT met'}`);
  }
  log(`total bench time ${(bench.totalSeconds / 60).toFixed(1)} min`);
  return 0;
}

if (require.main === module) {
  main(process.argv).then(
    (code) => {
      process.exitCode = code;
    },
    (e: Error) => {
      process.stderr.write(`[bench] failed: ${e.stack ?? e.message}\n`);
      process.exitCode = 1;
    },
  );
}
