/** Databricks: the generated Databricks SQL run by dbt-spark (session method) on local Spark with Delta. */
import { SparkDeltaEngine } from '../support/warehouses/spark';
import { conformanceSuite } from './conformanceSuite';

const engine = new SparkDeltaEngine();
beforeAll(() => engine.start(), 600_000);
afterAll(() => engine.stop());

conformanceSuite(engine);
