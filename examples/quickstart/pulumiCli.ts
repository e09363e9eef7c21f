/**
 * The Pulumi CLI for the quickstart and the end-to-end tests: found or built by
 * `scripts/ensure-pulumi.sh` (never downloaded), driven through the Automation API with a local
 * `file://` backend, a passphrase, and an isolated PULUMI_HOME.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LocalWorkspace, PulumiCommand, type PulumiFn, type Stack } from '@pulumi/pulumi/automation';
import type { EmulatorHandle } from '../../src/emulator';
import { packageRoot } from '../../src/paths';
import { redact } from '../../src/redact';

/** The CLI version paired with the pinned `@pulumi/pulumi` (and `@pulumi/command` 1.2.1's plugin). */
export const COMMAND_PLUGIN_VERSION = '1.2.1';

export interface PulumiCli {
  /** Folder holding `pulumi` (and the plugins put beside it). */
  binDir: string;
  command: PulumiCommand;
}

/**
 * Run `scripts/ensure-pulumi.sh` (progress on `log`): a `pulumi` on PATH or in the cache, else built
 * from Go modules (minutes, first time only). Throws with the fix when that is impossible.
 */
export async function ensurePulumiCli(log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<PulumiCli> {
  const script = path.join(packageRoot(), 'scripts', 'ensure-pulumi.sh');
  const said: string[] = [];
  const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve, reject) => {
    const child = spawn('bash', [script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) =>
      chunk
        .toString()
        .split('\n')
        .filter(Boolean)
        .forEach((line) => {
          said.push(line);
          log(line);
        }),
    );
    child.on('error', reject);
    child.on('close', (exit) => resolve({ code: exit ?? 1, stdout: out }));
  });
  const binDir = stdout.trim().split('\n').pop() ?? '';
  if (code !== 0 || !binDir || !fs.existsSync(path.join(binDir, 'pulumi'))) {
    throw new Error(
      `No Pulumi CLI: scripts/ensure-pulumi.sh exited ${code}. Fix: run \`bash scripts/ensure-pulumi.sh\` and follow its message ` +
        '(it needs a `pulumi` on PATH, or Go >= 1.25 and the Go module proxy to build one).' +
        (said.length > 0 ? ` It said:\n  ${said.slice(-5).join('\n  ')}` : ''),
    );
  }
  // PulumiCommand.get expects <root>/bin/pulumi; it checks the version, and never downloads.
  const command = await PulumiCommand.get({ root: path.dirname(binDir) });
  return { binDir, command };
}

/**
 * Where `pulumi-resource-command` (the `@pulumi/command` plugin) would be found: on PATH, beside the
 * CLI, or in a plugin cache. Undefined when it is nowhere (then use `dbtRunner: 'dynamic'`).
 */
export function findCommandPlugin(binDir: string, pulumiHomes: string[] = []): string | undefined {
  const dirs = [binDir, ...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean)];
  for (const dir of dirs) {
    const candidate = path.join(dir, 'pulumi-resource-command');
    if (fs.existsSync(candidate)) return candidate;
  }
  const homes = [...pulumiHomes, process.env.PULUMI_HOME, process.env.HOME ? path.join(process.env.HOME, '.pulumi') : undefined].filter(
    (h): h is string => !!h,
  );
  for (const home of homes) {
    const candidate = path.join(home, 'plugins', `resource-command-v${COMMAND_PLUGIN_VERSION}`);
    if (fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** The `signals-batch:*` stack config of a connection to the local emulator (BDP auth; the key as a secret). */
export function emulatorStackConfig(emulator: EmulatorHandle): Record<string, { value: string; secret?: boolean }> {
  return {
    'signals-batch:apiUrl': { value: emulator.url },
    'signals-batch:consoleUrl': { value: emulator.consoleUrl },
    'signals-batch:authMode': { value: 'bdp' },
    'signals-batch:apiKeyId': { value: emulator.credentials.apiKeyId },
    'signals-batch:orgId': { value: emulator.credentials.orgId },
    'signals-batch:apiKey': { value: emulator.credentials.apiKey, secret: true },
  };
}

export interface LocalStackOptions {
  cli: PulumiCli;
  projectName: string;
  stackName: string;
  program: PulumiFn;
  /** Folder for the state backend, PULUMI_HOME and the workspace (created). */
  stateDir: string;
  passphrase: string;
  /** Stack config (`secret: true` for credentials). */
  config?: Record<string, { value: string; secret?: boolean }>;
  /** Extra environment for the CLI and its plugins. */
  env?: Record<string, string>;
}

/** A stack on a local `file://` backend with passphrase secrets; every operation stays on this machine. */
export async function localStack(options: LocalStackOptions): Promise<Stack> {
  const stateDir = path.resolve(options.stateDir);
  const backendDir = path.join(stateDir, 'state');
  const pulumiHome = path.join(stateDir, 'pulumi-home');
  const workDir = path.join(stateDir, 'workspace');
  for (const dir of [backendDir, pulumiHome, workDir]) fs.mkdirSync(dir, { recursive: true });
  const stack = await LocalWorkspace.createOrSelectStack(
    { projectName: options.projectName, stackName: options.stackName, program: options.program },
    {
      workDir,
      pulumiHome,
      pulumiCommand: options.cli.command,
      // `main` is where plugins start: the dynamic-provider plugin resolves @pulumi/pulumi from there.
      projectSettings: { name: options.projectName, runtime: 'nodejs', main: packageRoot(), backend: { url: `file://${backendDir}` } },
      secretsProvider: 'passphrase',
      envVars: {
        PULUMI_CONFIG_PASSPHRASE: options.passphrase,
        PULUMI_BACKEND_URL: `file://${backendDir}`,
        PULUMI_SKIP_UPDATE_CHECK: 'true',
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: 'true',
        PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: 'false',
        // The plugins beside the CLI (the dynamic-provider script, and the command plugin when present).
        PATH: `${options.cli.binDir}${path.delimiter}${process.env.PATH ?? ''}`,
        ...(options.env ?? {}),
      },
    },
  );
  if (options.config) await setConfigQuietly(stack, options.config, [options.passphrase]);
  return stack;
}

/**
 * `setAllConfig`, whose errors never show a secret value: the Automation API puts the whole command
 * line (`--secret key=value`) into its error message, e.g. when the passphrase is wrong.
 */
async function setConfigQuietly(
  stack: Stack,
  config: Record<string, { value: string; secret?: boolean }>,
  otherSecrets: string[],
): Promise<void> {
  try {
    await stack.setAllConfig(config);
  } catch (error) {
    const secrets = [
      ...Object.values(config)
        .filter((entry) => entry.secret)
        .map((entry) => entry.value),
      ...otherSecrets,
    ];
    const message = redact((error as Error).message, secrets);
    // no `cause`: the original message may hold a secret value, and a cause is printed unredacted
    // eslint-disable-next-line preserve-caught-error
    throw new Error(`setting the stack config of ${stack.name} failed: ${message}`);
  }
}
