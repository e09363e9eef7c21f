/**
 * `BatchAttributeView`: a declared batch attribute view, live in Signals (design.md 6).
 *
 * Children (each `{parent: this}`, named `<name>-...`), in dependency order:
 * 1. `<name>-attribute-group`   the view registered as an attribute group (dynamic resource);
 * 2. `<name>-dbt-project`       the generated dbt project's files (dynamic resource: preview lists changed files);
 * 3. warehouse: on Snowflake `<name>-derived-schema`, `<name>-scratch-schema`, `<name>-manifest-schema`
 *    (`snowflake.Schema`) and, with `signalsRole`, the grants `<name>-grant-database-usage`,
 *    `<name>-grant-schema-usage`, `<name>-grant-future-tables-select`, `<name>-grant-table-select`;
 *    on DuckDB dbt creates the file and schemas itself during the run;
 * 4. `<name>-dbt-run`           `signals-batch run` until caught up (`local.Command`, or the dynamic runner);
 * 5. `<name>-batch-source`      the attribute table registered as the batch source and published
 *    (dynamic resource), after the run: nothing is registered in Signals before the table exists.
 */
import { local } from '@pulumi/command';
import * as pulumi from '@pulumi/pulumi';
import * as snowflake from '@pulumi/snowflake';
import * as path from 'node:path';
import { generateProject, resolveVars, type GeneratedProject, type Target } from '../dbt';
import { keyColumnName, parseView, projectName, toApiView, ViewValidationError, type View } from '../definition';
import { packageRoot } from '../paths';
import { AttributeGroupRegistration } from '../providers/attributeGroupRegistration';
import { BatchSourceRegistration } from '../providers/batchSourceRegistration';
import { DbtProjectFiles } from '../providers/dbtProjectFiles';
import { DbtRun } from '../providers/dbtRun';
import { batchAttributeViewArgsSchema, describeArgsIssues, type BatchAttributeViewArgs, type SnowflakeWarehouseArgs } from './args';
import { parseRunOutput, type DbtRunSummary } from './runSummary';
import { signalsConnectionStatus } from './signalsConfig';

/** The component's type token (part of every child URN). */
export const BATCH_ATTRIBUTE_VIEW_TYPE = 'signals-batch:index:BatchAttributeView';

/** Invalid arguments: thrown by the constructor before any resource is registered. */
export class BatchAttributeViewArgsError extends pulumi.RunError {
  constructor(
    readonly componentName: string,
    readonly problems: string[],
    readonly viewError?: ViewValidationError,
  ) {
    super(`BatchAttributeView "${componentName}": invalid arguments:\n${problems.map((p) => `  - ${p.replace(/\n/g, '\n    ')}`).join('\n')}`);
    this.name = 'BatchAttributeViewArgsError';
  }
}

/** Where the synced attribute table lives (the batch source's database, schema and table). */
export interface AttributeTableRef {
  database: string;
  schema: string;
  table: string;
}

/** Everything derived from the arguments before any resource exists. */
interface Resolved {
  view: View;
  project: GeneratedProject;
  projectDir: string;
  target: Target;
  vars: Record<string, unknown>;
  timestampField: string;
  owner: string;
  description: string;
  batchSourceName: string;
  runner: 'command' | 'dynamic';
  materialize: boolean;
}

function fail(name: string, problems: string[], viewError?: ViewValidationError): never {
  throw new BatchAttributeViewArgsError(name, problems, viewError);
}

/** Validate and derive; throws `BatchAttributeViewArgsError` naming every problem. */
function resolveArgs(name: string, args: BatchAttributeViewArgs): Resolved {
  if (!args || typeof args !== 'object') fail(name, ['args must be an object']);
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
  let vars: Record<string, unknown> = args.dbt?.vars ?? {};
  try {
    resolveVars(vars);
  } catch (error) {
    problems.push(`dbt.vars: ${(error as Error).message}`);
    vars = {};
  }
  if (problems.length > 0 || !view) fail(name, problems, viewError);

  const target: Target = args.warehouse.snowflake ? 'snowflake' : 'duckdb';
  const timestampField = args.timestampField ?? 'updated_at';
  let project: GeneratedProject;
  try {
    project = generateProject(view, { target, vars, profile: args.dbt?.profile, timestampColumn: timestampField });
  } catch (error) {
    fail(name, [`cannot generate the dbt project: ${(error as Error).message}`]);
  }
  return {
    view,
    project,
    projectDir: path.resolve(args.projectDir, projectName(view)),
    target,
    vars,
    timestampField,
    owner: (view.owner ?? args.owner) as string,
    description: args.description ?? `Table containing attributes for ${project.name} attribute group`,
    batchSourceName: args.batchSourceName ?? `${project.name}_attributes`,
    runner: args.dbtRunner ?? 'command',
    materialize: args.materialize ?? true,
  };
}

/** Quote one argv element for `/bin/sh -c`. */
function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_\-./=:@%+,]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

const SNOWFLAKE_SECRET_ENV = {
  password: 'SIGNALS_BATCH_DBT_PASSWORD',
  privateKey: 'SIGNALS_BATCH_DBT_PRIVATE_KEY',
  privateKeyPassphrase: 'SIGNALS_BATCH_DBT_PRIVATE_KEY_PASSPHRASE',
} as const;

/**
 * A batch attribute view, declared: registered in Signals, computed incrementally by a generated dbt
 * project in the warehouse, and materialized (the attribute table registered as the batch source and
 * published). `pulumi destroy` unmaterializes and unregisters it and keeps the warehouse tables.
 *
 * Signals credentials come from stack config (`signals-batch:apiUrl`, secret `signals-batch:apiKey`,
 * `signals-batch:apiKeyId`, `signals-batch:orgId`, or `signals-batch:authMode: sandbox` with secret
 * `signals-batch:sandboxToken`; `signals-batch:consoleUrl`) or the `SNOWPLOW_*` environment variables.
 */
export class BatchAttributeView extends pulumi.ComponentResource {
  /** Absolute directory of the generated dbt project (`<projectDir>/<name>_<version>`). */
  declare public readonly projectDir: pulumi.Output<string>;
  /** sha256 of the generated project; a change re-runs dbt. */
  declare public readonly projectHash: pulumi.Output<string>;
  /** The synced attribute table (as registered in the batch source). */
  declare public readonly attributeTable: pulumi.Output<AttributeTableRef>;
  /** The attribute table's key column (e.g. `domain_userid`). */
  declare public readonly keyColumn: pulumi.Output<string>;
  /** Batch source name (undefined when `materialize` is false). */
  declare public readonly batchSourceName: pulumi.Output<string | undefined>;
  /** Attribute group (view) name in Signals. */
  declare public readonly attributeGroupName: pulumi.Output<string>;
  /** Attribute group (view) version in Signals. */
  declare public readonly attributeGroupVersion: pulumi.Output<number>;
  /** Whether the view is materialized (batch source registered and the group published). */
  declare public readonly materialized: pulumi.Output<boolean>;
  /** What the last dbt run did (rounds, new events, dates and keys recomputed, caught up). */
  declare public readonly lastRun: pulumi.Output<DbtRunSummary>;

  /** The children, for `dependsOn` and inspection. */
  declare public readonly attributeGroup: AttributeGroupRegistration;
  declare public readonly projectFiles: DbtProjectFiles;
  declare public readonly schemas: snowflake.Schema[];
  declare public readonly grants: snowflake.GrantPrivilegesToAccountRole[];
  declare public readonly dbtRun: local.Command | DbtRun;
  declare public readonly batchSource: BatchSourceRegistration | undefined;

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

    const view = r.view;
    const tables = r.project.tables;

    // 1. The view in the Signals registry (never published here: materialization publishes).
    const group = { ...toApiView(view), name: view.name, version: view.version, owner: r.owner };
    const attributeGroup = new AttributeGroupRegistration(`${name}-attribute-group`, { group, publish: false }, { parent: this });

    // 2. The dbt project files.
    const projectFiles = new DbtProjectFiles(
      `${name}-dbt-project`,
      { dir: r.projectDir, files: r.project.files, deleteOnDestroy: args.deleteProjectOnDestroy ?? false },
      { parent: this },
    );

    // 3. Warehouse, and the command that runs dbt against it.
    const schemas: snowflake.Schema[] = [];
    const grants: snowflake.GrantPrivilegesToAccountRole[] = [];
    let attributeTable: pulumi.Output<AttributeTableRef>;
    let connectionArgs: pulumi.Input<string>[];
    let environment: pulumi.Input<Record<string, pulumi.Input<string>>> = {};
    let secretEnvironment = false;
    let warehouseIdentity: pulumi.Input<string>;
    const sf = args.warehouse.snowflake;
    const dbtRunDependsOn: pulumi.Resource[] = [projectFiles];
    let afterRun: ((run: pulumi.Resource) => pulumi.Resource[]) | undefined;

    if (sf) {
      const database = pulumi.output(sf.database).apply((d) => d.toUpperCase());
      const base = sf.schema.toUpperCase();
      const names = { derived: `${base}_DERIVED`, scratch: `${base}_SCRATCH`, manifest: `${base}_SNOWPLOW_MANIFEST` };
      const table = tables.attributes.toUpperCase();
      attributeTable = database.apply((db) => ({ database: db, schema: names.derived, table }));
      let derivedFqn: pulumi.Output<string> = pulumi.interpolate`"${database}"."${names.derived}"`;
      if (sf.createSchemas ?? true) {
        for (const [kind, schemaName] of Object.entries(names) as [keyof typeof names, string][]) {
          const schema = new snowflake.Schema(
            `${name}-${kind}-schema`,
            { database, name: schemaName, comment: `signals-batch: ${kind} tables of ${r.project.name}` },
            // Destroy keeps the warehouse tables unless asked to drop them.
            { parent: this, retainOnDelete: !(sf.dropSchemasOnDestroy ?? false) },
          );
          schemas.push(schema);
          if (kind === 'derived') derivedFqn = schema.fullyQualifiedName;
        }
        dbtRunDependsOn.push(...schemas);
      }
      if (sf.signalsRole !== undefined) {
        const role = sf.signalsRole;
        const grantOpts = { parent: this, dependsOn: schemas };
        grants.push(
          new snowflake.GrantPrivilegesToAccountRole(
            `${name}-grant-database-usage`,
            { accountRoleName: role, privileges: ['USAGE'], onAccountObject: { objectType: 'DATABASE', objectName: database } },
            grantOpts,
          ),
          new snowflake.GrantPrivilegesToAccountRole(
            `${name}-grant-schema-usage`,
            { accountRoleName: role, privileges: ['USAGE'], onSchema: { schemaName: derivedFqn } },
            grantOpts,
          ),
          new snowflake.GrantPrivilegesToAccountRole(
            `${name}-grant-future-tables-select`,
            { accountRoleName: role, privileges: ['SELECT'], onSchemaObject: { future: { objectTypePlural: 'TABLES', inSchema: derivedFqn } } },
            grantOpts,
          ),
        );
        // The table exists only once dbt has run.
        afterRun = (run) => {
          const tableGrant = new snowflake.GrantPrivilegesToAccountRole(
            `${name}-grant-table-select`,
            {
              accountRoleName: role,
              privileges: ['SELECT'],
              onSchemaObject: { objectType: 'TABLE', objectName: pulumi.interpolate`${derivedFqn}."${table}"` },
            },
            { parent: this, dependsOn: [run, ...schemas] },
          );
          grants.push(tableGrant);
          return [tableGrant];
        };
      }
      connectionArgs = [
        '--snowflake-account', sf.account,
        '--snowflake-user', sf.user,
        '--snowflake-warehouse', sf.warehouse,
        '--snowflake-database', database,
        ...(sf.role !== undefined ? ['--snowflake-role', sf.role] : []),
        '--schema', sf.schema,
      ];
      const secrets: Record<string, pulumi.Input<string>> = {};
      for (const key of ['password', 'privateKey', 'privateKeyPassphrase'] as const satisfies readonly (keyof SnowflakeWarehouseArgs)[]) {
        const value = sf[key];
        if (value !== undefined) secrets[SNOWFLAKE_SECRET_ENV[key]] = value;
      }
      environment = pulumi.secret(secrets) as pulumi.Output<Record<string, string>>;
      secretEnvironment = true;
      warehouseIdentity = pulumi.interpolate`snowflake:${sf.account}/${database}/${sf.schema}`;
    } else {
      const duck = args.warehouse.duckdb!;
      const file = path.resolve(duck.path);
      const schema = duck.schema ?? 'main';
      attributeTable = pulumi.output({ database: path.basename(file, path.extname(file)), schema: `${schema}_derived`, table: tables.attributes });
      connectionArgs = ['--duckdb', file, '--schema', schema];
      warehouseIdentity = `duckdb:${file}/${schema}`;
    }

    // 4. The dbt run: `signals-batch run` until caught up. Re-runs when the project, vars or target change.
    const dbt = args.dbt ?? {};
    const argv: pulumi.Input<string>[] = [
      'node',
      path.join(packageRoot(), 'bin', 'signals-batch.js'),
      'run',
      '--project', r.projectDir,
      ...connectionArgs,
      '--target-name', dbt.targetName ?? (sf ? 'prod' : 'dev'),
      '--threads', String(dbt.threads ?? 4),
      '--max-rounds', String(dbt.maxRounds ?? 200),
      ...(dbt.profile ? ['--profile', dbt.profile] : []),
      ...(dbt.fullRefresh ? ['--full-refresh'] : []),
    ];
    const triggers: pulumi.Input<string>[] = [r.project.hash, JSON.stringify(r.vars, Object.keys(r.vars).sort()), warehouseIdentity];
    if (dbt.rerunTrigger !== undefined) triggers.push(dbt.rerunTrigger);
    const runOpts: pulumi.CustomResourceOptions = { parent: this, dependsOn: dbtRunDependsOn };
    let dbtRun: local.Command | DbtRun;
    let stdout: pulumi.Output<string>;
    let stderr: pulumi.Output<string>;
    if (r.runner === 'command') {
      const command = new local.Command(
        `${name}-dbt-run`,
        {
          create: pulumi.all(argv).apply((parts) => parts.map(shellQuote).join(' ')),
          dir: packageRoot(),
          environment,
          triggers,
          // Progress goes to stderr and never holds a secret; stdout is the one-line result.
          logging: 'stdoutAndStderr',
          addPreviousOutputInEnv: false,
        },
        { ...runOpts, additionalSecretOutputs: secretEnvironment ? ['environment'] : [] },
      );
      dbtRun = command;
      stdout = command.stdout;
      stderr = command.stderr;
    } else {
      const run = new DbtRun(
        `${name}-dbt-run`,
        { command: argv, cwd: packageRoot(), environment, triggers, label: `dbt ${r.project.name}` },
        runOpts,
      );
      dbtRun = run;
      stdout = run.stdout;
      stderr = run.stderr;
    }
    const afterRunResources = afterRun ? afterRun(dbtRun) : [];

    // 5. Materialize: register the table as the batch source and publish, once the table exists.
    let batchSource: BatchSourceRegistration | undefined;
    if (r.materialize) {
      batchSource = new BatchSourceRegistration(
        `${name}-batch-source`,
        {
          attributeGroupName: attributeGroup.name,
          attributeGroupVersion: attributeGroup.version,
          name: r.batchSourceName,
          database: attributeTable.database,
          schema: attributeTable.schema,
          table: attributeTable.table,
          timestampField: sf ? r.timestampField.toUpperCase() : r.timestampField,
          description: r.description,
          owner: r.owner,
        },
        { parent: this, dependsOn: [attributeGroup, dbtRun, ...grants, ...afterRunResources] },
      );
    }

    const lastRun = pulumi.all([stdout, stderr]).apply(([out, err]) => parseRunOutput(out ?? '', err ?? ''));
    Object.assign(this, {
      projectDir: projectFiles.dir,
      projectHash: projectFiles.hash,
      attributeTable,
      keyColumn: pulumi.output(keyColumnName(view)),
      batchSourceName: batchSource ? batchSource.name : pulumi.output(undefined),
      attributeGroupName: attributeGroup.name,
      attributeGroupVersion: attributeGroup.version,
      materialized: batchSource ? batchSource.published : pulumi.output(false),
      lastRun,
      attributeGroup,
      projectFiles,
      schemas,
      grants,
      dbtRun,
      batchSource,
    });
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
}
