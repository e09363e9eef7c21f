/**
 * `signals-batch run`: run a generated project with dbt until it has caught up. Progress goes to
 * stderr; stdout is the result: a sentence, or with `--json` exactly one line of JSON.
 */
import { type Command, Option } from 'commander';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { MAX_ROUNDS, MAX_THREADS, runResultJson, runUntilCaughtUp, type WarehouseConnection } from '../../runner';
import { WAREHOUSE_SECRET_ENV } from '../env';
import { CliError, cliStep } from '../errors';
import { existingDuckdbFile, isVerbose, plainName, varsJson, wholeNumber } from '../options';

interface RunCommandOptions {
  project: string;
  duckdb?: string;
  snowflakeAccount?: string;
  snowflakeUser?: string;
  snowflakeRole?: string;
  snowflakeWarehouse?: string;
  snowflakeDatabase?: string;
  schema: string;
  profile: string;
  vars?: Record<string, unknown>;
  fullRefresh?: boolean;
  allowRefresh?: boolean;
  targetName: string;
  threads: number;
  maxRounds: number;
  json?: boolean;
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('Run a generated project with dbt until it has caught up with the newest loaded event')
    .addOption(new Option('--project <dir>', 'the generated project directory (<out>/<name>_<version>)').makeOptionMandatory())
    .addOption(new Option('--duckdb <file>', 'existing DuckDB database file holding the atomic events (or the --snowflake-* options)').argParser(existingDuckdbFile).conflicts('snowflakeAccount'))
    .addOption(
      new Option('--snowflake-account <account>', `Snowflake account (instead of --duckdb); secrets come from ${WAREHOUSE_SECRET_ENV.password} or ${WAREHOUSE_SECRET_ENV.privateKey} [+ _PASSPHRASE]`).argParser(
        plainName('snowflakeAccount'),
      ),
    )
    .addOption(new Option('--snowflake-user <user>', 'Snowflake user').argParser(plainName('snowflakeUser')))
    .addOption(new Option('--snowflake-role <role>', 'Snowflake role').argParser(plainName('snowflakeObject')))
    .addOption(new Option('--snowflake-warehouse <warehouse>', 'Snowflake virtual warehouse').argParser(plainName('snowflakeObject')))
    .addOption(new Option('--snowflake-database <database>', 'Snowflake database holding the events and the generated schemas').argParser(plainName('snowflakeObject')))
    .addOption(new Option('--schema <schema>', 'dbt target schema; tables land in <schema>_derived').default('main').argParser(plainName('identifier')))
    .addOption(new Option('--profile <name>', "dbt profile name (as in the project's dbt_project.yml)").default('signals_batch').argParser(plainName('identifier')))
    .addOption(new Option('--vars <json>', 'dbt variable overrides for this run (JSON object)').argParser(varsJson))
    .option('--full-refresh', 'rebuild from scratch (state is dropped only if allowed, see --allow-refresh)')
    .option('--allow-refresh', 'allow --full-refresh to drop accumulated tables (sets snowplow__allow_refresh)')
    .addOption(new Option('--target-name <name>', 'dbt target name (the dev target always allows refreshes)').default('dev').argParser(plainName('identifier')))
    .addOption(new Option('--threads <n>', `dbt threads (1-${MAX_THREADS})`).default(4).argParser(wholeNumber(1, MAX_THREADS)))
    .addOption(new Option('--max-rounds <n>', `upper bound on dbt runs (1-${MAX_ROUNDS})`).default(200).argParser(wholeNumber(1, MAX_ROUNDS)))
    .option('--json', 'print the result as one line of JSON on stdout (progress stays on stderr)')
    .action(async (opts: RunCommandOptions, cmd: Command) => {
      const vars = { ...(opts.vars ?? {}) };
      if (opts.allowRefresh) vars.snowplow__allow_refresh = true;
      const connection = runConnection(opts);
      const summary = await cliStep(() =>
        runUntilCaughtUp({
          projectDir: opts.project,
          connection,
          vars,
          fullRefresh: opts.fullRefresh,
          profile: opts.profile,
          targetName: opts.targetName,
          threads: opts.threads,
          maxRounds: opts.maxRounds,
          verbose: isVerbose(cmd),
        }),
        undefined,
        true,
      );
      const project = await projectName(opts.project);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(runResultJson(project, summary))}\n`);
      } else {
        process.stdout.write(
          `${summary.caughtUp ? 'caught up' : 'NOT caught up'} after ${summary.rounds} round(s) in ${summary.seconds.toFixed(1)}s; ` +
            `attribute table: ${opts.schema}_derived.${project}_attributes\n`,
        );
      }
      if (!summary.caughtUp) process.exitCode = 1;
    });
}

/** The project's name as generated (`<name>_<version>`), else its directory name. */
async function projectName(projectDir: string): Promise<string> {
  try {
    const manifest = JSON.parse(await fs.readFile(path.join(projectDir, 'signals_batch.json'), 'utf8')) as { project?: unknown };
    if (typeof manifest.project === 'string') return manifest.project;
  } catch {
    // an older or hand-made project: fall back to the directory name
  }
  return path.basename(path.resolve(projectDir));
}

/** `--duckdb` or the `--snowflake-*` options; Snowflake secrets only ever come from the environment. */
function runConnection(opts: RunCommandOptions): WarehouseConnection {
  if (opts.duckdb) return { type: 'duckdb', path: opts.duckdb, schema: opts.schema };
  if (!opts.snowflakeAccount) {
    throw new CliError('say where to run: --duckdb <file>, or --snowflake-account with --snowflake-user, --snowflake-warehouse and --snowflake-database');
  }
  const missing = (['snowflakeUser', 'snowflakeWarehouse', 'snowflakeDatabase'] as const)
    .filter((k) => !opts[k])
    .map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
  if (missing.length > 0) throw new CliError(`--snowflake-account also needs ${missing.join(', ')}`);
  const env = process.env;
  const password = env[WAREHOUSE_SECRET_ENV.password] || undefined;
  const privateKey = env[WAREHOUSE_SECRET_ENV.privateKey] || undefined;
  if (!password && !privateKey) {
    throw new CliError(
      `Snowflake credentials missing: set ${WAREHOUSE_SECRET_ENV.password}, or ${WAREHOUSE_SECRET_ENV.privateKey} ` +
        `(and ${WAREHOUSE_SECRET_ENV.privateKeyPassphrase} if it is encrypted)`,
    );
  }
  return {
    type: 'snowflake',
    account: opts.snowflakeAccount,
    user: opts.snowflakeUser as string,
    role: opts.snowflakeRole,
    warehouse: opts.snowflakeWarehouse as string,
    database: opts.snowflakeDatabase as string,
    schema: opts.schema,
    password,
    privateKey,
    privateKeyPassphrase: env[WAREHOUSE_SECRET_ENV.privateKeyPassphrase] || undefined,
  };
}
