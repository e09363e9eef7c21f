/** Snowflake: the generated Snowflake SQL run by dbt-snowflake on fakesnow. */
import { FakesnowEngine } from '../support/warehouses/snowflake';
import { conformanceSuite } from './conformanceSuite';

const engine = new FakesnowEngine();
beforeAll(() => engine.start(), 600_000);
afterAll(() => engine.stop());

conformanceSuite(engine);
