/** Databricks: the generated Databricks SQL run by dbt-spark (session method) on local Spark with Delta. */
import { SparkDeltaEngine } from '../support/warehouses/spark';
import { conformanceSuite } from './conformanceSuite';
import { equivalenceSuite } from './equivalenceSuite';
import { pathSuite } from './pathSuite';
import { sqlSuite } from './sqlSuite';

const engine = new SparkDeltaEngine();
beforeAll(() => engine.start(), 600_000);
afterAll(() => engine.stop());

const projectDir = conformanceSuite(engine);
sqlSuite('databricks', projectDir);
pathSuite(engine);
equivalenceSuite(engine, { users: 120, batches: 4, typeFiles: (files) => (engine.typeFiles = files) });
