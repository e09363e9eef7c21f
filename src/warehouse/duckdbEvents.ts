/**
 * Load Snowplow atomic events (CSV exports) into a DuckDB file in the layout of design.md 4.4:
 * typed atomic columns, and self-describing events/entities as JSON columns named by major
 * version (`contexts_nl_basjes_yauaa_context_1_0_0` -> `contexts_nl_basjes_yauaa_context_1`).
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import * as fs from 'node:fs';
import { ATOMIC_COLUMNS } from '../definition';

export interface LoadEventsOptions {
  /** The DuckDB database file (created if missing). */
  database: string;
  schema?: string;
  table?: string;
  /** Called with a line per file loaded. */
  progress?: (line: string) => void;
}

export interface LoadEventsResult {
  rowsLoaded: number;
  table: string;
}

const EXTRA_TIMESTAMPS = new Set(['load_tstamp', 'refr_dvce_tstamp']);

/** `contexts_com_acme_user_1_0_2` -> `contexts_com_acme_user_1`; other names unchanged. */
export function majorVersionColumn(column: string): string {
  const m = /^((?:contexts|unstruct_event)_.+_\d+)_\d+_\d+$/.exec(column);
  return m ? m[1] : column;
}

/** The DuckDB type of an atomic-events column. */
export function duckdbTypeOf(column: string): string {
  if (/^(contexts|unstruct_event)_.+_\d+$/.test(column) || column === 'contexts' || column === 'unstruct_event' || column === 'derived_contexts') return 'JSON';
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

/** Load every CSV into `<schema>.<table>`, creating or widening the table as needed. */
export async function loadEventsCsv(files: string[], options: LoadEventsOptions): Promise<LoadEventsResult> {
  for (const f of files) if (!fs.existsSync(f)) throw new Error(`events file not found: ${f}`);
  const schema = options.schema ?? 'atomic';
  const table = options.table ?? 'events';
  const target = `${ident(schema)}.${ident(table)}`;
  const instance = await DuckDBInstance.create(options.database);
  const conn = await instance.connect();
  let rowsLoaded = 0;
  try {
    await conn.run(`create schema if not exists ${ident(schema)}`);
    for (const file of files) {
      const rows = await loadOneFile(conn, file, target, schema, table);
      rowsLoaded += rows;
      options.progress?.(`loaded ${rows} events from ${file} into ${schema}.${table}`);
    }
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
  return { rowsLoaded, table: `${schema}.${table}` };
}

async function existingColumns(conn: DuckDBConnection, schema: string, table: string): Promise<Set<string>> {
  const reader = await conn.runAndReadAll(
    `select column_name from information_schema.columns where table_schema = ${literal(schema)} and table_name = ${literal(table)}`,
  );
  return new Set(reader.getRowObjectsJS().map((r) => String(r.column_name)));
}

async function loadOneFile(conn: DuckDBConnection, file: string, target: string, schema: string, table: string): Promise<number> {
  // Read everything as text first: the types come from the atomic layout, not from guessing.
  await conn.run(`create or replace temp table csv_import as select * from read_csv(${literal(file)}, header = true, all_varchar = true)`);
  const csvColumns = (await conn.runAndReadAll(`select column_name from information_schema.columns where table_name = 'csv_import' order by ordinal_position`))
    .getRowObjectsJS()
    .map((r) => String(r.column_name));
  for (const required of ['event_id', 'load_tstamp', 'derived_tstamp']) {
    if (!csvColumns.includes(required)) throw new Error(`${file}: column "${required}" is missing; is this a Snowplow atomic events export?`);
  }

  // Several full versions of one major version land in one column (newest non-null first).
  const byTarget = new Map<string, string[]>();
  for (const c of csvColumns) {
    const t = majorVersionColumn(c.toLowerCase());
    byTarget.set(t, [...(byTarget.get(t) ?? []), c]);
  }
  const have = await existingColumns(conn, schema, table);
  if (have.size === 0) {
    const defs = [...byTarget.keys()].map((c) => `${ident(c)} ${duckdbTypeOf(c)}`);
    await conn.run(`create table ${target} (${defs.join(', ')})`);
  } else {
    for (const c of byTarget.keys()) {
      if (!have.has(c)) await conn.run(`alter table ${target} add column ${ident(c)} ${duckdbTypeOf(c)}`);
    }
  }
  const select = [...byTarget.entries()].map(([t, sources]) => {
    const ordered = [...sources].sort().reverse();
    const value = ordered.length === 1 ? ident(ordered[0]) : `coalesce(${ordered.map(ident).join(', ')})`;
    return `cast(nullif(${value}, '') as ${duckdbTypeOf(t)}) as ${ident(t)}`;
  });
  const result = await conn.run(`insert into ${target} by name select ${select.join(', ')} from csv_import`);
  await conn.run('drop table csv_import');
  return Number(result.rowsChanged);
}
