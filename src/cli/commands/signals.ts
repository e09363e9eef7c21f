/**
 * Signals commands: `init`, `materialize` (alias `sync`), `unmaterialize`, `test-connection`, `emulator`.
 * Option and environment names follow the reference batch-engine CLI (`--api-url`/`SNOWPLOW_API_URL`, ...).
 * Errors are one paragraph (CliError) and never contain a credential; invalid input is refused before
 * anything is written or registered.
 */
import { Command, Option } from 'commander';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseApiView, projectName, ViewValidationError, type View } from '../../definition';
import { validateBatchSourceConfig, type BatchSourceConfig } from '../../definition/batchSource';
import { generateProject, writeProject, TARGETS, type GeneratedProject, type Target } from '../../dbt';
import { duckdbFilesFromPaths, startEmulator } from '../../emulator';
import {
  SignalsClient,
  SignalsError,
  SignalsInputError,
  clientOptionsFromSettings,
  fetchHealth,
  toGroupInput,
  type AttributeGroupResponse,
  type SignalsConnectionSettings,
} from '../../signals';
import { CliError } from '../errors';

/** File written by `init` next to each project and read by `materialize` (reference: `configs/batch_source_config.json`). */
export const BATCH_SOURCE_CONFIG_FILE = path.join('configs', 'batch_source_config.json');

interface ConnectionOptions extends SignalsConnectionSettings {
  verbose?: boolean;
}

interface SelectionOptions {
  repoPath?: string;
  targetType?: string;
  attributeGroupName?: string;
  attributeGroupVersion?: string;
}

export function registerSignalsCommands(program: Command): void {
  withSelection(
    withConnection(
      program
        .command('init')
        .description(
          'Fetch the offline (batch) attribute groups from Signals and write one dbt project per group under --repo-path, ' +
            `with a ${BATCH_SOURCE_CONFIG_FILE} to fill in before materialize`,
        ),
    ),
  )
    .option('--profile <name>', 'dbt profile name written into the projects', 'signals_batch')
    .action(async (opts: ConnectionOptions & SelectionOptions & { profile: string }) => {
      await runInit(opts);
    });

  withSelection(
    withConnection(
      program
        .command('materialize')
        .alias('sync')
        .description(
          "Register the attribute table as the group's batch source in Signals, then publish the group so Signals syncs it",
        ),
    ),
  )
    .option('--batch-source-name <name>', 'batch source name (default from the config file, else <project>_attributes)')
    .option('--database <database>', 'warehouse database (DuckDB: the file stem; BigQuery: the project)')
    .option('--schema <schema>', 'warehouse schema of the attribute table (the target schema + "_derived")')
    .option('--table <table>', 'attribute table (default from the config file)')
    .option('--timestamp-field <column>', 'sync timestamp column (default from the config file, else updated_at)')
    .option('--description <text>', 'batch source description')
    .option('--owner <email>', 'batch source owner')
    .action(async (opts: ConnectionOptions & SelectionOptions & MaterializeOptions) => {
      await runMaterialize(opts);
    });

  withSelection(
    withConnection(
      program
        .command('unmaterialize')
        .description("Unpublish the group and remove its batch source in Signals (missing objects are fine)"),
    ),
  ).action(async (opts: ConnectionOptions & SelectionOptions) => {
    await runUnmaterialize(opts);
  });

  withConnection(
    program
      .command('test-connection')
      .description('Check the Signals credentials (an authenticated registry read) and the API health (GET /health-all)'),
  )
    .option('--check-auth', 'check the credentials (default)')
    .option('--no-check-auth', 'skip the credentials check')
    .option('--check-api', 'check GET {api-url}/health-all (default)')
    .option('--no-check-api', 'skip the API health check')
    .action(async (opts: ConnectionOptions & { checkAuth?: boolean; checkApi?: boolean }, command: Command) => {
      await runTestConnection(opts, command);
    });

  program
    .command('emulator')
    .description('Run a local Signals API emulator (loopback) until interrupted; prints the URL and credentials to use')
    .option('--port <port>', 'TCP port (0 picks a free one)', '0')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--state <file>', 'persist the registry to this JSON file (loaded at start when present)')
    .option('--duckdb <file>', 'DuckDB file answering get-online-attributes; database name = file stem (repeatable)', collect, [])
    .option('--api-key <key>', 'API key to accept (default: generated)')
    .option('--api-key-id <id>', 'API key id to accept (default: generated)')
    .option('--org-id <id>', 'organization id to accept (default: generated)')
    .option('--sandbox-token <token>', 'sandbox token to accept (default: generated)')
    .option('--token-ttl <seconds>', 'lifetime of issued access tokens', '3600')
    .option('-v, --verbose', 'log every request')
    .action(async (opts: EmulatorCommandOptions) => {
      await runEmulator(opts);
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function withConnection(command: Command): Command {
  return command
    .addOption(new Option('--api-url <url>', 'Signals API URL').env('SNOWPLOW_API_URL'))
    .addOption(new Option('--api-key <key>', 'API key (BDP auth)').env('SNOWPLOW_API_KEY'))
    .addOption(new Option('--api-key-id <id>', 'API key id (BDP auth)').env('SNOWPLOW_API_KEY_ID'))
    .addOption(new Option('--org-id <id>', 'organization id (BDP auth)').env('SNOWPLOW_ORG_ID'))
    .addOption(new Option('--auth-mode <mode>', 'bdp or sandbox').env('SNOWPLOW_AUTH_MODE').default('bdp'))
    .addOption(new Option('--sandbox-token <token>', 'sandbox token (sandbox auth)').env('SNOWPLOW_SANDBOX_TOKEN'))
    .addOption(
      new Option('--console-url <url>', 'console URL for the BDP token exchange (default https://console.snowplowanalytics.com)').env(
        'SNOWPLOW_CONSOLE_URL',
      ),
    )
    .option('-v, --verbose', 'log every HTTP call, never credentials (also SNOWPLOW_VERBOSE=true)');
}

function withSelection(command: Command): Command {
  return command
    .addOption(new Option('--repo-path <dir>', 'folder holding one dbt project per attribute group').env('SNOWPLOW_REPO_PATH'))
    .addOption(new Option('--target-type <type>', `warehouse: ${TARGETS.join(', ')}`).env('SNOWPLOW_TARGET_TYPE'))
    .addOption(new Option('--attribute-group-name <name>', 'attribute group name').env('SNOWPLOW_ATTRIBUTE_GROUP_NAME'))
    .addOption(
      new Option('--attribute-group-version <version>', 'attribute group version').env('SNOWPLOW_ATTRIBUTE_GROUP_VERSION'),
    );
}

function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** `--verbose`, or `SNOWPLOW_VERBOSE` set to anything but false/0/no/off. */
function verboseEnabled(opts: ConnectionOptions): boolean {
  if (opts.verbose) return true;
  const env = process.env.SNOWPLOW_VERBOSE;
  return env !== undefined && env !== '' && !/^(false|0|no|off)$/i.test(env.trim());
}

function createClient(opts: ConnectionOptions): SignalsClient {
  const settings: SignalsConnectionSettings = {
    apiUrl: opts.apiUrl,
    apiKey: opts.apiKey,
    apiKeyId: opts.apiKeyId,
    orgId: opts.orgId,
    authMode: opts.authMode,
    sandboxToken: opts.sandboxToken,
    consoleUrl: opts.consoleUrl,
  };
  return asCliError(() =>
    new SignalsClient(
      clientOptionsFromSettings(settings, { logger: verboseEnabled(opts) ? (line) => progress(`[signals] ${line}`) : undefined }),
    ),
  );
}

/** Client and input errors become one-paragraph CLI errors (their messages are already credential-free). */
function asCliError<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw toCliError(error);
  }
}

function toCliError(error: unknown): unknown {
  if (error instanceof SignalsError || error instanceof SignalsInputError) return new CliError(error.message);
  return error;
}

async function signalsCall<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw toCliError(error);
  }
}

function parseVersion(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < 1) {
    throw new CliError(`--attribute-group-version must be a positive whole number; got ${JSON.stringify(raw)}.`);
  }
  return Number(raw);
}

function requireGroup(opts: SelectionOptions): { name: string; version: number } {
  const missing = [
    !opts.attributeGroupName && '--attribute-group-name (SNOWPLOW_ATTRIBUTE_GROUP_NAME)',
    !opts.attributeGroupVersion && '--attribute-group-version (SNOWPLOW_ATTRIBUTE_GROUP_VERSION)',
  ].filter(Boolean);
  if (missing.length > 0) throw new CliError(`Missing ${missing.join(' and ')}.`);
  return { name: opts.attributeGroupName as string, version: parseVersion(opts.attributeGroupVersion) as number };
}

function parseTarget(raw: string | undefined): Target {
  if (!raw) throw new CliError(`Missing --target-type (SNOWPLOW_TARGET_TYPE): one of ${TARGETS.join(', ')}.`);
  const target = raw.toLowerCase() as Target;
  if (!TARGETS.includes(target)) throw new CliError(`Unknown --target-type "${raw}": use one of ${TARGETS.join(', ')}.`);
  return target;
}

// ---------------------------------------------------------------------------------------------- init

/** Groups `init` works on: the latest version of each name, or the one asked for (reference 3.2). */
export function selectGroups(
  groups: AttributeGroupResponse[],
  name: string | undefined,
  version: number | undefined,
): AttributeGroupResponse[] {
  if (version !== undefined && !name) throw new CliError('--attribute-group-version needs --attribute-group-name.');
  if (name && version !== undefined) {
    const exact = groups.find((group) => group.name === name && group.version === version);
    if (!exact) throw new CliError(`No offline attribute group ${name} version ${version} in Signals.`);
    return [exact];
  }
  const latest = new Map<string, AttributeGroupResponse>();
  for (const group of groups) {
    const current = latest.get(group.name);
    if (!current || group.version > current.version) latest.set(group.name, group);
  }
  if (name) {
    const found = latest.get(name);
    if (!found) throw new CliError(`No offline attribute group named ${name} in Signals.`);
    return [found];
  }
  return [...latest.values()].sort((a, b) => a.name.localeCompare(b.name));
}

function isExternalBatchGroup(group: AttributeGroupResponse): boolean {
  const attributes = Array.isArray(group.attributes) ? group.attributes : [];
  return attributes.length === 0 && Array.isArray(group.fields) && group.fields.length > 0;
}

function viewOfGroup(group: AttributeGroupResponse): View {
  const input = toGroupInput(group);
  delete input.is_published;
  delete input.batch_source;
  try {
    return parseApiView(input);
  } catch (error) {
    if (error instanceof ViewValidationError) {
      throw new CliError(`Attribute group ${group.name} version ${group.version} from Signals is not a valid batch view: ${error.message}`);
    }
    throw error;
  }
}

async function runInit(opts: ConnectionOptions & SelectionOptions & { profile: string }): Promise<void> {
  if (!opts.repoPath) throw new CliError('Missing --repo-path (SNOWPLOW_REPO_PATH): the folder to write the projects into.');
  const target = parseTarget(opts.targetType);
  const version = parseVersion(opts.attributeGroupVersion);
  if (version !== undefined && !opts.attributeGroupName) throw new CliError('--attribute-group-version needs --attribute-group-name.');
  const client = createClient(opts);

  const groups = await signalsCall(() => client.listAttributeGroups({ offline: true }));
  if (groups.length === 0) {
    throw new CliError('No attribute groups available: Signals lists no offline (batch) attribute group. Register one first.');
  }
  const selected = selectGroups(groups, opts.attributeGroupName, version);
  const batchGroups = selected.filter((group) => {
    if (!isExternalBatchGroup(group)) return true;
    if (opts.attributeGroupName) {
      throw new CliError(`Attribute group ${group.name} version ${group.version} is an external batch group (fields, no attributes): there is nothing to compute.`);
    }
    progress(`skipping ${group.name} v${group.version}: external batch group (fields, no attributes)`);
    return false;
  });

  // Validate and generate everything before writing anything.
  const planned: { group: AttributeGroupResponse; project: GeneratedProject }[] = batchGroups.map((group) => {
    const view = viewOfGroup(group);
    try {
      return { group, project: generateProject(view, { target, profile: opts.profile }) };
    } catch (error) {
      throw new CliError(`Cannot generate the dbt project of ${group.name} version ${group.version}: ${(error as Error).message}`);
    }
  });

  for (const { group, project } of planned) {
    const dir = await writeProject(opts.repoPath, project);
    const configPath = path.join(dir, BATCH_SOURCE_CONFIG_FILE);
    const kept = await writeBatchSourceConfigIfAbsent(configPath, defaultBatchSourceConfig(group, project));
    process.stdout.write(`${dir}\n`);
    progress(
      `${group.name} v${group.version}: wrote ${Object.keys(project.files).length} files for ${target}; ` +
        `${kept ? 'kept the existing' : 'wrote'} ${configPath}` +
        (kept ? '' : ' (fill in database and wh_schema, then run materialize)'),
    );
  }
}

/** What `init` proposes as batch source; `database`/`wh_schema` come from the live group when it has one. */
function defaultBatchSourceConfig(group: AttributeGroupResponse, project: GeneratedProject): Record<string, string> {
  const live = group.batch_source ?? undefined;
  return {
    name: typeof live?.name === 'string' ? live.name : `${project.name}_attributes`,
    database: typeof live?.database === 'string' ? live.database : '',
    wh_schema: typeof live?.schema === 'string' ? live.schema : '',
    table: project.tables.attributes,
    timestamp_field: project.tables.timestampColumn,
    description: `Table containing attributes for ${project.name} attribute group`,
    owner: typeof group.owner === 'string' ? group.owner : '',
  };
}

/** Writes the config atomically unless the user already has one (their edits are kept). */
async function writeBatchSourceConfigIfAbsent(file: string, config: Record<string, string>): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    // absent: write it
  }
  await fs.mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.tmp-${process.pid}`;
  await fs.writeFile(temporary, `${JSON.stringify(config, null, 2)}\n`);
  await fs.rename(temporary, file);
  return false;
}

// ---------------------------------------------------------------------------------------- materialize

interface MaterializeOptions {
  batchSourceName?: string;
  database?: string;
  schema?: string;
  table?: string;
  timestampField?: string;
  description?: string;
  owner?: string;
}

async function readBatchSourceConfigFile(file: string): Promise<Record<string, unknown> | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${file} is not valid JSON: ${(error as Error).message}.`);
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new CliError(`${file} must hold a JSON object.`);
  return json as Record<string, unknown>;
}

/** The batch source body from the config file (if any) overridden by options; validated. */
export async function resolveBatchSource(
  group: { name: string; version: number },
  opts: SelectionOptions & MaterializeOptions,
): Promise<{ config: BatchSourceConfig; configFile?: string }> {
  const project = projectName(group);
  let fromFile: Record<string, unknown> = {};
  let configFile: string | undefined;
  if (opts.repoPath) {
    const candidate = path.join(opts.repoPath, project, BATCH_SOURCE_CONFIG_FILE);
    const read = await readBatchSourceConfigFile(candidate);
    if (read) {
      fromFile = read;
      configFile = candidate;
    }
  }
  const fromOptions: Record<string, unknown> = {
    name: opts.batchSourceName,
    database: opts.database,
    wh_schema: opts.schema,
    table: opts.table,
    timestamp_field: opts.timestampField,
    description: opts.description,
    owner: opts.owner,
  };
  const merged: Record<string, unknown> = {
    name: `${project}_attributes`,
    timestamp_field: 'updated_at',
    ...dropEmpty(fromFile),
    ...dropEmpty(fromOptions),
  };
  const checked = validateBatchSourceConfig(merged);
  if (!checked.ok) {
    const problems = checked.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`).join('; ');
    const where = configFile
      ? `Fix ${configFile} or pass --database, --schema, --table, --timestamp-field.`
      : opts.repoPath
        ? `No ${path.join(opts.repoPath, project, BATCH_SOURCE_CONFIG_FILE)} was found (run init first), so pass --database, --schema, --table, --timestamp-field.`
        : 'Pass --repo-path (with a config written by init) or --database, --schema, --table, --timestamp-field.';
    throw new CliError(`Invalid batch source for ${group.name} version ${group.version}: ${problems}. ${where}`);
  }
  return { config: checked.config, configFile };
}

/** Drops unset entries; an empty string stays, so the error can say "must not be empty". */
function dropEmpty(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined && value !== null));
}

async function runMaterialize(opts: ConnectionOptions & SelectionOptions & MaterializeOptions): Promise<void> {
  const group = requireGroup(opts);
  if (opts.targetType) parseTarget(opts.targetType);
  const { config, configFile } = await resolveBatchSource(group, opts);
  const client = createClient(opts);
  if (verboseEnabled(opts) && configFile) progress(`batch source settings from ${configFile}`);

  const live = await signalsCall(() => client.getAttributeGroup(group.name, group.version));
  if (!live) {
    throw new CliError(`Attribute group ${group.name} version ${group.version} is not registered in Signals; register it before materializing.`);
  }
  const result = await signalsCall(() => client.materialize(group.name, group.version, config));
  process.stdout.write(
    `materialized ${group.name} v${group.version}: batch source ${config.name} = ` +
      `${config.database}.${config.wh_schema}.${config.table} (timestamp ${config.timestamp_field}); publish: ${result.publish.status}\n`,
  );
}

// -------------------------------------------------------------------------------------- unmaterialize

async function runUnmaterialize(opts: ConnectionOptions & SelectionOptions): Promise<void> {
  const group = requireGroup(opts);
  const client = createClient(opts);
  const result = await signalsCall(() => client.unmaterialize(group.name, group.version));
  const source = result.batchSource.removed ? `batch source removed (${result.batchSource.via})` : 'no batch source to remove';
  process.stdout.write(
    `unmaterialized ${group.name} v${group.version}: ${result.unpublish.status} (${result.unpublish.via}); ${source}\n`,
  );
}

// ------------------------------------------------------------------------------------ test-connection

/** A `--check-x/--no-check-x` flag: command line first, then `SNOWPLOW_CHECK_X` (false/0/no = off), default on. */
function checkEnabled(command: Command, optionName: 'checkAuth' | 'checkApi', envName: string): boolean {
  const source = command.getOptionValueSource(optionName);
  const value = command.getOptionValue(optionName) as boolean | undefined;
  if (source === 'cli' && value !== undefined) return value;
  const env = process.env[envName];
  if (env !== undefined && env !== '') return !/^(false|0|no|off)$/i.test(env.trim());
  return value ?? true;
}

async function runTestConnection(opts: ConnectionOptions, command: Command): Promise<void> {
  const checkAuth = checkEnabled(command, 'checkAuth', 'SNOWPLOW_CHECK_AUTH');
  const checkApi = checkEnabled(command, 'checkApi', 'SNOWPLOW_CHECK_API');
  if (!checkAuth && !checkApi) throw new CliError('Nothing to test: both --no-check-auth and --no-check-api were given.');
  if (!opts.apiUrl) throw new CliError('The Signals API URL is missing: pass --api-url or set SNOWPLOW_API_URL.');
  const logger = verboseEnabled(opts) ? (line: string) => progress(`[signals] ${line}`) : undefined;
  const failures: string[] = [];

  if (checkAuth) {
    try {
      const client = createClient(opts);
      const groups = await client.listAttributeGroups({ offline: true });
      process.stdout.write(`auth: ok (${groups.length} offline attribute group${groups.length === 1 ? '' : 's'} visible)\n`);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (!(error instanceof SignalsError || error instanceof SignalsInputError || error instanceof CliError)) throw error;
      process.stdout.write(`auth: FAILED\n`);
      failures.push(`authentication check: ${message}`);
    }
  }
  if (checkApi) {
    try {
      const health = await fetchHealth({ apiUrl: opts.apiUrl, logger });
      const dependencies = Object.entries(health.dependencies ?? {});
      process.stdout.write(`api: ${health.status === 'ok' ? 'ok' : `FAILED (status ${health.status})`}\n`);
      for (const [name, status] of dependencies) process.stdout.write(`  ${name}: ${status}\n`);
      if (health.status !== 'ok') {
        const unhealthy = dependencies.filter(([, status]) => status !== 'ok').map(([name, status]) => `${name}: ${status}`);
        failures.push(`API check: health status is "${health.status}"${unhealthy.length ? ` (${unhealthy.join(', ')})` : ''}`);
      }
    } catch (error) {
      if (!(error instanceof SignalsError || error instanceof SignalsInputError)) throw error;
      process.stdout.write(`api: FAILED\n`);
      failures.push(`API check: ${error.message}`);
    }
  }
  if (failures.length > 0) throw new CliError(`Signals connection test failed. ${failures.join(' ')}`);
}

// ------------------------------------------------------------------------------------------- emulator

interface EmulatorCommandOptions {
  port: string;
  host: string;
  state?: string;
  duckdb: string[];
  apiKey?: string;
  apiKeyId?: string;
  orgId?: string;
  sandboxToken?: string;
  tokenTtl: string;
  verbose?: boolean;
}

async function runEmulator(opts: EmulatorCommandOptions): Promise<void> {
  if (!/^\d+$/.test(opts.port) || Number(opts.port) > 65535) throw new CliError(`--port must be a number from 0 to 65535; got ${JSON.stringify(opts.port)}.`);
  const ttl = Number(opts.tokenTtl);
  if (!Number.isFinite(ttl) || ttl <= 0) throw new CliError(`--token-ttl must be a positive number of seconds; got ${JSON.stringify(opts.tokenTtl)}.`);
  let duckdbFiles: Record<string, string>;
  try {
    duckdbFiles = duckdbFilesFromPaths(opts.duckdb);
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  let emulator;
  try {
    emulator = await startEmulator({
      port: Number(opts.port),
      host: opts.host,
      statePath: opts.state,
      duckdbFiles,
      tokenTtlSeconds: ttl,
      credentials: { apiKey: opts.apiKey, apiKeyId: opts.apiKeyId, orgId: opts.orgId, sandboxToken: opts.sandboxToken },
      logger: opts.verbose ? (line) => progress(`[emulator] ${line}`) : undefined,
    });
  } catch (error) {
    throw new CliError(`Cannot start the Signals emulator: ${(error as Error).message}`);
  }
  // Credentials generated here are emulator-only and meant to be copied; ones the user chose are not echoed.
  const shown = (value: string, given: string | undefined, option: string) => (given ? `<as given with ${option}>` : value);
  const { credentials } = emulator;
  const lines = [
    `Signals emulator listening on ${emulator.url}`,
    '',
    'BDP auth:',
    `  export SNOWPLOW_API_URL=${emulator.url}`,
    `  export SNOWPLOW_CONSOLE_URL=${emulator.consoleUrl}`,
    '  export SNOWPLOW_AUTH_MODE=bdp',
    `  export SNOWPLOW_API_KEY=${shown(credentials.apiKey, opts.apiKey, '--api-key')}`,
    `  export SNOWPLOW_API_KEY_ID=${shown(credentials.apiKeyId, opts.apiKeyId, '--api-key-id')}`,
    `  export SNOWPLOW_ORG_ID=${credentials.orgId}`,
    'Sandbox auth:',
    `  export SNOWPLOW_API_URL=${emulator.url}`,
    '  export SNOWPLOW_AUTH_MODE=sandbox',
    `  export SNOWPLOW_SANDBOX_TOKEN=${shown(credentials.sandboxToken, opts.sandboxToken, '--sandbox-token')}`,
    '',
    `Control plane (/_emulator/faults, /_emulator/state): header X-Emulator-Control-Token: ${emulator.controlToken}`,
    `State: ${opts.state ? path.resolve(opts.state) : 'in memory'}`,
    `DuckDB files: ${Object.keys(duckdbFiles).length ? Object.entries(duckdbFiles).map(([db, file]) => `${db} -> ${file}`).join(', ') : 'none'}`,
    'Press Ctrl+C to stop.',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  await new Promise<void>((resolveStop) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolveStop();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await emulator.close();
  process.stdout.write('Signals emulator stopped.\n');
}
