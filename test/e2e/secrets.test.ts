/**
 * The dbt run's secret environment through the REAL Pulumi engine: the secret reaches the command, and
 * neither the state nor the outputs nor the engine's event log hold it in plain text.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import type { EngineEvent } from '@pulumi/pulumi/automation';
import { ensurePulumiCli, localStack } from '../../examples/quickstart/pulumiCli';
import { DbtRun } from '../../src/providers/dbtRun';

// Per-test timeout of this file: it the real Pulumi engine deploys, updates and destroys stacks that run dbt.
jest.setTimeout(45 * 60_000);

const SECRET = 'dbt-password-e2e-5f1c9a';
let dir: string;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'signals-batch-e2e-secrets-'));
});
afterAll(async () => {
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

it(
  'keeps the dbt credentials secret in state, outputs and events',
  async () => {
    const cli = await ensurePulumiCli(() => undefined);
    const marker = path.join(dir, 'seen.txt');
    const script = `require('fs').writeFileSync(${JSON.stringify(marker)}, process.env.SIGNALS_BATCH_DBT_PASSWORD); console.error('connecting with ' + process.env.SIGNALS_BATCH_DBT_PASSWORD); console.log('caught up after 1 round(s) in 0.1s')`;
    const stack = await localStack({
      cli,
      projectName: 'signals-batch-e2e-secrets',
      stackName: 'secrets',
      stateDir: dir,
      passphrase: 'e2e-secrets',
      program: async () => {
        const run = new DbtRun('run', {
          command: [process.execPath, '-e', script],
          cwd: dir,
          environment: pulumi.secret({ SIGNALS_BATCH_DBT_PASSWORD: SECRET }),
          triggers: ['h1'],
        });
        return { stdout: run.stdout, stderr: run.stderr, environmentKeys: run.environmentKeys };
      },
    });
    const events: EngineEvent[] = [];
    const up = await stack.up({ onEvent: (e) => events.push(e) });
    expect(up.summary.result).toBe('succeeded');
    expect(await fs.readFile(marker, 'utf8')).toBe(SECRET);
    expect(up.outputs.stdout.value).toBe('caught up after 1 round(s) in 0.1s\n');
    expect(up.outputs.stderr.value).toBe('connecting with [secret]');
    expect(up.outputs.environmentKeys.value).toEqual(['SIGNALS_BATCH_DBT_PASSWORD']);
    expect(up.stdout).not.toContain(SECRET);
    expect(up.stderr).not.toContain(SECRET);
    expect(JSON.stringify(events)).not.toContain(SECRET);
    const stateFiles = (await fs.readdir(dir, { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile() && e.name.endsWith('.json') && e.parentPath.includes(`${path.sep}stacks`))
      .map((e) => path.join(e.parentPath, e.name));
    expect(stateFiles.length).toBeGreaterThan(0);
    for (const file of stateFiles) {
      const text = await fs.readFile(file, 'utf8');
      expect(text).toContain('SIGNALS_BATCH_DBT_PASSWORD');
      expect(text).not.toContain(SECRET);
    }
    await stack.up({ expectNoChanges: true });
    await stack.destroy();
    // The first time on a machine, ensure-pulumi builds the CLI from Go modules (minutes).
  },
  45 * 60_000,
);
