/**
 * The bench pipeline: generate events straight into DuckDB, run the generated dbt project through
 * the runner, time each scenario, and check the engine's table against the hand-written baseline.
 *
 * Phases: the base history (`days` days of load time), then optionally the doubled history.
 * Scenarios of a phase:
 *   backfill      the initial run over the whole history (rounds of snowplow__backfill_limit_days)
 *   catchup       (doubled phase) loading the second half of the history, runs until caught up
 *   noop          a run with nothing new: dbt's fixed cost per invocation
 *   baseline      the hand-written query over the whole history, asserted equal to the engine
 *   steady        one more day of loads (late events and duplicates included), one run; repeated
 *                 `steadyRuns` times on consecutive days, the median is the phase's figure
 *   full_refresh  (doubled phase, optional) the engine rebuilt from scratch: its full recompute
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_VARS, generateProject, writeProject } from '../src/dbt';
import { keyColumnName } from '../src/definition';
import { runUntilCaughtUp, type RunSummary } from '../src/runner';
import { pythonExecutable } from '../src/runner/python';
import { baselineSql, DOUBLE_COLUMNS } from './baseline';
import { compareTables, describeComparison, type Comparison } from './compare';
import { appendLoads, BENCH_APP_ID, createEventsTable, type GeneratorOptions } from './generator';
import { withUsage, type Usage } from './memory';
import { profileLastRun, type ModelProfile } from './profile';
import { benchView } from './view';

export interface BenchOptions {
  users: number;
  /** Days of history of the base phase; the doubled phase has twice as many. */
  days: number;
  startDate: string;
  /** Where the DuckDB file and the dbt project go (emptied first). */
  workDir: string;
  /** snowplow__backfill_limit_days (default: the engine's default). */
  backfillLimitDays?: number;
  /** Load days the generator inserts per statement (memory vs. speed). */
  generatorChunkDays: number;
  /** Steady-state runs per phase (consecutive days); the median is reported. */
  steadyRuns: number;
  /** Run the hand-written query once, untimed, before the first timed scenario. */
  warmup: boolean;
  /** Replay the models of backfill and steady-state runs with DuckDB's profiler (rows scanned). */
  profile: boolean;
  /** Also run the doubled phase. */
  double: boolean;
  /** Also rebuild the engine from scratch at the end of the doubled phase. */
  fullRefreshDoubled: boolean;
  /** dbt threads (default: the runner's). */
  threads?: number;
  log: (line: string) => void;
}

export type ScenarioId = 'backfill' | 'catchup' | 'noop' | 'baseline' | 'steady' | 'full_refresh';

export interface ScenarioResult {
  id: ScenarioId;
  /** The phase: days of history it belongs to (the base or the doubled history). */
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
  /** Rows scanned, in total and per model, from DuckDB's profiler. */
  rowsScanned?: number;
  models?: ModelProfile[];
  /** Per-model dbt execution time of the last round (seconds). */
  modelSeconds?: Record<string, number>;
}

export interface CheckResult {
  historyDays: number;
  after: string;
  equal: boolean;
  rows: number;
  cells: number;
  baselineSeconds: number;
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
  attributeRows: number | null;
}

export interface BenchResult {
  options: Omit<BenchOptions, 'log' | 'backfillLimitDays'> & { backfillLimitDays: number };
  generatorSeconds: Array<{ fromDay: number; toDay: number; rows: number; seconds: number }>;
  sizes: DataSize[];
  scenarios: ScenarioResult[];
  checks: CheckResult[];
  /** Attribute columns with a non-default value in the baseline (coverage of the data). */
  columnsWithValues: Record<string, number>;
  totalSeconds: number;
}

const DERIVED_SCHEMA = 'main_derived';
const BASELINE_TABLE = 'hand_written.attributes';

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function withConnection<T>(database: string, work: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
  const instance = await DuckDBInstance.create(database);
  const conn = await instance.connect();
  try {
    return await work(conn);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/** The first cell of a query, or null (also when the table does not exist yet). */
async function scalar(conn: DuckDBConnection, sql: string): Promise<number | null> {
  try {
    const v = (await conn.runAndReadAll(sql)).getRows()[0]?.[0];
    return v === null || v === undefined ? null : Number(v);
  } catch {
    return null;
  }
}

/** Run SQL in a separate DuckDB process (the venv's Python DuckDB: the build dbt-duckdb uses). */
function runSqlInChildProcess(database: string, sql: string): Promise<void> {
  const script = ['import duckdb, sys', 'con = duckdb.connect(sys.argv[1])', 'con.execute("set enable_progress_bar = false")', 'con.execute(sys.stdin.read())', 'con.close()'].join('\n');
  return new Promise((resolve, reject) => {
    const child = spawn(pythonExecutable(), ['-c', script, database], { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`baseline query failed (exit ${code}): ${err.trim().slice(-2000)}`))));
    child.stdin.end(sql);
  });
}

export function fmtBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return 'n/a';
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
  return `${(bytes / 1024 ** 2).toFixed(0)} MiB`;
}

/** Run the whole bench; throws when the engine's table differs from the baseline's. */
export async function runBench(options: BenchOptions): Promise<BenchResult> {
  const started = Date.now();
  const log = options.log;
  const view = benchView();
  const workDir = path.resolve(options.workDir);
  await fs.rm(workDir, { recursive: true, force: true });
  await fs.mkdir(workDir, { recursive: true });
  const database = path.join(workDir, 'bench.duckdb');
  const gen: GeneratorOptions = { users: options.users, startDate: options.startDate };
  const backfillLimitDays = options.backfillLimitDays ?? DEFAULT_VARS.snowplow__backfill_limit_days;
  const project = generateProject(view, {
    target: 'duckdb',
    vars: { snowplow__start_date: options.startDate, snowplow__app_id: [BENCH_APP_ID], snowplow__backfill_limit_days: backfillLimitDays },
  });
  const projectDir = await writeProject(path.join(workDir, 'project'), project);
  const attributeTable = `${DERIVED_SCHEMA}.${project.tables.attributes}`;
  const columns = view.attributes.map((a) => a.name);
  const key = keyColumnName(view);
  const shortModel = (name: string) => name.replace(`${project.name}_`, '');
  log(`work dir ${workDir}; ${options.users} users, ${options.days} days${options.double ? ` then ${2 * options.days}` : ''}; backfill limit ${backfillLimitDays} days`);

  const { log: _log, ...recorded } = options;
  void _log;
  const result: BenchResult = {
    options: { ...recorded, backfillLimitDays },
    generatorSeconds: [],
    sizes: [],
    scenarios: [],
    checks: [],
    columnsWithValues: {},
    totalSeconds: 0,
  };
  let loadedDays = 0;
  let phaseDays = options.days;

  const load = async (toDay: number) => {
    await withConnection(database, async (conn) => {
      if (loadedDays === 0) await createEventsTable(conn, gen);
      for (let from = loadedDays; from < toDay; from += options.generatorChunkDays) {
        const to = Math.min(toDay, from + options.generatorChunkDays);
        const t = Date.now();
        const rows = await appendLoads(conn, gen, from, to);
        const seconds = (Date.now() - t) / 1000;
        result.generatorSeconds.push({ fromDay: from, toDay: to, rows, seconds });
        log(`generated the loads of days ${from + 1}..${to}: ${rows} events (${seconds.toFixed(1)}s)`);
      }
      await conn.run('checkpoint');
    });
    loadedDays = toDay;
  };

  // U, the first date outside every window: the day after the last day of loads.
  const currentDay = () => addDays(options.startDate, loadedDays);
  const usageFields = (u: Usage) => ({ peakRssBytes: u.peakBytes, cpuSeconds: u.cpuSeconds, otherCpuSeconds: u.otherCpuSeconds });

  const engineRun = async (id: ScenarioId, label: string, opts: { fullRefresh?: boolean; profile?: boolean } = {}) => {
    const lastWrite = await withConnection(database, (conn) => scalar(conn, `select epoch_us(max(updated_at)) from ${attributeTable}`));
    const t = Date.now();
    const { result: summary, usage } = await withUsage<RunSummary>(() =>
      runUntilCaughtUp({
        projectDir,
        connection: { type: 'duckdb', path: database, schema: 'main' },
        vars: { snowplow__mock_current_day: currentDay(), ...(opts.fullRefresh ? { snowplow__allow_refresh: true } : {}) },
        fullRefresh: opts.fullRefresh,
        threads: options.threads,
        log: (l) => log(`  ${l}`),
      }),
    );
    const seconds = (Date.now() - t) / 1000;
    if (!summary.caughtUp) throw new Error(`${label}: the engine did not catch up after ${summary.rounds} rounds`);
    const runResults = JSON.parse(await fs.readFile(path.join(projectDir, 'target', 'run_results.json'), 'utf8')) as {
      results: Array<{ unique_id: string; execution_time: number }>;
    };
    const modelSeconds = Object.fromEntries(
      runResults.results.filter((r) => r.unique_id.startsWith('model.')).map((r) => [shortModel(r.unique_id.split('.').pop()!), r.execution_time]),
    );
    const rowsWritten = await withConnection(database, (conn) =>
      scalar(conn, `select count(*) from ${attributeTable} where epoch_us(updated_at) > ${lastWrite ?? -1}`),
    );
    const scenario: ScenarioResult = {
      id,
      phaseDays,
      historyDays: loadedDays,
      label,
      seconds,
      rounds: summary.rounds,
      newEvents: summary.totals.newEvents,
      datesRecomputed: summary.totals.datesRecomputed,
      datesSkipped: summary.totals.datesSkipped,
      keysRecomputed: summary.totals.keysRecomputed,
      rowsWritten: rowsWritten ?? undefined,
      ...usageFields(usage),
      modelSeconds,
    };
    if (opts.profile && options.profile) {
      const pt = Date.now();
      const models = await profileLastRun(database, projectDir);
      scenario.models = models.map((m) => ({ ...m, model: shortModel(m.model) }));
      scenario.rowsScanned = models.reduce((a, m) => a + m.rowsScanned, 0);
      log(`  profiled ${models.length} models (${((Date.now() - pt) / 1000).toFixed(1)}s): ${scenario.rowsScanned} rows scanned`);
    }
    log(`${label}: ${seconds.toFixed(1)}s, ${summary.rounds} round(s), peak ${fmtBytes(usage.peakBytes)}, other processes ${usage.otherCpuSeconds?.toFixed(1) ?? 'n/a'} CPU s`);
    result.scenarios.push(scenario);
    return scenario;
  };

  const baselineQuery = () => baselineSql({ startDate: options.startDate, windowEnd: currentDay(), appIds: [BENCH_APP_ID] });

  /** The hand-written query into hand_written.attributes, then compared with the engine's table. */
  const baseline = async (label: string, after: string, timed: boolean) => {
    const sql = `create schema if not exists hand_written;\ncreate or replace table ${BASELINE_TABLE} as\n${baselineQuery()}`;
    const t = Date.now();
    const { usage } = await withUsage(() => runSqlInChildProcess(database, sql));
    const seconds = (Date.now() - t) / 1000;
    let rowsScanned: number | undefined;
    if (timed && options.profile) {
      rowsScanned = await withConnection(database, async (conn) => {
        const dir = await fs.mkdtemp(path.join(workDir, 'profile-'));
        const out = path.join(dir, 'baseline.json');
        await conn.run(`pragma enable_profiling = 'json'`);
        await conn.run(`pragma profiling_coverage = 'ALL'`);
        await conn.run(`pragma profiling_output = '${out.replace(/'/g, "''")}'`);
        await conn.run(`create or replace temp table bench_replay as (${baselineQuery()})`);
        await conn.run('pragma disable_profiling');
        const root = JSON.parse(await fs.readFile(out, 'utf8')) as { cumulative_rows_scanned?: number };
        await fs.rm(dir, { recursive: true, force: true });
        return Number(root.cumulative_rows_scanned ?? 0);
      });
    }
    const comparison: Comparison = await withConnection(database, (conn) =>
      compareTables(conn, { left: attributeTable, right: BASELINE_TABLE, key, columns, doubleColumns: DOUBLE_COLUMNS }),
    );
    const detail = describeComparison(comparison, `engine (after ${after})`, `hand-written query (${loadedDays} days)`);
    result.checks.push({ historyDays: loadedDays, after, equal: comparison.equal, rows: comparison.leftRows, cells: comparison.cellsCompared, baselineSeconds: seconds, detail });
    log(`${label}: ${seconds.toFixed(1)}s, peak ${fmtBytes(usage.peakBytes)}, other processes ${usage.otherCpuSeconds?.toFixed(1) ?? 'n/a'} CPU s; ${detail}`);
    if (timed) result.scenarios.push({ id: 'baseline', phaseDays, historyDays: loadedDays, label, seconds, ...usageFields(usage), rowsScanned });
    if (!comparison.equal) throw new Error(`the engine's attribute table differs from the hand-written baseline\n${detail}`);
  };

  const recordSizes = async () => {
    const size = await withConnection(database, async (conn) => ({
      historyDays: loadedDays,
      eventRows: (await scalar(conn, 'select count(*) from atomic.events')) ?? 0,
      distinctEventIds: (await scalar(conn, 'select count(distinct event_id) from atomic.events')) ?? 0,
      benchAppEvents: (await scalar(conn, `select count(*) from atomic.events where app_id = '${BENCH_APP_ID}'`)) ?? 0,
      users: (await scalar(conn, `select count(distinct domain_userid) from atomic.events where domain_userid <> ''`)) ?? 0,
      dbBytes: 0,
      dailyValueRows: await scalar(conn, `select count(*) from ${DERIVED_SCHEMA}.${project.name}_daily_values`),
      dailyAggregateRows: await scalar(conn, `select count(*) from ${DERIVED_SCHEMA}.${project.name}_daily_aggregates`),
      attributeRows: await scalar(conn, `select count(*) from ${attributeTable}`),
    }));
    size.dbBytes = (await fs.stat(database)).size;
    result.sizes.push(size);
  };

  const steadyDays = async () => {
    for (let i = 0; i < options.steadyRuns; i++) {
      await load(loadedDays + 1);
      await engineRun('steady', `steady state: day ${loadedDays} after ${loadedDays - 1} days`, { profile: i === 0 });
    }
    await baseline(`check after the steady-state runs (${loadedDays} days)`, `${options.steadyRuns} steady-state run(s)`, false);
  };

  // ---- base phase
  await load(options.days);
  if (options.warmup) {
    const t = Date.now();
    await runSqlInChildProcess(database, `create schema if not exists hand_written;\ncreate or replace table ${BASELINE_TABLE} as\n${baselineQuery()}`);
    log(`warm-up (hand-written query, untimed): ${((Date.now() - t) / 1000).toFixed(1)}s`);
  }
  await engineRun('backfill', `initial backfill of ${loadedDays} days`, { profile: true });
  await recordSizes();
  await engineRun('noop', `no-op run at ${loadedDays} days`);
  await baseline(`hand-written query over ${loadedDays} days`, 'backfill', true);
  result.columnsWithValues = await withConnection(database, async (conn) => {
    const counts: Record<string, number> = {};
    for (const c of columns) {
      const nonDefault = `"${c}" is not null and cast("${c}" as varchar) not in ('0', '0.0', 'Unknown', '[]')`;
      counts[c] = (await scalar(conn, `select count(*) from ${BASELINE_TABLE} where ${nonDefault}`)) ?? 0;
    }
    return counts;
  });
  await steadyDays();

  // ---- doubled phase
  if (options.double) {
    phaseDays = 2 * options.days;
    const from = loadedDays;
    await load(phaseDays);
    await engineRun('catchup', `catch-up: loads of days ${from + 1}..${phaseDays}`);
    await recordSizes();
    await engineRun('noop', `no-op run at ${loadedDays} days`);
    await baseline(`hand-written query over ${loadedDays} days`, 'catch-up', true);
    await steadyDays();
    if (options.fullRefreshDoubled) {
      await engineRun('full_refresh', `engine full refresh over ${loadedDays} days`, { fullRefresh: true });
      await baseline(`check after the full refresh (${loadedDays} days)`, 'full refresh', false);
    }
  }
  result.totalSeconds = (Date.now() - started) / 1000;
  return result;
}
