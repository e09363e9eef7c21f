/**
 * The arguments of `BatchAttributeView` (TSDoc on every field: it is the reference documentation)
 * and their zod schema, applied at construction so `pulumi preview` fails before anything registers.
 */
import * as pulumi from '@pulumi/pulumi';
import * as path from 'node:path';
import { z } from 'zod';
import type { View } from '../definition';

/**
 * A batch attribute view in the TypeScript form (camelCase): the same fields as the Signals API's
 * attribute group, e.g. `{name, version, attributeKey: domainUserid, attributes: [...], owner}`.
 * Validated with `parseView` (errors name the attribute and the field).
 */
export interface ViewDefinition extends Omit<View, 'version'> {
  /** View version (default 1). A new version is a new attribute group, dbt project and table. */
  version?: number;
}

/** The embedded default warehouse: a DuckDB file holding the atomic events (`atomic.events`). */
export interface DuckdbWarehouseArgs {
  /**
   * The DuckDB database file (relative paths resolve against the program's working directory). dbt
   * creates it and the schemas it writes to when missing. Its file stem is the `database` name of the
   * batch source (what dbt-duckdb calls the database), so it must match `^[A-Za-z0-9_-]+$`.
   */
  path: string;
  /**
   * dbt target schema (default `main`): the tables land in `<schema>_derived`, `<schema>_scratch`
   * and `<schema>_snowplow_manifest`.
   */
  schema?: string;
}

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

/** Where the attribute table is computed: exactly one of `duckdb` and `snowflake`. */
export interface WarehouseArgs {
  /** DuckDB (local file; the quickstart's and the tests' warehouse). */
  duckdb?: DuckdbWarehouseArgs;
  /** Snowflake (production). */
  snowflake?: SnowflakeWarehouseArgs;
}

/** How dbt runs. */
export interface DbtArgs {
  /**
   * dbt variables written into the project's `dbt_project.yml` (names as documented there, e.g.
   * `snowplow__start_date`, `snowplow__app_id`, `snowplow__backfill_limit_days`). Unknown names and
   * wrong types are rejected at construction. A change re-runs dbt.
   */
  vars?: Record<string, unknown>;
  /** dbt threads (default 4). */
  threads?: number;
  /** dbt profile name written into the project and its profiles.yml (default `signals_batch`). */
  profile?: string;
  /** dbt target name (default `dev` on DuckDB, `prod` on Snowflake; `snowplow__dev_target_name` allows full refreshes). */
  targetName?: string;
  /** Run with `--full-refresh` (state is dropped only where `snowplow__allow_refresh` or the dev target allows it). */
  fullRefresh?: boolean;
  /** Upper bound on dbt rounds per run (default 200); each round processes `snowplow__backfill_limit_days` of loads. */
  maxRounds?: number;
  /**
   * Any value whose change re-runs dbt (e.g. a date, or the id of the last load), so new events are
   * processed by `pulumi up`. The run also re-runs when the project, its variables or the target change.
   */
  rerunTrigger?: pulumi.Input<string>;
}

/** The arguments of `BatchAttributeView`. */
export interface BatchAttributeViewArgs {
  /** The view definition (TypeScript form). Its name and version name the attribute group, the dbt project and the table. */
  view: ViewDefinition;
  /** The warehouse the attribute table is computed in (exactly one of `duckdb`, `snowflake`). */
  warehouse: WarehouseArgs;
  /**
   * Directory the dbt project is written under, as `<projectDir>/<name>_<version>/` (relative paths
   * resolve against the program's working directory).
   */
  projectDir: string;
  /** Remove the dbt project directory on `pulumi destroy` (default false: the files stay). */
  deleteProjectOnDestroy?: boolean;
  /** dbt options. */
  dbt?: DbtArgs;
  /**
   * How the dbt run is performed: `command` (default) registers a `@pulumi/command` 1.2.1
   * `local.Command` (needs the `pulumi-resource-command` plugin); `dynamic` runs the same
   * `signals-batch run` through this package's own dynamic provider (no plugin needed).
   */
  dbtRunner?: 'command' | 'dynamic';
  /**
   * Register the attribute table as the view's batch source in Signals and publish it (default true).
   * When false, the view is registered and computed but not synced.
   */
  materialize?: boolean;
  /** Batch source name (default `<name>_<version>_attributes`). */
  batchSourceName?: string;
  /** Sync timestamp column of the attribute table (default `updated_at`); Signals syncs rows newer than its last sync. */
  timestampField?: string;
  /** Description of the batch source (default: one naming the view). */
  description?: string;
  /** Owner (email) of the attribute group and the batch source; required unless `view.owner` is set. */
  owner?: string;
}

// ---------------------------------------------------------------------------------------------
// zod schema (kept in step with the interfaces above by the type assertion at the end).

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SIGNALS_NAME = /^[A-Za-z0-9_]+$/;

/** A value given directly, or as a Pulumi `Output`/promise (validated when it resolves). */
function input<T extends z.ZodType>(schema: T) {
  return z.union([
    schema,
    z.custom<pulumi.Output<unknown>>((v) => pulumi.Output.isInstance(v) || v instanceof Promise, { error: 'expected a value or a Pulumi Output' }),
  ]);
}

const nonEmpty = (what: string) => z.string({ error: `${what} must be a string` }).min(1, `${what} must not be empty`);
const identifier = (what: string) =>
  z.string({ error: `${what} must be a string` }).regex(IDENTIFIER, `${what} must be letters, digits and underscores, not starting with a digit`);

const duckdbSchema = z
  .object({
    path: nonEmpty('warehouse.duckdb.path').refine((p) => /^[A-Za-z0-9_-]+$/.test(path.basename(p, path.extname(p))), {
      error: 'the DuckDB file name (without extension) is the batch source database and must match ^[A-Za-z0-9_-]+$',
    }),
    schema: identifier('warehouse.duckdb.schema').optional(),
  })
  .strict();

const snowflakeSchema = z
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

const dbtSchema = z
  .object({
    vars: z.record(z.string(), z.unknown()).optional(),
    threads: z.number().int('threads must be a whole number').min(1).max(64).optional(),
    profile: identifier('dbt.profile').optional(),
    targetName: identifier('dbt.targetName').optional(),
    fullRefresh: z.boolean().optional(),
    maxRounds: z.number().int('maxRounds must be a whole number').min(1).max(10000).optional(),
    rerunTrigger: input(z.string()).optional(),
  })
  .strict();

export const batchAttributeViewArgsSchema = z
  .object({
    view: z.record(z.string(), z.unknown(), { error: 'view must be an object (the view definition)' }),
    warehouse: z
      .object({ duckdb: duckdbSchema.optional(), snowflake: snowflakeSchema.optional() }, { error: 'warehouse must be an object' })
      .strict()
      .refine((w) => (w.duckdb === undefined) !== (w.snowflake === undefined), { error: 'give exactly one of warehouse.duckdb and warehouse.snowflake' }),
    projectDir: nonEmpty('projectDir'),
    deleteProjectOnDestroy: z.boolean().optional(),
    dbt: dbtSchema.optional(),
    dbtRunner: z.enum(['command', 'dynamic'], { error: 'dbtRunner must be "command" or "dynamic"' }).optional(),
    materialize: z.boolean().optional(),
    batchSourceName: z.string().max(128).regex(SIGNALS_NAME, 'batchSourceName must match ^[A-Za-z0-9_]+$').optional(),
    timestampField: identifier('timestampField').optional(),
    description: z.string().optional(),
    owner: nonEmpty('owner').optional(),
  })
  .strict();

// The schema accepts exactly the interface's keys (compile-time check).
type SchemaKeys = keyof z.input<typeof batchAttributeViewArgsSchema>;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const argsKeysInStep: Same<SchemaKeys, keyof BatchAttributeViewArgs> = true;
void argsKeysInStep;

/** A zod issue -> `field.path: message`. */
export function describeArgsIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const where = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.').replace(/\.\[/g, '[');
    if (issue.code === 'unrecognized_keys') return `${where ? `${where}: ` : ''}unknown argument(s) ${issue.keys.join(', ')}`;
    return `${where ? `${where}: ` : ''}${issue.message}`;
  });
}
