/**
 * Run a generated project with dbt until it has caught up with the newest loaded event:
 * one `dbt run` per round (each processes at most snowplow__backfill_limit_days of load time),
 * progress per round, and on failure the failing model with dbt's own error lines.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { checkVarOverrides, varsForDbt } from '../dbt/vars';
import { StopSignals } from './dbtProcess';
import { ensurePythonEnv, type PythonEnv } from './python';
import { connectionProblems, nameProblem, pythonEnvFor, writeProfiles, type ProfileFiles, type WarehouseConnection } from './profiles';
import { DbtRunError, describeFailure, invoke, RUN_RESULTS, RunInterruptedError, RunOptionsError, type RunResults } from './invocation';
import { isCaughtUp, parseStatus, type RoundStatus, type RunSummary } from './result';
import { DbtWorker } from './worker';

export interface RunOptions {
  /** The generated project directory (holding dbt_project.yml). */
  projectDir: string;
  /** Where to run: a connection the runner writes a private profile for, or `profilesDir`. */
  connection?: WarehouseConnection;
  /**
   * The user's own dbt profiles (dbt's `--profiles-dir`): used as they are, with `targetName` as
   * dbt's `--target` (default: the profile's own default target). Instead of `connection`.
   */
  profilesDir?: string;
  /** dbt variable overrides for this run. */
  vars?: Record<string, unknown>;
  /** Rebuild from scratch (drops state only where snowplow__allow_refresh or the dev target allows it). */
  fullRefresh?: boolean;
  /**
   * Profile name (default: the project's, `signals_batch`) and target name (default `dev` for
   * DuckDB, else `prod`; with `profilesDir`, the profile's default target).
   */
  profile?: string;
  targetName?: string;
  threads?: number;
  /** Upper bound on dbt runs (default 200). */
  maxRounds?: number;
  /** Progress lines (default: stderr). */
  log?: (line: string) => void;
  /** Echo dbt's own output too. */
  verbose?: boolean;
  /** Create the Python environment if needed (default true). */
  setupPython?: boolean;
  /**
   * The Python environment holding the adapter (default: the connection's type, else the
   * project's generated target).
   */
  pythonEnv?: PythonEnv;
}

/** Bounds on the numeric options (dbt threads; dbt invocations per run). */
export const MAX_THREADS = 64;
export const MAX_ROUNDS = 100_000;

/** Every problem with the options, found before anything starts. */
function optionProblems(options: RunOptions): string[] {
  const problems: Array<string | undefined> = [...connectionProblems(options.connection)];
  if (options.profile !== undefined) problems.push(nameProblem('profile', options.profile, 'identifier'));
  if (options.targetName !== undefined) problems.push(nameProblem('target name', options.targetName, 'identifier'));
  const whole = (what: string, value: number | undefined, min: number, max: number) =>
    value === undefined || (Number.isInteger(value) && value >= min && value <= max)
      ? undefined
      : `${what} must be a whole number from ${min} to ${max}; got ${value}`;
  problems.push(whole('threads', options.threads, 1, MAX_THREADS), whole('maxRounds', options.maxRounds, 1, MAX_ROUNDS));
  try {
    checkVarOverrides(options.vars ?? {});
  } catch (error) {
    problems.push((error as Error).message);
  }
  return problems.filter((p): p is string => p !== undefined);
}

/**
 * The generated tests of the synced table (a unique, non-null key; a non-null sync timestamp): a
 * broken table is reported before Signals syncs it.
 */
async function testAttributeTable(
  worker: DbtWorker,
  baseArgs: string[],
  projectDir: string,
  stop: StopSignals,
  log: (line: string) => void,
): Promise<void> {
  const { attributeTable } = JSON.parse(await fs.readFile(path.join(projectDir, 'signals_batch.json'), 'utf8')) as {
    attributeTable: string;
  };
  const result = await invoke(worker, ['test', ...baseArgs, '--select', attributeTable], projectDir);
  if (stop.received) throw interrupted(stop.received, projectDir, `while testing ${attributeTable}`);
  if (result.exit) throw await describeFailure(projectDir, result);
  const { success, error, output } = result;
  if (success) {
    log(`tests of ${attributeTable} passed`);
    return;
  }
  let failed: string[] = [];
  try {
    const results = JSON.parse(await fs.readFile(path.join(projectDir, RUN_RESULTS), 'utf8')) as RunResults;
    failed = results.results
      .filter((r) => r.status === 'fail' || r.status === 'error')
      .map((r) => `${r.unique_id.split('.').slice(2).join('.')}: ${r.message ?? r.status}`);
  } catch {
    // no results: dbt failed before testing
  }
  const detail = failed.length > 0 ? failed.join('; ') : (error ?? output.split('\n').slice(-10).join(' ')).trim();
  throw new DbtRunError(
    `the attribute table ${attributeTable} failed its tests: ${detail.slice(0, 1500)}\n` +
      'The table is not fit to sync; find the cause (a changed key column, rows written outside this project) and re-run, or rebuild with --full-refresh --allow-refresh.',
    attributeTable,
    failed,
  );
}

/** The environment of the adapter: the connection's, else the target the project was generated for. */
async function projectPythonEnv(projectDir: string, connection: WarehouseConnection | undefined): Promise<PythonEnv> {
  if (connection) return pythonEnvFor(connection.type);
  try {
    const meta = JSON.parse(await fs.readFile(path.join(projectDir, 'signals_batch.json'), 'utf8')) as { target?: PythonEnv };
    if (meta.target) return meta.target;
  } catch {
    // not generated by signals-batch: fall through to the default
  }
  return 'duckdb';
}

/** The user's profiles as they are, or a private profile written for the connection. */
async function profilesFor(options: RunOptions): Promise<{ profiles: ProfileFiles; targetName: string | undefined }> {
  if (options.connection && options.profilesDir)
    throw new Error('give either a connection or profilesDir (your own dbt profiles), not both');
  if (options.profilesDir) {
    const dir = path.resolve(options.profilesDir);
    try {
      await fs.access(path.join(dir, 'profiles.yml'));
    } catch {
      throw new Error(`no profiles.yml in ${dir}: point profilesDir (--profiles-dir) at the folder holding your dbt profiles.yml`);
    }
    return { profiles: { dir, env: {}, cleanup: async () => undefined }, targetName: options.targetName };
  }
  if (!options.connection) throw new Error('no connection: give connection settings or profilesDir (your own dbt profiles)');
  const targetName = options.targetName ?? (options.connection.type === 'duckdb' ? 'dev' : 'prod');
  const profiles = await writeProfiles(options.profile ?? 'signals_batch', targetName, options.connection, options.threads);
  return { profiles, targetName };
}

/** The project directory of valid options, checked before anything starts. */
async function checkedProjectDir(options: RunOptions): Promise<string> {
  const problems = optionProblems(options);
  if (problems.length > 0) throw new RunOptionsError(problems);
  const projectDir = path.resolve(options.projectDir);
  try {
    await fs.access(path.join(projectDir, 'dbt_project.yml'));
  } catch {
    throw new Error(`${projectDir} is not a generated dbt project (no dbt_project.yml); generate it first`);
  }
  return projectDir;
}

/**
 * The dbt arguments every invocation of a run shares. dbt reuses its last parse of the project
 * (partial parsing) only while the variables, profile and target among them are unchanged.
 */
function dbtBaseArgs(options: RunOptions, projectDir: string, profilesDir: string, targetName: string | undefined): string[] {
  const args = ['--project-dir', projectDir, '--profiles-dir', profilesDir, ...(targetName ? ['--target', targetName] : [])];
  if (options.profile) args.push('--profile', options.profile);
  if (options.vars && Object.keys(options.vars).length > 0) args.push('--vars', JSON.stringify(varsForDbt(options.vars)));
  return args;
}

/**
 * dbt's parse of the project with the options of a run, and nothing else: the run that follows
 * with the same options reuses it, as a scheduled run reuses its previous run's parse.
 */
export async function parseProject(options: RunOptions): Promise<void> {
  const log = options.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const projectDir = await checkedProjectDir(options);
  const pythonEnv = options.pythonEnv ?? (await projectPythonEnv(projectDir, options.connection));
  if (options.setupPython !== false) await ensurePythonEnv(pythonEnv, log);
  const { profiles, targetName } = await profilesFor(options);
  const worker = DbtWorker.start(projectDir, profiles.env, options.verbose ? (l) => log(`  dbt | ${l}`) : null, pythonEnv);
  try {
    const result = await invoke(worker, ['parse', ...dbtBaseArgs(options, projectDir, profiles.dir, targetName)], projectDir);
    if (!result.success) throw await describeFailure(projectDir, result);
  } finally {
    await worker.stop();
    await profiles.cleanup();
  }
}

/** Run dbt round after round until caught up (or the round bound is hit). */
export async function runUntilCaughtUp(options: RunOptions): Promise<RunSummary> {
  const log = options.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const projectDir = await checkedProjectDir(options);
  const pythonEnv = options.pythonEnv ?? (await projectPythonEnv(projectDir, options.connection));
  const stop = new StopSignals(log);
  stop.install();
  try {
    if (options.setupPython !== false) {
      // A terminal's Ctrl+C reaches the setup script too: report the interruption, not its failure.
      await ensurePythonEnv(pythonEnv, log).catch((error: unknown) => {
        throw stop.received ? interrupted(stop.received, projectDir, 'while setting up the Python environment') : error;
      });
    }
    if (stop.received) throw interrupted(stop.received, projectDir, 'before dbt started');
    return await runRounds(options, projectDir, pythonEnv, stop, log);
  } finally {
    stop.uninstall();
  }
}

function interrupted(signal: NodeJS.Signals, projectDir: string, when: string): RunInterruptedError {
  return new RunInterruptedError(
    `interrupted by ${signal} ${when} (project ${path.basename(projectDir)}); dbt has exited and the temporary profile is removed. ` +
      'Completed work is kept: run again to continue.',
    signal,
  );
}

async function runRounds(
  options: RunOptions,
  projectDir: string,
  pythonEnv: PythonEnv,
  stop: StopSignals,
  log: (line: string) => void,
): Promise<RunSummary> {
  const maxRounds = options.maxRounds ?? 200;
  const { profiles, targetName } = await profilesFor(options);
  const started = Date.now();
  const totals = { newEvents: 0, datesRecomputed: 0, datesSkipped: 0, keysRecomputed: 0 };
  const worker = DbtWorker.start(projectDir, profiles.env, options.verbose ? (l) => log(`  dbt | ${l}`) : null, pythonEnv);
  stop.attach(worker);
  const baseArgs = dbtBaseArgs(options, projectDir, profiles.dir, targetName);
  try {
    let status: RoundStatus = { processedThrough: null, newestLoadTstamp: null };
    let rounds = 0;
    let caughtUp = false;
    while (!caughtUp && rounds < maxRounds) {
      if (stop.received) throw interrupted(stop.received, projectDir, `before round ${rounds + 1}`);
      rounds += 1;
      const roundStart = Date.now();
      const args = ['run', ...baseArgs, ...(options.fullRefresh && rounds === 1 ? ['--full-refresh'] : [])];
      const result = await invoke(worker, args, projectDir);
      if (stop.received) throw interrupted(stop.received, projectDir, `in round ${rounds}, ${result.progress.describe()}`);
      if (!result.success) throw await describeFailure(projectDir, result);
      const { output } = result;
      // The project's own notices (e.g. a full refresh that keeps state) reach the user.
      for (const m of output.matchAll(/signals-batch: (?!status)(.*)/g)) log(stripVTControlCharacters(m[1]).trim());
      status = parseStatus(output) ?? status;
      totals.newEvents += status.newEvents ?? 0;
      totals.datesRecomputed += status.datesRecomputed ?? 0;
      totals.datesSkipped += status.datesSkipped ?? 0;
      totals.keysRecomputed += status.keysRecomputed ?? 0;
      caughtUp = isCaughtUp(status);
      log(
        `round ${rounds}: loads processed through ${status.processedThrough ?? '(none yet)'} of ${status.newestLoadTstamp ?? '(no events)'}; ` +
          `${status.newEvents ?? 0} new events, ${status.datesRecomputed ?? 0} dates recomputed, ${status.datesSkipped ?? 0} skipped, ` +
          `${status.keysRecomputed ?? 0} keys recomputed (${((Date.now() - roundStart) / 1000).toFixed(1)}s)${caughtUp ? ' - caught up' : ''}`,
      );
    }
    if (!caughtUp)
      log(`stopped after ${maxRounds} rounds without catching up; run again (or raise snowplow__backfill_limit_days / --max-rounds)`);
    await testAttributeTable(worker, baseArgs, projectDir, stop, log);
    return { rounds, caughtUp, status, seconds: (Date.now() - started) / 1000, totals };
  } finally {
    await worker.stop();
    stop.attach(null);
    await profiles.cleanup();
  }
}
