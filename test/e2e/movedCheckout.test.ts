/**
 * Moving the checkout changes nothing: a program deployed from one checkout path, then run again
 * after the checkout (program, generated project and warehouse) moved elsewhere, previews no change and
 * its `up` changes nothing (no replacement, no dbt re-run). Real Pulumi engine, real dbt, the emulator.
 *
 * The checkout is a copy of this package's built files (`node_modules` and `.venv` linked), driven by
 * `checkoutProgram.ts` in a process whose working directory is the checkout, as a CI runner would.
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensurePulumiCli, findCommandPlugin } from '../../examples/quickstart/pulumiCli';
import { startEmulator, type EmulatorHandle } from '../../src/emulator';
import { packageRoot } from '../../src/paths';
import { generateEvents, writeEventsCsv } from '../../src/sample';
import { SignalsClient } from '../../src/signals';
import { loadEventsCsv } from '../../src/warehouse/duckdbEvents';

// Per-test timeout of this file: it the real Pulumi engine deploys, updates and destroys stacks that run dbt.
jest.setTimeout(45 * 60_000);

const API_KEY = 'moved-checkout-api-key-0123';
let root: string;
let emulator: EmulatorHandle;
let env: Record<string, string>;

/** A checkout of this package at `dir`: its built files copied, its dependencies linked. */
async function makeCheckout(dir: string): Promise<void> {
  const source = packageRoot();
  await fs.mkdir(dir, { recursive: true });
  for (const entry of ['package.json', 'bin', 'dist', 'build', 'templates', 'scripts', 'python']) {
    await fs.cp(path.join(source, entry), path.join(dir, entry), { recursive: true });
  }
  for (const entry of ['node_modules', '.venv']) await fs.symlink(path.join(source, entry), path.join(dir, entry));
}

/** Runs the checkout's program (`up` or `preview`) from inside the checkout; resolves with its change summary. */
function runFrom(checkout: string, operation: 'up' | 'preview'): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join('build', 'test', 'e2e', 'checkoutProgram.js'), operation], { cwd: checkout, env });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('close', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').pop() as string))
        : reject(new Error(`${operation} from ${checkout} failed (exit ${code}):\n${err.slice(-4000)}`)),
    );
  });
}

beforeAll(async () => {
  const cli = await ensurePulumiCli(() => undefined);
  root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'signals-batch-moved-')));
  const first = path.join(root, 'runner-1', 'checkout');
  await makeCheckout(first);
  const events = path.join(root, 'events.csv');
  await writeEventsCsv(generateEvents({ users: 10, days: 14 }), events);
  await fs.mkdir(path.join(first, 'work'));
  await loadEventsCsv([events], { database: path.join(first, 'work', 'warehouse.duckdb') });
  emulator = await startEmulator({ credentials: { apiKey: API_KEY } });
  const runner = findCommandPlugin(cli.binDir, [path.join(root, 'state', 'pulumi-home')]) ? 'command' : 'dynamic';
  env = {
    ...(process.env as Record<string, string>),
    CHECKOUT_PULUMI_BIN: cli.binDir,
    CHECKOUT_STATE: path.join(root, 'state'),
    CHECKOUT_API_URL: emulator.url,
    CHECKOUT_CONSOLE_URL: emulator.consoleUrl,
    CHECKOUT_API_KEY_ID: emulator.credentials.apiKeyId,
    CHECKOUT_ORG_ID: emulator.credentials.orgId,
    CHECKOUT_API_KEY: API_KEY,
    CHECKOUT_RUNNER: runner,
  };
}, 45 * 60_000);

afterAll(async () => {
  await emulator?.close();
  if (root) await fs.rm(root, { recursive: true, force: true });
});

it(
  'a program moved to another checkout path previews no change and its up changes nothing',
  async () => {
    const first = path.join(root, 'runner-1', 'checkout');
    expect(await runFrom(first, 'up')).toMatchObject({ create: 6 });
    const client = new SignalsClient({ apiUrl: emulator.url, auth: { mode: 'sandbox', sandboxToken: emulator.credentials.sandboxToken } });
    expect((await client.getAttributeGroup('checkout_users', 1))?.is_published).toBe(true);
    const dbtLog = (checkout: string) => fs.stat(path.join(checkout, 'work', 'dbt', 'checkout_users_1', 'logs', 'dbt.log'));
    const loggedBefore = (await dbtLog(first)).size;

    // No input in the state (what Pulumi compares) holds a path of the checkout.
    const stateFile = path.join(root, 'state', 'state', '.pulumi', 'stacks', 'signals-batch-checkout', 'ci.json');
    const state = JSON.parse(await fs.readFile(stateFile, 'utf8')) as {
      checkpoint: { latest: { resources: Array<{ urn: string; inputs?: unknown }> } };
    };
    const resources = state.checkpoint.latest.resources.filter((resource) =>
      (resource.urn.split('::').pop() as string).startsWith('checkout-'),
    );
    expect(resources).toHaveLength(4);
    for (const resource of resources) expect(JSON.stringify(resource.inputs)).not.toContain(first);

    // The checkout moves (another runner, another path): program, generated project and warehouse together.
    const second = path.join(root, 'runner-2', 'elsewhere', 'checkout');
    await fs.mkdir(path.dirname(second), { recursive: true });
    await fs.rename(first, second);

    expect(await runFrom(second, 'preview')).toEqual({ same: 6 });
    expect(await runFrom(second, 'up')).toEqual({ same: 6 });
    // dbt did not run again: its log is as the first run left it.
    expect((await dbtLog(second)).size).toBe(loggedBefore);
  },
  30 * 60_000,
);
