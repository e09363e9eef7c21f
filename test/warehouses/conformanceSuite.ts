/**
 * The reference engine's integration test on a warehouse engine: the same events, view, variables
 * and three runs as test/conformance, every cell equal to the corrected expected table.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseApiView } from '../../src/definition';
import { generateProject, writeProject } from '../../src/dbt';
import { runUntilCaughtUp } from '../../src/runner';
import { REFERENCE_VARS, differingCells, requireConformanceData } from '../support/conformance';
import { csvRecords } from '../support/csv';
import { cellText } from '../support/duckdb';
import type { WarehouseEngine } from '../support/warehouses/engine';
import { tempDir } from '../support/run';

/** Returns the project directory once the runs are done (its compiled SQL is checked separately). */
export function conformanceSuite(engine: WarehouseEngine, ns = 'conformance'): () => string {
  let projectDir = '';
  describe(`conformance with the reference batch engine integration test (${engine.target} on ${engine.engineName})`, () => {
    let actual: Array<Record<string, string>> = [];
    let columns: string[] = [];
    const view = parseApiView(JSON.parse(fs.readFileSync(requireConformanceData('view.json'), 'utf8')));

    beforeAll(async () => {
      const work = tempDir(`conformance-${engine.target}`);
      await engine.loadEventsCsv(ns, [requireConformanceData('events.csv')]);
      const vars = { ...REFERENCE_VARS, ...engine.sourceVars(ns) };
      const project = generateProject(view, { target: engine.target, vars });
      projectDir = await writeProject(path.join(work, 'projects'), project);
      const log = (line: string) => process.stdout.write(`    [${engine.target}] ${line}\n`);
      const runs = [];
      for (const fullRefresh of [true, false, false]) {
        runs.push(await runUntilCaughtUp({ projectDir, connection: engine.connection(ns), fullRefresh, maxRounds: 1, log }));
      }
      expect(runs.map((r) => r.caughtUp)).toEqual([false, false, true]);
      const rows = await engine.readTable(ns, 'derived', project.tables.attributes, 'domain_userid');
      columns = Object.keys(rows[0] ?? {});
      actual = rows.map((r) =>
        Object.fromEntries(
          Object.entries(r)
            .filter(([k]) => k !== 'updated_at')
            .map(([k, v]) => [k, cellText(v)]),
        ),
      );
    }, 1_800_000);

    it('produces exactly the expected table (every row and cell)', () => {
      const expected = csvRecords(fs.readFileSync(requireConformanceData('expected_attributes_corrected.csv'), 'utf8'));
      expect(actual).toHaveLength(expected.length);
      expect(new Set(Object.keys(actual[0]))).toEqual(new Set(Object.keys(expected[0])));
      expect(differingCells(actual, expected, 'domain_userid')).toEqual([]);
    });

    it('lays columns out as key, attributes in definition order, then updated_at', () => {
      expect(columns).toEqual(['domain_userid', ...view.attributes.map((a) => a.name), 'updated_at']);
    });
  });
  return () => projectDir;
}
