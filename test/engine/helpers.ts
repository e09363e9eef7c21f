/**
 * Helpers of the engine tests: temporary folders, reading DuckDB tables (read-only, closed before
 * dbt touches the file again), and cell-by-cell table comparison.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export type Row = Record<string, unknown>;

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `signals-batch-${prefix}-`));
}

/** Run one query on a DuckDB file opened read-only; the file is closed again before returning. */
export async function query(database: string, sql: string): Promise<Row[]> {
  const instance = await DuckDBInstance.create(database, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(sql);
    return reader.getRowObjectsJson() as Row[];
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
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
  return query(database, `select * from ${table} order by ${orderBy}`);
}

/**
 * The differences between two tables keyed by `key`: missing and extra rows, and every cell that
 * differs (`except` columns ignored). Empty when the tables are equal.
 */
export function tableDifferences(expected: Row[], actual: Row[], key: string, except: string[] = []): string[] {
  const out: string[] = [];
  const columns = (rows: Row[]) => (rows.length > 0 ? Object.keys(rows[0]).filter((c) => !except.includes(c)) : []);
  const a = columns(expected);
  const b = columns(actual);
  if (JSON.stringify(a) !== JSON.stringify(b)) out.push(`columns differ: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
  const byKey = new Map(actual.map((r) => [String(r[key]), r]));
  for (const row of expected) {
    const k = String(row[key]);
    const other = byKey.get(k);
    if (!other) {
      out.push(`${k}: row missing`);
      continue;
    }
    byKey.delete(k);
    for (const c of a) {
      if (JSON.stringify(row[c]) !== JSON.stringify(other[c])) out.push(`${k}.${c}: ${JSON.stringify(row[c])} vs ${JSON.stringify(other[c])}`);
    }
  }
  for (const k of byKey.keys()) out.push(`${k}: extra row`);
  return out;
}

export { toMillis } from '../support/sampleBatches';

/** Collect runner progress lines (shown only when a test fails, via the returned array). */
export function collectLog(): { lines: string[]; log: (line: string) => void } {
  const lines: string[] = [];
  return { lines, log: (line: string) => lines.push(line) };
}
