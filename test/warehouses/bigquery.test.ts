/** BigQuery: the generated BigQuery SQL run by dbt-bigquery on crucible-emulator. */
import { CrucibleBigqueryEngine } from '../support/warehouses/bigquery';
import { conformanceSuite } from './conformanceSuite';
import { pathSuite } from './pathSuite';
import { equivalenceSuite } from './equivalenceSuite';
import { sqlSuite } from './sqlSuite';

// the conformance events of the first load days sit in the 1.x loader's full-version columns
const engine = new CrucibleBigqueryEngine('2025-01-04');
beforeAll(() => engine.start(), 600_000);
afterAll(() => engine.stop());

const projectDir = conformanceSuite(engine);
sqlSuite('bigquery', projectDir);
equivalenceSuite(engine, { users: 120, batches: 4, typeFiles: (files) => (engine.typeFiles = files) });
pathSuite(engine);
