/** The sample's events as a CSV export (header row; NULL as an empty field). */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { SAMPLE_EVENT_COLUMNS, type EventRow } from './catalogue';

/** One CSV field: quoted when it holds a comma, quote, line break or edge spaces; NULL is empty. */
export function csvField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : String(value);
  if (text === '') return '""';
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The CSV text of `rows` (header: every column seen, `SAMPLE_EVENT_COLUMNS` order first). */
export function eventsToCsv(rows: EventRow[]): string {
  const columns = [...SAMPLE_EVENT_COLUMNS];
  const known = new Set(columns);
  for (const row of rows) {
    for (const c of Object.keys(row)) {
      if (known.has(c)) continue;
      known.add(c);
      columns.push(c);
    }
  }
  const lines = [columns.map(csvField).join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvField(row[c])).join(','));
  return `${lines.join('\n')}\n`;
}

/** Write `rows` as a CSV file with a header row (parent folders created). */
export async function writeEventsCsv(rows: EventRow[], file: string): Promise<void> {
  await fs.mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await fs.writeFile(file, eventsToCsv(rows));
}
