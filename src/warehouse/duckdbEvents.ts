/**
 * Load Snowplow atomic events (CSV exports) into a DuckDB file: typed atomic columns, and
 * self-describing events/entities as JSON columns named by major version
 * (`contexts_nl_basjes_yauaa_context_1_0_0` -> `contexts_nl_basjes_yauaa_context_1`).
 *
 * One load is one transaction over all its files: a bad value anywhere commits nothing, and a
 * database file the load created is removed again. Errors name the file, the line, the column
 * and the value. Header names match ignoring case (warehouses export them upper-case);
 * timestamps with an offset (`+05:00`, `Z`) are converted to UTC, naive ones are taken as UTC.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import * as fs from 'node:fs';
import { ATOMIC_COLUMNS } from '../definition';
import { lineAtByte, lineOfValue, readCsvHeader } from './csvFile';

export interface LoadEventsOptions {
  /** The DuckDB database file (created if missing; removed again if the load fails). */
  database: string;
  schema?: string;
  table?: string;
  /** Called with a line per file read. */
  progress?: (line: string) => void;
}

export interface LoadEventsResult {
  rowsLoaded: number;
  table: string;
}

/** A load that committed nothing; the message names the file, line and column. */
export class EventsLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EventsLoadError';
  }
}

const REQUIRED_COLUMNS = ['event_id', 'load_tstamp', 'derived_tstamp'];
const EXTRA_TIMESTAMPS = new Set(['load_tstamp', 'refr_dvce_tstamp']);
/** Problems listed per file before "and N more". */
const MAX_PROBLEMS = 5;

/** `contexts_com_acme_user_1_0_2` -> `contexts_com_acme_user_1`; other names unchanged. */
export function majorVersionColumn(column: string): string {
  const m = /^((?:contexts|unstruct_event)_.+_\d+)_\d+_\d+$/.exec(column);
  return m ? m[1] : column;
}

/** The DuckDB type of an atomic-events column. */
export function duckdbTypeOf(column: string): string {
  if (
    /^(contexts|unstruct_event)_.+_\d+$/.test(column) ||
    column === 'contexts' ||
    column === 'unstruct_event' ||
    column === 'derived_contexts'
  )
    return 'JSON';
  if (EXTRA_TIMESTAMPS.has(column)) return 'TIMESTAMP';
  switch (ATOMIC_COLUMNS.get(column)) {
    case 'timestamp':
      return 'TIMESTAMP';
    case 'number':
      return 'DOUBLE';
    case 'boolean':
      return 'BOOLEAN';
    default:
      return 'VARCHAR';
  }
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** SQL turning CSV text `expr` into `type` (`try_cast` when `lenient`, to find bad values). */
function converted(expr: string, type: string, lenient: boolean): string {
  const cast = lenient ? 'try_cast' : 'cast';
  const text = `nullif(${expr}, '')`;
  if (type === 'VARCHAR') return text;
  if (type !== 'TIMESTAMP') return `${cast}(${text} as ${type})`;
  // `2025-01-01 10:00:00.000 +0500` (a space before the offset) is how some warehouses export.
  const offsetJoined = `regexp_replace(${text}, '\\s+([+-]\\d{2}(:?\\d{2})?)$', '\\1')`;
  return `timezone('UTC', ${cast}(${offsetJoined} as TIMESTAMPTZ))`;
}

const EXPECTED: Record<string, string> = {
  TIMESTAMP: 'a timestamp (YYYY-MM-DD HH:MM:SS[.ffffff], optionally with an offset such as +05:00 or Z)',
  DOUBLE: 'a number',
  BOOLEAN: 'true or false',
  JSON: 'valid JSON',
};

/** One file's header, as the table's columns: target column -> header positions, newest version first. */
interface FilePlan {
  file: string;
  header: string[];
  targets: Map<string, number[]>;
}

function planFile(file: string): FilePlan {
  const header = readCsvHeader(file);
  const lower = header.map((name) => name.toLowerCase());
  const firstAt = new Map<string, number>();
  lower.forEach((name, i) => {
    if (name === '') throw new EventsLoadError(`${file} line 1: column ${i + 1} of the header has no name`);
    const earlier = firstAt.get(name);
    if (earlier !== undefined) {
      throw new EventsLoadError(
        `${file} line 1: columns ${earlier + 1} ("${header[earlier]}") and ${i + 1} ("${header[i]}") have the same name (header names are matched ignoring case)`,
      );
    }
    firstAt.set(name, i);
  });
  const missing = REQUIRED_COLUMNS.filter((name) => !firstAt.has(name));
  if (missing.length > 0) {
    const shown = header.slice(0, 8).join(', ') + (header.length > 8 ? `, ... (${header.length} columns)` : '');
    throw new EventsLoadError(
      `${file} line 1: the header has no column ${missing.map((m) => `"${m}"`).join(', ')} (it has ${shown}); expected a Snowplow atomic events export with a header row`,
    );
  }
  // Several full versions of one major version land in one column (the newest non-null value wins).
  const targets = new Map<string, number[]>();
  for (const i of [...lower.keys()].sort((a, b) => lower[b].localeCompare(lower[a]))) {
    const target = majorVersionColumn(lower[i]);
    targets.set(target, [...(targets.get(target) ?? []), i]);
  }
  return { file, header, targets: new Map([...targets.entries()].sort(([, a], [, b]) => Math.min(...a) - Math.min(...b))) };
}

/** Load every CSV into `<schema>.<table>` in one transaction, creating or widening the table as needed. */
export async function loadEventsCsv(files: string[], options: LoadEventsOptions): Promise<LoadEventsResult> {
  if (files.length === 0) throw new EventsLoadError('no events file given');
  for (const f of files) if (!fs.existsSync(f)) throw new EventsLoadError(`events file not found: ${f}`);
  const plans = files.map(planFile);
  const schema = options.schema ?? 'atomic';
  const table = options.table ?? 'events';
  const existed = fs.existsSync(options.database);
  const instance = await DuckDBInstance.create(options.database);
  const conn = await instance.connect();
  let committed = false;
  let rowsLoaded = 0;
  try {
    await conn.run("set TimeZone = 'UTC'");
    await conn.run('begin transaction');
    try {
      await conn.run(`create schema if not exists ${ident(schema)}`);
      for (const plan of plans) {
        const rows = await loadOneFile(conn, plan, schema, table);
        rowsLoaded += rows;
        options.progress?.(`read ${rows} events from ${plan.file}`);
      }
      await conn.run('commit');
      committed = true;
    } catch (error) {
      await conn.run('rollback').catch(() => undefined);
      throw error instanceof ConversionFailed ? await conversionError(conn, error) : error;
    }
  } finally {
    conn.closeSync();
    instance.closeSync();
    if (!committed && !existed) for (const f of [options.database, `${options.database}.wal`]) fs.rmSync(f, { force: true });
  }
  options.progress?.(`committed ${rowsLoaded} events into ${schema}.${table}`);
  return { rowsLoaded, table: `${schema}.${table}` };
}

async function rows(conn: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  return (await conn.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
}

async function ensureColumns(conn: DuckDBConnection, plan: FilePlan, schema: string, table: string): Promise<void> {
  const target = `${ident(schema)}.${ident(table)}`;
  const have = new Set(
    (
      await rows(
        conn,
        `select column_name from information_schema.columns where table_schema = ${literal(schema)} and table_name = ${literal(table)}`,
      )
    ).map((r) => String(r.column_name)),
  );
  if (have.size === 0) {
    const defs = [...plan.targets.keys()].map((c) => `${ident(c)} ${duckdbTypeOf(c)}`);
    await conn.run(`create table ${target} (${defs.join(', ')})`);
    return;
  }
  for (const c of plan.targets.keys()) if (!have.has(c)) await conn.run(`alter table ${target} add column ${ident(c)} ${duckdbTypeOf(c)}`);
}

/** Reads a file as text under positional names (c0, c1, ...) into a temporary table, recording rows that do not fit the header. */
async function readAsText(conn: DuckDBConnection, plan: FilePlan): Promise<void> {
  const columns = plan.header.map((_, i) => `'c${i}': 'VARCHAR'`).join(', ');
  for (const scratch of ['signals_batch_rejects', 'signals_batch_reject_scans']) await conn.run(`drop table if exists ${scratch}`);
  await conn.run(
    `create or replace temp table signals_batch_csv as select * from read_csv(${literal(plan.file)}, header = true, auto_detect = false, ` +
      `delim = ',', quote = '"', escape = '"', columns = {${columns}}, store_rejects = true, ` +
      `rejects_table = 'signals_batch_rejects', rejects_scan = 'signals_batch_reject_scans')`,
  );
}

/** A value of this file did not convert to its column's type; which and where is found after the rollback. */
class ConversionFailed extends Error {
  constructor(
    readonly plan: FilePlan,
    readonly reason: Error,
  ) {
    super(reason.message);
  }
}

async function loadOneFile(conn: DuckDBConnection, plan: FilePlan, schema: string, table: string): Promise<number> {
  // The header above decides the columns, the types come from the atomic layout, and rows that
  // do not fit are recorded, not guessed at.
  await readAsText(conn, plan);
  const structural = await structuralProblems(conn, plan);
  if (structural.length > 0) throw problemsError(structural);
  await ensureColumns(conn, plan, schema, table);
  const select = [...plan.targets.entries()].map(([target, sources]) => {
    const values = sources.map((i) => converted(`c${i}`, duckdbTypeOf(target), false));
    return `${values.length === 1 ? values[0] : `coalesce(${values.join(', ')})`} as ${ident(target)}`;
  });
  try {
    const result = await conn.run(
      `insert into ${ident(schema)}.${ident(table)} by name select ${select.join(', ')} from signals_batch_csv`,
    );
    await conn.run('drop table signals_batch_csv');
    return Number(result.rowsChanged);
  } catch (error) {
    throw new ConversionFailed(plan, error as Error);
  }
}

/**
 * Which values of a file failed to convert, and where: run after the rollback (a failed statement
 * ends DuckDB's transaction), so good loads pay nothing for it.
 */
async function conversionError(conn: DuckDBConnection, failed: ConversionFailed): Promise<EventsLoadError> {
  await readAsText(conn, failed.plan);
  const problems = await valueProblems(conn, failed.plan);
  await conn.run('drop table signals_batch_csv');
  if (problems.length > 0) return problemsError(problems);
  return new EventsLoadError(`${failed.plan.file}: ${failed.reason.message.split('\n')[0]}`);
}

interface Problem {
  /** Where it is, for ordering (0 when unknown). */
  line: number;
  text: string;
}

function problemsError(problems: Problem[]): EventsLoadError {
  const sorted = [...problems].sort((a, b) => a.line - b.line);
  const more = sorted.length > MAX_PROBLEMS ? '; and more' : '';
  return new EventsLoadError(
    `${sorted
      .slice(0, MAX_PROBLEMS)
      .map((p) => p.text)
      .join('; ')}${more}`,
  );
}

/** Rows DuckDB could not split into the header's fields (ragged rows, bad quoting, bad encoding). */
async function structuralProblems(conn: DuckDBConnection, plan: FilePlan): Promise<Problem[]> {
  // DuckDB may record one reject per missing field; the first per row says how many it found.
  const rejects = await rows(
    conn,
    'select line_byte_position, arg_min(error_type, column_idx) as error_type, arg_min(error_message, column_idx) as error_message ' +
      `from signals_batch_rejects group by line_byte_position order by line_byte_position limit ${MAX_PROBLEMS + 1}`,
  );
  const problems: Problem[] = [];
  for (const reject of rejects) {
    const line = await lineAtByte(plan.file, Number(reject.line_byte_position));
    const found = /Found: (\d+)/.exec(String(reject.error_message))?.[1];
    const type = String(reject.error_type);
    const text =
      (type === 'TOO MANY COLUMNS' || type === 'MISSING COLUMNS') && found
        ? `${plan.file} line ${line} has ${found} fields, the header has ${plan.header.length}`
        : `${plan.file} line ${line}: ${String(reject.error_message).split('\n')[0]}`;
    problems.push({ line, text });
  }
  return problems;
}

/** Values that do not convert to their column's type, each located by line. One scan of the file's rows. */
async function valueProblems(conn: DuckDBConnection, plan: FilePlan): Promise<Problem[]> {
  const checks: Array<{ index: number; type: string }> = [];
  for (const [target, sources] of plan.targets) {
    const type = duckdbTypeOf(target);
    if (type !== 'VARCHAR') for (const index of sources) checks.push({ index, type });
  }
  if (checks.length === 0) return [];
  const aggregates = checks.map(({ index, type }, k) => {
    const bad = `c${index} <> '' and ${converted(`c${index}`, type, true)} is null`;
    return `count_if(${bad}) as n${k}, min(c${index}) filter (where ${bad}) as v${k}`;
  });
  const [found] = await rows(conn, `select ${aggregates.join(', ')} from signals_batch_csv`);
  const problems: Problem[] = [];
  for (const [k, { index, type }] of checks.entries()) {
    const count = Number(found[`n${k}`]);
    if (count === 0) continue;
    const value = String(found[`v${k}`]);
    const line = await lineOfValue(plan.file, index, value);
    const shown = value.length > 100 ? `${JSON.stringify(value.slice(0, 100))}...` : JSON.stringify(value);
    const more = count > 1 ? ` (${count - 1} more bad value${count > 2 ? 's' : ''} in this column)` : '';
    problems.push({
      line: line ?? 0,
      text: `${plan.file} ${line === null ? '' : `line ${line}, `}column ${plan.header[index]}: ${shown} is not ${EXPECTED[type]}${more}`,
    });
  }
  return problems;
}
