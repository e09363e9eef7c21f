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
import { DbtWorker, type InvocationResult } from './worker';

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

export interface RoundStatus {
  processedThrough: string | null;
  newestLoadTstamp: string | null;
  newEvents?: number;
  datesRecomputed?: number;
  datesSkipped?: number;
  keysRecomputed?: number;
  /** False when the last committed run's windows end before today's (a resumed run keeps its own day). */
  windowsCurrent?: boolean;
}

export interface RunSummary {
  rounds: number;
  caughtUp: boolean;
  status: RoundStatus;
  seconds: number;
  /** Events, dates and keys summed over the rounds. */
  totals: RunTotals;
}

/** What the rounds of a run processed, summed over them. */
export interface RunTotals {
  /** New events processed. */
  newEvents: number;
  /** Event dates recomputed. */
  datesRecomputed: number;
  /** Event dates whose recomputation was deferred (only late events, below the threshold). */
  datesSkipped: number;
  /** Keys whose attributes were recomputed. */
  keysRecomputed: number;
}

/** What `signals-batch run --json` prints: a contract other tools read, so these names stay. */
export interface RunResultJson {
  /** The generated project that ran (`<name>_<version>`). */
  project: string;
  /** Whether the run processed every loaded event. */
  caughtUp: boolean;
  /** dbt rounds run. */
  rounds: number;
  /** Wall time of the run in seconds. */
  seconds: number;
  /** `load_tstamp` processed through after the last round (null before any event was processed). */
  processedThrough: string | null;
  /** The newest `load_tstamp` of the events table when the run ended (null when it is empty). */
  newestLoadTstamp: string | null;
  totals: RunTotals;
}

export function runResultJson(project: string, summary: RunSummary): RunResultJson {
  return {
    project,
    caughtUp: summary.caughtUp,
    rounds: summary.rounds,
    seconds: Math.round(summary.seconds * 1000) / 1000,
    processedThrough: summary.status.processedThrough,
    newestLoadTstamp: summary.status.newestLoadTstamp,
    totals: { ...summary.totals },
  };
}

/** dbt failed; `model` names the failing node when it is known. */
export class DbtRunError extends Error {
  constructor(
    message: string,
    readonly model: string | null,
    readonly dbtLines: string[],
  ) {
    super(message);
    this.name = 'DbtRunError';
  }
}

/** The run was asked to stop (SIGINT/SIGTERM): dbt was stopped and waited for, and the profile removed. */
export class RunInterruptedError extends Error {
  constructor(
    message: string,
    readonly signal: NodeJS.Signals,
  ) {
    super(message);
    this.name = 'RunInterruptedError';
  }
}

/** Options a run refuses before it starts anything. */
export class RunOptionsError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = 'RunOptionsError';
  }
}

const STATUS_LINE = /signals-batch status: (\{.*\})/;

export function parseStatus(stdout: string): RoundStatus | null {
  const matches = [...stdout.matchAll(new RegExp(STATUS_LINE, 'g'))];
  if (matches.length === 0) return null;
  const raw = JSON.parse(matches[matches.length - 1][1]) as Record<string, unknown>;
  const num = (k: string) => (typeof raw[k] === 'number' ? (raw[k] as number) : undefined);
  return {
    processedThrough: (raw.processed_through as string | null) ?? null,
    newestLoadTstamp: (raw.newest_load_tstamp as string | null) ?? null,
    newEvents: num('new_events'),
    datesRecomputed: num('dates_recomputed'),
    datesSkipped: num('dates_skipped'),
    keysRecomputed: num('keys_recomputed'),
    windowsCurrent: typeof raw.windows_current === 'boolean' ? raw.windows_current : undefined,
  };
}

/**
 * Caught up when nothing is loaded yet, or processing reached the newest load with the windows
 * ending today. Timestamps are written by the project as `YYYY-MM-DD HH:MM:SS.ffffff`, which
 * compares as text.
 */
export function isCaughtUp(s: RoundStatus): boolean {
  if (s.newestLoadTstamp === null) return true;
  if (s.processedThrough === null || s.windowsCurrent === false) return false;
  return s.processedThrough >= s.newestLoadTstamp;
}

interface RunResults {
  results: Array<{ unique_id: string; status: string; message: string | null }>;
}

const RUN_RESULTS = path.join('target', 'run_results.json');

/** Bounds on the numeric options (dbt threads; dbt invocations per run). */
export const MAX_THREADS = 64;
export const MAX_ROUNDS = 100_000;

/** One dbt invocation; a result left by an earlier invocation is removed first, so it is never read as this one's. */
async function invoke(worker: DbtWorker, args: string[], projectDir: string): Promise<InvocationResult> {
  await fs.rm(path.join(projectDir, RUN_RESULTS), { force: true });
  return worker.invoke(args);
}

/** What went wrong in one dbt invocation: the failing node and dbt's own error lines. */
async function describeFailure(projectDir: string, result: InvocationResult): Promise<DbtRunError> {
  const project = path.basename(projectDir);
  const output = result.error ? `${result.output}\n${result.error}` : result.output;
  const lines = output.split('\n').map((l) => stripVTControlCharacters(l).replace(/^\d{2}:\d{2}:\d{2}\s+/, ''));
  const tail = lines.filter((l) => l.trim() !== '').slice(-15);
  if (result.exit) {
    // The dbt process itself ended: killed from outside, or crashed.
    const running = result.progress.runningNodes()[0]?.replace(/^model /, '') ?? null;
    const how = result.exit.signal
      ? `dbt was killed by ${result.exit.signal} ${result.progress.describe()} of project ${project} (dbt reported no error: it was stopped from outside, e.g. out of memory).`
      : `dbt exited unexpectedly (code ${result.exit.code}) ${result.progress.describe()} of project ${project}: ${tail.join(' ').slice(0, 1500)}`;
    return new DbtRunError(`${how}\nRun again: completed work is kept and nothing is processed twice.`, running, tail);
  }
  let model: string | null = null;
  let message = '';
  try {
    const results = JSON.parse(await fs.readFile(path.join(projectDir, RUN_RESULTS), 'utf8')) as RunResults;
    const failed = results.results.find((r) => r.status === 'error' || r.status === 'fail');
    if (failed) {
      model = failed.unique_id.split('.').pop() ?? failed.unique_id;
      message = failed.message ?? '';
    }
  } catch {
    // no run_results.json: dbt stopped before writing it (parse or connection errors)
  }
  const start = lines.findIndex((l) => /(Error|error) in |Failure in|Compilation Error|Runtime Error|Database Error|Parsing Error/.test(l));
  const relevant = (start >= 0 ? lines.slice(start, start + 15) : lines.slice(-15)).filter((l) => l.trim() !== '');
  const where = model ? `model ${model}` : `dbt (${result.progress.describe()})`;
  return new DbtRunError(
    `dbt run failed in ${where} of project ${project}: ${(message || relevant.join(' ')).trim().slice(0, 1500)}\n` +
      `Fix the cause, then re-run: completed work is kept and nothing is processed twice.`,
    model,
    relevant,
  );
}

/** Every problem with the options, found before anything starts. */
function optionProblems(options: RunOptions): string[] {
  const problems: Array<string | undefined> = [...connectionProblems(options.connection)];
  if (options.profile !== undefined) problems.push(nameProblem('profile', options.profile, 'identifier'));
  if (options.targetName !== undefined) problems.push(nameProblem('target name', options.targetName, 'identifier'));
  const whole = (what: string, value: number | undefined, min: number, max: number) =>
    value === undefined || (Number.isInteger(value) && value >= min && value <= max) ? undefined : `${what} must be a whole number from ${min} to ${max}; got ${value}`;
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
async function testAttributeTable(worker: DbtWorker, baseArgs: string[], projectDir: string, stop: StopSignals, log: (line: string) => void): Promise<void> {
  const { attributeTable } = JSON.parse(await fs.readFile(path.join(projectDir, 'signals_batch.json'), 'utf8')) as { attributeTable: string };
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
    failed = results.results.filter((r) => r.status === 'fail' || r.status === 'error').map((r) => `${r.unique_id.split('.').slice(2).join('.')}: ${r.message ?? r.status}`);
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
  if (options.connection && options.profilesDir) throw new Error('give either a connection or profilesDir (your own dbt profiles), not both');
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

/** Run dbt round after round until caught up (or the round bound is hit). */
export async function runUntilCaughtUp(options: RunOptions): Promise<RunSummary> {
  const log = options.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const problems = optionProblems(options);
  if (problems.length > 0) throw new RunOptionsError(problems);
  const projectDir = path.resolve(options.projectDir);
  try {
    await fs.access(path.join(projectDir, 'dbt_project.yml'));
  } catch {
    throw new Error(`${projectDir} is not a generated dbt project (no dbt_project.yml); generate it first`);
  }
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

async function runRounds(options: RunOptions, projectDir: string, pythonEnv: PythonEnv, stop: StopSignals, log: (line: string) => void): Promise<RunSummary> {
  const maxRounds = options.maxRounds ?? 200;
  const { profiles, targetName } = await profilesFor(options);
  const started = Date.now();
  const totals = { newEvents: 0, datesRecomputed: 0, datesSkipped: 0, keysRecomputed: 0 };
  const worker = DbtWorker.start(projectDir, profiles.env, options.verbose ? (l) => log(`  dbt | ${l}`) : null, pythonEnv);
  stop.attach(worker);
  const baseArgs = ['--project-dir', projectDir, '--profiles-dir', profiles.dir, ...(targetName ? ['--target', targetName] : [])];
  if (options.profile) baseArgs.push('--profile', options.profile);
  if (options.vars && Object.keys(options.vars).length > 0) baseArgs.push('--vars', JSON.stringify(varsForDbt(options.vars)));
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
    if (!caughtUp) log(`stopped after ${maxRounds} rounds without catching up; run again (or raise snowplow__backfill_limit_days / --max-rounds)`);
    await testAttributeTable(worker, baseArgs, projectDir, stop, log);
    return { rounds, caughtUp, status, seconds: (Date.now() - started) / 1000, totals };
  } finally {
    await worker.stop();
    stop.attach(null);
    await profiles.cleanup();
  }
}
