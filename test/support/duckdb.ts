/** DuckDB files in tests: read-only queries (dbt needs the lock back), copies, whole tables. */
import { DuckDBInstance } from '@duckdb/node-api';
import * as fs from 'node:fs';
import type { Row } from './tables';

/** Run one query against a DuckDB file opened read-only, closing it afterwards (dbt needs the lock). */
export async function queryDuckdb(file: string, sql: string): Promise<Row[]> {
  const instance = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
  const conn = await instance.connect();
  try {
    return (await conn.runAndReadAll(sql)).getRowObjectsJson() as Row[];
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/** A cell as text the way the reference CSVs write it: NULL -> '', lists sorted and joined by ", ". */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(String).sort().join(', ');
  return String(value);
}

/** Copy a DuckDB file with its write-ahead log (a killed process leaves one). */
export async function copyDatabase(from: string, to: string): Promise<void> {
  await fs.promises.copyFile(from, to);
  await fs.promises.rm(`${to}.wal`, { force: true });
  await fs.promises.copyFile(`${from}.wal`, `${to}.wal`).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'ENOENT') throw e;
  });
}

/** Every row of a table, ordered by `orderBy`. */
export function readTable(database: string, table: string, orderBy: string): Promise<Row[]> {
  return queryDuckdb(database, `select * from ${table} order by ${orderBy}`);
}
