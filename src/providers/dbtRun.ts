/**
 * Pulumi dynamic provider: runs a local command (here: `signals-batch run`, dbt until caught up) on
 * create and update. It stands in for `@pulumi/command`'s `local.Command` where the
 * `pulumi-resource-command` plugin is not installed (`BatchAttributeView` arg `dbtRunner: 'dynamic'`),
 * with the same semantics:
 *
 * - a change of `triggers` replaces the resource (the command runs again);
 * - a change of the command, its directory or the *names* of its environment variables updates it
 *   (the command runs again); nothing runs when nothing changed, and preview never runs anything;
 * - `environment` carries secrets (dbt credentials): give it as `pulumi.secret(...)`. It is stored
 *   encrypted in the inputs only, never echoed into the outputs, and its values are scrubbed from the
 *   captured stdout/stderr and from error messages;
 * - delete does nothing (warehouse tables are kept).
 *
 * Pulumi serializes this provider, with what it imports, into the state: it keeps nothing from the program.
 */
import * as pulumi from '@pulumi/pulumi';
import { redact } from '../redact';
import { UNKNOWN_VALUE, canonicalJson, containsUnknown } from './values';
import { type ResourceOutputs, propertiesWithOutputs } from './resourceOutputs';

export interface DbtRunInputs {
  /** argv: the executable and its arguments; no shell is involved. */
  command: string[];
  /** Working directory (must exist); relative to the program's working directory. Default: that directory. */
  cwd?: string;
  /** Extra environment variables (secret values welcome), on top of the provider process environment. */
  environment?: Record<string, string>;
  /** Any change replaces the resource, so the command runs again. */
  triggers?: unknown[];
  /** Label for progress lines (default: the resource's command name). */
  label?: string;
}

export interface DbtRunOutputs {
  command: string[];
  cwd?: string;
  /** Names of the environment variables passed (values are never stored in outputs). */
  environmentKeys: string[];
  triggers: unknown[];
  label: string;
  /** The command's standard output (secrets scrubbed). */
  stdout: string;
  /** The last lines of its standard error (progress; secrets scrubbed). */
  stderr: string;
  /** ISO timestamp of the end of the last run. */
  ranAt: string;
  /** Duration of the last run in seconds. */
  seconds: number;
}

const STDERR_KEEP_LINES = 200;

function defaultLabel(command: string[]): string {
  const path = require('node:path') as typeof import('node:path');
  return command
    .map((part) => path.basename(part))
    .slice(0, 3)
    .join(' ');
}

/** Removes every echo of the environment's values (see `src/redact.ts`) as `[secret]`. */
function scrubber(environment: Record<string, string> | undefined): (text: string) => string {
  const secrets = Object.values(environment ?? {}).filter((value) => typeof value === 'string');
  return (text) => redact(text, secrets, '[secret]');
}

async function runCommand(inputs: DbtRunInputs): Promise<DbtRunOutputs> {
  const { spawn } = require('node:child_process') as typeof import('node:child_process');
  const fs = require('node:fs') as typeof import('node:fs');
  const scrub = scrubber(inputs.environment);
  const label = inputs.label || defaultLabel(inputs.command);
  if (inputs.cwd && !fs.existsSync(inputs.cwd)) throw new Error(`${label}: working directory ${inputs.cwd} does not exist`);
  const started = Date.now();
  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(inputs.command[0], inputs.command.slice(1), {
      ...(inputs.cwd ? { cwd: inputs.cwd } : {}),
      env: { ...process.env, ...(inputs.environment ?? {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      err += text;
      // Progress for whoever watches the provider's log (never a secret: scrubbed).
      for (const line of scrub(text).split('\n').filter(Boolean)) process.stderr.write(`[${label}] ${line}\n`);
    });
    child.on('error', (error) => reject(new Error(`${label}: cannot start ${inputs.command[0]}: ${scrub(error.message)}`)));
    child.on('close', (exit) => resolve({ code: exit ?? 1, stdout: out, stderr: err }));
  });
  const tail = scrub(stderr).split('\n').filter(Boolean).slice(-STDERR_KEEP_LINES).join('\n');
  if (code !== 0) {
    const lastLines = tail.split('\n').slice(-25).join('\n');
    throw new Error(`${label} failed (exit ${code}):\n${lastLines}\n${scrub(stdout).trim()}`.trim());
  }
  return {
    command: inputs.command,
    ...(inputs.cwd ? { cwd: inputs.cwd } : {}),
    environmentKeys: Object.keys(inputs.environment ?? {}).sort(),
    triggers: inputs.triggers ?? [],
    label,
    stdout: scrub(stdout),
    stderr: tail,
    ranAt: new Date().toISOString(),
    seconds: Math.round((Date.now() - started) / 100) / 10,
  };
}

/** The plain provider (tested directly); `DbtRun` below wraps it for Pulumi. */
export class DbtRunProvider implements pulumi.dynamic.ResourceProvider<DbtRunInputs, DbtRunOutputs> {
  async check(_olds: DbtRunInputs, news: DbtRunInputs): Promise<pulumi.dynamic.CheckResult<DbtRunInputs>> {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    const command = news.command as unknown;
    if (
      !containsUnknown(command) &&
      (!Array.isArray(command) || command.length === 0 || command.some((part) => typeof part !== 'string'))
    ) {
      failures.push({ property: 'command', reason: 'command must be a non-empty list of strings (argv)' });
    }
    if (news.cwd !== undefined && (news.cwd as unknown) !== UNKNOWN_VALUE && (typeof news.cwd !== 'string' || news.cwd === '')) {
      failures.push({ property: 'cwd', reason: `cwd must be a directory path; got ${JSON.stringify(news.cwd)}` });
    }
    const environment = news.environment as unknown;
    if (environment !== undefined && !containsUnknown(environment)) {
      if (!environment || typeof environment !== 'object' || Array.isArray(environment)) {
        failures.push({ property: 'environment', reason: 'environment must map variable names to strings' });
      } else {
        for (const [key, value] of Object.entries(environment as Record<string, unknown>)) {
          if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key))
            failures.push({ property: 'environment', reason: `invalid variable name ${JSON.stringify(key)}` });
          if (typeof value !== 'string') failures.push({ property: 'environment', reason: `${key} must be a string` });
        }
      }
    }
    if (news.triggers !== undefined && !containsUnknown(news.triggers) && !Array.isArray(news.triggers)) {
      failures.push({ property: 'triggers', reason: 'triggers must be a list' });
    }
    if (failures.length > 0) return { failures };
    const label = news.label || (containsUnknown(command) ? undefined : defaultLabel(news.command));
    return { inputs: { ...news, triggers: news.triggers ?? [], ...(label ? { label } : {}) } };
  }

  async diff(_id: string, olds: DbtRunOutputs, news: DbtRunInputs): Promise<pulumi.dynamic.DiffResult> {
    const replaces: string[] = [];
    if (containsUnknown(news.triggers) || canonicalJson(news.triggers ?? []) !== canonicalJson(olds.triggers ?? []))
      replaces.push('triggers');
    const newKeys = containsUnknown(news.environment) ? null : Object.keys(news.environment ?? {}).sort();
    const changes =
      replaces.length > 0 ||
      containsUnknown(news.command) ||
      canonicalJson(news.command) !== canonicalJson(olds.command) ||
      (news.cwd ?? '') !== (olds.cwd ?? '') ||
      newKeys === null ||
      canonicalJson(newKeys) !== canonicalJson(olds.environmentKeys ?? []) ||
      (news.label ?? '') !== (olds.label ?? '');
    return { changes, replaces, deleteBeforeReplace: false };
  }

  async create(inputs: DbtRunInputs): Promise<pulumi.dynamic.CreateResult<DbtRunOutputs>> {
    const outs = await runCommand(inputs);
    const { randomUUID } = require('node:crypto') as typeof import('node:crypto');
    return { id: randomUUID(), outs };
  }

  async update(_id: string, _olds: DbtRunOutputs, news: DbtRunInputs): Promise<pulumi.dynamic.UpdateResult<DbtRunOutputs>> {
    return { outs: await runCommand(news) };
  }

  /** A run is an action, not an object: refresh keeps what the last run recorded. */
  async read(id: string, props?: DbtRunOutputs): Promise<pulumi.dynamic.ReadResult<DbtRunOutputs>> {
    return { id, props };
  }

  async delete(): Promise<void> {
    // Nothing to undo: the tables the run built are kept.
  }
}

export interface DbtRunArgs {
  /** argv: the executable and its arguments (no shell). */
  command: pulumi.Input<pulumi.Input<string>[]>;
  /** Working directory (must exist when the command runs); default: the program's working directory. */
  cwd?: pulumi.Input<string>;
  /** Extra environment variables; pass secrets as `pulumi.secret(...)`. */
  environment?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Any change replaces the resource, so the command runs again. */
  triggers?: pulumi.Input<pulumi.Input<unknown>[]>;
  /** Label for progress lines. */
  label?: pulumi.Input<string>;
}

export interface DbtRun extends ResourceOutputs<DbtRunOutputs> {}

/** A command run on create/update (like `local.Command` with only `create`), with secret-safe outputs. */
export class DbtRun extends pulumi.dynamic.Resource {
  constructor(name: string, args: DbtRunArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      new DbtRunProvider(),
      name,
      propertiesWithOutputs<DbtRunOutputs>(args, {
        command: true,
        cwd: true,
        environmentKeys: true,
        triggers: true,
        label: true,
        stdout: true,
        stderr: true,
        ranAt: true,
        seconds: true,
      }),
      opts,
      'signals-batch',
      'DbtRun',
    );
  }
}
