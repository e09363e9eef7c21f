/**
 * What the events loader needs to know about a CSV file beyond what DuckDB reads: its header
 * (parsed on its own, so a ragged row cannot change it) and, when a value is bad, the physical
 * line it sits on (records may span lines: quoted fields hold line breaks).
 */
import { parse } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import * as fs from 'node:fs';

/** Largest header read; a Snowplow atomic header is a few kilobytes. */
const HEADER_BYTES = 1 << 20;

/** The field names of the first record. Throws (naming the file) when there is none. */
export function readCsvHeader(file: string): string[] {
  const handle = fs.openSync(file, 'r');
  let text: string;
  let read: number;
  try {
    const buffer = Buffer.alloc(HEADER_BYTES);
    read = fs.readSync(handle, buffer, 0, HEADER_BYTES, 0);
    text = buffer.subarray(0, read).toString('utf8');
  } finally {
    fs.closeSync(handle);
  }
  const lineEnd = text.indexOf('\n');
  if (lineEnd < 0 && read === HEADER_BYTES) throw new Error(`${file} line 1: the header row is longer than ${HEADER_BYTES} bytes`);
  const headerLine = (lineEnd < 0 ? text : text.slice(0, lineEnd)).replace(/\r$/, '');
  let records: string[][];
  try {
    records = parseSync(headerLine, { bom: true, relax_column_count: true });
  } catch (error) {
    throw new Error(`${file} line 1: the header row is not valid CSV (${(error as Error).message})`, { cause: error });
  }
  if (records.length === 0 || records[0].every((name) => name.trim() === '')) {
    throw new Error(`${file} is empty: expected a header row of atomic column names (event_id, load_tstamp, ...)`);
  }
  return records[0].map((name) => name.trim());
}

/** The 1-based line holding byte `position` of the file. */
export async function lineAtByte(file: string, position: number): Promise<number> {
  let line = 1;
  let seen = 0;
  for await (const chunk of fs.createReadStream(file, { end: Math.max(position - 1, 0) })) {
    const bytes = chunk as Buffer;
    for (let i = 0; i < bytes.length && seen + i < position; i++) if (bytes[i] === 0x0a) line++;
    seen += bytes.length;
  }
  return line;
}

/**
 * The line on which the first data record whose field `index` equals `value` starts, or null.
 * Used only to locate a value already known to be bad.
 */
export async function lineOfValue(file: string, index: number, value: string): Promise<number | null> {
  const parser = fs.createReadStream(file).pipe(parse({ bom: true, relax_column_count: true, info: true, from_line: 1 }));
  let previousEnd = 0;
  let first = true;
  try {
    for await (const entry of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const start = previousEnd + 1;
      previousEnd = entry.info.lines;
      if (first) {
        first = false; // the header
        continue;
      }
      if (entry.record[index] === value) return start;
    }
  } catch {
    // A structural problem elsewhere in the file; DuckDB reports those itself.
  } finally {
    parser.destroy();
  }
  return null;
}
