/**
 * The arguments of `BatchAttributeView` (TSDoc on every field: it is the argument reference) and their
 * zod schema, applied at construction so `pulumi preview` fails before anything registers. Each
 * warehouse's own arguments live with its unit in `warehouses/`.
 */
import * as pulumi from '@pulumi/pulumi';
import { z } from 'zod';
import { REFRESH_RATES, REGISTRATION_FORMS, type RefreshRate, type RegistrationForm, type View } from '../definition';
import { identifier, input, nonEmpty } from './validation';
import { WAREHOUSES, type WarehouseArgs } from './warehouses';

export type { WarehouseArgs };
export type { DuckdbWarehouseArgs } from './warehouses/duckdb';
export type { SnowflakeWarehouseArgs } from './warehouses/snowflake';
export type { BigqueryWarehouseArgs } from './warehouses/bigquery';
export type { DatabricksWarehouseArgs } from './warehouses/databricks';

/**
 * A batch attribute view in the TypeScript form (camelCase): the same fields as the Signals API's
 * attribute group, e.g. `{name, version, attributeKey: domainUserid, attributes: [...], owner}`.
 * Validated with `parseView` (errors name the attribute and the field).
 */
export interface ViewDefinition extends Omit<View, 'version'> {
  /** View version (default 1). A new version is a new attribute group, dbt project and table. */
  version?: number;
}

/** How dbt runs. */
export interface DbtArgs {
  /**
   * dbt variables written into the project's `dbt_project.yml` (names as documented there, e.g.
   * `snowplow__start_date`, `snowplow__app_id`, `snowplow__backfill_limit_days`). Unknown names and
   * wrong types are rejected at construction. A change re-runs dbt.
   */
  vars?: Record<string, unknown>;
  /** dbt threads (default: 1 on DuckDB, whose statements already use every core; 4 on a warehouse). */
  threads?: number;
  /** dbt profile name written into the project and its profiles.yml (default `signals_batch`). */
  profile?: string;
  /** dbt target name (default `dev` on DuckDB, `prod` on Snowflake, BigQuery and Databricks; `snowplow__dev_target_name` allows full refreshes). */
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
  /** The warehouse the attribute table is computed in (exactly one of `duckdb`, `snowflake`, `bigquery`, `databricks`). */
  warehouse: WarehouseArgs;
  /**
   * Directory the dbt project is written under, as `<projectDir>/<name>_<version>/`: relative to the
   * program's working directory unless absolute (a path inside that directory is recorded relative to
   * it, so the same program run from another checkout changes nothing).
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
  /**
   * How often Signals syncs the attribute table (the group's `refresh_rate`): `PT1H` (hourly, default),
   * `PT6H`, `PT12H` or `P1D`. The same as `view.refreshRate`; give one of them. A change updates the
   * group in place (`pulumi preview` shows `~syncFrequency`); the table is not recomputed.
   */
  syncFrequency?: RefreshRate;
  /**
   * How the view is registered in Signals:
   * - `attributes` (default): a batch attribute group carrying the attribute definitions;
   * - `fields`: a warehouse group listing the attribute table's columns and their types (`offline: true`,
   *   no `attributes`), for a Signals that syncs the table without knowing how it is computed.
   * A change updates the group in place (`pulumi preview` shows `~registration`).
   */
  registration?: RegistrationForm;
  /** Batch source name (default `<name>_<version>_attributes`). */
  batchSourceName?: string;
  /** Sync timestamp column of the attribute table (default `updated_at`); Signals syncs rows newer than its last sync. */
  timestampField?: string;
  /** Description of the batch source (default: one naming the view). */
  description?: string;
  /** Owner (email) of the attribute group and the batch source; required unless `view.owner` is set. */
  owner?: string;
  /**
   * What to do when the view's definition changed but its `version` did not (an attribute added, a
   * filter edited): the attribute table was computed from the old definition, so it has to be rebuilt
   * from the whole event history before Signals may describe the new one.
   * - `false` (default): `pulumi preview` and `pulumi up` stop before anything changes, saying so and
   *   how to go on (set this, or give the view a new version).
   * - `true`: `pulumi preview` warns that the tables will be rebuilt from history; `pulumi up` rebuilds
   *   them (a dbt full refresh with `snowplow__allow_refresh`) and only then updates the view in Signals.
   */
  rebuildOnDefinitionChange?: boolean;
}

// ---------------------------------------------------------------------------------------------
// zod schema (kept in step with the interfaces above by the type assertion at the end).

const SIGNALS_NAME = /^[A-Za-z0-9_]+$/;

const warehouseNames = Object.keys(WAREHOUSES).map((name) => `warehouse.${name}`);
const warehouseSchema = z
  .object(Object.fromEntries(Object.entries(WAREHOUSES).map(([name, unit]) => [name, unit.argsSchema.optional()])), {
    error: 'warehouse must be an object',
  })
  .strict()
  .refine((w) => Object.values(w).filter((value) => value !== undefined).length === 1, {
    error: `give exactly one of ${warehouseNames.slice(0, -1).join(', ')} and ${warehouseNames[warehouseNames.length - 1]}`,
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
    warehouse: warehouseSchema,
    projectDir: nonEmpty('projectDir'),
    deleteProjectOnDestroy: z.boolean().optional(),
    dbt: dbtSchema.optional(),
    dbtRunner: z.enum(['command', 'dynamic'], { error: 'dbtRunner must be "command" or "dynamic"' }).optional(),
    materialize: z.boolean().optional(),
    syncFrequency: z
      .enum(REFRESH_RATES, {
        error: (issue) =>
          `syncFrequency must be one of ${REFRESH_RATES.join(', ')} (hourly, every 6 hours, every 12 hours, daily); got ${JSON.stringify(issue.input)}`,
      })
      .optional(),
    registration: z
      .enum(REGISTRATION_FORMS, {
        error: (issue) =>
          `registration must be "attributes" (the definitions) or "fields" (the table's columns); got ${JSON.stringify(issue.input)}`,
      })
      .optional(),
    batchSourceName: z.string().max(128).regex(SIGNALS_NAME, 'batchSourceName must match ^[A-Za-z0-9_]+$').optional(),
    timestampField: identifier('timestampField').optional(),
    description: z.string().optional(),
    owner: nonEmpty('owner').optional(),
    rebuildOnDefinitionChange: z.boolean().optional(),
  })
  .strict();

// The schema accepts exactly the interface's keys (compile-time check).
type SchemaKeys = keyof z.input<typeof batchAttributeViewArgsSchema>;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const argsKeysInStep: Same<SchemaKeys, keyof BatchAttributeViewArgs> = true;
void argsKeysInStep;

export { describeArgsIssues } from './validation';
