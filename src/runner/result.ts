/**
 * What a run reports: the status line each round prints, whether the run has caught up, and the
 * summary and JSON result of the whole run.
 */

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
