/**
 * examples/snowflake under Pulumi mocks: two views with different attribute keys, every Snowflake
 * child through the explicit provider, grants to the Signals role, dbt's key only as a secret.
 */
import { installMocks, plainOccurrences, registrations, settle, value } from '../support/pulumiMocks';

const ADMIN_KEY = '-----BEGIN PRIVATE KEY-----admin-----END PRIVATE KEY-----';
const DBT_KEY = '-----BEGIN PRIVATE KEY-----dbt-----END PRIVATE KEY-----';

installMocks(
  {
    'signals-batch-snowflake:organizationName': 'ACME',
    'signals-batch-snowflake:accountName': 'PROD',
    'signals-batch-snowflake:adminUser': 'PULUMI_ADMIN',
    'signals-batch-snowflake:adminPrivateKey': ADMIN_KEY,
    'signals-batch-snowflake:dbtUser': 'DBT_SIGNALS',
    'signals-batch-snowflake:dbtPrivateKey': DBT_KEY,
    'signals-batch-snowflake:owner': 'data-team@acme.com',
    'signals-batch:apiUrl': 'https://signals.example.invalid',
    'signals-batch:apiKeyId': 'id',
    'signals-batch:orgId': 'org',
    'signals-batch:apiKey': 'key',
  },
  ['signals-batch-snowflake:adminPrivateKey', 'signals-batch-snowflake:dbtPrivateKey', 'signals-batch:apiKey'],
);

import program = require('../../examples/snowflake/index');

// Per-test timeout of this file: it runs the example program under Pulumi's mock engine.
jest.setTimeout(3 * 60_000);

describe('examples/snowflake', () => {
  let outputs: Record<string, unknown>;

  beforeAll(async () => {
    outputs = await program();
    for (const v of Object.values(outputs)) await value(v as never);
    await settle();
  });

  it('declares two views with different attribute keys', async () => {
    const groups = registrations.filter((r) => r.type.endsWith(':AttributeGroupRegistration'));
    expect(groups.map((g) => [g.name, g.inputs.group.name, g.inputs.group.attribute_key.name]).sort()).toEqual([
      ['customer-value-attribute-group', 'customer_value', 'user_id'],
      ['web-engagement-attribute-group', 'web_engagement', 'domain_userid'],
    ]);
    expect(await value(outputs.engagementTable as never)).toEqual({
      database: 'SNOWPLOW',
      schema: 'SIGNALS_WEB_DERIVED',
      table: 'WEB_ENGAGEMENT_1_ATTRIBUTES',
    });
    expect(await value(outputs.customersTable as never)).toEqual({
      database: 'SNOWPLOW',
      schema: 'SIGNALS_CUSTOMERS_DERIVED',
      table: 'CUSTOMER_VALUE_1_ATTRIBUTES',
    });
  });

  it('creates every Snowflake object through the explicit provider', async () => {
    const provider = registrations.find((r) => r.type === 'pulumi:providers:snowflake' && r.name === 'snowflake-admin');
    expect(provider).toBeDefined();
    const snow = registrations.filter((r) => r.type.startsWith('snowflake:'));
    // A role, 2 x (3 schemas + 4 grants).
    expect(snow.length).toBe(1 + 2 * 7);
    for (const r of snow) expect(r.provider.startsWith(`${provider!.urn}::`)).toBe(true);
    const grants = snow.filter((r) => r.type.endsWith(':GrantPrivilegesToAccountRole'));
    expect(new Set(grants.map((g) => g.inputs.accountRoleName))).toEqual(new Set(['SIGNALS_SYNC']));
  });

  it('runs dbt on Snowflake with the key only in a secret environment variable', () => {
    const runs = registrations.filter((r) => r.name.endsWith('-dbt-run'));
    expect(runs.length).toBe(2);
    for (const run of runs) {
      expect(run.type).toBe('command:local:Command');
      expect(run.inputs.create).toContain('--snowflake-account ACME-PROD --snowflake-user DBT_SIGNALS');
      expect(run.inputs.environment.value).toEqual({ SIGNALS_BATCH_DBT_PRIVATE_KEY: DBT_KEY });
    }
    for (const secret of [ADMIN_KEY, DBT_KEY]) expect(registrations.flatMap((r) => plainOccurrences(r.inputs, secret, r.name))).toEqual([]);
  });
});
