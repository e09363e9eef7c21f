/**
 * The emulator's "online store": attribute values read from the synced table of a group's batch
 * source, when that source's `database` is one of the DuckDB files the emulator was given.
 *
 * Reads never touch the DuckDB file's lock, so dbt (or any writer) can open and write it at any
 * moment: the file (and its `.wal`) is copied into a private snapshot, which alone is opened. A copy
 * counts only if the file did not change while it was copied (size, inode and ns times before and
 * after); a new snapshot is taken when the file changed since the last one. While a writer keeps
 * changing the file, the last good snapshot answers (consistent, a little stale), as an online store
 * between two syncs would.
 *
 * When several rows exist per key, the newest by the batch source's `timestamp_field` wins, like a
 * sync that keeps the latest value. Values come back as JSON: timestamps as ISO-8601 UTC strings,
 * `MAP`/`STRUCT`/`JSON` columns (the `dict` type) as objects, big integers as numbers when exact.
 */
import { copyFile, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { DuckDBConnection, DuckDBInstance, DuckDBMapType, DuckDBMapValue, DuckDBValueConverter, Json } from '@duckdb/node-api';
import type { ApiBatchSource } from './apiModel';

export interface OnlineQuery {
  file: string;
  source: ApiBatchSource;
  keyColumn: string;
  ids: string[];
  columns: string[];
}

/** Thrown when the table cannot be read (missing file/table/column, a file that never holds still). */
export class OnlineStoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OnlineStoreError';
  }
}

interface Snapshot {
  signature: string;
  copy: string;
  instance: DuckDBInstance;
}

const COPY_ATTEMPTS = 8;

export class OnlineStore {
  private readonly snapshots = new Map<string, Snapshot>();
  /** One read or snapshot at a time per file. */
  private readonly queues = new Map<string, Promise<unknown>>();
  private workDir: Promise<string> | undefined;
  private copies = 0;
  private closed = false;

  constructor(private readonly log: (line: string) => void = () => undefined) {}

  /** Values per requested column, one per id in request order (null when the key has no row). */
  read(query: OnlineQuery): Promise<Record<string, unknown[]>> {
    const previous = this.queues.get(query.file) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.readNow(query));
    this.queues.set(query.file, next);
    return next;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.queues.values()].map((queued) => queued.catch(() => undefined)));
    for (const snapshot of this.snapshots.values()) snapshot.instance.closeSync();
    this.snapshots.clear();
    if (this.workDir) await rm(await this.workDir, { recursive: true, force: true });
  }

  private async readNow(query: OnlineQuery): Promise<Record<string, unknown[]>> {
    if (this.closed) throw new OnlineStoreError('the emulator is closing');
    const snapshot = await this.snapshotOf(query.file, query.source.database);
    const connection = await snapshot.instance.connect();
    try {
      return await selectValues(connection, query);
    } finally {
      connection.closeSync();
    }
  }

  private async snapshotOf(file: string, database: string): Promise<Snapshot> {
    const cached = this.snapshots.get(file);
    for (let attempt = 0; attempt < COPY_ATTEMPTS; attempt += 1) {
      const before = await signature(file);
      if (before === undefined) throw new OnlineStoreError(`DuckDB file ${file} (database ${database}) does not exist yet`);
      if (cached && cached.signature === before) return cached;
      const copy = join(await this.directory(), `${(this.copies += 1)}-${basename(file)}`);
      try {
        await copyFile(file, copy);
        await copyFile(`${file}.wal`, `${copy}.wal`).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'ENOENT') throw error;
        });
        if ((await signature(file)) === before) {
          const { DuckDBInstance } = await import('@duckdb/node-api');
          const instance = await DuckDBInstance.create(copy);
          const fresh: Snapshot = { signature: before, copy, instance };
          this.snapshots.set(file, fresh);
          if (cached) await discard(cached);
          return fresh;
        }
      } catch (error) {
        this.log(`online store: snapshot of ${file} failed (${(error as Error).message}); trying again`);
      }
      await discardFiles(copy);
      await new Promise((resolveWait) => setTimeout(resolveWait, 25 * (attempt + 1)));
    }
    if (cached) {
      this.log(`online store: ${file} kept changing while copied; answering from the previous snapshot`);
      return cached;
    }
    throw new OnlineStoreError(`${file} kept changing while it was copied (a writer is busy); try again`);
  }

  private directory(): Promise<string> {
    this.workDir ??= mkdtemp(join(tmpdir(), 'signals-emulator-online-'));
    return this.workDir;
  }
}

/** Identity and last change of the file and its write-ahead log; undefined when the file is missing. */
async function signature(file: string): Promise<string | undefined> {
  const parts: string[] = [];
  for (const path of [file, `${file}.wal`]) {
    try {
      const info = await stat(path, { bigint: true });
      parts.push(`${info.ino}:${info.size}:${info.mtimeNs}:${info.ctimeNs}`);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      if (path === file) return undefined;
      parts.push('-');
    }
  }
  return parts.join('|');
}

async function discard(snapshot: Snapshot): Promise<void> {
  snapshot.instance.closeSync();
  await discardFiles(snapshot.copy);
}

async function discardFiles(copy: string): Promise<void> {
  await Promise.all([copy, `${copy}.wal`].map((path) => rm(path, { force: true })));
}

async function selectValues(connection: DuckDBConnection, query: OnlineQuery): Promise<Record<string, unknown[]>> {
  const table = `${quote(query.source.schema)}.${quote(query.source.table)}`;
  const key = quote(query.keyColumn);
  const columnList = query.columns.map((column, index) => `${quote(column)} AS ${quote(`c${index}`)}`).join(', ');
  const placeholders = query.ids.map((_, index) => `$${index + 1}`).join(', ');
  const hasTimestamp =
    (
      await connection.runAndReadAll(
        'SELECT 1 FROM information_schema.columns WHERE lower(table_schema) = lower($1) AND lower(table_name) = lower($2) AND lower(column_name) = lower($3)',
        [query.source.schema, query.source.table, query.source.timestamp_field],
      )
    ).getRows().length > 0;
  const newestFirst = hasTimestamp ? `ORDER BY ${quote(query.source.timestamp_field)} DESC NULLS LAST` : '';
  const sql =
    `SELECT CAST(${key} AS VARCHAR) AS "__key", ${columnList} FROM ${table} ` +
    `WHERE CAST(${key} AS VARCHAR) IN (${placeholders.length > 0 ? placeholders : 'NULL'}) ` +
    `QUALIFY row_number() OVER (PARTITION BY ${key} ${newestFirst}) = 1`;
  let rows: Record<string, unknown>[];
  try {
    const reader = await connection.runAndReadAll(sql, query.ids);
    rows = reader.convertRowObjects(await jsonConverter());
    // Chunk values lose the JSON alias of their type; the result's column types keep it.
    const types = reader.columnTypes();
    const jsonColumns = reader.columnNames().filter((_, index) => types[index].alias === 'JSON');
    for (const row of rows) for (const column of jsonColumns) row[column] = parseJson(row[column]);
  } catch (error) {
    throw new OnlineStoreError(`cannot read ${query.source.schema}.${query.source.table} in ${query.file}: ${(error as Error).message}`);
  }
  const byKey = new Map(rows.map((row) => [String(row.__key), row]));
  const result: Record<string, unknown[]> = {};
  query.columns.forEach((column, index) => {
    result[column] = query.ids.map((id) => byKey.get(id)?.[`c${index}`] ?? null);
  });
  return result;
}

function parseJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function quote(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}

let converter: DuckDBValueConverter<Json> | undefined;

/** DuckDB values -> the JSON the API answers with. */
async function jsonConverter(): Promise<DuckDBValueConverter<Json>> {
  if (converter) return converter;
  const { DuckDBTypeId: Type, JSDuckDBValueConverter: asJs, JsonDuckDBValueConverter: asJson } = await import('@duckdb/node-api');
  const timestamps = new Set<number>([Type.TIMESTAMP, Type.TIMESTAMP_S, Type.TIMESTAMP_MS, Type.TIMESTAMP_NS, Type.TIMESTAMP_TZ]);
  const bigIntegers = new Set<number>([Type.BIGINT, Type.UBIGINT, Type.HUGEINT, Type.UHUGEINT]);
  const convert: DuckDBValueConverter<Json> = (value, type) => {
    if (value === null) return null;
    if (timestamps.has(type.typeId)) {
      const date = asJs(value, type, asJs);
      return date instanceof Date && !Number.isNaN(date.getTime()) ? date.toISOString() : asJson(value, type, convert);
    }
    if (bigIntegers.has(type.typeId)) {
      const big = asJs(value, type, asJs) as bigint;
      return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big.toString();
    }
    if (type.typeId === Type.DECIMAL) return Number(asJs(value, type, asJs));
    if (type.typeId === Type.MAP) {
      const { keyType, valueType } = type as DuckDBMapType;
      return Object.fromEntries(
        (value as DuckDBMapValue).entries.map((entry) => [
          String(convert(entry.key, keyType, convert)),
          convert(entry.value, valueType, convert),
        ]),
      ) as Json;
    }
    return asJson(value, type, convert);
  };
  converter = convert;
  return convert;
}
