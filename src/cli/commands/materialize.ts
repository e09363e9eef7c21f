/**
 * `signals-batch materialize` (alias `sync`): register the attribute table as the group's batch
 * source in Signals, then publish the group so Signals syncs it.
 */
import type { Command } from 'commander';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { projectName } from '../../definition';
import { validateBatchSourceConfig, type BatchSourceConfig } from '../../definition/batchSource';
import { CliError } from '../errors';
import { chosenTarget, isVerbose, progress } from '../options';
import { createClient, groupCommand, type GroupCommandOptions, requireGroup, type SelectionOptions, signalsCall } from '../signalsOptions';
import { BATCH_SOURCE_CONFIG_FILE } from './init';

export interface MaterializeOptions {
  batchSourceName?: string;
  database?: string;
  schema?: string;
  table?: string;
  timestampField?: string;
  description?: string;
  owner?: string;
}

export function registerMaterialize(program: Command): void {
  groupCommand(
    program
      .command('materialize')
      .alias('sync')
      .description("Register the attribute table as the group's batch source in Signals, then publish the group so Signals syncs it"),
    { required: false },
  )
    .option('--batch-source-name <name>', 'batch source name (default from the config file, else <project>_attributes)')
    .option('--database <database>', 'warehouse database (DuckDB: the file stem; BigQuery: the project)')
    .option('--schema <schema>', 'warehouse schema of the attribute table (the target schema + "_derived")')
    .option('--table <table>', 'attribute table (default from the config file)')
    .option('--timestamp-field <column>', 'sync timestamp column (default from the config file, else updated_at)')
    .option('--description <text>', 'batch source description')
    .option('--owner <email>', 'batch source owner')
    .action(async (opts: GroupCommandOptions & MaterializeOptions, command: Command) => {
      await runMaterialize(opts, command);
    });
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
    ...dropUnset(fromFile),
    ...dropUnset(fromOptions),
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
function dropUnset(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined && value !== null));
}

async function runMaterialize(opts: GroupCommandOptions & MaterializeOptions, command: Command): Promise<void> {
  const group = requireGroup(opts);
  chosenTarget(command); // only checked: the batch source names the table itself
  const { config, configFile } = await resolveBatchSource(group, opts);
  const client = createClient(opts, command);
  if (isVerbose(command) && configFile) progress(`batch source settings from ${configFile}`);

  const live = await signalsCall(() => client.getAttributeGroup(group.name, group.version));
  if (!live) {
    throw new CliError(
      `Attribute group ${group.name} version ${group.version} is not registered in Signals; register it before materializing.`,
    );
  }
  const result = await signalsCall(() => client.materialize(group.name, group.version, config));
  process.stdout.write(
    `materialized ${group.name} v${group.version}: batch source ${config.name} = ` +
      `${config.database}.${config.wh_schema}.${config.table} (timestamp ${config.timestamp_field}); publish: ${result.publish.status}\n`,
  );
}
