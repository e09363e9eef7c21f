/**
 * Snowflake: the three schemas dbt writes to (`snowflake.Schema`, kept on destroy unless asked), the
 * grants Signals needs to sync the table, and the run's credentials as secret environment variables.
 */
import * as pulumi from '@pulumi/pulumi';
import * as snowflake from '@pulumi/snowflake';
import { z } from 'zod';
import { SECRET_ENV } from '../../runner/profiles';
import { identifier, input, nonEmpty } from '../validation';
import { secretEnvironment, type WarehouseUnit } from './unit';

/**
 * A Snowflake account. Names are used as Snowflake resolves unquoted identifiers (upper case), which
 * is how dbt creates them: the schemas and the synced table are registered in upper case.
 */
export interface SnowflakeWarehouseArgs {
  /** Account identifier as dbt-snowflake expects it (`<org>-<account>` or the account locator). */
  account: pulumi.Input<string>;
  /** User dbt connects as. */
  user: pulumi.Input<string>;
  /** Password of `user` (secret). Passed to dbt through a secret environment variable only; give `pulumi.secret(...)` or a secret config value. */
  password?: pulumi.Input<string>;
  /** PEM private key for key-pair authentication (secret), instead of `password`. */
  privateKey?: pulumi.Input<string>;
  /** Passphrase of an encrypted `privateKey` (secret). */
  privateKeyPassphrase?: pulumi.Input<string>;
  /** Role dbt uses (default: the user's default role). It must own or be able to create the three schemas. */
  role?: pulumi.Input<string>;
  /** Virtual warehouse dbt runs on. */
  warehouse: pulumi.Input<string>;
  /** Database holding the atomic events and the generated schemas (e.g. a `snowflake.Database`'s `name`). */
  database: pulumi.Input<string>;
  /**
   * dbt target schema (required; letters, digits, underscore): the tables land in `<SCHEMA>_DERIVED`,
   * `<SCHEMA>_SCRATCH` and `<SCHEMA>_SNOWPLOW_MANIFEST`.
   */
  schema: string;
  /**
   * Create the three schemas as `snowflake.Schema` resources (default true). Set false when they are
   * managed elsewhere; dbt then needs them to exist or the right to create them.
   */
  createSchemas?: boolean;
  /**
   * Drop the three schemas (and so every table in them) on `pulumi destroy` (default false: the
   * schema resources are left in Snowflake, `retainOnDelete`, and the tables are kept).
   */
  dropSchemasOnDestroy?: boolean;
  /**
   * The account role Signals syncs with. When set, the component grants it exactly: USAGE on the
   * database, USAGE on the derived schema, SELECT on the attribute table and SELECT on future tables of
   * the derived schema. Nothing else is granted.
   */
  signalsRole?: pulumi.Input<string>;
}

const argsSchema = z
  .object({
    account: input(nonEmpty('account')),
    user: input(nonEmpty('user')),
    password: input(nonEmpty('password')).optional(),
    privateKey: input(nonEmpty('privateKey')).optional(),
    privateKeyPassphrase: input(nonEmpty('privateKeyPassphrase')).optional(),
    role: input(nonEmpty('role')).optional(),
    warehouse: input(nonEmpty('warehouse')),
    database: input(nonEmpty('database')),
    schema: identifier('schema'),
    createSchemas: z.boolean().optional(),
    dropSchemasOnDestroy: z.boolean().optional(),
    signalsRole: input(nonEmpty('signalsRole')).optional(),
  })
  .strict()
  .refine((s) => !(s.password !== undefined && s.privateKey !== undefined), {
    error: 'give either password or privateKey, not both',
    path: ['password'],
  })
  .refine((s) => s.password !== undefined || s.privateKey !== undefined, {
    error: 'dbt needs credentials: give password or privateKey (as secrets)',
    path: ['password'],
  })
  .refine((s) => !(s.dropSchemasOnDestroy && s.createSchemas === false), {
    error: 'dropSchemasOnDestroy needs createSchemas (the schemas are managed elsewhere)',
    path: ['dropSchemasOnDestroy'],
  })
  .refine((s) => s.privateKeyPassphrase === undefined || s.privateKey !== undefined, {
    error: 'privateKeyPassphrase needs privateKey',
    path: ['privateKeyPassphrase'],
  });

export const snowflakeWarehouse: WarehouseUnit<SnowflakeWarehouseArgs> = {
  target: 'snowflake',
  argsSchema,
  setup(sf, { name, parent, project }) {
    const database = pulumi.output(sf.database).apply((d) => d.toUpperCase());
    const base = sf.schema.toUpperCase();
    const names = { derived: `${base}_DERIVED`, scratch: `${base}_SCRATCH`, manifest: `${base}_SNOWPLOW_MANIFEST` };
    const table = project.tables.attributes.toUpperCase();

    const schemas: snowflake.Schema[] = [];
    let derivedFqn: pulumi.Output<string> = pulumi.interpolate`"${database}"."${names.derived}"`;
    if (sf.createSchemas ?? true) {
      for (const [kind, schemaName] of Object.entries(names) as [keyof typeof names, string][]) {
        const schema = new snowflake.Schema(
          `${name}-${kind}-schema`,
          { database, name: schemaName, comment: `signals-batch: ${kind} tables of ${project.name}` },
          // Destroy keeps the warehouse tables unless asked to drop them.
          { parent, retainOnDelete: !(sf.dropSchemasOnDestroy ?? false) },
        );
        schemas.push(schema);
        if (kind === 'derived') derivedFqn = schema.fullyQualifiedName;
      }
    }

    const grants: snowflake.GrantPrivilegesToAccountRole[] = [];
    const role = sf.signalsRole;
    const grant = (
      suffix: string,
      args: Omit<snowflake.GrantPrivilegesToAccountRoleArgs, 'accountRoleName'>,
      dependsOn: pulumi.Resource[],
    ) =>
      grants.push(
        new snowflake.GrantPrivilegesToAccountRole(`${name}-grant-${suffix}`, { accountRoleName: role!, ...args }, { parent, dependsOn }),
      );
    if (role !== undefined) {
      grant('database-usage', { privileges: ['USAGE'], onAccountObject: { objectType: 'DATABASE', objectName: database } }, schemas);
      grant('schema-usage', { privileges: ['USAGE'], onSchema: { schemaName: derivedFqn } }, schemas);
      grant(
        'future-tables-select',
        { privileges: ['SELECT'], onSchemaObject: { future: { objectTypePlural: 'TABLES', inSchema: derivedFqn } } },
        schemas,
      );
    }

    return {
      attributeTable: database.apply((db) => ({ database: db, schema: names.derived, table })),
      connectionArgs: [
        '--snowflake-account',
        sf.account,
        '--snowflake-user',
        sf.user,
        '--snowflake-warehouse',
        sf.warehouse,
        '--snowflake-database',
        database,
        ...(sf.role !== undefined ? ['--snowflake-role', sf.role] : []),
        '--schema',
        sf.schema,
      ],
      secretEnvironment: secretEnvironment({
        [SECRET_ENV.password]: sf.password,
        [SECRET_ENV.privateKey]: sf.privateKey,
        [SECRET_ENV.privateKeyPassphrase]: sf.privateKeyPassphrase,
      }),
      identity: pulumi.interpolate`snowflake:${sf.account}/${database}/${sf.schema}`,
      defaultTargetName: 'prod',
      timestampField: (column) => column.toUpperCase(),
      runDependsOn: schemas,
      // The table exists only once dbt has run.
      afterRun(run) {
        if (role === undefined) return;
        grant(
          'table-select',
          { privileges: ['SELECT'], onSchemaObject: { objectType: 'TABLE', objectName: pulumi.interpolate`${derivedFqn}."${table}"` } },
          [run, ...schemas],
        );
      },
      schemas,
      grants,
    };
  },
};
