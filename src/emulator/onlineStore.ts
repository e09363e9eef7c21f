/**
 * The emulator's "online store": reads attribute values straight from the synced table of a group's
 * batch source when that source's `database` is one of the DuckDB files the emulator was given.
 *
 * The file is opened READ_ONLY for one request and closed right after, so dbt can write to it between
 * requests. When several rows exist per key (e.g. a snapshot table) the newest by the batch source's
 * `timestamp_field` wins, like a sync that keeps the latest value.
 */
import { existsSync } from 'node:fs';
import type { BatchSourceModel } from '../definition/batchSource';

export interface OnlineQuery {
  file: string;
  source: BatchSourceModel;
  keyColumn: string;
  ids: string[];
  columns: string[];
}

/** Thrown when the table cannot be read (missing file/table/column, locked file). */
export class OnlineStoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OnlineStoreError';
  }
}

/** Values per requested column, one per id in request order (null when the key has no row). */
export async function readOnlineValues(query: OnlineQuery): Promise<Record<string, unknown[]>> {
  if (!existsSync(query.file)) {
    throw new OnlineStoreError(`DuckDB file ${query.file} (database ${query.source.database}) does not exist yet`);
  }
  const { DuckDBInstance } = await import('@duckdb/node-api');
  let instance: Awaited<ReturnType<typeof DuckDBInstance.create>>;
  try {
    instance = await DuckDBInstance.create(query.file, { access_mode: 'READ_ONLY' });
  } catch (error) {
    throw new OnlineStoreError(`cannot open ${query.file} read-only: ${(error as Error).message}`);
  }
  try {
    const connection = await instance.connect();
    try {
      const table = `${quote(query.source.schema)}.${quote(query.source.table)}`;
      const key = quote(query.keyColumn);
      const columnList = query.columns.map((column, index) => `${quote(column)} AS ${quote(`c${index}`)}`).join(', ');
      const placeholders = query.ids.map((_, index) => `$${index + 1}`).join(', ');
      const hasTimestamp = await columnExists(connection, query.source, query.source.timestamp_field);
      const newestFirst = hasTimestamp ? `ORDER BY ${quote(query.source.timestamp_field)} DESC NULLS LAST` : '';
      const sql =
        `SELECT CAST(${key} AS VARCHAR) AS "__key", ${columnList} FROM ${table} ` +
        `WHERE CAST(${key} AS VARCHAR) IN (${placeholders}) ` +
        `QUALIFY row_number() OVER (PARTITION BY ${key} ${newestFirst}) = 1`;
      let rows: Record<string, unknown>[];
      try {
        rows = (await connection.runAndReadAll(sql, query.ids)).getRowObjectsJS() as Record<string, unknown>[];
      } catch (error) {
        throw new OnlineStoreError(`cannot read ${query.source.schema}.${query.source.table} in ${query.file}: ${(error as Error).message}`);
      }
      const byKey = new Map(rows.map((row) => [String(row.__key), row]));
      const result: Record<string, unknown[]> = {};
      query.columns.forEach((column, index) => {
        result[column] = query.ids.map((id) => toJson(byKey.get(id)?.[`c${index}`] ?? null));
      });
      return result;
    } finally {
      connection.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

async function columnExists(
  connection: { runAndReadAll(sql: string, values?: string[]): Promise<{ getRowObjectsJS(): unknown[] }> },
  source: BatchSourceModel,
  column: string,
): Promise<boolean> {
  const rows = (
    await connection.runAndReadAll(
      'SELECT 1 FROM information_schema.columns WHERE lower(table_schema) = lower($1) AND lower(table_name) = lower($2) AND lower(column_name) = lower($3)',
      [source.schema, source.table, column],
    )
  ).getRowObjectsJS();
  return rows.length > 0;
}

function quote(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}

/** DuckDB JS values -> JSON values (bigint -> number when safe, dates -> ISO strings, lists recursively). */
function toJson(value: unknown): unknown {
  if (typeof value === 'bigint') {
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(value)
      : value.toString();
  }
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toJson);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, toJson(inner)]));
  }
  return value;
}
