/**
 * Every run ends with the generated tests of the synced table (unique, non-null key; non-null
 * sync timestamp): a table broken from outside is reported before Signals syncs it.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import * as path from 'node:path';
import { pageView, parseView } from '../../src/definition';
import { generateProject, writeProject } from '../../src/dbt';
import { runUntilCaughtUp } from '../../src/runner';
import { writeEventsCsv } from '../../src/sample';
import { loadEventsCsv } from '../../src/warehouse/duckdbEvents';
import { collectLog, tempDir } from '../support/run';

// Per-test timeout of this file: it runs dbt, several times per test: minutes on a busy 2-core machine.
jest.setTimeout(10 * 60_000);

const view = parseView({
  name: 'tested_table',
  attributeKey: { name: 'domain_userid' },
  attributes: [{ name: 'views', type: 'int64', aggregation: 'counter', events: [pageView()] }],
});

test('a duplicated key in the attribute table fails the run, naming the test', async () => {
  const work = tempDir('table-tests');
  const database = path.join(work, 'warehouse.duckdb');
  const at = '2025-01-02 10:00:00';
  await writeEventsCsv(
    [
      {
        app_id: 'web',
        event_id: 'e1',
        event_vendor: 'com.snowplowanalytics.snowplow',
        event_name: 'page_view',
        event_version: '1-0-0',
        domain_userid: 'u1',
        derived_tstamp: at,
        dvce_created_tstamp: at,
        load_tstamp: at,
      },
    ],
    path.join(work, 'events.csv'),
  );
  await loadEventsCsv([path.join(work, 'events.csv')], { database });
  const project = generateProject(view, { target: 'duckdb', vars: { snowplow__start_date: '2025-01-01' } });
  const projectDir = await writeProject(path.join(work, 'projects'), project);
  const { lines, log } = collectLog();
  await runUntilCaughtUp({ projectDir, connection: { type: 'duckdb', path: database }, log });
  expect(lines).toContain(`tests of ${project.tables.attributes} passed`);

  const instance = await DuckDBInstance.create(database);
  const connection = await instance.connect();
  await connection.run(`insert into main_derived.${project.tables.attributes} select * from main_derived.${project.tables.attributes}`);
  connection.closeSync();
  instance.closeSync();

  await expect(runUntilCaughtUp({ projectDir, connection: { type: 'duckdb', path: database }, log })).rejects.toThrow(
    new RegExp(`the attribute table ${project.tables.attributes} failed its tests: .*unique.*domain_userid`),
  );
});
