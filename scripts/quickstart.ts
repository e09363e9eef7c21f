/**
 * `npm run quickstart`: a batch attribute view, live, on this machine, in one command.
 *
 * 1. the Python environment with dbt;   2. the Pulumi CLI (found or built; never downloaded);
 * 3. the sample events in `.quickstart/warehouse.duckdb`;   4. the Signals emulator (loopback);
 * 5. `pulumi preview` (the plan);   6. `pulumi up` (Automation API, local `file://` backend, passphrase);
 * 7. the stack outputs and one sample user's attributes from the emulator's `get-online-attributes`.
 *
 * Running it again changes nothing (the second `up` runs with `expectNoChanges`).
 * `npm run quickstart -- --destroy` unmaterializes and unregisters the view (the tables stay).
 * `npm run quickstart -- --reset` starts the stack and the emulator's registry over (when the local
 * secrets are lost, say); the warehouse, its tables and the dbt project stay.
 * Options: `--runner command|dynamic` (default: `command` when `pulumi-resource-command` is installed).
 * No secret is ever printed: the generated keys and passphrase stay in `.quickstart/local-secrets.json`.
 */
import { promises as fsp } from 'node:fs';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import type { OpMap, Stack } from '@pulumi/pulumi/automation';
import quickstartProgram from '../examples/quickstart/index';
import { emulatorStackConfig, ensurePulumiCli, findCommandPlugin, localStack, type PulumiCli } from '../examples/quickstart/pulumiCli';
import { startEmulator, type EmulatorCredentials, type EmulatorHandle } from '../src/emulator';
import { packageRoot } from '../src/paths';
import { ensurePythonEnv } from '../src/runner';
import { generateEvents, sampleView, writeEventsCsv } from '../src/sample';
import { SignalsClient } from '../src/signals';
import { loadEventsCsv } from '../src/warehouse/duckdbEvents';

const PROJECT = 'signals-batch-quickstart';
const STACK = 'quickstart';

const root = packageRoot();
const home = path.join(root, '.quickstart');
const files = {
  warehouse: path.join(home, 'warehouse.duckdb'),
  events: path.join(home, 'sample-events.csv'),
  emulatorState: path.join(home, 'signals-emulator.json'),
  dbt: path.join(home, 'dbt'),
};

interface Options {
  destroy: boolean;
  reset: boolean;
  runner?: 'command' | 'dynamic';
}

function parseArgs(argv: string[]): Options {
  const options: Options = { destroy: false, reset: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--destroy') options.destroy = true;
    else if (arg === '--reset') options.reset = true;
    else if (arg === '--runner' || arg.startsWith('--runner=')) {
      const value = arg.includes('=') ? arg.split('=')[1] : argv[++i];
      if (value !== 'command' && value !== 'dynamic') throw new Error(`--runner takes "command" or "dynamic", not "${value}"`);
      options.runner = value;
    } else if (arg === '--help' || arg === '-h') {
      process.stdout.write('npm run quickstart [-- --destroy] [-- --reset] [-- --runner command|dynamic]\n');
      process.exit(0);
    } else throw new Error(`unknown option ${arg} (try --help)`);
  }
  return options;
}

let stepNumber = 0;
let totalSteps = 8;
function step(title: string): void {
  stepNumber += 1;
  process.stdout.write(`\n[${stepNumber}/${totalSteps}] ${title}\n`);
}
const info = (line: string) => process.stdout.write(`      ${line}\n`);
const indented = (prefix: string) => (text: string) => {
  for (const line of text.replace(/\n$/, '').split('\n')) process.stdout.write(`${prefix}${line}\n`);
};

/** The local emulator's credentials and the state passphrase, generated once and kept in `.quickstart/` (0600). */
export interface LocalSecrets {
  passphrase: string;
  emulator: EmulatorCredentials;
}

/** What `--reset` removes: the stack, its workspace, the emulator's registry and the local secrets. */
export function resettablePaths(dir: string): string[] {
  return ['state', 'workspace', 'signals-emulator.json', 'local-secrets.json'].map((entry) => path.join(dir, entry));
}

/**
 * The local secrets in `dir`: read, or generated when this is a fresh start. When they are gone but a
 * stack encrypted with them is still there, the error says how to recover (and shows no secret).
 */
export async function localSecrets(dir: string): Promise<LocalSecrets> {
  const file = path.join(dir, 'local-secrets.json');
  try {
    return JSON.parse(await fsp.readFile(file, 'utf8')) as LocalSecrets;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new Error(
        `cannot read ${path.relative(process.cwd(), file) || file}: ${(error as Error).message}. Restore it, or start over with: npm run quickstart -- --reset`,
        { cause: error },
      );
    }
  }
  if (fs.existsSync(path.join(dir, 'state', '.pulumi', 'stacks'))) {
    throw new Error(
      `the quickstart's local secrets (${path.relative(process.cwd(), file) || file}) are gone, but its Pulumi stack, ` +
        'encrypted with the passphrase kept there, is still in .quickstart/state. Restore the file, or start the stack ' +
        'and the emulator registry over with: npm run quickstart -- --reset (the warehouse, its tables and the dbt project stay).',
    );
  }
  const secrets: LocalSecrets = {
    passphrase: randomBytes(18).toString('base64url'),
    emulator: {
      apiKey: `qs-key-${randomBytes(12).toString('hex')}`,
      apiKeyId: randomUUID(),
      orgId: randomUUID(),
      sandboxToken: `qs-sandbox-${randomBytes(12).toString('hex')}`,
    },
  };
  await fsp.writeFile(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

async function eventsAlreadyLoaded(): Promise<number> {
  if (!fs.existsSync(files.warehouse)) return 0;
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(files.warehouse, { access_mode: 'READ_ONLY' });
  try {
    const connection = await instance.connect();
    try {
      const exists = (
        await connection.runAndReadAll(
          "select count(*) as n from information_schema.tables where table_schema = 'atomic' and table_name = 'events'",
        )
      ).getRowObjectsJS()[0].n;
      if (Number(exists) === 0) return 0;
      return Number((await connection.runAndReadAll('select count(*) as n from atomic.events')).getRowObjectsJS()[0].n);
    } finally {
      connection.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

/** The key with the most page views, read from the attribute table (read-only). */
async function sampleKey(table: { schema: string; table: string }, keyColumn: string): Promise<string | undefined> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(files.warehouse, { access_mode: 'READ_ONLY' });
  try {
    const connection = await instance.connect();
    try {
      const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
      const rows = (
        await connection.runAndReadAll(
          `select ${q(keyColumn)} as k from ${q(table.schema)}.${q(table.table)} order by page_views_lifetime desc, ${q(keyColumn)} limit 1`,
        )
      ).getRowObjectsJS();
      return rows[0] ? String(rows[0].k) : undefined;
    } finally {
      connection.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

function describeChanges(summary: OpMap | undefined): string {
  const entries = Object.entries(summary ?? {}).filter(([, n]) => (n ?? 0) > 0);
  return entries.length === 0 ? 'nothing' : entries.map(([op, n]) => `${n} ${op}`).join(', ');
}

const changed = (summary: OpMap | undefined) => Object.entries(summary ?? {}).some(([op, n]) => op !== 'same' && (n ?? 0) > 0);

async function openStack(cli: PulumiCli, emulator: EmulatorHandle, passphrase: string, runner: 'command' | 'dynamic'): Promise<Stack> {
  return localStack({
    cli,
    projectName: PROJECT,
    stackName: STACK,
    program: quickstartProgram,
    stateDir: home,
    passphrase,
    config: {
      ...emulatorStackConfig(emulator),
      [`${PROJECT}:warehouse`]: { value: files.warehouse },
      [`${PROJECT}:projectDir`]: { value: files.dbt },
      [`${PROJECT}:dbtRunner`]: { value: runner },
    },
  });
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  if (options.destroy) totalSteps = 5;
  const started = Date.now();
  await fsp.mkdir(home, { recursive: true });
  if (options.reset) {
    for (const entry of resettablePaths(home)) await fsp.rm(entry, { recursive: true, force: true });
    process.stdout.write(
      'reset: removed the stack, its workspace, the emulator registry and the local secrets (the warehouse and the dbt project stay)\n',
    );
  }
  process.stdout.write(
    `signals-batch quickstart${options.destroy ? ' (destroy)' : ''}: working folder ${path.relative(process.cwd(), home) || home}\n`,
  );

  step('Python environment (dbt)');
  await ensurePythonEnv('duckdb', info);

  step('Pulumi CLI');
  const cli = await ensurePulumiCli(info);
  info(`pulumi ${cli.command.version?.toString() ?? '?'} at ${cli.binDir}`);
  const plugin = findCommandPlugin(cli.binDir, [path.join(home, 'pulumi-home')]);
  let runner: 'command' | 'dynamic' = options.runner ?? (plugin ? 'command' : 'dynamic');
  if (runner === 'command' && !plugin) {
    info('--runner command asked for, but pulumi-resource-command 1.2.1 is not installed: using the dynamic runner instead');
    runner = 'dynamic';
  }
  info(
    runner === 'command'
      ? `dbt runs as a @pulumi/command local.Command (plugin: ${plugin})`
      : 'pulumi-resource-command (the @pulumi/command 1.2.1 plugin) is not installed here: dbt runs through the package\'s dynamic runner (dbtRunner: "dynamic")',
  );

  const secrets = await localSecrets(home);

  if (!options.destroy) {
    step('Sample events in .quickstart/warehouse.duckdb');
    const loaded = await eventsAlreadyLoaded();
    if (loaded > 0) {
      info(`already loaded: ${loaded} events in atomic.events`);
    } else {
      const rows = generateEvents({ users: 100 });
      await writeEventsCsv(rows, files.events);
      const result = await loadEventsCsv([files.events], { database: files.warehouse, progress: info });
      info(`${result.rowsLoaded} synthetic Snowplow events (100 users, 35 days, with late loads and duplicates) in ${result.table}`);
    }
  }

  step('Signals emulator');
  const emulator = await startEmulator({
    credentials: secrets.emulator,
    statePath: files.emulatorState,
    duckdbFiles: { warehouse: files.warehouse },
  });
  info(`listening on ${emulator.url} (loopback; registry kept in ${path.relative(root, files.emulatorState)})`);

  try {
    const stack = await openStack(cli, emulator, secrets.passphrase, runner);
    const color = process.stdout.isTTY ? 'always' : 'never';

    if (options.destroy) {
      step('Destroy');
      // runProgram: providers get the current stack config (the emulator's URL changes between runs).
      const result = await stack.destroy({ onOutput: indented('      | '), color, runProgram: true });
      info(`destroyed: ${result.summary.resourceChanges?.delete ?? 0} resources`);
      const groups = await new SignalsClient({
        apiUrl: emulator.url,
        auth: { mode: 'sandbox', sandboxToken: secrets.emulator.sandboxToken },
      }).listAttributeGroups();
      info(
        `attribute groups left in the emulator: ${groups.length === 0 ? 'none' : groups.map((g) => `${g.name} v${g.version}`).join(', ')}`,
      );
      info('the warehouse tables and the dbt project are kept; remove .quickstart/ to start from scratch');
      step('Done');
      info(`in ${((Date.now() - started) / 1000).toFixed(0)}s`);
      return;
    }

    step('Preview (the plan)');
    const previousUpdates = (await stack.history().catch(() => [])).filter((u) => u.kind === 'update' && u.result === 'succeeded').length;
    const preview = await stack.preview({ onOutput: indented('      | '), color });
    info(`plan: ${describeChanges(preview.changeSummary)}`);

    step('Deploy (pulumi up)');
    const secondRun = previousUpdates > 0 && !changed(preview.changeSummary);
    const up = await stack.up({ onOutput: indented('      | '), color, expectNoChanges: secondRun });
    const resourceChanges = up.summary.resourceChanges;
    if (secondRun) {
      if (changed(resourceChanges))
        throw new Error(`the second up changed resources (${describeChanges(resourceChanges)}); it should change nothing`);
      info(`second run: nothing changed (${describeChanges(resourceChanges)}) — checked with expectNoChanges`);
    } else {
      info(`applied: ${describeChanges(resourceChanges)}`);
    }

    step("Stack outputs and one user's attributes from Signals");
    const outputs = Object.fromEntries(Object.entries(up.outputs).map(([k, v]) => [k, v.secret ? '[secret]' : v.value]));
    for (const [key, value] of Object.entries(outputs))
      info(`${key}: ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`);
    const table = outputs.attributeTable as { schema: string; table: string };
    const keyColumn = String(outputs.keyColumn);
    const key = await sampleKey(table, keyColumn);
    if (!key) throw new Error(`the attribute table ${table.schema}.${table.table} is empty`);
    const client = new SignalsClient({
      apiUrl: emulator.url,
      auth: {
        mode: 'bdp',
        apiKey: secrets.emulator.apiKey,
        apiKeyId: secrets.emulator.apiKeyId,
        orgId: secrets.emulator.orgId,
        consoleUrl: emulator.consoleUrl,
      },
    });
    const view = sampleView();
    const groupName = `${outputs.attributeGroupName}_v${outputs.attributeGroupVersion}`;
    const attributes = await client.getOnlineAttributes({
      attribute_keys: { [keyColumn]: [key] },
      attributes: view.attributes.map((a) => `${groupName}:${a.name}`),
    });
    info(`get-online-attributes for ${keyColumn} = ${key}:`);
    const width = Math.max(...view.attributes.map((a) => a.name.length));
    for (const attribute of view.attributes)
      info(`  ${attribute.name.padEnd(width)}  ${JSON.stringify(attributes[attribute.name]?.[0] ?? null)}`);

    step('Done');
    info(`in ${((Date.now() - started) / 1000).toFixed(0)}s. Run it again: nothing changes. Undo it: npm run quickstart -- --destroy`);
    info(
      `state: ${path.relative(root, path.join(home, 'state'))} (file backend); dbt project: ${path.relative(root, String(outputs.projectDir))}`,
    );
  } finally {
    await emulator.close();
  }
}

if (require.main === module) {
  main().catch((error: Error) => {
    process.stderr.write(`\nquickstart failed: ${error.message}\n`);
    process.exitCode = 1;
  });
}
