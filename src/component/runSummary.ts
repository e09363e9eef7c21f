/**
 * What a `signals-batch run` did, read back from its output: the last line on stdout
 * (`caught up after N round(s) in Xs; attribute table: ...`) and one progress line per round on
 * stderr (`round N: loads processed through T of U; A new events, B dates recomputed, C skipped,
 * D keys recomputed (...)`).
 */

/** The component's `lastRun` output. */
export interface DbtRunSummary {
  /** Whether the run processed every loaded event (false also when nothing has run yet). */
  caughtUp: boolean;
  /** dbt rounds run. */
  rounds: number;
  /** Wall time of the run in seconds. */
  seconds: number;
  /** New events processed, summed over the rounds. */
  newEvents: number;
  /** Event dates recomputed, summed over the rounds. */
  datesRecomputed: number;
  /** Keys whose attributes were recomputed, summed over the rounds. */
  keysRecomputed: number;
  /** `load_tstamp` processed through after the last round. */
  processedThrough: string | null;
  /** The run's result line. */
  message: string;
}

const RESULT = /(NOT caught up|caught up) after (\d+) round\(s\) in ([\d.]+)s/;
const ROUND = /round (\d+): loads processed through (.+?) of .+?; (\d+) new events, (\d+) dates recomputed, (\d+) skipped, (\d+) keys recomputed/;

export function parseRunOutput(stdout: string, stderr: string): DbtRunSummary {
  const resultLine = stdout.split('\n').map((l) => l.trim()).filter((l) => RESULT.test(l)).pop() ?? '';
  const result = RESULT.exec(resultLine);
  const summary: DbtRunSummary = {
    caughtUp: result ? result[1] === 'caught up' : false,
    rounds: result ? Number(result[2]) : 0,
    seconds: result ? Number(result[3]) : 0,
    newEvents: 0,
    datesRecomputed: 0,
    keysRecomputed: 0,
    processedThrough: null,
    message: resultLine || stdout.trim().split('\n').pop() || '',
  };
  for (const line of stderr.split('\n')) {
    const round = ROUND.exec(line);
    if (!round) continue;
    summary.newEvents += Number(round[3]);
    summary.datesRecomputed += Number(round[4]);
    summary.keysRecomputed += Number(round[6]);
    summary.processedThrough = round[2].startsWith('(') ? null : round[2];
  }
  return summary;
}
