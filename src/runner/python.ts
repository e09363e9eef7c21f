/**
 * The project-local Python environment holding dbt: found, or created by scripts/setup-python.sh
 * from pinned requirements (progress shown; reused when present).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { packageRoot } from '../paths';

/** Where the virtual environment lives: $SIGNALS_BATCH_VENV, else `<package>/.venv`. */
export function venvDir(): string {
  return process.env.SIGNALS_BATCH_VENV ?? path.join(packageRoot(), '.venv');
}

export function dbtExecutable(): string {
  return path.join(venvDir(), 'bin', 'dbt');
}

export function pythonExecutable(): string {
  return path.join(venvDir(), 'bin', 'python');
}

/** Create or update the environment; resolves when dbt is runnable. */
export async function ensurePythonEnv(log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<string> {
  const script = path.join(packageRoot(), 'scripts', 'setup-python.sh');
  await new Promise<void>((resolve, reject) => {
    const child = spawn('bash', [script], { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    const forward = (chunk: Buffer) => chunk.toString().split('\n').filter(Boolean).forEach(log);
    child.stdout.on('data', forward);
    child.stderr.on('data', forward);
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`setting up the Python environment failed (exit ${code}); see the lines above, then re-run: bash ${script}`)),
    );
  });
  if (!fs.existsSync(dbtExecutable())) throw new Error(`dbt is missing from ${venvDir()} after setup; remove that folder and re-run`);
  return dbtExecutable();
}
