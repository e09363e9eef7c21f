/**
 * `signals-batch init`: fetch the offline (batch) attribute groups from Signals and write one dbt
 * project per group, with a batch source config to fill in before `materialize`.
 */
import { type Command, Option } from 'commander';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseApiView, ViewValidationError, type View } from '../../definition';
import { generateProject, type GeneratedProject } from '../../dbt';
import { toGroupInput, type AttributeGroupResponse } from '../../signals';
import { CLI_ENV } from '../env';
import { CliError } from '../errors';
import { chosenTarget, plainName, progress } from '../options';
import { refuseCaseCollisions, writeProjects } from '../projects';
import { createClient, groupCommand, type GroupCommandOptions, signalsCall } from '../signalsOptions';

/** File written by `init` next to each project and read by `materialize` (the reference CLI's `configs/batch_source_config.json`). */
export const BATCH_SOURCE_CONFIG_FILE = path.join('configs', 'batch_source_config.json');

type InitOptions = GroupCommandOptions & { profile: string };

export function registerInit(program: Command): void {
  groupCommand(
    program
      .command('init')
      .description(
        'Fetch the offline (batch) attribute groups from Signals and write one dbt project per group under --repo-path, ' +
          `with a ${BATCH_SOURCE_CONFIG_FILE} to fill in before materialize`,
      ),
    { required: true },
  )
    .addOption(
      new Option('--profile <name>', 'dbt profile name written into the projects')
        .default('signals_batch')
        .argParser(plainName('identifier')),
    )
    .action(async (opts: InitOptions, command: Command) => {
      await runInit(opts, command);
    });
}

/** Groups `init` works on: the latest version of each name, or the one asked for. */
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

async function runInit(opts: InitOptions, command: Command): Promise<void> {
  if (!opts.repoPath) throw new CliError(`Missing --repo-path (${CLI_ENV.repoPath}): the folder to write the projects into.`);
  const target = chosenTarget(command);
  if (!target) throw new CliError(`Missing --target (${CLI_ENV.target}): the warehouse to write the projects for.`);
  const version = opts.attributeGroupVersion;
  if (version !== undefined && !opts.attributeGroupName) throw new CliError('--attribute-group-version needs --attribute-group-name.');
  const client = createClient(opts, command);

  const groups = await signalsCall(() => client.listAttributeGroups({ offline: true }));
  if (groups.length === 0) {
    throw new CliError('No attribute groups available: Signals lists no offline (batch) attribute group. Register one first.');
  }
  const selected = selectGroups(groups, opts.attributeGroupName, version);
  const batchGroups = selected.filter((group) => {
    if (!isExternalBatchGroup(group)) return true;
    if (opts.attributeGroupName) {
      throw new CliError(
        `Attribute group ${group.name} version ${group.version} is an external batch group (fields, no attributes): there is nothing to compute.`,
      );
    }
    progress(`skipping ${group.name} v${group.version}: external batch group (fields, no attributes)`);
    return false;
  });

  // Validate and generate everything before writing anything.
  const views = batchGroups.map(viewOfGroup);
  const projects: GeneratedProject[] = views.map((view, i) => {
    try {
      return generateProject(view, { target, profile: opts.profile });
    } catch (error) {
      throw new CliError(
        `Cannot generate the dbt project of ${batchGroups[i].name} version ${batchGroups[i].version}: ${(error as Error).message}`,
      );
    }
  });
  await refuseCaseCollisions(views, opts.repoPath);

  const dirs = await writeProjects(opts.repoPath, projects);
  for (const [i, dir] of dirs.entries()) {
    const group = batchGroups[i];
    const project = projects[i];
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
