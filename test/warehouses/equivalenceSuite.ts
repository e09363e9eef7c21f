/**
 * Incremental processing equals a full recompute on a warehouse engine: the generated sample
 * events loaded in load-time batches with a run after each, against all of them loaded at once
 * and run once; both equal, cell for cell, and equal to the TypeScript oracle (which shares no
 * code with the SQL generator).
 */
import * as path from 'node:path';
import { keyColumnName, parseView } from '../../src/definition';
import { generateProject, writeProject } from '../../src/dbt';
import { runUntilCaughtUp, type RunSummary } from '../../src/runner';
import { generateEvents, SAMPLE_APP_ID, sampleView, writeEventsCsv } from '../../src/sample';
import { oracleDifferences, oracleTable } from '../support/oracle';
import { splitByLoadTime } from '../support/sampleBatches';
import type { Row, WarehouseEngine } from '../support/warehouses/engine';
import { tempDir } from '../support/run';
import { tableDifferences } from '../support/tables';

const START_DATE = '2025-01-01';
const VARS = {
  snowplow__start_date: START_DATE,
  snowplow__app_id: [SAMPLE_APP_ID],
  // one round per batch: every batch spans less load time than this
  snowplow__backfill_limit_days: 60,
  snowplow__mock_current_day: '2025-02-03',
};

export interface EquivalenceOptions {
  users: number;
  batches: number;
  /** Tell the engine every file of the dataset before loading, for loaders that type columns from the data. */
  typeFiles?: (files: string[]) => void;
}

export function equivalenceSuite(engine: WarehouseEngine, options: EquivalenceOptions): void {
  describe(`incremental runs equal one full run (${engine.target} on ${engine.engineName})`, () => {
    const view = parseView(sampleView());
    const key = keyColumnName(view);
    const rows = generateEvents({ seed: 7, users: options.users, days: 35, startDate: START_DATE });
    const batches = splitByLoadTime(rows, options.batches);
    let incremental: Row[] = [];
    let full: Row[] = [];
    const runs: RunSummary[] = [];

    test(`${options.batches} batches with a run after each equal one run over everything, cell for cell`, async () => {
      const work = tempDir(`equivalence-${engine.target}`);
      const files = await Promise.all(
        batches.map(async (b, i) => {
          const file = path.join(work, `batch_${i + 1}.csv`);
          await writeEventsCsv(b, file);
          return file;
        }),
      );
      options.typeFiles?.(files);
      const log = (line: string) => process.stdout.write(`    [${engine.target}] ${line}\n`);
      const project = generateProject(view, { target: engine.target, vars: { ...VARS, ...engine.sourceVars('batched') } });
      const fullProject = generateProject(view, { target: engine.target, vars: { ...VARS, ...engine.sourceVars('whole') } });
      const projectDir = await writeProject(path.join(work, 'incremental'), project);
      const fullDir = await writeProject(path.join(work, 'full'), fullProject);

      for (const file of files) {
        await engine.loadEventsCsv('batched', [file]);
        const summary = await runUntilCaughtUp({ projectDir, connection: engine.connection('batched'), log });
        expect(summary.caughtUp).toBe(true);
        runs.push(summary);
      }
      expect(runs.every((s) => s.totals.newEvents > 0)).toBe(true);
      expect(runs.slice(1).some((s) => s.totals.datesRecomputed > 7)).toBe(true);

      await engine.loadEventsCsv('whole', files);
      const once = await runUntilCaughtUp({ projectDir: fullDir, connection: engine.connection('whole'), log });
      expect(once).toMatchObject({ caughtUp: true, rounds: 1 });
      expect(once.totals.newEvents).toBe(runs.reduce((s, r) => s + r.totals.newEvents, 0));

      incremental = await engine.readTable('batched', 'derived', project.tables.attributes, key);
      full = await engine.readTable('whole', 'derived', fullProject.tables.attributes, key);
      expect(full.length).toBeGreaterThan(options.users / 2);
      expect(Object.keys(full[0])).toEqual([key, ...view.attributes.map((a) => a.name), 'updated_at']);
      expect(tableDifferences(full, incremental, key, ['updated_at'])).toEqual([]);
    }, 3_600_000);

    test('every cell equals the rules of the semantics, evaluated in TypeScript', () => {
      expect(full.length).toBeGreaterThan(0);
      const expected = oracleTable(view, rows, {
        startDate: START_DATE,
        appIds: VARS.snowplow__app_id,
        currentDay: VARS.snowplow__mock_current_day,
      });
      // BigQuery stores a NULL array as an empty one, so there NULL and [] are one value: both sides read as NULL
      const stored = <T extends Row>(r: T): T =>
        engine.target === 'bigquery'
          ? (Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Array.isArray(v) && v.length === 0 ? null : v])) as T)
          : r;
      expect(oracleDifferences(view, expected.map(stored), full.map(stored))).toEqual([]);
    });

    test('every attribute has non-trivial values (the comparison is not over empty columns)', () => {
      for (const a of view.attributes) {
        const values = new Set(full.map((r) => JSON.stringify(r[a.name])));
        expect({ attribute: a.name, distinctValues: values.size > 1 }).toEqual({ attribute: a.name, distinctValues: true });
      }
    });
  });
}
