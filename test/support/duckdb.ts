import { DuckDBInstance } from '@duckdb/node-api';

/** Run one query against a DuckDB file opened read-only, closing it afterwards (dbt needs the lock). */
export async function queryDuckdb(file: string, sql: string): Promise<Array<Record<string, unknown>>> {
  const instance = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
  const conn = await instance.connect();
  try {
    return (await conn.runAndReadAll(sql)).getRowObjectsJson() as Array<Record<string, unknown>>;
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
