/**
 * The Python environments dbt runs from, one per adapter (their dbt-core pins differ and a
 * Snowflake user needs no Spark): found, or created by scripts/setup-python.sh from the pinned
 * python/requirements/<env>.txt (progress shown; reused when present). The location rule is the
 * script's: the default `duckdb` environment is $SIGNALS_BATCH_VENV, else `<package>/.venv`; every
 * other one lives in a per-user cache keyed by the hash of its requirements.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { packageRoot } from '../paths';

/** A pinned environment: the dbt adapters, and the local engines the warehouse tests start. */
export type PythonEnv = 'duckdb' | 'snowflake' | 'bigquery' | 'databricks' | 'spark' | 'fakesnow' | 'crucible' | 'sqlglot';

export function requirementsFile(env: PythonEnv): string {
  return path.join(packageRoot(), 'python', 'requirements', `${env}.txt`);
}

/** Where an environment lives. */
export function venvDir(env: PythonEnv = 'duckdb'): string {
  if (env === 'duckdb') return process.env.SIGNALS_BATCH_VENV ?? path.join(packageRoot(), '.venv');
  const cache =
    process.env.SIGNALS_BATCH_PYTHON_CACHE ??
    path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'signals-batch', 'python');
  const hash = createHash('sha256')
    .update(fs.readFileSync(requirementsFile(env)))
    .digest('hex')
    .slice(0, 12);
  return path.join(cache, `${env}-${hash}`);
}

export function dbtExecutable(env: PythonEnv = 'duckdb'): string {
  return path.join(venvDir(env), 'bin', 'dbt');
}

export function pythonExecutable(env: PythonEnv = 'duckdb'): string {
  return path.join(venvDir(env), 'bin', 'python');
}

/** Create or update an environment; resolves with its directory once it is usable. */
export async function ensurePythonEnv(
  env: PythonEnv = 'duckdb',
  log: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): Promise<string> {
  const script = path.join(packageRoot(), 'scripts', 'setup-python.sh');
  await new Promise<void>((resolve, reject) => {
    const child = spawn('bash', [script, env], { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    const forward = (chunk: Buffer) => chunk.toString().split('\n').filter(Boolean).forEach(log);
    child.stdout.on('data', forward);
    child.stderr.on('data', forward);
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve()
        : reject(
            new Error(
              `setting up the ${env} Python environment failed (exit ${code}); see the lines above, then re-run: bash ${script} ${env}`,
            ),
          ),
    );
  });
  if (!fs.existsSync(pythonExecutable(env)))
    throw new Error(`Python is missing from ${venvDir(env)} after setup; remove that folder and re-run`);
  return venvDir(env);
}
