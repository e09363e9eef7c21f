/**
 * BatchAttributeView under Pulumi mocks: children (type, name, parent), ordering (dependencies),
 * Snowflake schemas and grants, argument validation before any registration, secrets.
 */
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import * as snowflake from '@pulumi/snowflake';
import { byName, installMocks, plainOccurrences, registrations, RUN_RESULT, SECRET_SIG_KEY, settle, value } from '../support/pulumiMocks';

installMocks(
  {
    'signals-batch:apiUrl': 'http://127.0.0.1:1',
    'signals-batch:apiKey': 'mock-api-key-value',
    'signals-batch:apiKeyId': 'mock-key-id',
    'signals-batch:orgId': 'mock-org',
  },
  ['signals-batch:apiKey'],
);

// Imported after the mocks, as the SDK requires.
import { pageView, userId } from '../../src/definition';
import { BatchAttributeView, BatchAttributeViewArgsError, type BatchAttributeViewArgs, type ViewDefinition } from '../../src/component';
import { build, COMPONENT_TYPE, tmp, view } from '../support/component';
import { generateProject } from '../../src/dbt';
import { parseView } from '../../src/definition';

// Per-test timeout of this file: it builds components under Pulumi's mock engine.
jest.setTimeout(3 * 60_000);

const DYNAMIC = (t: string) => `pulumi-nodejs:dynamic/signals-batch:${t}`;
const SCHEMA_TYPE = 'snowflake:index/schema:Schema';
const GRANT_TYPE = 'snowflake:index/grantPrivilegesToAccountRole:GrantPrivilegesToAccountRole';

function duckdbArgs(overrides: Partial<BatchAttributeViewArgs> = {}): BatchAttributeViewArgs {
  return {
    view: view(),
    warehouse: { duckdb: { path: path.join(tmp, 'warehouse.duckdb'), schema: 'signals' } },
    projectDir: path.join(tmp, 'projects'),
    ...overrides,
  };
}

const SNOWFLAKE_PASSWORD = 'hunter2-very-secret-password';

function snowflakeArgs(overrides: Partial<NonNullable<BatchAttributeViewArgs['warehouse']['snowflake']>> = {}): BatchAttributeViewArgs {
  return {
    view: view(),
    warehouse: {
      snowflake: {
        account: 'acme-prod',
        user: 'DBT_USER',
        password: pulumi.secret(SNOWFLAKE_PASSWORD),
        warehouse: 'TRANSFORMING',
        database: 'analytics',
        schema: 'signals',
        ...overrides,
      },
    },
    projectDir: path.join(tmp, 'projects'),
  };
}

describe('BatchAttributeView on DuckDB', () => {
  it('registers each child with the right type, name and parent', async () => {
    const { component, own } = await build('duck', duckdbArgs());
    const root = own.find((r) => r.type === COMPONENT_TYPE);
    expect(root?.name).toBe('duck');
    const children = own.filter((r) => r !== root).map((r) => [r.name, r.type, r.parent]);
    expect(children.sort()).toEqual(
      [
        ['duck-attribute-group', DYNAMIC('AttributeGroupRegistration'), root!.urn],
        ['duck-dbt-project', DYNAMIC('DbtProjectFiles'), root!.urn],
        ['duck-dbt-run', 'command:local:Command', root!.urn],
        ['duck-batch-source', DYNAMIC('BatchSourceRegistration'), root!.urn],
      ].sort(),
    );
    expect(component.schemas).toEqual([]);
    expect(component.grants).toEqual([]);
  });

  it('orders the children: files, then the run, then the view in Signals, then the batch source', async () => {
    await build('order', duckdbArgs());
    const urn = (n: string) => byName(n).urn;
    expect(byName('order-dbt-run').dependencies).toContain(urn('order-dbt-project'));
    // Nothing in Signals changes before the table it describes has changed.
    expect(byName('order-attribute-group').dependencies).toContain(urn('order-dbt-run'));
    expect(byName('order-batch-source').dependencies).toEqual(expect.arrayContaining([urn('order-dbt-run'), urn('order-attribute-group')]));
  });

  it('registers the view, writes the generated project and runs signals-batch run with triggers', async () => {
    const args = duckdbArgs({ dbt: { vars: { snowplow__start_date: '2025-01-01' }, threads: 2 } });
    const { component } = await build('gen', args);
    const project = generateProject(parseView(view()), { target: 'duckdb', vars: { snowplow__start_date: '2025-01-01' } });

    const group = byName('gen-attribute-group').inputs;
    expect(group.group).toMatchObject({ name: 'engagement', version: 2, owner: 'data@example.com', offline: true });
    expect(group.publish).toBe(false);

    const files = byName('gen-dbt-project').inputs;
    expect(files.dir).toBe(path.join(tmp, 'projects', 'engagement_2'));
    expect(files.files).toEqual(project.files);
    expect(files.deleteOnDestroy).toBe(false);
    expect(files.definitionHash).toBe(project.definitionHash);
    expect(files.rebuildOnDefinitionChange).toBe(false);

    const run = byName('gen-dbt-run').inputs;
    expect(run.create).toBe(
      `node bin/signals-batch.js run --json --project ${path.join(tmp, 'projects', 'engagement_2')} ` +
        `--duckdb ${path.join(tmp, 'warehouse.duckdb')} --schema signals --target-name dev --threads 2 --max-rounds 200`,
    );
    expect(run.dir).toBeUndefined();
    expect(run.triggers).toEqual([
      project.hash,
      '{"snowplow__start_date":"2025-01-01"}',
      `duckdb:${path.join(tmp, 'warehouse.duckdb')}/signals`,
    ]);
    expect(run.logging).toBe('stdoutAndStderr');

    const source = byName('gen-batch-source').inputs;
    expect(source).toMatchObject({
      attributeGroupName: 'engagement',
      attributeGroupVersion: 2,
      name: 'engagement_2_attributes',
      database: 'warehouse',
      schema: 'signals_derived',
      table: 'engagement_2_attributes',
      timestampField: 'updated_at',
      owner: 'data@example.com',
    });

    expect(await value(component.attributeTable)).toEqual({
      database: 'warehouse',
      schema: 'signals_derived',
      table: 'engagement_2_attributes',
    });
    expect(await value(component.batchSourceName)).toBe('engagement_2_attributes');
    expect(await value(component.attributeGroupVersion)).toBe(2);
    expect(await value(component.keyColumn)).toBe('domain_userid');
    const { totals, ...result } = RUN_RESULT;
    expect(await value(component.lastRun)).toEqual({ ...result, ...totals });
  });

  it("records paths inside the program's working directory relative to it, however they were given", async () => {
    const inside = (p: string) => path.join(process.cwd(), '.component-test', p);
    await build('rel', duckdbArgs({ projectDir: inside('projects'), warehouse: { duckdb: { path: inside('wh.duckdb') } } }));
    expect(byName('rel-dbt-project').inputs.dir).toBe('.component-test/projects/engagement_2');
    const run = byName('rel-dbt-run').inputs;
    expect(run.create).toContain('--project .component-test/projects/engagement_2 --duckdb .component-test/wh.duckdb --schema main');
    expect(run.triggers[2]).toBe('duckdb:.component-test/wh.duckdb/main');
    expect(JSON.stringify(registrations.filter((r) => r.name.startsWith('rel')).map((r) => r.inputs))).not.toContain(process.cwd());
  });

  it('quotes the command line for the shell (paths with spaces and quotes reach signals-batch intact)', async () => {
    const odd = path.join(tmp, "odd dir's projects");
    await build('quoted', duckdbArgs({ projectDir: odd }));
    const create: string = byName('quoted-dbt-run').inputs.create;
    const { spawnSync } = await import('node:child_process');
    // The database exists (run refuses a missing one) but the project does not: signals-batch answers with the exact path it was given.
    const fs = await import('node:fs');
    fs.mkdirSync(tmp, { recursive: true });
    if (!fs.existsSync(path.join(tmp, 'warehouse.duckdb'))) fs.writeFileSync(path.join(tmp, 'warehouse.duckdb'), '');
    // It runs in the program's working directory (no `dir`), as Pulumi runs it.
    const result = spawnSync('/bin/sh', ['-c', create], { encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${path.join(odd, 'engagement_2')} is not a generated dbt project`);
  });

  it('lets the project files accept a new definition under the same version when asked', async () => {
    await build('rebuild', duckdbArgs({ rebuildOnDefinitionChange: true }));
    expect(byName('rebuild-dbt-project').inputs.rebuildOnDefinitionChange).toBe(true);
  });

  it('uses the dynamic runner when asked', async () => {
    await build('dyn', duckdbArgs({ dbtRunner: 'dynamic' }));
    const run = byName('dyn-dbt-run');
    expect(run.type).toBe(DYNAMIC('DbtRun'));
    expect(run.inputs.command.slice(0, 5)).toEqual(['node', 'bin/signals-batch.js', 'run', '--json', '--project']);
    expect(run.inputs.cwd).toBeUndefined();
    expect(byName('dyn-batch-source').dependencies).toContain(run.urn);
  });

  it('registers no batch source when materialize is false', async () => {
    const { component } = await build('nomat', duckdbArgs({ materialize: false }));
    expect(registrations.some((r) => r.name === 'nomat-batch-source')).toBe(false);
    expect(component.batchSource).toBeUndefined();
    expect(await value(component.materialized)).toBe(false);
  });

  it('registers the attribute definitions hourly by default', async () => {
    await build(
      'defaults',
      duckdbArgs({
        view: view({
          ttl: 'P180D',
          attributes: [
            {
              name: 'page_views',
              type: 'int64',
              aggregation: 'counter',
              events: [pageView()],
              ttl: 'P30D',
              description: 'Page views, ever',
            },
          ],
        }),
      }),
    );
    const { group } = byName('defaults-attribute-group').inputs;
    expect(group).toMatchObject({
      refresh_rate: 'PT1H',
      ttl: 'P180D',
      offline: true,
      attributes: [{ name: 'page_views', ttl: 'P30D', description: 'Page views, ever' }],
    });
    expect(group).not.toHaveProperty('fields');
    expect(group).not.toHaveProperty('online');
  });

  it("registers the table's fields with the sync frequency asked for", async () => {
    await build('asfields', duckdbArgs({ registration: 'fields', syncFrequency: 'PT12H' }));
    const { group } = byName('asfields-attribute-group').inputs;
    expect(group).toMatchObject({ name: 'engagement', version: 2, refresh_rate: 'PT12H', offline: true, owner: 'data@example.com' });
    expect(group.fields).toEqual([
      { name: 'page_views', type: 'int64' },
      { name: 'last_country', type: 'string' },
    ]);
    expect(group).not.toHaveProperty('attributes');
  });

  it('does not ask for a rebuild when only descriptions change', () => {
    const described = view({ attributes: view().attributes.map((a) => ({ ...a, description: `${a.name}, explained` })) });
    const hash = (v: ViewDefinition) => generateProject(parseView(v), { target: 'duckdb' }).definitionHash;
    expect(hash(described)).toBe(hash(view()));
  });

  it('uses an explicit batch source name, timestamp field, description and owner', async () => {
    await build(
      'named',
      duckdbArgs({
        view: view({ owner: undefined }),
        owner: 'team@example.com',
        batchSourceName: 'eng_src',
        timestampField: 'synced_at',
        description: 'mine',
      }),
    );
    expect(byName('named-batch-source').inputs).toMatchObject({
      name: 'eng_src',
      timestampField: 'synced_at',
      description: 'mine',
      owner: 'team@example.com',
    });
    expect(byName('named-attribute-group').inputs.group.owner).toBe('team@example.com');
  });
});

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

describe('BatchAttributeView secrets', () => {
  it('never records the Signals API key: credentials stay in stack config', async () => {
    await build('cfg', duckdbArgs());
    expect(registrations.flatMap((r) => plainOccurrences(r.inputs, 'mock-api-key-value', r.name))).toEqual([]);
    expect(JSON.stringify(registrations.map((r) => r.inputs))).not.toContain('mock-api-key-value');
  });
});
