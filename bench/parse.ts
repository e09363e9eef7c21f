/**
 * A scheduled daily run finds the partial parse its previous run left: dbt reuses it while the
 * project files, the variables and the profile are unchanged. The bench pins each day with
 * `snowplow__mock_current_day`, a variable, so its steady-state runs would pay a full parse that no
 * scheduled run pays. Before such a run the bench parses the project, untimed, with the variables
 * and the profile of that run, as the previous scheduled run would have.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { varsForDbt } from '../src/dbt';
import { dbtExecutable, writeProfiles, type WarehouseConnection } from '../src/runner';

const run = promisify(execFile);

/** The profile and target names the runner gives a DuckDB connection of its own. */
const RUNNER_PROFILE = 'signals_batch';
const RUNNER_TARGET = 'dev';

export async function parseAhead(
  projectDir: string,
  connection: WarehouseConnection,
  vars: Record<string, unknown>,
  threads: number,
): Promise<void> {
  const profiles = await writeProfiles(RUNNER_PROFILE, RUNNER_TARGET, connection, threads);
  const args = ['parse', '--project-dir', projectDir, '--profiles-dir', profiles.dir, '--target', RUNNER_TARGET];
  args.push('--vars', JSON.stringify(varsForDbt(vars)));
  try {
    await run(dbtExecutable('duckdb'), args, { cwd: projectDir, env: { ...process.env, ...profiles.env }, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const out = (error as { stdout?: string }).stdout ?? '';
    throw new Error(`dbt parse ahead of a steady-state run failed in ${projectDir}:\n${out.split('\n').slice(-20).join('\n')}`, {
      cause: error,
    });
  } finally {
    await profiles.cleanup();
  }
}
