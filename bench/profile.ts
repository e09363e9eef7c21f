/**
 * Rows scanned and SQL time of every run, from DuckDB's own profiler during the run: the bench
 * loads a dbt-duckdb plugin (bench/python/signals_bench_profiler.py) into dbt's process through
 * the run's profile; it writes one JSON line per statement dbt executes, naming the dbt node, with
 * the rows each table scan read. Nothing in the generated SQL changes and nothing is replayed.
 * This file turns those lines into a run's cost per model and per table.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { packageRoot } from '../src/paths';
import type { DuckdbConnection } from '../src/runner';

/** One line of the profiler's output. */
export interface StatementRecord {
  node: string | null;
  connection: string | null;
  /** When the statement started, in seconds since the epoch. */
  at: number;
  seconds: number;
  rows_scanned: number;
  peak_buffer_bytes: number;
  scans: Array<{ table: string; rows: number; seconds: number; projections: string[] }>;
}

export interface ModelCost {
  /** The model's name without the project prefix, or a bracketed group of dbt's own statements. */
  model: string;
  statements: number;
  /** Wall time of its statements (all rounds), as dbt's cursor saw it. */
  seconds: number;
  rowsScanned: number;
  rowsScannedByTable: Record<string, number>;
}

export interface RunCost {
  statements: number;
  /** Wall time of all statements; the rest of a run is dbt itself (Python, Jinja, parsing). */
  sqlSeconds: number;
  rowsScanned: number;
  rowsScannedByTable: Record<string, number>;
  /** In the order dbt first ran them. */
  models: ModelCost[];
  /** The cross-run dedupe: events_this_run's scan of earlier loads' event_id. */
  dedupeLookback: { rowsScanned: number; scanSeconds: number } | null;
  /** Highest DuckDB buffer memory a statement reported (bytes). */
  peakBufferBytes: number;
}

/** Where a run's wall clock went, from the runner's progress lines and the statements' start times. */
export interface RunPhases {
  /** From the call to the end of the Python environment check. */
  setupSeconds: number;
  /** From then to dbt's first statement: the worker's Python start, dbt's imports, parsing, the first compile. */
  startSeconds: number;
  /** From the first statement to the end of the last round, and the SQL within. */
  roundsSeconds: number;
  roundsSqlSeconds: number;
  /** The tests of the synced table (a second dbt command in the same worker), and the SQL within. */
  testsSeconds: number;
  testsSqlSeconds: number;
  /** Stopping the worker and cleaning up. */
  endSeconds: number;
}

/** A progress line of the runner and when it arrived (seconds since the epoch). */
export interface Mark {
  at: number;
  line: string;
}

/**
 * Split a run (from `start` to `end`, seconds since the epoch) at the runner's progress lines:
 * the environment check, each round's end, the tests' end. Null when a line is missing (the
 * runner's wording changed, or the run was not profiled).
 */
export function runPhases(start: number, end: number, marks: Mark[], statements: StatementRecord[]): RunPhases | null {
  const setup = marks.find((m) => m.line.startsWith('[setup-python]'))?.at ?? start;
  const rounds = marks.filter((m) => /^round \d+:/.test(m.line));
  const tests = marks.find((m) => /^tests of .* passed/.test(m.line));
  if (rounds.length === 0 || !tests || statements.length === 0) return null;
  const roundsEnd = rounds[rounds.length - 1].at;
  const first = Math.min(...statements.map((s) => s.at));
  const sqlBetween = (from: number, to: number) => statements.filter((s) => s.at >= from && s.at < to).reduce((a, s) => a + s.seconds, 0);
  return {
    setupSeconds: setup - start,
    startSeconds: first - setup,
    roundsSeconds: roundsEnd - first,
    roundsSqlSeconds: sqlBetween(first, roundsEnd),
    testsSeconds: tests.at - roundsEnd,
    testsSqlSeconds: sqlBetween(roundsEnd, tests.at),
    endSeconds: end - tests.at,
  };
}

export const HOOKS = '(run hooks)';
export const METADATA = '(dbt metadata, transactions)';
export const TESTS = '(tests of the synced table)';

/** The plugin's module, its folder, and the connection fields that load it writing to `output`. */
export function profilerConnection(output: string): Pick<DuckdbConnection, 'plugins' | 'modulePaths'> {
  return {
    plugins: [{ module: 'signals_bench_profiler', config: { output } }],
    modulePaths: [path.join(packageRoot(), 'bench', 'python')],
  };
}

export async function readStatements(file: string): Promise<StatementRecord[]> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    throw new Error(
      `the bench profiler wrote nothing to ${file} (${(e as Error).message}): was the dbt-duckdb plugin loaded? Run with --no-profile to bench without it`,
      { cause: e },
    );
  }
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as StatementRecord);
}

/**
 * Readable table names: the catalog (the database file's name) dropped, the project prefix
 * dropped, and dbt's temporary copies (`<model>__dbt_tmp<timestamp>`) named once per model.
 */
export function tableLabel(table: string, projectPrefix: string): string {
  const parts = table.split('.').map((p) => p.replace(/^"|"$/g, ''));
  const [schema, name] = parts.length >= 2 ? parts.slice(-2) : ['', parts[0]];
  const short = name.replace(projectPrefix, '').replace(/__dbt_tmp\d*$/, ' (dbt temporary copy)');
  return schema === 'main' && parts[0] === 'temp' ? `temp.${short}` : `${schema}.${short}`;
}

function groupOf(s: StatementRecord, projectPrefix: string): string {
  if (s.node?.startsWith('model.')) return s.node.split('.').pop()!.replace(projectPrefix, '');
  if (s.node?.startsWith('test.')) return TESTS;
  if (s.node?.startsWith('operation.') || s.connection === 'master') return HOOKS;
  return METADATA;
}

/** A dedupe lookup reads only the id, the load time and the app of earlier loads. */
function isDedupeLookup(scan: StatementRecord['scans'][number], eventsTable: string): boolean {
  const idOnly = new Set(['event_id', 'load_tstamp', 'app_id']);
  return scan.table.endsWith(eventsTable) && scan.projections.includes('event_id') && scan.projections.every((p) => idOnly.has(p));
}

const add = (into: Record<string, number>, key: string, v: number) => (into[key] = (into[key] ?? 0) + v);

/** A run's cost per model and per table. `eventsTable` is the atomic events table, e.g. `atomic.events`. */
export function summarizeRun(statements: StatementRecord[], o: { projectPrefix: string; eventsTable: string }): RunCost {
  const models = new Map<string, ModelCost>();
  const byTable: Record<string, number> = {};
  const lookback = { scans: 0, rowsScanned: 0, scanSeconds: 0 };
  let sqlSeconds = 0;
  let rowsScanned = 0;
  let peak = 0;
  for (const s of statements) {
    const group = groupOf(s, o.projectPrefix);
    const m = models.get(group) ?? { model: group, statements: 0, seconds: 0, rowsScanned: 0, rowsScannedByTable: {} };
    models.set(group, m);
    m.statements += 1;
    m.seconds += s.seconds;
    m.rowsScanned += s.rows_scanned;
    sqlSeconds += s.seconds;
    rowsScanned += s.rows_scanned;
    peak = Math.max(peak, s.peak_buffer_bytes);
    for (const scan of s.scans) {
      const table = tableLabel(scan.table, o.projectPrefix);
      add(m.rowsScannedByTable, table, scan.rows);
      add(byTable, table, scan.rows);
      if (group === 'events_this_run' && isDedupeLookup(scan, o.eventsTable)) {
        lookback.scans += 1;
        lookback.rowsScanned += scan.rows;
        lookback.scanSeconds += scan.seconds;
      }
    }
  }
  return {
    statements: statements.length,
    sqlSeconds,
    rowsScanned,
    rowsScannedByTable: byTable,
    models: [...models.values()],
    dedupeLookback: lookback.scans > 0 ? { rowsScanned: lookback.rowsScanned, scanSeconds: lookback.scanSeconds } : null,
    peakBufferBytes: peak,
  };
}
