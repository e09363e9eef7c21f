/**
 * A production-shaped program: two batch attribute views over the Snowplow events in Snowflake,
 * keyed differently (the browser cookie `domain_userid` and the logged-in `user_id`), computed by dbt
 * in Snowflake and materialized in Snowplow Signals, which syncs the tables with its own role.
 *
 *   pulumi config set signals-batch-snowflake:organizationName ACME
 *   pulumi config set signals-batch-snowflake:accountName PROD
 *   pulumi config set signals-batch-snowflake:adminUser PULUMI_ADMIN
 *   pulumi config set --secret signals-batch-snowflake:adminPrivateKey "$(cat pulumi_admin.p8)"
 *   pulumi config set signals-batch-snowflake:dbtUser DBT_SIGNALS
 *   pulumi config set --secret signals-batch-snowflake:dbtPrivateKey "$(cat dbt_signals.p8)"
 *   pulumi config set signals-batch-snowflake:database SNOWPLOW        # holds ATOMIC.EVENTS
 *   pulumi config set signals-batch-snowflake:warehouse TRANSFORMING
 *   pulumi config set signals-batch-snowflake:owner data-team@acme.com
 *   pulumi config set signals-batch:apiUrl https://<your-signals-endpoint>
 *   pulumi config set signals-batch:apiKeyId <key id>
 *   pulumi config set signals-batch:orgId <organization id>
 *   pulumi config set --secret signals-batch:apiKey <api key>
 *   pulumi up
 *
 * In your own project, import from `signals-batch` instead of `../../src`.
 */
import * as pulumi from '@pulumi/pulumi';
import * as snowflake from '@pulumi/snowflake';
import { atomic, BatchAttributeView, domainUserid, event, pageView, userId } from '../../src';

/** The program (a function, which the Pulumi CLI runs); returns the stack outputs. */
export = async function program(): Promise<Record<string, unknown>> {
  const config = new pulumi.Config('signals-batch-snowflake');
  const organizationName = config.require('organizationName');
  const accountName = config.require('accountName');
  const database = config.get('database') ?? 'SNOWPLOW';
  const owner = config.require('owner');

  // An explicit provider (key-pair auth) for the Snowflake objects: passed to the components through
  // `providers`, so their schemas and grants use it too.
  const admin = new snowflake.Provider('snowflake-admin', {
    organizationName,
    accountName,
    user: config.require('adminUser'),
    role: config.get('adminRole') ?? 'SYSADMIN',
    authenticator: 'SNOWFLAKE_JWT',
    privateKey: config.requireSecret('adminPrivateKey'),
  });

  // The role Signals syncs with: each view grants it read access to its own table, nothing more.
  const signalsRole = new snowflake.AccountRole(
    'signals-sync-role',
    { name: 'SIGNALS_SYNC', comment: 'Snowplow Signals batch sync' },
    { provider: admin },
  );

  // dbt connects as its own user; its key reaches dbt only as a secret environment variable.
  const warehouse = {
    account: `${organizationName}-${accountName}`,
    user: config.require('dbtUser'),
    privateKey: config.requireSecret('dbtPrivateKey'),
    role: config.get('dbtRole') ?? 'TRANSFORMER',
    warehouse: config.get('warehouse') ?? 'TRANSFORMING',
    database,
    signalsRole: signalsRole.name,
  };
  const dbt = { vars: { snowplow__start_date: '2025-01-01', snowplow__app_id: ['web-shop'], snowplow__atomic_schema: 'ATOMIC' } };

  // Browser-level engagement, keyed by the first-party cookie.
  const engagement = new BatchAttributeView(
    'web-engagement',
    {
      view: {
        name: 'web_engagement',
        version: 1,
        description: 'What each browser did on the shop',
        attributeKey: domainUserid,
        attributes: [
          { name: 'page_views_30d', type: 'int64', aggregation: 'counter', events: [pageView()], period: 'P30D' },
          {
            name: 'first_referrer_host',
            type: 'string',
            aggregation: 'first',
            events: [pageView()],
            property: atomic('refr_urlhost'),
            defaultValue: 'direct',
          },
          { name: 'last_page_title', type: 'string', aggregation: 'last', events: [pageView()], property: atomic('page_title') },
        ],
      },
      owner,
      warehouse: { snowflake: { ...warehouse, schema: 'SIGNALS_WEB' } },
      projectDir: 'dbt',
      dbt,
    },
    { providers: [admin] },
  );

  // Customer value, keyed by the logged-in user id: a different attribute key and its own schemas.
  const transaction = event('com.snowplowanalytics.snowplow', 'transaction', '1-0-0');
  const customers = new BatchAttributeView(
    'customer-value',
    {
      view: {
        name: 'customer_value',
        version: 1,
        description: 'Orders and revenue per customer',
        attributeKey: userId,
        attributes: [
          { name: 'orders_lifetime', type: 'int64', aggregation: 'counter', events: [transaction] },
          {
            name: 'revenue_lifetime',
            type: 'double',
            aggregation: 'sum',
            events: [transaction],
            property: atomic('tr_total'),
            defaultValue: 0,
          },
          { name: 'revenue_90d', type: 'double', aggregation: 'sum', events: [transaction], property: atomic('tr_total'), period: 'P90D' },
          { name: 'last_order_country', type: 'string', aggregation: 'last', events: [transaction], property: atomic('geo_country') },
        ],
      },
      owner,
      warehouse: { snowflake: { ...warehouse, schema: 'SIGNALS_CUSTOMERS' } },
      projectDir: 'dbt',
      dbt,
      description: 'Customer value attributes, refreshed by pulumi up',
    },
    { providers: [admin] },
  );

  return {
    engagementTable: engagement.attributeTable,
    engagementLastRun: engagement.lastRun,
    customersTable: customers.attributeTable,
    customersLastRun: customers.lastRun,
    signalsRole: signalsRole.name,
  };
};
