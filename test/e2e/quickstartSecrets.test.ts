/**
 * The quickstart never prints a secret: when its local secrets are lost it says how to recover, and a
 * stack config that cannot be set (a wrong passphrase) fails without echoing the values. Real Pulumi CLI.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensurePulumiCli, localStack, type PulumiCli } from '../../examples/quickstart/pulumiCli';
import { localSecrets, resettablePaths } from '../../scripts/quickstart';

// Per-test timeout of this file: it the real Pulumi engine deploys, updates and destroys stacks that run dbt.
jest.setTimeout(45 * 60_000);

const SECRET = 'qs-key-0123456789abcdef0123';
let cli: PulumiCli;
let dir: string;

beforeAll(async () => {
  cli = await ensurePulumiCli(() => undefined);
}, 45 * 60_000);
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'signals-batch-qs-secrets-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const open = (passphrase: string) =>
  localStack({
    cli,
    projectName: 'signals-batch-quickstart',
    stackName: 'quickstart',
    program: async () => ({}),
    stateDir: dir,
    passphrase,
    config: { 'signals-batch:apiKey': { value: SECRET, secret: true }, 'signals-batch:apiUrl': { value: 'http://127.0.0.1:1' } },
  });

it('keeps its secrets in one local file, generated once', async () => {
  const first = await localSecrets(dir);
  expect(await localSecrets(dir)).toEqual(first);
  expect((await fs.stat(path.join(dir, 'local-secrets.json'))).mode & 0o777).toBe(0o600);
});

it(
  'says how to recover when the local secrets are gone but the stack is still there, and shows no secret',
  async () => {
    const secrets = await localSecrets(dir);
    await open(secrets.passphrase);
    await fs.rm(path.join(dir, 'local-secrets.json'));
    const error = (await localSecrets(dir).catch((e: Error) => e)) as Error;
    expect(error.message).toMatch(/local secrets \(.*local-secrets\.json\) are gone, but its Pulumi stack/);
    expect(error.message).toContain('npm run quickstart -- --reset');
    expect(error.message).not.toContain(secrets.passphrase);
    // --reset removes what was encrypted with the lost secrets; then a fresh start works.
    for (const entry of resettablePaths(dir)) await fs.rm(entry, { recursive: true, force: true });
    const fresh = await localSecrets(dir);
    await expect(open(fresh.passphrase)).resolves.toBeDefined();
  },
  10 * 60_000,
);

it(
  'fails to set the stack config with a wrong passphrase without echoing any value',
  async () => {
    await open('the-right-passphrase');
    const error = (await open('a-wrong-passphrase').catch((e: Error) => e)) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toMatch(/setting the stack config of quickstart failed/);
    expect(error.message).toMatch(/passphrase/i);
    expect(error.message).not.toContain(SECRET);
    expect(error.message).not.toContain('a-wrong-passphrase');
    expect(JSON.stringify(error)).not.toContain(SECRET);
  },
  10 * 60_000,
);
