/**
 * `npm run bench [-- flags]`: generate synthetic events into DuckDB, run the engine's scenarios
 * and the hand-written baseline, and write bench/results/report.{md,json} and chart.png.
 * See docs/bench.md.
 */
import { Command, InvalidArgumentError } from 'commander';
import * as os from 'node:os';
import * as path from 'node:path';
import { packageRoot } from '../src/paths';
import { fmtBytes, runBench } from './pipeline';
import { buildReport, disturbed, environment, writeReport } from './report';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number >= 1');
  return n;
}

function date(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) throw new InvalidArgumentError('must be a date YYYY-MM-DD');
  return value;
}

export async function main(argv: string[]): Promise<number> {
  const program = new Command()
    .name('npm run bench --')
    .description('Benchmark the incremental engine against a full recompute and a hand-written query (docs/bench.md)')
    .option('--users <n>', 'distinct users', positiveInt, 50000)
    .option('--days <n>', 'days of history before the first steady-state run (doubled later)', positiveInt, 60)
    .option('--start-date <date>', 'first day of the history (snowplow__start_date)', date, '2025-01-01')
    .option('--backfill-limit-days <n>', "snowplow__backfill_limit_days (default: the engine's, 30)", positiveInt)
    .option('--steady-runs <n>', 'steady-state runs (consecutive days) per history length; the median is reported', positiveInt, 3)
    .option('--chunk-days <n>', 'load days the generator inserts per SQL statement', positiveInt, 15)
    .option('--work-dir <dir>', 'where the DuckDB file and the dbt project go (emptied first)', path.join(os.tmpdir(), 'signals-batch-bench'))
    .option('--out <dir>', 'report directory', path.join(packageRoot(), 'bench', 'results'))
    .option('--threads <n>', 'dbt threads', positiveInt)
    .option('--no-double', 'skip the scenarios at twice the history')
    .option('--no-full-refresh', 'skip the engine full refresh at twice the history')
    .option('--no-profile', "skip replaying models with DuckDB's profiler (rows scanned)")
    .option('--no-warmup', 'skip the untimed warm-up query before the first timed scenario')
    .exitOverride();
  try {
    program.parse(argv);
  } catch (e) {
    const code = (e as { exitCode?: number }).exitCode;
    return code ?? 2;
  }
  const o = program.opts<{
    users: number;
    days: number;
    startDate: string;
    backfillLimitDays?: number;
    steadyRuns: number;
    chunkDays: number;
    workDir: string;
    out: string;
    threads?: number;
    double: boolean;
    fullRefresh: boolean;
    profile: boolean;
    warmup: boolean;
  }>();
  const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
  const env = environment();
  log(`${env.machine.cpus} CPUs, ${fmtBytes(env.machine.memoryBytes)}; node ${env.versions.node}, DuckDB ${env.versions.duckdbNode}, dbt-core ${env.versions.dbtCore}`);
  const bench = await runBench({
    users: o.users,
    days: o.days,
    startDate: o.startDate,
    workDir: o.workDir,
    backfillLimitDays: o.backfillLimitDays,
    generatorChunkDays: o.chunkDays,
    steadyRuns: o.steadyRuns,
    warmup: o.warmup,
    profile: o.profile,
    double: o.double,
    fullRefreshDoubled: o.double && o.fullRefresh,
    threads: o.threads,
    log,
  });
  const report = buildReport(bench, env);
  const files = await writeReport(path.resolve(o.out), report);
  log(`report: ${files.markdown}, ${files.json}, ${files.chart}`);
  const noisy = bench.scenarios.filter((s) => disturbed(s, env.machine.cpus));
  if (noisy.length > 0) {
    log(`warning: other processes used much CPU during ${noisy.map((s) => `"${s.label}"`).join(', ')}; those times are inflated, run again on an idle machine`);
  }
  for (const t of report.targets) {
    const value = t.name.startsWith('peak memory') ? fmtBytes(t.value) : t.value === null ? 'n/a' : t.value.toFixed(3);
    log(`target ${t.name} ${t.limit}: ${value} -> ${t.met === null ? 'n/a' : t.met ? 'met' : 'NOT met'}`);
  }
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
