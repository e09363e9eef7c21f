/**
 * What a `signals-batch run` did, read from its `--json` result: stdout is exactly one line,
 * `{"project", "caughtUp", "rounds", "seconds", "processedThrough", "newestLoadTstamp", "totals":
 * {"newEvents", "datesRecomputed", "datesSkipped", "keysRecomputed"}}`.
 */
import { z } from 'zod';
import type { RunResultJson, RunTotals } from '../runner';

/** The component's `lastRun` output: the run's result with its totals flattened. */
export type DbtRunSummary = Omit<RunResultJson, 'totals'> & RunTotals;

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
