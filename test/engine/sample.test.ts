/**
 * The sample events generator (src/sample): deterministic for a seed, shaped by its options,
 * and written as CSV that the events loader reads back cell for cell.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseView } from '../../src/definition';
import {
  csvField,
  eventsToCsv,
  generateEvents,
  Random,
  sampleView,
  writeEventsCsv,
  SAMPLE_EVENT_COLUMNS,
  type EventRow,
} from '../../src/sample';
import { loadEventsCsv } from '../../src/warehouse/duckdbEvents';
import { queryDuckdb } from '../support/duckdb';
import { tempDir } from '../support/run';

// Per-test timeout of this file: it generates and loads the sample events.
jest.setTimeout(3 * 60_000);

describe('generateEvents', () => {
  test('the same seed gives the same rows, another seed other rows', () => {
    const a = eventsToCsv(generateEvents({ seed: 11, users: 30, days: 5 }));
    expect(eventsToCsv(generateEvents({ seed: 11, users: 30, days: 5 }))).toBe(a);
    expect(eventsToCsv(generateEvents({ seed: 12, users: 30, days: 5 }))).not.toBe(a);
  });

  test('options shape the data', () => {
    const rows = generateEvents({
      seed: 5,
      users: 50,
      days: 10,
      startDate: '2024-03-01',
      lateFraction: 0,
      duplicateFraction: 0,
      nullKeyFraction: 0,
      beforeStartFraction: 0,
    });
    const users = new Set(rows.map((r) => r.domain_userid));
    expect(users.size).toBeLessThanOrEqual(50);
    expect(users.size).toBeGreaterThan(40);
    expect(users.has(null)).toBe(false);
    expect(new Set(rows.map((r) => r.event_id)).size).toBe(rows.length);
    const dates = rows.map((r) => String(r.derived_tstamp).slice(0, 10)).sort();
    expect(dates[0] >= '2024-03-01').toBe(true);
    expect(dates[dates.length - 1] <= '2024-03-10').toBe(true);
    for (const r of rows) {
      const delay =
        Date.parse(`${String(r.load_tstamp).replace(' ', 'T')}Z`) - Date.parse(`${String(r.derived_tstamp).replace(' ', 'T')}Z`);
      expect(delay).toBeGreaterThan(0);
      expect(delay).toBeLessThan(86_400_000);
    }
  });

  test('rows are sorted by load time and carry every column', () => {
    const rows = generateEvents({ seed: 2, users: 20, days: 3 });
    const loads = rows.map((r) => String(r.load_tstamp));
    expect([...loads].sort()).toEqual(loads);
    for (const r of rows.slice(0, 50)) expect(Object.keys(r).sort()).toEqual([...SAMPLE_EVENT_COLUMNS].sort());
  });

  test('bad options are refused', () => {
    expect(() => generateEvents({ users: 0 })).toThrow(/users and days/);
    expect(() => generateEvents({ startDate: '01/02/2025' })).toThrow(/startDate must be YYYY-MM-DD/);
  });

  test('sampleView() validates and has at least 12 attributes', () => {
    expect(parseView(sampleView()).attributes.length).toBeGreaterThanOrEqual(12);
  });
});

describe('Random', () => {
  test('mulberry32: reproducible, in range', () => {
    const a = new Random(42);
    const b = new Random(42);
    const xs = Array.from({ length: 1000 }, () => a.next());
    expect(Array.from({ length: 1000 }, () => b.next())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(Math.abs(xs.reduce((s, x) => s + x, 0) / xs.length - 0.5)).toBeLessThan(0.05);
    const r = new Random(1);
    for (let i = 0; i < 200; i++) {
      const n = r.int(3, 5);
      expect(n >= 3 && n <= 5 && Number.isInteger(n)).toBe(true);
    }
    expect(new Random(9).uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('CSV', () => {
  test('fields are quoted only when needed; NULL is an empty field', () => {
    expect(csvField(null)).toBe('');
    expect(csvField('')).toBe('""');
    expect(csvField('plain')).toBe('plain');
    expect(csvField("O'Brien -- x")).toBe("O'Brien -- x");
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(' padded')).toBe('" padded"');
    expect(csvField(12.5)).toBe('12.5');
    expect(csvField(false)).toBe('false');
  });

  test('the events loader reads a written file back cell for cell', async () => {
    const work = tempDir('sample-csv');
    const tricky: EventRow = {
      event_id: 'e-1',
      app_id: 'web',
      event_vendor: 'com.acme',
      event_name: 'checkout',
      event_version: '1-0-0',
      domain_userid: "o'neil",
      derived_tstamp: '2025-01-02 03:04:05.678',
      load_tstamp: '2025-01-02 03:05:00.000',
      page_title: 'Tom\'s "best", -- shop\nsecond line',
      se_value: 12.5,
      dvce_ismobile: true,
      contexts_com_acme_cart_1_0_0: JSON.stringify([{ sku: 'a,b', name: 'it\'s -- "x"' }, { sku: 'c' }]),
    };
    const rows = [...generateEvents({ seed: 4, users: 5, days: 2 }), tricky];
    const file = path.join(work, 'events.csv');
    await writeEventsCsv(rows, file);
    expect(fs.readFileSync(file, 'utf8').split('\n')[0]).toBe(SAMPLE_EVENT_COLUMNS.join(','));
    const database = path.join(work, 'w.duckdb');
    expect((await loadEventsCsv([file], { database })).rowsLoaded).toBe(rows.length);
    const [back] = await queryDuckdb(
      database,
      `select domain_userid, page_title, se_value, dvce_ismobile, cast(derived_tstamp as varchar) as derived_tstamp, contexts_com_acme_cart_1 from atomic.events where event_id = 'e-1'`,
    );
    expect(back).toEqual({
      domain_userid: "o'neil",
      page_title: tricky.page_title,
      se_value: 12.5,
      dvce_ismobile: true,
      derived_tstamp: '2025-01-02 03:04:05.678',
      contexts_com_acme_cart_1: tricky.contexts_com_acme_cart_1_0_0,
    });
  });
});
