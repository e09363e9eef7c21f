/**
 * Running the `signals-batch` CLI in tests: in-process through `main` (fast, stdout/stderr
 * captured), or as a child process of the built package (`node bin/signals-batch.js`).
 */
import { spawn, spawnSync, type SpawnOptions } from 'node:child_process';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { packageRoot as findPackageRoot } from '../../src/paths';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export const packageRoot = findPackageRoot();
export const cliBin = path.join(packageRoot, 'bin', 'signals-batch.js');

/** Runs the CLI in this process, capturing what it writes. */
export async function cliInProcess(...args: string[]): Promise<CliRun> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(String(chunk));
    return true;
  });
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr.push(String(chunk));
    return true;
  });
  try {
    const code = await main(['node', 'signals-batch', ...args]);
    return { code, stdout: stdout.join(''), stderr: stderr.join('') };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = undefined;
  }
}

/** Runs the built CLI as a child process and waits for it. */
export function cliProcess(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): CliRun {
  const r = spawnSync(process.execPath, [cliBin, ...args], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    encoding: 'utf8',
    timeout: 300_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Starts the built CLI as a child process (for tests that signal it while it runs). */
export function startCliProcess(args: string[], options: SpawnOptions = {}) {
  return spawn(process.execPath, [cliBin, ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...options });
}

/** Builds dist/ and build/ (the child-process CLI runs from them; npm test's pretest builds them too). */
export function buildPackage(): void {
  for (const config of ['tsconfig.build.json', 'tsconfig.json']) {
    const tsc = spawnSync(process.execPath, [path.join(packageRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', config], {
      cwd: packageRoot,
      encoding: 'utf8',
    });
    if (tsc.status !== 0) throw new Error(`the TypeScript build (${config}) failed:\n${tsc.stdout}${tsc.stderr}`);
  }
}

/** One paragraph: the program's name, then text without blank lines or a stack trace. */
export function expectOneParagraph(stderr: string): void {
  expect(stderr.startsWith('signals-batch: ')).toBe(true);
  expect(stderr.trim()).not.toMatch(/\n\s*\n/);
  expect(stderr).not.toMatch(/\n\s+at .+:\d+:\d+\)?/);
}
