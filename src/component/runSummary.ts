/**
 * What a `signals-batch run` did, read from its `--json` result: stdout is exactly one line,
 * `{"project", "caughtUp", "rounds", "seconds", "processedThrough", "newestLoadTstamp", "totals":
 * {"newEvents", "datesRecomputed", "datesSkipped", "keysRecomputed"}}`.
 */
import { z } from 'zod';
import type { RunResultJson } from '../runner';

/** The component's `lastRun` output. */
export interface DbtRunSummary {
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
  /** New events processed, summed over the rounds. */
  newEvents: number;
  /** Event dates recomputed, summed over the rounds. */
  datesRecomputed: number;
  /** Event dates whose recomputation was deferred (only late events, below the threshold). */
  datesSkipped: number;
  /** Keys whose attributes were recomputed, summed over the rounds. */
  keysRecomputed: number;
}

const count = z.number().int().nonnegative();
/** The contract `RunResultJson` (the runner's), checked when read: a change to one breaks the build here. */
const runResultSchema: z.ZodType<RunResultJson> = z.object({
  project: z.string(),
  caughtUp: z.boolean(),
  rounds: count,
  seconds: z.number().nonnegative(),
  processedThrough: z.string().nullable(),
  newestLoadTstamp: z.string().nullable(),
  totals: z.object({ newEvents: count, datesRecomputed: count, datesSkipped: count, keysRecomputed: count }),
});

/** The summary of a run from its stdout (`signals-batch run --json`); throws naming what is wrong. */
export function parseRunResult(stdout: string): DbtRunSummary {
  const line = stdout.trim().split('\n').pop() ?? '';
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    throw new Error(`signals-batch run --json printed no JSON result (stdout: ${JSON.stringify(stdout.slice(-300))})`);
  }
  const parsed = runResultSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(result)'}: ${issue.message}`);
    throw new Error(`signals-batch run --json printed an unexpected result (${problems.join('; ')}): ${line.slice(0, 300)}`);
  }
  const { totals, ...run } = parsed.data;
  return { ...run, ...totals };
}
