/**
 * What a warehouse contributes to a `BatchAttributeView`: one unit per warehouse (a file in this folder
 * and a line in `index.ts`) turns its arguments into what the rest of the component needs.
 */
import * as pulumi from '@pulumi/pulumi';
import type { z } from 'zod';
import type { GeneratedProject, Target } from '../../dbt';

/** Where the synced attribute table lives (the batch source's database, schema and table). */
export interface AttributeTableRef {
  database: string;
  schema: string;
  table: string;
}

/** What a warehouse unit is given besides its own arguments. */
export interface WarehouseContext {
  /** The component's name: children are named `<name>-...`. */
  name: string;
  /** The component (every child's parent). */
  parent: pulumi.Resource;
  /** The generated dbt project (its table names). */
  project: GeneratedProject;
}

/** What the rest of the component needs from a warehouse. */
export interface WarehouseSetup {
  /** The attribute table, as registered in the batch source. */
  attributeTable: pulumi.Output<AttributeTableRef>;
  /** `signals-batch run` options that name the warehouse (never a secret). */
  connectionArgs: pulumi.Input<string>[];
  /** Environment variables holding the run's credentials (a secret Output), when there are any. */
  secretEnvironment?: pulumi.Output<Record<string, string>>;
  /** Identifies the target: a change re-runs dbt. */
  identity: pulumi.Input<string>;
  /** dbt target name unless the arguments set one. */
  defaultTargetName: string;
  /** The sync timestamp column as the warehouse names it (e.g. upper case on Snowflake). */
  timestampField(column: string): string;
  /** What the run waits for (e.g. the schemas it writes to). */
  runDependsOn: pulumi.Resource[];
  /** Called with the run: creates what needs the table (e.g. a grant on it) and adds it to `grants`. */
  afterRun(run: pulumi.Resource): void;
  /** The warehouse's schemas, for the component's public `schemas`. */
  schemas: pulumi.CustomResource[];
  /** Grants to the Signals sync role (complete once `afterRun` ran): materialization waits for them. */
  grants: pulumi.CustomResource[];
}

/** One warehouse: its dialect, the schema of its arguments, and how it is set up. */
export interface WarehouseUnit<Args> {
  target: Target;
  /** zod schema of its arguments (checked at construction, with every other argument). */
  argsSchema: z.ZodType;
  setup(args: Args, context: WarehouseContext): WarehouseSetup;
}

/** The three schemas dbt writes to, `<base>_<suffix>` (the derived one holds the synced table). */
export function schemaNames(base: string, project: GeneratedProject): { derived: string; scratch: string; manifest: string } {
  const { derivedSchemaSuffix, scratchSchemaSuffix, manifestSchemaSuffix } = project.tables;
  return {
    derived: `${base}_${derivedSchemaSuffix}`,
    scratch: `${base}_${scratchSchemaSuffix}`,
    manifest: `${base}_${manifestSchemaSuffix}`,
  };
}

/** The run's credentials as environment variables (those given), always a secret Output, even for plain strings. */
export function secretEnvironment(values: Record<string, pulumi.Input<string> | undefined>): pulumi.Output<Record<string, string>> {
  const given: Record<string, pulumi.Input<string>> = {};
  for (const [name, value] of Object.entries(values)) if (value !== undefined) given[name] = value;
  return pulumi.secret(given) as pulumi.Output<Record<string, string>>;
}
