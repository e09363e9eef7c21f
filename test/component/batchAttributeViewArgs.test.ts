/**
 * BatchAttributeView's arguments checked before anything is registered: each problem named with its
 * field, every problem listed at once.
 */
import { installSignalsMocks } from '../support/pulumiMocks';

installSignalsMocks();

// Imported after the mocks, as the SDK requires.
import { pageView } from '../../src/definition';
import { BatchAttributeView, BatchAttributeViewArgsError, type BatchAttributeViewArgs } from '../../src/component';
import { registrations, settle } from '../support/pulumiMocks';
import { duckdbArgs, snowflakeArgs, view } from '../support/component';

// Per-test timeout of this file: it builds components under Pulumi's mock engine.
jest.setTimeout(3 * 60_000);

describe('BatchAttributeView argument validation', () => {
  const cases: Array<[string, () => BatchAttributeViewArgs, RegExp]> = [
    [
      'no warehouse',
      () => ({ ...duckdbArgs(), warehouse: {} }),
      /exactly one of warehouse.duckdb, warehouse.snowflake, warehouse.bigquery and warehouse.databricks/,
    ],
    [
      'two warehouses',
      () => ({ ...duckdbArgs(), warehouse: { ...duckdbArgs().warehouse, ...snowflakeArgs().warehouse } }),
      /exactly one of/,
    ],
    [
      'an invalid view (message from parseView, naming the attribute and field)',
      () =>
        duckdbArgs({ view: view({ attributes: [{ name: 'first_source', type: 'string', aggregation: 'first', events: [pageView()] }] }) }),
      /view: invalid view "engagement":\s+- attribute "first_source": .*property/,
    ],
    [
      'a view period that is not whole days',
      () =>
        duckdbArgs({
          view: view({ attributes: [{ name: 'x', type: 'int64', aggregation: 'counter', events: [pageView()], period: 'PT5H' }] }),
        }),
      /attribute "x": period/,
    ],
    [
      'an unknown dbt variable',
      () => duckdbArgs({ dbt: { vars: { snowplow__nope: 1 } } }),
      /dbt.vars: invalid dbt variables: unknown variable "snowplow__nope"/,
    ],
    [
      'a wrongly typed dbt variable',
      () => duckdbArgs({ dbt: { vars: { snowplow__start_date: 'yesterday' } } }),
      /snowplow__start_date: "yesterday" is not a calendar date/,
    ],
    [
      'an unknown argument',
      () => ({ ...duckdbArgs(), colour: 'red' }) as unknown as BatchAttributeViewArgs,
      /unknown argument\(s\) colour/,
    ],
    ['no owner anywhere', () => duckdbArgs({ view: view({ owner: undefined }) }), /owner: the attribute group needs an owner/],
    [
      'a DuckDB file name that cannot be a database name',
      () => duckdbArgs({ warehouse: { duckdb: { path: '/tmp/my warehouse.duckdb' } } }),
      /batch source database/,
    ],
    [
      'a DuckDB memory limit that is not a size',
      () => duckdbArgs({ warehouse: { duckdb: { path: 'wh.duckdb', memoryLimit: 'lots' } } }),
      /warehouse.duckdb.memoryLimit must be a number and a unit, e\.g\. 2GB, 1500MB or 4GiB/,
    ],
    ['both a password and a private key', () => snowflakeArgs({ privateKey: 'k' }), /either password or privateKey, not both/],
    ['no Snowflake credentials', () => snowflakeArgs({ password: undefined }), /dbt needs credentials/],
    [
      'dropping schemas managed elsewhere',
      () => snowflakeArgs({ createSchemas: false, dropSchemasOnDestroy: true }),
      /dropSchemasOnDestroy needs createSchemas/,
    ],
    ['a bad schema name', () => snowflakeArgs({ schema: 'my-schema' }), /schema must be letters, digits and underscores/],
    ['a bad runner', () => duckdbArgs({ dbtRunner: 'shell' as 'command' }), /dbtRunner must be "command" or "dynamic"/],
    ['a bad batch source name', () => duckdbArgs({ batchSourceName: 'with space' }), /batchSourceName must match/],
    [
      'a sync frequency Signals does not offer',
      () => duckdbArgs({ syncFrequency: 'PT2H' as 'PT1H' }),
      /syncFrequency: syncFrequency must be one of PT1H, PT6H, PT12H, P1D \(hourly, every 6 hours, every 12 hours, daily\); got "PT2H"/,
    ],
    [
      'a sync frequency that contradicts the view',
      () => duckdbArgs({ view: view({ refreshRate: 'P1D' }), syncFrequency: 'PT6H' }),
      /syncFrequency: the sync frequency is given twice and differs \(PT6H and the view's refreshRate P1D\); give one/,
    ],
    [
      'an unknown registration form',
      () => duckdbArgs({ registration: 'columns' as 'fields' }),
      /registration: registration must be "attributes" \(the definitions\) or "fields" \(the table's columns\); got "columns"/,
    ],
    [
      'a rebuild permission that is not true or false',
      () => duckdbArgs({ rebuildOnDefinitionChange: 'yes' as unknown as boolean }),
      /rebuildOnDefinitionChange/,
    ],
  ];

  it.each(cases)('rejects %s before registering anything', async (_label, makeArgs, message) => {
    const args = makeArgs();
    await settle();
    const before = registrations.length;
    let thrown: unknown;
    try {
      new BatchAttributeView('bad', args);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(BatchAttributeViewArgsError);
    expect((thrown as Error).message).toMatch(/^BatchAttributeView "bad": invalid arguments:/);
    expect((thrown as Error).message).toMatch(message);
    await settle();
    expect(registrations.length).toBe(before);
  });

  it('lists every problem at once', () => {
    let message = '';
    try {
      new BatchAttributeView('many', { ...duckdbArgs({ dbtRunner: 'x' as 'command', dbt: { threads: 0 } }), warehouse: {} });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/exactly one of/);
    expect(message).toMatch(/dbtRunner/);
    expect(message).toMatch(/dbt.threads/);
  });
});
