/**
 * `BatchAttributeView`: a declared batch attribute view, live in Signals.
 *
 * Children (each `{parent: this}`, named `<name>-...`), in the order they change things:
 * 1. `<name>-dbt-project`      the generated dbt project's files (dynamic resource: preview lists changed files);
 * 2. the warehouse's own children (see `warehouses/`: on Snowflake, BigQuery and Databricks the schemas
 *    or datasets and the grants to the Signals role; on DuckDB none, dbt creates the file and schemas itself);
 * 3. `<name>-dbt-run`          `signals-batch run` until caught up (`local.Command`, or the dynamic runner);
 * 4. `<name>-attribute-group`  the view registered as an attribute group, after the run;
 * 5. `<name>-batch-source`     the attribute table registered as the batch source and published.
 * Nothing in Signals changes before the table it describes has changed.
 */
import { local } from '@pulumi/command';
import * as pulumi from '@pulumi/pulumi';
import * as path from 'node:path';
import { generateProject, resolveVars, type GeneratedProject } from '../dbt';
import { keyColumnName, parseView, projectName, toApiGroup, ViewValidationError, type View } from '../definition';
import { AttributeGroupRegistration } from '../providers/attributeGroupRegistration';
import { BatchSourceRegistration } from '../providers/batchSourceRegistration';
import { DbtProjectFiles } from '../providers/dbtProjectFiles';
import { DbtRun } from '../providers/dbtRun';
import { batchAttributeViewArgsSchema, describeArgsIssues, type BatchAttributeViewArgs } from './args';
import { cliScript, portablePath } from './paths';
import { runArgv, shellCommand } from './runCommand';
import { parseRunResult, type DbtRunSummary } from './runSummary';
import { signalsConnectionStatus } from './signalsConfig';
import { WAREHOUSES, type AttributeTableRef, type WarehouseName, type WarehouseSetup, type WarehouseUnit } from './warehouses';

/** The component's type token (part of every child URN). */
export const BATCH_ATTRIBUTE_VIEW_TYPE = 'signals-batch:index:BatchAttributeView';

export type { AttributeTableRef };

/** Invalid arguments: thrown by the constructor before any resource is registered. */
export class BatchAttributeViewArgsError extends pulumi.RunError {
  constructor(
    readonly componentName: string,
    readonly problems: string[],
    readonly viewError?: ViewValidationError,
  ) {
    super(
      `BatchAttributeView "${componentName}": invalid arguments:\n${problems.map((p) => `  - ${p.replace(/\n/g, '\n    ')}`).join('\n')}`,
    );
    this.name = 'BatchAttributeViewArgsError';
  }
}

/** Everything derived from the arguments before any resource exists. */
interface Resolved {
  view: View;
  project: GeneratedProject;
  /** The project's directory as recorded (relative to the program's working directory when inside it). */
  projectDir: string;
  warehouse: WarehouseUnit<unknown>;
  warehouseArgs: unknown;
  vars: Record<string, unknown>;
  owner: string;
  /** The body the view is registered under in Signals. */
  group: Record<string, unknown>;
}

/** Validate and derive; throws `BatchAttributeViewArgsError` naming every problem. */
function resolveArgs(name: string, args: BatchAttributeViewArgs): Resolved {
  const fail = (problems: string[], viewError?: ViewValidationError): never => {
    throw new BatchAttributeViewArgsError(name, problems, viewError);
  };
  if (!args || typeof args !== 'object') fail(['args must be an object']);
  const parsed = batchAttributeViewArgsSchema.safeParse(args);
  const problems = parsed.success ? [] : describeArgsIssues(parsed.error);
  let view: View | undefined;
  let viewError: ViewValidationError | undefined;
  if (args.view && typeof args.view === 'object') {
    try {
      view = parseView(args.view);
    } catch (error) {
      if (!(error instanceof ViewValidationError)) throw error;
      viewError = error;
      problems.push(`view: ${error.message}`);
    }
  }
  if (view && !view.owner && !args.owner) problems.push('owner: the attribute group needs an owner (email): set view.owner or owner');
  let group: Record<string, unknown> | undefined;
  if (view) {
    try {
      group = toApiGroup(view, { form: args.registration, refreshRate: args.syncFrequency, owner: args.owner });
    } catch (error) {
      problems.push(`syncFrequency: ${(error as Error).message}`);
    }
  }
  const vars: Record<string, unknown> = args.dbt?.vars ?? {};
  try {
    resolveVars(vars);
  } catch (error) {
    problems.push(`dbt.vars: ${(error as Error).message}`);
  }
  if (problems.length > 0 || !view || !group) return fail(problems, viewError);

  const warehouseName = (Object.keys(WAREHOUSES) as WarehouseName[]).find((key) => args.warehouse[key] !== undefined) as WarehouseName;
  const warehouse = WAREHOUSES[warehouseName] as WarehouseUnit<unknown>;
  let project: GeneratedProject;
  try {
    project = generateProject(view, {
      target: warehouse.target,
      vars,
      profile: args.dbt?.profile,
      timestampColumn: args.timestampField ?? 'updated_at',
    });
  } catch (error) {
    return fail([`cannot generate the dbt project: ${(error as Error).message}`]);
  }
  return {
    view,
    project,
    projectDir: portablePath(path.join(args.projectDir, projectName(view))),
    warehouse,
    warehouseArgs: args.warehouse[warehouseName],
    vars,
    owner: (view.owner ?? args.owner) as string,
    group,
  };
}

/**
 * A batch attribute view, declared: computed incrementally by a generated dbt project in the
 * warehouse, registered in Signals, and materialized (the attribute table registered as the batch
 * source and published). `pulumi destroy` unmaterializes and unregisters it and keeps the warehouse
 * tables.
 *
 * Signals credentials come from stack config (`signals-batch:apiUrl`, secret `signals-batch:apiKey`,
 * `signals-batch:apiKeyId`, `signals-batch:orgId`, or `signals-batch:authMode: sandbox` with secret
 * `signals-batch:sandboxToken`; `signals-batch:consoleUrl`) or the `SNOWPLOW_*` environment variables.
 */
export class BatchAttributeView extends pulumi.ComponentResource {
  /** Directory of the generated dbt project (`<projectDir>/<name>_<version>`; relative to the program's directory when inside it). */
  public readonly projectDir: pulumi.Output<string>;
  /** sha256 of the generated project; a change re-runs dbt. */
  public readonly projectHash: pulumi.Output<string>;
  /** The synced attribute table (as registered in the batch source). */
  public readonly attributeTable: pulumi.Output<AttributeTableRef>;
  /** The attribute table's key column (e.g. `domain_userid`). */
  public readonly keyColumn: pulumi.Output<string>;
  /** Batch source name (undefined when `materialize` is false). */
  public readonly batchSourceName: pulumi.Output<string | undefined>;
  /** Attribute group (view) name in Signals. */
  public readonly attributeGroupName: pulumi.Output<string>;
  /** Attribute group (view) version in Signals. */
  public readonly attributeGroupVersion: pulumi.Output<number>;
  /** Whether the view is materialized (batch source registered and the group published). */
  public readonly materialized: pulumi.Output<boolean>;
  /** What the last dbt run did (rounds, new events, dates and keys recomputed, caught up). */
  public readonly lastRun: pulumi.Output<DbtRunSummary>;

  /** The children, for `dependsOn` and inspection. */
  public readonly attributeGroup: AttributeGroupRegistration;
  public readonly projectFiles: DbtProjectFiles;
  /** The warehouse's schemas (Snowflake and Databricks schemas, BigQuery datasets), empty when it has none to create. */
  public readonly schemas: pulumi.CustomResource[];
  /** The grants to the Signals sync role or principal (`signalsRole`, `signalsMember`, `signalsPrincipal`). */
  public readonly grants: pulumi.CustomResource[];
  public readonly dbtRun: local.Command | DbtRun;
  public readonly batchSource: BatchSourceRegistration | undefined;

  constructor(name: string, args: BatchAttributeViewArgs, opts?: pulumi.ComponentResourceOptions) {
    // Validate everything before registering anything (the component included).
    const r = resolveArgs(name, args);
    super(BATCH_ATTRIBUTE_VIEW_TYPE, name, {}, opts);
    const signals = signalsConnectionStatus();
    if (signals.missing.length > 0) {
      pulumi.log.warn(
        `the Signals connection is not configured in this program's stack config or environment (missing ${signals.missing.join(', ')}); ` +
          'registration will fail unless the Pulumi CLI environment provides it',
        this,
      );
    }

    // 1. The dbt project files: they refuse a new definition under the same version unless allowed.
    this.projectFiles = new DbtProjectFiles(
      `${name}-dbt-project`,
      {
        dir: r.projectDir,
        files: r.project.files,
        deleteOnDestroy: args.deleteProjectOnDestroy ?? false,
        definitionHash: r.project.definitionHash,
        rebuildOnDefinitionChange: args.rebuildOnDefinitionChange ?? false,
      },
      { parent: this },
    );
    this.projectFiles.rebuildNotice.apply((notice) => {
      if (notice) pulumi.log.warn(notice, this);
    });

    // 2-3. The warehouse, and dbt run against it until caught up.
    const warehouse = r.warehouse.setup(r.warehouseArgs, { name, parent: this, project: r.project });
    this.schemas = warehouse.schemas;
    this.dbtRun = this.createRun(name, args, r, warehouse);
    warehouse.afterRun(this.dbtRun);
    this.grants = warehouse.grants;

    // 4. The view in the Signals registry, once its table is built (never published here: materializing publishes).
    this.attributeGroup = new AttributeGroupRegistration(
      `${name}-attribute-group`,
      { group: r.group, publish: false },
      { parent: this, dependsOn: [this.dbtRun] },
    );

    // 5. Materialize: register the table as the batch source and publish.
    this.attributeTable = warehouse.attributeTable;
    this.batchSource =
      args.materialize === false
        ? undefined
        : new BatchSourceRegistration(
            `${name}-batch-source`,
            {
              // Known values (not the group's outputs), so a preview of a group update shows no replacement here.
              attributeGroupName: r.view.name,
              attributeGroupVersion: r.view.version,
              name: args.batchSourceName ?? `${r.project.name}_attributes`,
              database: warehouse.attributeTable.database,
              schema: warehouse.attributeTable.schema,
              table: warehouse.attributeTable.table,
              timestampField: warehouse.timestampField(args.timestampField ?? 'updated_at'),
              description: args.description ?? `Table containing attributes for ${r.project.name} attribute group`,
              owner: r.owner,
            },
            { parent: this, dependsOn: [this.attributeGroup, this.dbtRun, ...warehouse.grants] },
          );

    this.projectDir = this.projectFiles.dir;
    this.projectHash = this.projectFiles.hash;
    this.keyColumn = pulumi.output(keyColumnName(r.view));
    this.batchSourceName = this.batchSource ? this.batchSource.name : pulumi.output(undefined);
    this.attributeGroupName = this.attributeGroup.name;
    this.attributeGroupVersion = this.attributeGroup.version;
    this.materialized = this.batchSource ? this.batchSource.published : pulumi.output(false);
    this.lastRun = this.dbtRun.stdout.apply((stdout) => parseRunResult(stdout ?? ''));
    this.registerOutputs({
      projectDir: this.projectDir,
      projectHash: this.projectHash,
      attributeTable: this.attributeTable,
      keyColumn: this.keyColumn,
      batchSourceName: this.batchSourceName,
      attributeGroupName: this.attributeGroupName,
      attributeGroupVersion: this.attributeGroupVersion,
      materialized: this.materialized,
      lastRun: this.lastRun,
    });
  }

  /** `signals-batch run`: re-runs when the project, its variables or the target change (or `dbt.rerunTrigger`). */
  private createRun(name: string, args: BatchAttributeViewArgs, r: Resolved, warehouse: WarehouseSetup): local.Command | DbtRun {
    const dbt = args.dbt ?? {};
    const argv = pulumi
      .all([pulumi.all(warehouse.connectionArgs), this.projectFiles.rebuildFromHistory])
      .apply(([connectionArgs, rebuild]) =>
        runArgv({
          script: cliScript(),
          projectDir: r.projectDir,
          connectionArgs,
          targetName: dbt.targetName ?? warehouse.defaultTargetName,
          threads: dbt.threads,
          maxRounds: dbt.maxRounds ?? 200,
          profile: dbt.profile,
          fullRefresh: dbt.fullRefresh,
          rebuildFromHistory: rebuild === true,
        }),
      );
    const triggers: pulumi.Input<string>[] = [r.project.hash, JSON.stringify(r.vars, Object.keys(r.vars).sort()), warehouse.identity];
    if (dbt.rerunTrigger !== undefined) triggers.push(dbt.rerunTrigger);
    const environment = warehouse.secretEnvironment ?? {};
    const opts: pulumi.CustomResourceOptions = { parent: this, dependsOn: [this.projectFiles, ...warehouse.runDependsOn] };
    if (args.dbtRunner === 'dynamic') {
      return new DbtRun(`${name}-dbt-run`, { command: argv, environment, triggers, label: `dbt ${r.project.name}` }, opts);
    }
    // Runs in the program's working directory (no `dir`): the state holds no path of this checkout.
    return new local.Command(
      `${name}-dbt-run`,
      {
        create: argv.apply(shellCommand),
        environment,
        triggers,
        // Progress goes to stderr and never holds a secret; stdout is the one-line JSON result.
        logging: 'stdoutAndStderr',
        addPreviousOutputInEnv: false,
      },
      { ...opts, additionalSecretOutputs: warehouse.secretEnvironment ? ['environment'] : [] },
    );
  }
}
