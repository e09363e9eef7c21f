/**
 * Loading atomic events from CSV exports: one load is one transaction over all its files, and a
 * bad file is reported by file, line, column and value, with nothing committed or half-created.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EventsLoadError, loadEventsCsv } from '../../src/warehouse/duckdbEvents';
import { queryDuckdb } from '../support/duckdb';

// Per-test timeout of this file: it loads CSV files into DuckDB files.
jest.setTimeout(3 * 60_000);

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'signals-batch-load-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const HEADER = 'event_id,app_id,domain_userid,derived_tstamp,load_tstamp,se_value,page_title';
let counter = 0;

/** A CSV file in the work folder. */
function csv(lines: string[]): string {
  const file = path.join(work, `events-${++counter}.csv`);
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const database = () => path.join(work, `wh-${++counter}.duckdb`);

async function failure(files: string[], db: string): Promise<string> {
  const error = await loadEventsCsv(files, { database: db }).then(
    () => null,
    (e: Error) => e,
  );
  expect(error).toBeInstanceOf(EventsLoadError);
  return (error as Error).message;
}

const good = () =>
  csv([HEADER, 'e1,web,u1,2025-01-02 10:00:00,2025-01-02 10:05:00,1.5,Home', 'e2,web,u2,2025-01-02 11:00:00,2025-01-02 11:05:00,,"A, B"']);

describe('load-events is one transaction', () => {
  test('load-events commits nothing when the second file has a bad timestamp', async () => {
    const db = database();
    await loadEventsCsv([good()], { database: db });
    const before = await queryDuckdb(db, 'select * from atomic.events order by event_id');
    const bad = csv([
      HEADER,
      'e3,web,u3,2025-01-03 10:00:00,2025-01-03 10:05:00,1,x',
      'e4,web,u4,2025-02-30 10:00:00,2025-01-03 10:05:00,1,y',
    ]);
    const message = await failure([good(), bad], db);
    expect(message).toContain(`${bad} line 3, column derived_tstamp: "2025-02-30 10:00:00" is not a timestamp`);
    expect(await queryDuckdb(db, 'select * from atomic.events order by event_id')).toEqual(before);
  });

  test('a failed first load leaves no database file behind (no empty table, nothing half-created)', async () => {
    const db = database();
    const bad = csv([HEADER, 'e1,web,u1,2025-01-02 10:00:00,2025-01-02 10:05:00,lots,x']);
    expect(await failure([good(), bad], db)).toContain(`${bad} line 2, column se_value: "lots" is not a number`);
    expect(fs.existsSync(db)).toBe(false);
    expect(fs.existsSync(`${db}.wal`)).toBe(false);
  });

  test('a failed load into an existing database leaves its tables and columns as they were', async () => {
    const db = database();
    await loadEventsCsv([good()], { database: db });
    const wider = csv([`${HEADER},contexts_com_acme_user_1_0_0`, 'e9,web,u9,2025-01-02 10:00:00,2025-01-02 10:05:00,1,x,"{not json"']);
    expect(await failure([wider], db)).toContain('column contexts_com_acme_user_1_0_0: "{not json" is not valid JSON');
    const columns = await queryDuckdb(db, "select column_name from information_schema.columns where table_name = 'events'");
    expect(columns.map((c) => c.column_name)).not.toContain('contexts_com_acme_user_1');
    expect((await queryDuckdb(db, "select count(*) as n from information_schema.tables where table_schema = 'atomic'"))[0].n).toBe('1');
  });
});

describe('load-events errors say where', () => {
  test('a ragged row is reported as such, with its line and field counts', async () => {
    const bad = csv([
      HEADER,
      'e1,web,u1,2025-01-02 10:00:00,2025-01-02 10:05:00,1,x',
      'e2,web,u2,2025-01-02 10:00:00',
      'e3,web,u3,2025-01-02 10:00:00,2025-01-02 10:05:00,1,x,extra',
    ]);
    const message = await failure([bad], database());
    expect(message).toContain(`${bad} line 3 has 4 fields, the header has 7`);
    expect(message).toContain(`${bad} line 4 has 8 fields, the header has 7`);
    expect(message).not.toMatch(/missing/);
  });

  test('line numbers count physical lines when a quoted value spans several', async () => {
    const bad = csv([
      HEADER,
      'e1,web,u1,2025-01-02 10:00:00,2025-01-02 10:05:00,1,"two',
      'lines"',
      'e2,web,u2,2025-01-02 10:00:00,yesterday,1,x',
    ]);
    expect(await failure([bad], database())).toContain(`${bad} line 4, column load_tstamp: "yesterday" is not a timestamp`);
  });

  test('a header without the required columns names them (not every row)', async () => {
    const bad = csv(['id,when', '1,2025-01-01']);
    expect(await failure([bad], database())).toContain(
      `${bad} line 1: the header has no column "event_id", "load_tstamp", "derived_tstamp"`,
    );
  });

  test('columns equal ignoring case are refused as duplicates', async () => {
    const bad = csv(['event_id,EVENT_ID,load_tstamp,derived_tstamp', 'a,b,2025-01-01,2025-01-01']);
    expect(await failure([bad], database())).toContain('columns 1 ("event_id") and 2 ("EVENT_ID") have the same name');
  });

  test('several bad values in one column are counted, not all listed', async () => {
    const bad = csv([HEADER, ...[1, 2, 3].map((i) => `e${i},web,u${i},2025-01-02 10:00:00,2025-01-02 10:05:00,n${i},x`)]);
    expect(await failure([bad], database())).toMatch(/column se_value: "n\d" is not a number \(2 more bad values in this column\)/);
  });
});

describe('load-events reads exports as warehouses write them', () => {
  test('upper-case headers (as Snowflake exports them) are matched ignoring case', async () => {
    const db = database();
    const upper = csv([HEADER.toUpperCase(), 'e1,web,u1,2025-01-02 10:00:00,2025-01-02 10:05:00,2,Home']);
    expect((await loadEventsCsv([upper], { database: db })).rowsLoaded).toBe(1);
    expect(await queryDuckdb(db, 'select event_id, domain_userid, se_value from atomic.events')).toEqual([
      { event_id: 'e1', domain_userid: 'u1', se_value: 2 },
    ]);
  });

  test('timestamps with offsets are converted to UTC; naive ones are taken as UTC', async () => {
    const db = database();
    const file = csv([
      'event_id,derived_tstamp,load_tstamp',
      'e1,2025-01-02 10:00:00+05:00,2025-01-02T10:00:00Z',
      'e2,2025-01-02 10:00:00.000 -0130,2025-01-02 10:00:00',
      'e3,2025-01-02T23:30:00-01:00,2025-01-02 10:00:00.123456',
    ]);
    await loadEventsCsv([file], { database: db });
    const rows = await queryDuckdb(
      db,
      'select event_id, cast(derived_tstamp as varchar) as derived, cast(load_tstamp as varchar) as loaded from atomic.events order by event_id',
    );
    expect(rows).toEqual([
      { event_id: 'e1', derived: '2025-01-02 05:00:00', loaded: '2025-01-02 10:00:00' },
      { event_id: 'e2', derived: '2025-01-02 11:30:00', loaded: '2025-01-02 10:00:00' },
      { event_id: 'e3', derived: '2025-01-03 00:30:00', loaded: '2025-01-02 10:00:00.123456' },
    ]);
  });

  test('text is data: braces, quotes and line breaks are stored as they are; empty fields are NULL', async () => {
    const db = database();
    const file = csv([HEADER, `e1,web,u1,2025-01-02 10:00:00,2025-01-02 10:05:00,,"{{ env_var('X') }} 'q' ""d""`, 'two"']);
    await loadEventsCsv([file], { database: db });
    expect(await queryDuckdb(db, 'select page_title, se_value from atomic.events')).toEqual([
      { page_title: `{{ env_var('X') }} 'q' "d"\ntwo`, se_value: null },
    ]);
  });

  test('several full versions of one context land in one major-version column, newest first', async () => {
    const db = database();
    const file = csv([
      'event_id,derived_tstamp,load_tstamp,contexts_com_acme_user_1_0_0,contexts_com_acme_user_1_0_1',
      'e1,2025-01-02 10:00:00,2025-01-02 10:00:00,"[{""v"":0}]","[{""v"":1}]"',
      'e2,2025-01-02 10:00:00,2025-01-02 10:00:00,"[{""v"":0}]",',
    ]);
    await loadEventsCsv([file], { database: db });
    expect(await queryDuckdb(db, 'select event_id, contexts_com_acme_user_1 as c from atomic.events order by event_id')).toEqual([
      { event_id: 'e1', c: '[{"v":1}]' },
      { event_id: 'e2', c: '[{"v":0}]' },
    ]);
  });
});
