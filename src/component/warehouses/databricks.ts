/**
 * Databricks (Unity Catalog): the three schemas dbt writes to (`databricks.Schema` from the optional
 * `@pulumi/databricks`, kept on destroy unless asked), the grants the Signals principal needs to sync
 * the table, and the token as a secret environment variable of the run.
 */
import type * as databricksSdk from '@pulumi/databricks';
import * as pulumi from '@pulumi/pulumi';
import { z } from 'zod';
import { NAME_RULES, SECRET_ENV } from '../../runner/profiles';
import { identifier, input, nonEmpty } from '../validation';
import { loadPackage, needsPackage, provisioningIssues } from './optionalPackage';
import { schemaNames, secretEnvironment, type WarehouseUnit } from './unit';

/**
 * A Databricks workspace with Unity Catalog. Unity Catalog keeps names in lower case, so the catalog,
 * the schemas and the table are registered in lower case.
 */
export interface DatabricksWarehouseArgs {
  /** Workspace host, e.g. `adb-1234567890123456.7.azuredatabricks.net` (no scheme or path). */
  host: pulumi.Input<string>;
  /** HTTP path of the SQL warehouse or cluster dbt runs on, e.g. `/sql/1.0/warehouses/abc123`. */
  httpPath: pulumi.Input<string>;
  /** Personal access or service principal token dbt connects with (secret). Passed to dbt through a secret environment variable only. */
  token: pulumi.Input<string>;
  /** Unity Catalog catalog holding the generated schemas (e.g. a `databricks.Catalog`'s `name`). */
  catalog: pulumi.Input<string>;
  /**
   * dbt target schema (required; letters, digits, underscore): the tables land in `<schema>_derived`,
   * `<schema>_scratch` and `<schema>_snowplow_manifest` of `catalog`.
   */
  schema: string;
  /**
   * Create the three schemas as `databricks.Schema` resources (default true; needs the optional
   * `@pulumi/databricks` package). Set false when they are managed elsewhere or dbt may create them:
   * dbt then needs them to exist or the right to create them, and the schema grant waits for the run.
   */
  createSchemas?: boolean;
  /**
   * Drop the three schemas (and every table in them) on `pulumi destroy` (default false: the schema
   * resources are left in Databricks, `retainOnDelete`, and the tables are kept). Needs `createSchemas`.
   */
  dropSchemasOnDestroy?: boolean;
  /**
   * The principal Signals syncs with (a user name, group name or service principal application id).
   * When set, the component grants it exactly `USE_CATALOG` on the catalog, and `USE_SCHEMA` and `SELECT`
   * on the derived schema (which covers the attribute table and any table added there). Nothing else is
   * granted; each grant is `databricks.Grant`, which leaves every other principal's privileges as they are.
   * Needs `@pulumi/databricks`.
   */
  signalsPrincipal?: pulumi.Input<string>;
}

const PACKAGE = '@pulumi/databricks';

const rule = (key: 'databricksHost' | 'databricksHttpPath', what: string) =>
  input(z.string().regex(NAME_RULES[key].pattern, `${what} must be ${NAME_RULES[key].says}`));

const argsSchema = z
  .object({
    host: rule('databricksHost', 'host'),
    httpPath: rule('databricksHttpPath', 'httpPath'),
    token: input(nonEmpty('token')),
    catalog: input(nonEmpty('catalog')),
    schema: identifier('schema'),
    createSchemas: z.boolean().optional(),
    dropSchemasOnDestroy: z.boolean().optional(),
    signalsPrincipal: input(nonEmpty('signalsPrincipal')).optional(),
  })
  .strict()
  .superRefine((s, ctx) => provisioningIssues(s, s.signalsPrincipal, { name: PACKAGE, warehouse: 'databricks', schemas: 'schemas' }, ctx));

export const databricksWarehouse: WarehouseUnit<DatabricksWarehouseArgs> = {
  target: 'databricks',
  argsSchema,
  setup(dbx, { name, parent, project }) {
    const catalog = pulumi.output(dbx.catalog).apply((c) => c.toLowerCase());
    const names = schemaNames(dbx.schema.toLowerCase(), project);
    const drop = dbx.dropSchemasOnDestroy ?? false;
    const sdk = needsPackage(dbx, dbx.signalsPrincipal) ? loadPackage<typeof databricksSdk>(PACKAGE, 'databricks') : undefined;

    const schemas: databricksSdk.Schema[] = [];
    if (sdk && (dbx.createSchemas ?? true)) {
      for (const [kind, schemaName] of Object.entries(names)) {
        schemas.push(
          new sdk.Schema(
            `${name}-${kind}-schema`,
            { catalogName: catalog, name: schemaName, comment: `signals-batch: ${kind} tables of ${project.name}`, forceDestroy: drop },
            // Destroy keeps the warehouse tables unless asked to drop them.
            { parent, retainOnDelete: !drop },
          ),
        );
      }
    }

    const grants: databricksSdk.Grant[] = [];
    const principal = dbx.signalsPrincipal;
    const grant = (suffix: string, args: Omit<databricksSdk.GrantArgs, 'principal'>, dependsOn: pulumi.Resource[]) =>
      grants.push(new sdk!.Grant(`${name}-grant-${suffix}`, { principal: principal!, ...args }, { parent, dependsOn }));
    const grantSchema = (dependsOn: pulumi.Resource[]) =>
      grant('derived-schema', { schema: pulumi.interpolate`${catalog}.${names.derived}`, privileges: ['USE_SCHEMA', 'SELECT'] }, dependsOn);
    if (principal !== undefined) {
      grant('catalog-usage', { catalog, privileges: ['USE_CATALOG'] }, schemas);
      // On a schema created here the grant comes first; one dbt creates exists only after the run.
      if (schemas.length > 0) grantSchema(schemas);
    }

    return {
      attributeTable: catalog.apply((database) => ({ database, schema: names.derived, table: project.tables.attributes.toLowerCase() })),
      connectionArgs: [
        '--databricks-host',
        dbx.host,
        '--databricks-http-path',
        dbx.httpPath,
        '--databricks-catalog',
        catalog,
        '--schema',
        dbx.schema,
      ],
      secretEnvironment: secretEnvironment({ [SECRET_ENV.token]: dbx.token }),
      identity: pulumi.interpolate`databricks:${dbx.host}/${catalog}/${dbx.schema}`,
      defaultTargetName: 'prod',
      timestampField: (column) => column.toLowerCase(),
      runDependsOn: schemas,
      afterRun(run) {
        if (principal !== undefined && schemas.length === 0) grantSchema([run]);
      },
      schemas,
      grants,
    };
  },
};
