/**
 * The bench pipeline: generate events straight into DuckDB, run the generated dbt project through
 * the runner, time each scenario, profile every statement of every engine run, and check the
 * engine's table against the hand-written query.
 *
 * One phase per history length (e.g. 60, 120 and 240 days of load time). Scenarios of a phase:
 *   backfill      (first phase) the first run over the whole history: the engine's full recompute
 *   catchup       (later phases) load the history up to this length, run until caught up
 *   noop          a run with nothing new: dbt's fixed cost per run
 *   baseline      the hand-written query over the whole history, asserted equal to the engine
 *   steady        one more day of loads (late events and duplicates included), one run; repeated
 *                 `steadyRuns` times on consecutive days, the median is the phase's figure. Each is
 *                 preceded by an untimed parse with its options (parseProject): a scheduled run
 *                 finds its previous run's parse, but the bench pins each day with a variable
 *   full_refresh  (at one length, optional) the engine rebuilt from scratch: its full recompute
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_VARS, generateProject, writeProject } from '../src/dbt';
import { keyColumnName } from '../src/definition';
import {
  DUCKDB_DEFAULT_MEMORY_LIMIT,
  defaultThreads,
  parseProject,
  runUntilCaughtUp,
  type DuckdbConnection,
  type RunSummary,
} from '../src/runner';
import { pythonExecutable } from '../src/runner/python';
import { baselineSql, DOUBLE_COLUMNS, runHandWritten } from './baseline';
import { compareTables, describeComparison } from './compare';
import { appendLoads, BENCH_APP_ID, createEventsTable, type GeneratorOptions } from './generator';
import { withUsage, type Usage } from './memory';
import { profilerConnection, readStatements, runPhases, summarizeRun, type Mark } from './profile';
import { fmtBytes, type BenchResult, type ScenarioId, type ScenarioResult } from './results';
import { benchView } from './view';

export interface BenchOptions {
  users: number;
  /** History lengths in days of load time, increasing: one phase each. */
  lengths: number[];
  startDate: string;
  /** Where the DuckDB file and the dbt project go (emptied first). */
  workDir: string;
  /** snowplow__backfill_limit_days (default: the engine's default). */
  backfillLimitDays?: number;
  /** snowplow__upsert_lookback_days (default: the engine's default). */
  upsertLookbackDays?: number;
  /** DuckDB's memory limit for the engine's runs (default: the runner's, DUCKDB_DEFAULT_MEMORY_LIMIT). */
  memoryLimit?: string;
  /** Load days the generator inserts per statement (memory vs. speed). */
  generatorChunkDays: number;
  /** Steady-state runs per phase (consecutive days); the median is reported. */
  steadyRuns: number;
  /** Run the hand-written query once, untimed, before the first timed scenario. */
  warmup: boolean;
  /** Profile every statement with DuckDB's profiler (rows scanned per model and table). */
  profile: boolean;
  /** The history length at which the engine is also rebuilt from scratch (null: never). */
  fullRefreshAt: number | null;
  /** dbt threads (default: the runner's). */
  threads?: number;
  log: (line: string) => void;
}

const DERIVED_SCHEMA = 'main_derived';
const BASELINE_TABLE = 'hand_written.attributes';
const EVENTS_TABLE = 'atomic.events';
/** The date of the per-key rollup rows in the partial tables. */
const ROLLUP_DATE = '0001-01-01';

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
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

/** Run the whole bench; throws when the engine's table differs from the baseline's. */
export async function runBench(options: BenchOptions): Promise<BenchResult> {
  const started = Date.now();
  const log = options.log;
  const lengths = options.lengths;
  if (lengths.length === 0 || lengths.some((d, i) => !Number.isInteger(d) || d < 1 || (i > 0 && d <= lengths[i - 1]))) {
    throw new Error(`history lengths must be increasing whole numbers of days, got ${lengths.join(', ')}`);
  }
  const view = benchView();
  const workDir = path.resolve(options.workDir);
  await fs.rm(workDir, { recursive: true, force: true });
  await fs.mkdir(path.join(workDir, 'profiles'), { recursive: true });
  const database = path.join(workDir, 'bench.duckdb');
  const gen: GeneratorOptions = { users: options.users, startDate: options.startDate };
  const backfillLimitDays = options.backfillLimitDays ?? DEFAULT_VARS.snowplow__backfill_limit_days;
  const upsertLookbackDays = options.upsertLookbackDays ?? DEFAULT_VARS.snowplow__upsert_lookback_days;
  const memoryLimit = options.memoryLimit ?? DUCKDB_DEFAULT_MEMORY_LIMIT;
  const threads = options.threads ?? defaultThreads({ type: 'duckdb', path: database });
  const project = generateProject(view, {
    target: 'duckdb',
    vars: {
      snowplow__start_date: options.startDate,
      snowplow__app_id: [BENCH_APP_ID],
      snowplow__backfill_limit_days: backfillLimitDays,
      snowplow__upsert_lookback_days: upsertLookbackDays,
    },
  });
  const projectDir = await writeProject(path.join(workDir, 'project'), project);
  const attributeTable = `${DERIVED_SCHEMA}.${project.tables.attributes}`;
  const partialsTable = `${DERIVED_SCHEMA}.${project.name}_daily_aggregates`;
  const columns = view.attributes.map((a) => a.name);
  const key = keyColumnName(view);
  log(
    `work dir ${workDir}; ${options.users} users, ${lengths.join(', ')} days; backfill limit ${backfillLimitDays} days; dedupe lookback ${upsertLookbackDays} days; DuckDB memory limit ${memoryLimit}; dbt threads ${threads}`,
  );

  const { log: _log, ...recorded } = options;
  void _log;
  const result: BenchResult = {
    options: { ...recorded, backfillLimitDays, upsertLookbackDays, memoryLimit, threads },
    generatorSeconds: [],
    sizes: [],
    scenarios: [],
    checks: [],
    columnsWithValues: {},
    totalSeconds: 0,
  };
  let loadedDays = 0;
  let phaseDays = lengths[0];

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

  // The profiler writes to one path in every run and its file is renamed afterwards: the plugin's
  // settings are part of the profile dbt checks before reusing its last parse (partial parsing),
  // so a path per run would make the bench pay a full parse no user pays.
  const liveProfileFile = path.join(workDir, 'profiles', 'running.jsonl');
  const engineConnection = (): DuckdbConnection => ({
    type: 'duckdb',
    path: database,
    schema: 'main',
    memoryLimit,
    ...(options.profile ? profilerConnection(liveProfileFile) : {}),
  });
  const engineVars = (opts: { fullRefresh?: boolean } = {}) => ({
    snowplow__mock_current_day: currentDay(),
    ...(opts.fullRefresh ? { snowplow__allow_refresh: true } : {}),
  });

  const engineRun = async (id: ScenarioId, label: string, opts: { fullRefresh?: boolean } = {}) => {
    const lastWrite = await withConnection(database, (conn) => scalar(conn, `select epoch_us(max(updated_at)) from ${attributeTable}`));
    const profileFile = path.join(
      workDir,
      'profiles',
      `${String(result.scenarios.length + 1).padStart(2, '0')}-${id}-${loadedDays}d.jsonl`,
    );
    await fs.rm(liveProfileFile, { force: true });
    const marks: Mark[] = [];
    const t = Date.now();
    const { result: summary, usage } = await withUsage<RunSummary>(() =>
      runUntilCaughtUp({
        projectDir,
        connection: engineConnection(),
        vars: engineVars(opts),
        fullRefresh: opts.fullRefresh,
        threads,
        log: (l) => {
          marks.push({ at: Date.now() / 1000, line: l });
          log(`  ${l}`);
        },
      }),
    );
    const end = Date.now();
    const seconds = (end - t) / 1000;
    if (options.profile)
      await fs
        .rename(liveProfileFile, profileFile)
        .catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? undefined : Promise.reject(e)));
    if (!summary.caughtUp) throw new Error(`${label}: the engine did not catch up after ${summary.rounds} rounds`);
    const rowsWritten = await withConnection(database, (conn) =>
      scalar(conn, `select count(*) from ${attributeTable} where epoch_us(updated_at) > ${lastWrite ?? -1}`),
    );
    const statements = options.profile ? await readStatements(profileFile) : [];
    const cost = options.profile ? summarizeRun(statements, { projectPrefix: `${project.name}_`, eventsTable: EVENTS_TABLE }) : undefined;
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
      rowsScanned: cost?.rowsScanned ?? null,
      rowsScannedByTable: cost?.rowsScannedByTable,
      cost,
      phases: options.profile ? runPhases(t / 1000, end / 1000, marks, statements) : null,
    };
    const scanned = cost
      ? `, ${cost.rowsScanned.toLocaleString('en-US')} rows scanned (${cost.statements} statements, ${cost.sqlSeconds.toFixed(1)}s of SQL)`
      : '';
    log(
      `${label}: ${seconds.toFixed(1)}s, ${summary.rounds} round(s)${scanned}, peak ${fmtBytes(usage.peakBytes)}, other processes ${usage.otherCpuSeconds?.toFixed(1) ?? 'n/a'} CPU s`,
    );
    result.scenarios.push(scenario);
    return scenario;
  };

  const baselineQuery = () => baselineSql({ startDate: options.startDate, windowEnd: currentDay(), appIds: [BENCH_APP_ID] });

  /** The hand-written query into hand_written.attributes (timed or not), then compared with the engine's table. */
  const baseline = async (label: string, after: string, timed: boolean) => {
    const t = Date.now();
    const { result: run, usage } = await withUsage(() =>
      runHandWritten(pythonExecutable(), database, BASELINE_TABLE, baselineQuery(), timed && options.profile),
    );
    const seconds = (Date.now() - t) / 1000;
    const comparison = await withConnection(database, (conn) =>
      compareTables(conn, { left: attributeTable, right: BASELINE_TABLE, key, columns, doubleColumns: DOUBLE_COLUMNS }),
    );
    const detail = describeComparison(comparison, `engine (after ${after})`, `hand-written query (${loadedDays} days)`);
    result.checks.push({
      historyDays: loadedDays,
      after,
      equal: comparison.equal,
      rows: comparison.leftRows,
      cells: comparison.cellsCompared,
      detail,
    });
    const scanned = run.rowsScanned === null ? '' : `, ${run.rowsScanned.toLocaleString('en-US')} rows scanned`;
    log(
      `${label}: ${seconds.toFixed(1)}s${scanned}, peak ${fmtBytes(usage.peakBytes)}, other processes ${usage.otherCpuSeconds?.toFixed(1) ?? 'n/a'} CPU s; ${detail}`,
    );
    if (timed) {
      result.scenarios.push({
        id: 'baseline',
        phaseDays,
        historyDays: loadedDays,
        label,
        seconds,
        ...usageFields(usage),
        rowsScanned: run.rowsScanned,
        rowsScannedByTable: run.rowsScannedByTable,
      });
    }
    if (!comparison.equal) throw new Error(`the engine's attribute table differs from the hand-written baseline\n${detail}`);
  };

  const recordSizes = async () => {
    const size = await withConnection(database, async (conn) => ({
      historyDays: loadedDays,
      eventRows: (await scalar(conn, `select count(*) from ${EVENTS_TABLE}`)) ?? 0,
      distinctEventIds: (await scalar(conn, `select count(distinct event_id) from ${EVENTS_TABLE}`)) ?? 0,
      benchAppEvents: (await scalar(conn, `select count(*) from ${EVENTS_TABLE} where app_id = '${BENCH_APP_ID}'`)) ?? 0,
      users: (await scalar(conn, `select count(distinct domain_userid) from ${EVENTS_TABLE} where domain_userid <> ''`)) ?? 0,
      dbBytes: 0,
      dailyValueRows: await scalar(conn, `select count(*) from ${DERIVED_SCHEMA}.${project.name}_daily_values`),
      dailyAggregateRows: await scalar(conn, `select count(*) from ${partialsTable}`),
      rollupRows: await scalar(conn, `select count(*) from ${partialsTable} where event_date = date '${ROLLUP_DATE}'`),
      attributeRows: await scalar(conn, `select count(*) from ${attributeTable}`),
    }));
    size.dbBytes = (await fs.stat(database)).size;
    result.sizes.push(size);
  };

  for (const [i, length] of lengths.entries()) {
    phaseDays = length;
    const from = loadedDays;
    await load(length);
    if (i === 0) {
      if (options.warmup) {
        const t = Date.now();
        await runHandWritten(pythonExecutable(), database, BASELINE_TABLE, baselineQuery(), false);
        log(`warm-up (hand-written query, untimed): ${((Date.now() - t) / 1000).toFixed(1)}s`);
      }
      await engineRun('backfill', `initial backfill of ${loadedDays} days`);
    } else {
      await engineRun('catchup', `catch-up: loads of days ${from + 1}..${length}`);
    }
    await recordSizes();
    await engineRun('noop', `no-op run at ${loadedDays} days`);
    await baseline(`hand-written query over ${loadedDays} days`, i === 0 ? 'backfill' : 'catch-up', true);
    if (i === 0) {
      result.columnsWithValues = await withConnection(database, async (conn) => {
        const counts: Record<string, number> = {};
        for (const c of columns) {
          const nonDefault = `"${c}" is not null and cast("${c}" as varchar) not in ('0', '0.0', 'Unknown', '[]')`;
          counts[c] = (await scalar(conn, `select count(*) from ${BASELINE_TABLE} where ${nonDefault}`)) ?? 0;
        }
        return counts;
      });
    }
    for (let r = 0; r < options.steadyRuns; r++) {
      await load(loadedDays + 1);
      await parseProject({ projectDir, connection: engineConnection(), vars: engineVars(), threads, setupPython: false });
      await engineRun('steady', `steady state: day ${loadedDays} after ${loadedDays - 1} days`);
    }
    if (options.steadyRuns > 0)
      await baseline(`check after the steady-state runs (${loadedDays} days)`, `${options.steadyRuns} steady-state run(s)`, false);
    if (options.fullRefreshAt === length) {
      await engineRun('full_refresh', `engine full refresh over ${loadedDays} days`, { fullRefresh: true });
      await baseline(`check after the full refresh (${loadedDays} days)`, 'full refresh', false);
    }
  }
  result.totalSeconds = (Date.now() - started) / 1000;
  return result;
}
