/** Snowflake: the generated Snowflake SQL run by dbt-snowflake on fakesnow. */
import { FakesnowEngine } from '../support/warehouses/snowflake';
import { conformanceSuite } from './conformanceSuite';
import { pathSuite } from './pathSuite';
import { equivalenceSuite } from './equivalenceSuite';
import { sqlSuite } from './sqlSuite';

const engine = new FakesnowEngine();
beforeAll(() => engine.start(), 600_000);
afterAll(() => engine.stop());

const projectDir = conformanceSuite(engine);
sqlSuite('snowflake', projectDir);
equivalenceSuite(engine, { users: 120, batches: 4 });
pathSuite(engine);
