/**
 * A local engine standing in for a warehouse in the warehouse tests: started by the test, loaded
 * with Snowplow events in that warehouse's layout, queried, stopped. Each test works in its own
 * namespace (a database, or a schema prefix) of one engine.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import { ATOMIC_COLUMNS } from '../../../src/definition';
import type { Target } from '../../../src/dbt';
import { ensurePythonEnv, pythonExecutable, type PythonEnv, type WarehouseConnection } from '../../../src/runner';

export type Row = Record<string, unknown>;

export interface WarehouseEngine {
  /** The dialect whose SQL this engine runs. */
  readonly target: Target;
  /** What runs it, for test names and messages. */
  readonly engineName: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Where dbt builds the models of namespace `ns`. */
  connection(ns: string): WarehouseConnection;
  /** dbt variables pointing the project at the events table of `ns`. */
  sourceVars(ns: string): Record<string, unknown>;
  /** Load CSV exports into the events table of `ns` (created or widened); returns rows loaded. */
  loadEventsCsv(ns: string, files: string[]): Promise<number>;
  /** Every row of a generated table (`suffix` is the schema suffix, e.g. `derived`), ordered by `orderBy`, columns lower-case. */
  readTable(ns: string, suffix: string, table: string, orderBy: string): Promise<Row[]>;
}

export const SUPPORT_PYTHON = path.join(__dirname, 'python');

/** The atomic columns' kinds, for the loaders' typing. */
export function atomicKinds(): string {
  return JSON.stringify(Object.fromEntries(ATOMIC_COLUMNS));
}

/** Run a support script in a pinned environment; resolves with its stdout parsed as JSON. */
export async function runPythonJson(
  env: PythonEnv,
  script: string,
  args: string[],
  extraEnv: Record<string, string> = {},
): Promise<unknown> {
  await ensurePythonEnv(env, () => undefined);
  return new Promise((resolve, reject) => {
    execFile(
      pythonExecutable(env),
      [path.join(SUPPORT_PYTHON, script), ...args],
      { maxBuffer: 256 * 1024 * 1024, env: { ...process.env, ...extraEnv, PYTHONPATH: SUPPORT_PYTHON } },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`${script} ${args[0]} failed: ${error.message}\n${stderr.split('\n').slice(-25).join('\n')}`));
        const last = stdout.trim().split('\n').pop() ?? 'null';
        resolve(JSON.parse(last));
      },
    );
  });
}

/** Start a long-running support process and wait for its readiness line. */
export function startProcess(
  command: string,
  args: string[],
  ready: RegExp,
  env: Record<string, string> = {},
  timeoutMs = 180_000,
): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`${path.basename(command)} ${args.join(' ')} did not start within ${timeoutMs / 1000}s:\n${output.slice(-3000)}`));
    }, timeoutMs);
    const take = (chunk: Buffer) => {
      output += chunk.toString();
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${path.basename(command)} exited (${code}) before it was ready:\n${output.slice(-3000)}`));
    });
  });
}

/** Stop a process started by `startProcess` (SIGTERM, then SIGKILL after 10 s). */
export async function stopProcess(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}
