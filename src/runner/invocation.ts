/**
 * One dbt invocation of a run, and what went wrong in it: the failing model and dbt's own error
 * lines, or how the dbt process ended; the errors a run throws.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import type { DbtWorker, InvocationResult } from './worker';

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

export interface RunResults {
  results: Array<{ unique_id: string; status: string; message: string | null }>;
}

export const RUN_RESULTS = path.join('target', 'run_results.json');

/** One dbt invocation; a result left by an earlier invocation is removed first, so it is never read as this one's. */
export async function invoke(worker: DbtWorker, args: string[], projectDir: string): Promise<InvocationResult> {
  await fs.rm(path.join(projectDir, RUN_RESULTS), { force: true });
  return worker.invoke(args);
}

/** DuckDB's error when a statement needs more than its memory limit and cannot spill. */
const DUCKDB_OUT_OF_MEMORY = /Out of Memory Error/;

/** What went wrong in one dbt invocation: the failing node and dbt's own error lines. */
export async function describeFailure(projectDir: string, result: InvocationResult): Promise<DbtRunError> {
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
  const detail = (message || relevant.join(' ')).trim();
  return new DbtRunError(
    `dbt run failed in ${where} of project ${project}: ${detail.slice(0, 1500)}\n` +
      (DUCKDB_OUT_OF_MEMORY.test(detail)
        ? 'DuckDB reached its memory limit: raise it (--duckdb-memory-limit, or warehouse.duckdb.memoryLimit in the component) ' +
          'or lower snowplow__backfill_limit_days, then re-run: completed work is kept and nothing is processed twice.'
        : 'Fix the cause, then re-run: completed work is kept and nothing is processed twice.'),
    model,
    relevant,
  );
}
