/**
 * Engine commands: generate a dbt project from a view, load events into DuckDB, run until caught up.
 */
import type { Command } from 'commander';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseApiView, ViewValidationError } from '../../definition';
import { generateProject, resolveVars, TARGETS, writeProject, type Target } from '../../dbt';
import { runUntilCaughtUp, type WarehouseConnection } from '../../runner';
import { loadEventsCsv } from '../../warehouse/duckdbEvents';
import { CliError } from '../errors';

export function parseJsonOption(text: string | undefined, what: string): Record<string, unknown> {
  if (text === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new CliError(`${what} is not valid JSON (${(e as Error).message}); pass an object such as '{"snowplow__start_date": "2025-01-01"}'`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new CliError(`${what} must be a JSON object`);
  return value as Record<string, unknown>;
}

export async function readView(file: string) {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    throw new CliError(`cannot read view file ${file}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new CliError(`${file} is not valid JSON: ${(e as Error).message}`);
  }
  try {
    return parseApiView(json);
  } catch (e) {
    if (e instanceof ViewValidationError) throw new CliError(`${file}: ${e.message}`);
    throw e;
  }
}

const say = (line: string) => process.stderr.write(`${line}\n`);

export function registerEngineCommands(program: Command): void {
  program
    .command('generate')
    .description('Write the dbt project of a view (API JSON form) to <out>/<name>_<version>/')
    .requiredOption('--view <file>', 'view definition, Signals API JSON (snake_case)')
    .option('--target <target>', `warehouse: ${TARGETS.join(', ')}`, 'duckdb')
    .requiredOption('--out <dir>', 'directory to write the project into')
    .option('--vars <json>', 'dbt variable defaults to write into dbt_project.yml (JSON object)')
    .option('--profile <name>', 'dbt profile name', 'signals_batch')
    .option('-v, --verbose', 'show details')
    .action(async (opts: { view: string; target: string; out: string; vars?: string; profile: string; verbose?: boolean }) => {
      if (!TARGETS.includes(opts.target as Target)) throw new CliError(`unknown --target "${opts.target}" (one of ${TARGETS.join(', ')})`);
      const view = await readView(opts.view);
      const vars = parseJsonOption(opts.vars, '--vars');
      let project;
      try {
        resolveVars(vars);
        project = generateProject(view, { target: opts.target as Target, vars, profile: opts.profile });
      } catch (e) {
        throw new CliError((e as Error).message);
      }
      const dir = await writeProject(opts.out, project);
      process.stdout.write(`${dir}\n`);
      if (opts.verbose) say(`wrote ${Object.keys(project.files).length} files (hash ${project.hash.slice(0, 12)}); attribute table: <schema>_derived.${project.tables.attributes}`);
    });

  program
    .command('load-events')
    .description('Append Snowplow atomic events (CSV exports) to a DuckDB events table')
    .requiredOption('--duckdb <file>', 'DuckDB database file (created if missing)')
    .argument('<csv...>', 'CSV files with a header row of atomic column names')
    .option('--schema <schema>', 'schema of the events table', 'atomic')
    .option('--table <table>', 'events table', 'events')
    .option('-v, --verbose', 'show details')
    .action(async (files: string[], opts: { duckdb: string; schema: string; table: string; verbose?: boolean }) => {
      try {
        const result = await loadEventsCsv(files, { database: opts.duckdb, schema: opts.schema, table: opts.table, progress: opts.verbose ? say : undefined });
        process.stdout.write(`${result.rowsLoaded} events loaded into ${result.table} of ${opts.duckdb}\n`);
      } catch (e) {
        throw new CliError(`load-events failed: ${(e as Error).message}`);
      }
    });

  program
    .command('run')
    .description('Run a generated project with dbt until it has caught up with the newest loaded event')
    .requiredOption('--project <dir>', 'the generated project directory (<out>/<name>_<version>)')
    .option('--duckdb <file>', 'DuckDB database file holding the atomic events (or the --snowflake-* options)')
    .option('--snowflake-account <account>', 'Snowflake account (instead of --duckdb); secrets come from SIGNALS_BATCH_DBT_PASSWORD or SIGNALS_BATCH_DBT_PRIVATE_KEY [+ _PASSPHRASE]')
    .option('--snowflake-user <user>', 'Snowflake user')
    .option('--snowflake-role <role>', 'Snowflake role')
    .option('--snowflake-warehouse <warehouse>', 'Snowflake virtual warehouse')
    .option('--snowflake-database <database>', 'Snowflake database holding the events and the generated schemas')
    .option('--schema <schema>', 'dbt target schema; tables land in <schema>_derived', 'main')
    .option('--profile <name>', 'dbt profile name (as in the project\'s dbt_project.yml)', 'signals_batch')
    .option('--vars <json>', 'dbt variable overrides for this run (JSON object)')
    .option('--full-refresh', 'rebuild from scratch (state is dropped only if allowed, see --allow-refresh)')
    .option('--allow-refresh', 'allow --full-refresh to drop accumulated tables (sets snowplow__allow_refresh)')
    .option('--target-name <name>', 'dbt target name (the dev target always allows refreshes)', 'dev')
    .option('--threads <n>', 'dbt threads', '4')
    .option('--max-rounds <n>', 'upper bound on dbt runs', '200')
    .option('-v, --verbose', "echo dbt's output")
    .option('--json', 'print the result as one JSON line on stdout (progress stays on stderr); on failure {"error": ...}')
    .action(async (opts: RunCommandOptions) => {
      try {
        await runCommand(opts);
      } catch (e) {
        if (opts.json) process.stdout.write(`${JSON.stringify({ error: (e as Error).message })}\n`);
        throw e;
      }
    });
}

/** `run`: dbt until caught up; the result as a line of text, or as JSON with `--json`. */
async function runCommand(opts: RunCommandOptions): Promise<void> {
  const vars = parseJsonOption(opts.vars, '--vars');
  if (opts.allowRefresh) vars.snowplow__allow_refresh = true;
  const summary = await runUntilCaughtUp({
    projectDir: opts.project,
    connection: runConnection(opts),
    vars,
    fullRefresh: opts.fullRefresh,
    profile: opts.profile,
    targetName: opts.targetName,
    threads: Number(opts.threads),
    maxRounds: Number(opts.maxRounds),
    verbose: opts.verbose,
  }).catch((e: Error) => {
    throw new CliError(e.message);
  });
  const project = path.basename(path.resolve(opts.project));
  if (opts.json) {
    const { caughtUp, rounds, seconds, status, totals } = summary;
    const result = { project, caughtUp, rounds, seconds, processedThrough: status.processedThrough, newestLoadTstamp: status.newestLoadTstamp, totals };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } else {
    process.stdout.write(
      `${summary.caughtUp ? 'caught up' : 'NOT caught up'} after ${summary.rounds} round(s) in ${summary.seconds.toFixed(1)}s; attribute table: ${opts.schema}_derived.${project}_attributes\n`,
    );
  }
  if (!summary.caughtUp) process.exitCode = 1;
}

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
  vars?: string;
  fullRefresh?: boolean;
  allowRefresh?: boolean;
  targetName: string;
  threads: string;
  maxRounds: string;
  verbose?: boolean;
  json?: boolean;
}

/** `--duckdb` or the `--snowflake-*` options; Snowflake secrets only ever come from the environment. */
function runConnection(opts: RunCommandOptions): WarehouseConnection {
  if (opts.duckdb && opts.snowflakeAccount) throw new CliError('give either --duckdb or --snowflake-account, not both');
  if (opts.duckdb) return { type: 'duckdb', path: opts.duckdb, schema: opts.schema };
  if (!opts.snowflakeAccount) throw new CliError('say where to run: --duckdb <file>, or --snowflake-account with --snowflake-user, --snowflake-warehouse and --snowflake-database');
  const missing = (['snowflakeUser', 'snowflakeWarehouse', 'snowflakeDatabase'] as const)
    .filter((k) => !opts[k])
    .map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
  if (missing.length > 0) throw new CliError(`--snowflake-account also needs ${missing.join(', ')}`);
  const env = process.env;
  const password = env.SIGNALS_BATCH_DBT_PASSWORD || undefined;
  const privateKey = env.SIGNALS_BATCH_DBT_PRIVATE_KEY || undefined;
  if (!password && !privateKey) throw new CliError('Snowflake credentials missing: set SIGNALS_BATCH_DBT_PASSWORD, or SIGNALS_BATCH_DBT_PRIVATE_KEY (and SIGNALS_BATCH_DBT_PRIVATE_KEY_PASSPHRASE if it is encrypted)');
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
    privateKeyPassphrase: env.SIGNALS_BATCH_DBT_PRIVATE_KEY_PASSPHRASE || undefined,
  };
}
