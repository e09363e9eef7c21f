/**
 * Run a generated project with dbt until it has caught up with the newest loaded event:
 * one `dbt run` per round (each processes at most snowplow__backfill_limit_days of load time),
 * progress per round, and on failure the failing model with dbt's own error lines.
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { varsForDbt, varsSchema } from '../dbt/vars';
import { ensurePythonEnv } from './python';
import { DbtWorker } from './worker';
import { writeProfiles, type WarehouseConnection } from './profiles';

export interface RunOptions {
  /** The generated project directory (holding dbt_project.yml). */
  projectDir: string;
  connection: WarehouseConnection;
  /** dbt variable overrides for this run. */
  vars?: Record<string, unknown>;
  /** Rebuild from scratch (drops state only where snowplow__allow_refresh or the dev target allows it). */
  fullRefresh?: boolean;
  /** Profile name (default: the project's, `signals_batch`) and target name (default `dev` for DuckDB, else `prod`). */
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
}

export interface RoundStatus {
  processedThrough: string | null;
  newestLoadTstamp: string | null;
  newEvents?: number;
  datesRecomputed?: number;
  datesSkipped?: number;
  keysRecomputed?: number;
}

export interface RunSummary {
  rounds: number;
  caughtUp: boolean;
  status: RoundStatus;
  seconds: number;
  /** Events, dates and keys summed over the rounds. */
  totals: { newEvents: number; datesRecomputed: number; datesSkipped: number; keysRecomputed: number };
}

/** dbt failed; `model` names the failing node when dbt said which. */
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
  };
}

/**
 * Caught up when nothing is loaded yet, or processing reached the newest load. Both are written
 * by the project as `YYYY-MM-DD HH:MM:SS.ffffff`, which compares as text.
 */
export function isCaughtUp(s: RoundStatus): boolean {
  if (s.newestLoadTstamp === null) return true;
  if (s.processedThrough === null) return false;
  return s.processedThrough >= s.newestLoadTstamp;
}

interface RunResults {
  results: Array<{ unique_id: string; status: string; message: string | null; relation_name?: string | null }>;
}

/** The failing node and dbt's error lines, from run_results.json and the log. */
async function describeFailure(projectDir: string, output: string): Promise<DbtRunError> {
  let model: string | null = null;
  let message = '';
  try {
    const results = JSON.parse(await fs.readFile(path.join(projectDir, 'target', 'run_results.json'), 'utf8')) as RunResults;
    const failed = results.results.find((r) => r.status === 'error' || r.status === 'fail');
    if (failed) {
      model = failed.unique_id.split('.').pop() ?? failed.unique_id;
      message = failed.message ?? '';
    }
  } catch {
    // no run_results.json: dbt failed before running models (parse or connection errors)
  }
  const lines = output.split('\n').map((l) => l.replace(/\x1b\[[0-9;]*m/g, '').replace(/^\d{2}:\d{2}:\d{2}\s+/, ''));
  const start = lines.findIndex((l) => /(Error|error) in |Failure in|Compilation Error|Runtime Error|Database Error|Parsing Error/.test(l));
  const relevant = (start >= 0 ? lines.slice(start, start + 15) : lines.slice(-15)).filter((l) => l.trim() !== '');
  const where = model ? `model ${model}` : 'dbt (before any model ran)';
  return new DbtRunError(
    `dbt run failed in ${where} of project ${path.basename(projectDir)}: ${(message || relevant.join(' ')).trim().slice(0, 1500)}\n` +
      `Fix the cause, then re-run: completed work is kept and nothing is processed twice.`,
    model,
    relevant,
  );
}

/**
 * The generated tests of the synced table (a unique, non-null key; a non-null sync timestamp): a
 * broken table is reported before Signals syncs it.
 */
async function testAttributeTable(worker: DbtWorker, baseArgs: string[], projectDir: string, log: (line: string) => void): Promise<void> {
  const { attributeTable } = JSON.parse(await fs.readFile(path.join(projectDir, 'signals_batch.json'), 'utf8')) as { attributeTable: string };
  const { success, error, output } = await worker.invoke(['test', ...baseArgs, '--select', attributeTable]);
  if (success) {
    log(`tests of ${attributeTable} passed`);
    return;
  }
  let failed: string[] = [];
  try {
    const results = JSON.parse(await fs.readFile(path.join(projectDir, 'target', 'run_results.json'), 'utf8')) as RunResults;
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

/** Run dbt round after round until caught up (or the round bound is hit). */
export async function runUntilCaughtUp(options: RunOptions): Promise<RunSummary> {
  const log = options.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const projectDir = path.resolve(options.projectDir);
  try {
    await fs.access(path.join(projectDir, 'dbt_project.yml'));
  } catch {
    throw new Error(`${projectDir} is not a generated dbt project (no dbt_project.yml); generate it first`);
  }
  const vars = varsSchema.partial().safeParse(options.vars ?? {});
  if (!vars.success) {
    throw new Error(`invalid dbt variables: ${vars.error.issues.map((i) => (i.code === 'unrecognized_keys' ? `unknown ${i.keys.join(', ')}` : `${i.path.join('.')}: ${i.message}`)).join('; ')}`);
  }
  if (options.setupPython !== false) await ensurePythonEnv(log);

  const maxRounds = options.maxRounds ?? 200;
  const targetName = options.targetName ?? (options.connection.type === 'duckdb' ? 'dev' : 'prod');
  const profiles = await writeProfiles(options.profile ?? 'signals_batch', targetName, options.connection, options.threads);
  const started = Date.now();
  const totals = { newEvents: 0, datesRecomputed: 0, datesSkipped: 0, keysRecomputed: 0 };
  const worker = DbtWorker.start(projectDir, profiles.env, options.verbose ? (l) => log(`  dbt | ${l}`) : null);
  const baseArgs = ['--project-dir', projectDir, '--profiles-dir', profiles.dir, '--target', targetName];
  if (options.vars && Object.keys(options.vars).length > 0) baseArgs.push('--vars', JSON.stringify(varsForDbt(options.vars)));
  try {
    let status: RoundStatus = { processedThrough: null, newestLoadTstamp: null };
    let rounds = 0;
    let caughtUp = false;
    while (!caughtUp && rounds < maxRounds) {
      rounds += 1;
      const roundStart = Date.now();
      const args = ['run', ...baseArgs, ...(options.fullRefresh && rounds === 1 ? ['--full-refresh'] : [])];
      const { success, error, output } = await worker.invoke(args);
      if (!success) throw await describeFailure(projectDir, error ? `${output}\n${error}` : output);
      // The project's own notices (e.g. a full refresh that keeps state) reach the user.
      for (const m of output.matchAll(/signals-batch: (?!status)(.*)/g)) log(m[1].replace(/\x1b\[[0-9;]*m/g, '').trim());
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
    await testAttributeTable(worker, baseArgs, projectDir, log);
    return { rounds, caughtUp, status, seconds: (Date.now() - started) / 1000, totals };
  } finally {
    await worker.stop();
    await profiles.cleanup();
  }
}
