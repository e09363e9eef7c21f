/**
 * BatchAttributeView on Snowflake under Pulumi mocks: the schemas it creates (or leaves to others),
 * the grants to the Signals role, the connection passed to the run with the password only as a secret,
 * an explicit provider, and two views side by side.
 */
import * as pulumi from '@pulumi/pulumi';
import * as snowflake from '@pulumi/snowflake';
import { installSignalsMocks } from '../support/pulumiMocks';

installSignalsMocks();

// Imported after the mocks, as the SDK requires.
import { userId } from '../../src/definition';
import { byName, plainOccurrences, registrations, SECRET_SIG_KEY, value } from '../support/pulumiMocks';
import { build, COMPONENT_TYPE, SNOWFLAKE_PASSWORD, snowflakeArgs, view } from '../support/component';

// Per-test timeout of this file: it builds components under Pulumi's mock engine.
jest.setTimeout(3 * 60_000);

const SCHEMA_TYPE = 'snowflake:index/schema:Schema';
const GRANT_TYPE = 'snowflake:index/grantPrivilegesToAccountRole:GrantPrivilegesToAccountRole';

describe('BatchAttributeView on Snowflake', () => {
  it('creates exactly the three schemas when no Signals role is given', async () => {
    const { own } = await build('sfplain', snowflakeArgs());
    const snow = own.filter((r) => r.type.startsWith('snowflake:'));
    expect(snow.map((r) => [r.name, r.type, r.inputs.database, r.inputs.name]).sort()).toEqual(
      [
        ['sfplain-derived-schema', SCHEMA_TYPE, 'ANALYTICS', 'SIGNALS_DERIVED'],
        ['sfplain-scratch-schema', SCHEMA_TYPE, 'ANALYTICS', 'SIGNALS_SCRATCH'],
        ['sfplain-manifest-schema', SCHEMA_TYPE, 'ANALYTICS', 'SIGNALS_SNOWPLOW_MANIFEST'],
      ].sort(),
    );
    const root = own.find((r) => r.type === COMPONENT_TYPE)!;
    for (const r of snow) expect(r.parent).toBe(root.urn);
    // The run waits for the schemas.
    for (const r of snow) expect(byName('sfplain-dbt-run').dependencies).toContain(r.urn);
    // Destroy keeps the schemas (and the tables) by default...
    for (const r of snow) expect(r.retainOnDelete).toBe(true);
  });

  it('drops the schemas on destroy only when asked', async () => {
    const { own } = await build('sfdrop', snowflakeArgs({ dropSchemasOnDestroy: true }));
    const schemas = own.filter((r) => r.type === SCHEMA_TYPE);
    expect(schemas.length).toBe(3);
    for (const r of schemas) expect(r.retainOnDelete).toBe(false);
  });

  it('grants the Signals role exactly usage on the database and schema and select on the table and future tables', async () => {
    const { own, component } = await build('sfrole', snowflakeArgs({ signalsRole: 'SIGNALS_SYNC' }));
    const grants = own.filter((r) => r.type === GRANT_TYPE);
    const summary = grants.map((g) => ({
      name: g.name,
      role: g.inputs.accountRoleName,
      privileges: g.inputs.privileges,
      on: g.inputs.onAccountObject ?? g.inputs.onSchema ?? g.inputs.onSchemaObject,
    }));
    expect(summary.sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      {
        name: 'sfrole-grant-database-usage',
        role: 'SIGNALS_SYNC',
        privileges: ['USAGE'],
        on: { objectType: 'DATABASE', objectName: 'ANALYTICS' },
      },
      {
        name: 'sfrole-grant-future-tables-select',
        role: 'SIGNALS_SYNC',
        privileges: ['SELECT'],
        on: { future: { objectTypePlural: 'TABLES', inSchema: '"ANALYTICS"."SIGNALS_DERIVED"' } },
      },
      {
        name: 'sfrole-grant-schema-usage',
        role: 'SIGNALS_SYNC',
        privileges: ['USAGE'],
        on: { schemaName: '"ANALYTICS"."SIGNALS_DERIVED"' },
      },
      {
        name: 'sfrole-grant-table-select',
        role: 'SIGNALS_SYNC',
        privileges: ['SELECT'],
        on: { objectType: 'TABLE', objectName: '"ANALYTICS"."SIGNALS_DERIVED"."ENGAGEMENT_2_ATTRIBUTES"' },
      },
    ]);
    // Nothing else from Snowflake than the three schemas and the four grants.
    expect(own.filter((r) => r.type.startsWith('snowflake:')).length).toBe(7);
    // The table grant waits for the table (the run); the batch source waits for every grant.
    expect(byName('sfrole-grant-table-select').dependencies).toContain(byName('sfrole-dbt-run').urn);
    for (const g of grants) expect(byName('sfrole-batch-source').dependencies).toContain(g.urn);
    expect(await value(component.attributeTable)).toEqual({
      database: 'ANALYTICS',
      schema: 'SIGNALS_DERIVED',
      table: 'ENGAGEMENT_2_ATTRIBUTES',
    });
    expect(byName('sfrole-batch-source').inputs).toMatchObject({
      database: 'ANALYTICS',
      schema: 'SIGNALS_DERIVED',
      table: 'ENGAGEMENT_2_ATTRIBUTES',
      timestampField: 'UPDATED_AT',
    });
  });

  it('creates no Snowflake resources when the schemas are managed elsewhere and no role is given', async () => {
    const { own } = await build('sfnone', snowflakeArgs({ createSchemas: false }));
    expect(own.filter((r) => r.type.startsWith('snowflake:'))).toEqual([]);
  });

  it('passes the Snowflake connection to signals-batch run, and the password only as a secret environment variable', async () => {
    await build('sfsecret', snowflakeArgs({ role: 'TRANSFORMER' }));
    const run = byName('sfsecret-dbt-run').inputs;
    expect(run.create).toContain(
      '--snowflake-account acme-prod --snowflake-user DBT_USER --snowflake-warehouse TRANSFORMING --snowflake-database ANALYTICS --snowflake-role TRANSFORMER --schema signals',
    );
    expect(run.create).toContain('--target-name prod');
    expect(run.create).not.toContain(SNOWFLAKE_PASSWORD);
    expect(run.environment[SECRET_SIG_KEY]).toBeDefined();
    expect(run.environment.value).toEqual({ SIGNALS_BATCH_DBT_PASSWORD: SNOWFLAKE_PASSWORD });
    // Nowhere in any recorded input is the password in plain text.
    expect(registrations.flatMap((r) => plainOccurrences(r.inputs, SNOWFLAKE_PASSWORD, r.name))).toEqual([]);
  });

  it('keeps a password given as a plain string secret too, and a private key', async () => {
    await build('sfplainpw', snowflakeArgs({ password: SNOWFLAKE_PASSWORD }));
    expect(byName('sfplainpw-dbt-run').inputs.environment[SECRET_SIG_KEY]).toBeDefined();
    await build(
      'sfkey',
      snowflakeArgs({ password: undefined, privateKey: 'PEM-KEY-CONTENT', privateKeyPassphrase: pulumi.secret('key-pass') }),
    );
    const env = byName('sfkey-dbt-run').inputs.environment;
    expect(env[SECRET_SIG_KEY]).toBeDefined();
    expect(env.value).toEqual({ SIGNALS_BATCH_DBT_PRIVATE_KEY: 'PEM-KEY-CONTENT', SIGNALS_BATCH_DBT_PRIVATE_KEY_PASSPHRASE: 'key-pass' });
    expect(
      registrations.flatMap((r) => [
        ...plainOccurrences(r.inputs, 'PEM-KEY-CONTENT', r.name),
        ...plainOccurrences(r.inputs, 'key-pass', r.name),
      ]),
    ).toEqual([]);
  });

  it('hands an explicit Snowflake provider to its Snowflake children', async () => {
    const provider = new snowflake.Provider('sfprov', { organizationName: 'acme', accountName: 'prod', user: 'ADMIN' });
    const providerUrn = await value(provider.urn);
    await build('sfexplicit', snowflakeArgs({ signalsRole: 'SIGNALS_SYNC' }), { providers: [provider] });
    const snow = registrations.filter((r) => r.name.startsWith('sfexplicit') && r.type.startsWith('snowflake:'));
    expect(snow.length).toBe(7);
    for (const r of snow) expect(r.provider.startsWith(`${providerUrn}::`)).toBe(true);
  });

  it('supports two views with different attribute keys side by side', async () => {
    await build('sfusers', snowflakeArgs());
    const second = snowflakeArgs({ schema: 'signals_by_user' });
    second.view = view({ name: 'by_user', attributeKey: userId });
    await build('sfbyuser', second);
    expect(byName('sfbyuser-batch-source').inputs).toMatchObject({ schema: 'SIGNALS_BY_USER_DERIVED', table: 'BY_USER_2_ATTRIBUTES' });
  });
});
