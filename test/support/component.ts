/**
 * Building a `BatchAttributeView` under the mocks (import this after `installMocks`, as the SDK
 * requires): a sample view, arguments for DuckDB and Snowflake, and `build`, which waits for every
 * child and returns those it registered.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { atomic, domainUserid, pageView } from '../../src/definition';
import { BatchAttributeView, type BatchAttributeViewArgs, type ViewDefinition } from '../../src/component';
import { registrations, settle, value } from './pulumiMocks';

export const COMPONENT_TYPE = 'signals-batch:index:BatchAttributeView';

/** Where the component tests write their projects. */
export const tmp = path.join(os.tmpdir(), 'signals-batch-component-test');

/** A two-attribute view keyed by `domain_userid` (table `engagement_2_attributes`). */
export function view(overrides: Partial<ViewDefinition> = {}): ViewDefinition {
  return {
    name: 'engagement',
    version: 2,
    owner: 'data@example.com',
    attributeKey: domainUserid,
    attributes: [
      { name: 'page_views', type: 'int64', aggregation: 'counter', events: [pageView()] },
      { name: 'last_country', type: 'string', aggregation: 'last', events: [pageView()], property: atomic('geo_country') },
    ],
    ...overrides,
  };
}

/** Construct, wait for every child, and return the registrations made for it. */
export async function build(name: string, args: BatchAttributeViewArgs, opts?: pulumi.ComponentResourceOptions) {
  const before = registrations.length;
  const component = new BatchAttributeView(name, args, opts);
  await value(component.attributeGroupName);
  await value(component.lastRun);
  await value(component.attributeTable);
  if (component.batchSource) await value(component.batchSource.urn);
  await Promise.all([component.dbtRun.urn, ...component.grants.map((g) => g.urn), ...component.schemas.map((s) => s.urn)].map(value));
  await settle();
  return { component, own: registrations.slice(before).filter((r) => r.name.startsWith(name)) };
}

/** The sample view on a DuckDB warehouse under `tmp`. */
export function duckdbArgs(overrides: Partial<BatchAttributeViewArgs> = {}): BatchAttributeViewArgs {
  return {
    view: view(),
    warehouse: { duckdb: { path: path.join(tmp, 'warehouse.duckdb'), schema: 'signals' } },
    projectDir: path.join(tmp, 'projects'),
    ...overrides,
  };
}

/** The Snowflake password of `snowflakeArgs`: a test asserts it stays secret. */
export const SNOWFLAKE_PASSWORD = 'hunter2-very-secret-password';

/** The sample view on Snowflake, the password a secret. */
export function snowflakeArgs(
  overrides: Partial<NonNullable<BatchAttributeViewArgs['warehouse']['snowflake']>> = {},
): BatchAttributeViewArgs {
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
