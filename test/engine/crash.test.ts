/**
 * Crash safety: dbt killed with SIGKILL at any point of a round, then run again by the runner
 * until caught up, gives exactly the attribute table a clean run gives (the sync timestamp
 * aside), and later batches keep giving the clean run's table.
 *
 * The kill points come from the generated project as dbt runs it: a recorded clean round lists
 * the models in dbt's run order (and the SQL statements of each), so the suite follows the
 * project when its models change. dbt is killed right after each model of the first round and
 * of a later round, with one thread and with the default four (models then run side by side),
 * and inside each incremental model with all its statements done but not yet committed; the run
 * after a crash may also come on another day. Last, the runner itself is killed mid-round.
 * To keep the suite to minutes, dbt runs in processes forked from one that started it once
 * (test/support/forkedDbt.ts), two scenarios at a time; the runner-killed case runs the real dbt.
 *
 * One file, longer than most: every scenario compares with the clean run that `beforeAll` makes once
 * and uses the forked-dbt lanes it starts; a second file would repeat that setup (minutes).
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { keyColumnName, parseView } from '../../src/definition';
import { generateProject, writeProject } from '../../src/dbt';
import { DbtRunError, runUntilCaughtUp, writeProfiles, type RunSummary } from '../../src/runner';
import { generateEvents, sampleView, SAMPLE_APP_ID, writeEventsCsv, type EventRow } from '../../src/sample';
import { loadEventsCsv } from '../../src/warehouse/duckdbEvents';
import {
  beforeEachCommit,
  describePoint,
  finishedModels,
  ForkedDbt,
  incrementalModels,
  withVenv,
  type KillPoint,
  type RecordedEvent,
} from '../support/forkedDbt';
import { buildPackage } from '../support/cli';
import { copyDatabase, readTable } from '../support/duckdb';
import { collectLog, tempDir } from '../support/run';
import { tableDifferences, type Row } from '../support/tables';

// Per-test timeout of this file: it runs dbt, several times per test: minutes on a busy 2-core machine.
jest.setTimeout(10 * 60_000);

const START_DATE = '2025-01-01';
/**
 * Three batches of events, one round each. The first round builds every table; the second is an
 * incremental round on the same day (late and re-sent events; the windows stay, so only what the
 * manifests say changed is recomputed); the third, days later (windows moved), shows that the
 * state a crash and its repair leave behind keeps giving the clean table.
 */
const BATCHES = [
  { loadedBefore: '2025-01-08', currentDay: '2025-01-12' },
  { loadedBefore: '2025-01-12', currentDay: '2025-01-12' },
  { loadedBefore: '2025-01-15', currentDay: '2025-01-15' },
] as const;
type Batch = 0 | 1 | 2;
/**
 * Days the run after a crash of the third round (which moved the windows three days) may come on
 * instead of its own: later (the usual case), or between the two (a mock day moved back).
 */
const OTHER_DAYS = ['2025-01-16', '2025-01-13'] as const;
/** Models side by side, as a run given `--threads 4` runs them (the DuckDB default is one). */
const SIDE_BY_SIDE_THREADS = 4;

/** Scenarios run two at a time, each lane with its own database and project folders. */
const LANES = 2;

const view = parseView(sampleView());
const project = generateProject(view, { target: 'duckdb' });
const attributeTable = `main_derived.${project.tables.attributes}`;
const key = keyColumnName(view);
const ignoredColumns = [project.tables.timestampColumn];
const work = tempDir('crash');
const generated = generateEvents({ seed: 11, users: 60, days: 14, startDate: START_DATE });
/**
 * A user whose one com.acme page view (2025-01-07) leaves the 7-day window when the third round
 * moves the current day from 01-12 to 01-15, and is back in it on 01-13: a run on 01-13 after that
 * round was killed must not keep the value the killed round wrote.
 */
const windowProbe: EventRow = {
  ...generated.find((r) => r.event_vendor === 'com.acme' && r.event_name === 'page_view' && r.app_id === SAMPLE_APP_ID)!,
  event_id: '00000000-0000-4000-8000-00000000c0de',
  domain_userid: 'window-probe',
  derived_tstamp: '2025-01-07 10:00:00',
  collector_tstamp: '2025-01-07 10:00:00',
  dvce_created_tstamp: '2025-01-07 10:00:00',
  dvce_sent_tstamp: '2025-01-07 10:00:00',
  etl_tstamp: '2025-01-07 10:04:00',
  load_tstamp: '2025-01-07 10:05:00',
};
const rows = [...generated, windowProbe];
const batchFiles = BATCHES.map((_, i) => path.join(work, `batch-${i}.csv`));

const varsOn = (currentDay: string) => ({
  snowplow__start_date: START_DATE,
  snowplow__app_id: [SAMPLE_APP_ID],
  snowplow__backfill_limit_days: 30,
  snowplow__mock_current_day: currentDay,
});

/**
 * A lane: one database file (restored from snapshots for each scenario) and the project written
 * once per current day, so dbt's partial parse stays valid for each day's vars.
 */
interface Lane {
  dir: string;
  database: string;
  projectDirs: Map<string, string>;
}
const lanes: Lane[] = Array.from({ length: LANES }, (_, i) => {
  const dir = path.join(work, `lane-${i}`);
  return { dir, database: path.join(dir, 'warehouse.duckdb'), projectDirs: new Map() };
});
let dbt: ForkedDbt;

/** The clean run: the attribute table after each batch (and on the other days), the database before each round, and each round's events. */
const clean: Row[][] = [];
const cleanOnOtherDay = new Map<string, Row[]>();
const before = BATCHES.map((_, i) => path.join(work, `before-round-${i + 1}.duckdb`));
const recorded: RecordedEvent[][] = [];

function runOptions(lane: Lane, currentDay: string, options: { threads?: number; maxRounds?: number; log?: (line: string) => void }) {
  return {
    projectDir: lane.projectDirs.get(currentDay)!,
    connection: { type: 'duckdb' as const, path: lane.database, schema: 'main' },
    vars: varsOn(currentDay),
    threads: options.threads ?? SIDE_BY_SIDE_THREADS,
    maxRounds: options.maxRounds,
    setupPython: false,
    log: options.log ?? (() => undefined),
  };
}

/** A runner run (until caught up, or `maxRounds`) in `lane`; dbt comes from SIGNALS_BATCH_VENV. */
function run(
  lane: Lane,
  currentDay: string,
  options: { threads?: number; maxRounds?: number; log?: (line: string) => void } = {},
): Promise<RunSummary> {
  return runUntilCaughtUp(runOptions(lane, currentDay, options));
}

const attributeRows = (lane: Lane) => readTable(lane.database, attributeTable, key);

const afterEachModel = (batch: Batch): KillPoint[] =>
  finishedModels(recorded[batch]).map((node) => ({ node, event: 'NodeFinished' as const }));
const statefulModels = () => incrementalModels(lanes[0].projectDirs.get(BATCHES[0].currentDay)!);

/** Differences in a few lines: how many, and the first of them. */
function summary(differences: string[]): string {
  return `${differences.length} differences (${differences.slice(0, 3).join('; ')})`;
}

/** Start the round of `batch` from the clean state before it and kill dbt at `point`; what went wrong, if anything. */
async function crash(lane: Lane, batch: Batch, point: KillPoint, threads: number, label: string): Promise<string | null> {
  await copyDatabase(before[batch], lane.database);
  const killer = await dbt.instrument(lane.dir, { killAfter: point });
  try {
    const crashed = await run(lane, BATCHES[batch].currentDay, { threads, maxRounds: 1 }).then(
      () => null,
      (e: unknown) => e,
    );
    const events = await killer.events();
    if (events[events.length - 1]?.event !== 'killed') return `${label}: dbt was not killed (the kill point was not reached)`;
    if (!(crashed instanceof DbtRunError)) return `${label}: the killed round did not fail as a dbt failure: ${String(crashed)}`;
    return null;
  } finally {
    await killer.remove();
  }
}

/** Run until caught up on `currentDay`; what differs from `expected`, if anything. */
async function runAndCompare(lane: Lane, currentDay: string, threads: number, expected: Row[], label: string): Promise<string[]> {
  const { lines, log } = collectLog();
  const summaryOfRun = await run(lane, currentDay, { threads, log });
  if (!summaryOfRun.caughtUp) return [`${label}: the run did not catch up: ${lines.join(' | ')}`];
  const differences = tableDifferences(expected, await attributeRows(lane), key, ignoredColumns);
  return differences.length > 0 ? [`${label}: ${summary(differences)}`] : [];
}

/** Kill at `point` in the round of `batch`, run again on the same day, then load the next batch and run. */
function crashAndRecover(batch: 0 | 1, point: KillPoint, threads: number): Scenario {
  return async (lane) => {
    const label = `${batch === 0 ? 'first' : 'later'} round, ${describePoint(point)} (threads ${threads})`;
    const failed = await crash(lane, batch, point, threads, label);
    if (failed) return [failed];
    const problems = await runAndCompare(lane, BATCHES[batch].currentDay, threads, clean[batch], `${label}, then a run`);
    const next = (batch + 1) as Batch;
    await loadEventsCsv([batchFiles[next]], { database: lane.database });
    problems.push(
      ...(await runAndCompare(lane, BATCHES[next].currentDay, threads, clean[next], `${label}, then a run, then the next batch`)),
    );
    return problems;
  };
}

/** Kill at `point` in the third round, then run on another day. */
function crashThenRunOn(day: string, point: KillPoint): Scenario {
  return async (lane) => {
    const label = `third round, ${describePoint(point)}, then a run on ${day}`;
    const failed = await crash(lane, 2, point, 1, label);
    return failed ? [failed] : runAndCompare(lane, day, 1, cleanOnOtherDay.get(day)!, label);
  };
}

/** A scenario: what went wrong in it (nothing when every table equals the clean run's). */
type Scenario = (lane: Lane) => Promise<string[]>;

/** Run the scenarios in the lanes (with dbt from the server) and expect no problems. */
async function expectNoProblems(scenarios: Scenario[]): Promise<void> {
  expect(scenarios.length).toBeGreaterThan(0);
  const queue = [...scenarios];
  const problems: string[] = [];
  await withVenv(dbt.venv, () =>
    Promise.all(
      lanes.map(async (lane) => {
        for (let next = queue.shift(); next; next = queue.shift()) problems.push(...(await next(lane)));
      }),
    ),
  );
  expect(problems.sort()).toEqual([]);
}

beforeAll(async () => {
  for (const lane of lanes) {
    for (const day of new Set([...BATCHES.map((b) => b.currentDay), ...OTHER_DAYS])) {
      lane.projectDirs.set(day, await writeProject(path.join(lane.dir, `day-${day}`), project));
    }
  }
  let loadedFrom = '';
  for (const [i, batch] of BATCHES.entries()) {
    await writeEventsCsv(
      rows.filter((r) => String(r.load_tstamp) >= loadedFrom && String(r.load_tstamp) < batch.loadedBefore),
      batchFiles[i],
    );
    loadedFrom = batch.loadedBefore;
  }

  // the server's warm-up parses the project as the runner's first invocations will
  const [lane] = lanes;
  const profiles = await writeProfiles(
    'signals_batch',
    'dev',
    runOptions(lane, BATCHES[0].currentDay, {}).connection,
    SIDE_BY_SIDE_THREADS,
  );
  try {
    const day = BATCHES[0].currentDay;
    const parse = [
      'parse',
      '--project-dir',
      lane.projectDirs.get(day)!,
      '--profiles-dir',
      profiles.dir,
      '--target',
      'dev',
      '--vars',
      JSON.stringify(varsOn(day)),
    ];
    dbt = await ForkedDbt.start(work, parse);
  } finally {
    await profiles.cleanup();
  }

  // the clean run, one round per batch, recorded (one thread: dbt's run order)
  await withVenv(dbt.venv, async () => {
    for (const batch of [0, 1, 2] as const) {
      await loadEventsCsv([batchFiles[batch]], { database: lane.database });
      await copyDatabase(lane.database, before[batch]);
      const recorder = await dbt.instrument(lane.dir);
      expect(await run(lane, BATCHES[batch].currentDay, { threads: 1 })).toMatchObject({ rounds: 1, caughtUp: true });
      recorded.push(await recorder.events());
      await recorder.remove();
      clean.push(await attributeRows(lane));
    }
    // the same data on other days: one more round that only moves the windows
    for (const day of OTHER_DAYS) {
      expect(await run(lane, day)).toMatchObject({ caughtUp: true });
      cleanOnOtherDay.set(day, await attributeRows(lane));
    }
  });
});

afterAll(async () => {
  await dbt?.stop();
  await fs.rm(work, { recursive: true, force: true });
});

describe('a run after dbt was killed gives the clean table', () => {
  it('has a clean run to compare with: windows hold values and each batch or day changes some', () => {
    expect(clean[0].length).toBeGreaterThan(20);
    const probe = (table: Row[]) => table.find((r) => r[key] === windowProbe.domain_userid)?.acme_page_views_7d;
    expect([probe(clean[1]), probe(clean[2]), probe(cleanOnOtherDay.get('2025-01-13')!)]).toEqual(['1', '0', '1']);
    for (const other of [clean[1], clean[2], ...cleanOnOtherDay.values()]) {
      expect(tableDifferences(clean[0], other, key, ignoredColumns).length).toBeGreaterThan(0);
    }
    expect(finishedModels(recorded[0]).length).toBeGreaterThan(1);
    for (const round of recorded) expect(finishedModels(round)).toEqual(finishedModels(recorded[0]));
  });

  for (const threads of [1, SIDE_BY_SIDE_THREADS]) {
    it(`kill after each model of the first round, ${threads} thread(s)`, () =>
      expectNoProblems(afterEachModel(0).map((point) => crashAndRecover(0, point, threads))));
    it(`kill after each model of a later round, ${threads} thread(s)`, () =>
      expectNoProblems(afterEachModel(1).map((point) => crashAndRecover(1, point, threads))));
  }

  it('kill inside each incremental model of a later round, its statements done but not committed', async () =>
    expectNoProblems(beforeEachCommit(recorded[1], await statefulModels()).map((point) => crashAndRecover(1, point, 1))));

  it('kill after each incremental model of a round that moved the windows, then run on a later day or on an earlier one', async () => {
    const stateful = await statefulModels();
    const points = afterEachModel(2).filter((p) => stateful.has(p.node));
    await expectNoProblems(OTHER_DAYS.flatMap((day) => points.map((point) => crashThenRunOn(day, point))));
  });
});

describe('a run after the runner was killed gives the clean table', () => {
  const root = path.resolve(__dirname, '..', '..');

  beforeAll(() => {
    // the command runs from dist/: build it (npm test's pretest does too)
    buildPackage();
  });

  /** Whether any process of the group still exists. */
  const groupAlive = (group: number) => {
    try {
      process.kill(-group, 0);
      return true;
    } catch {
      return false;
    }
  };

  it('kill the signals-batch run command (SIGKILL) halfway through a later round, with the real dbt', async () => {
    const [lane] = lanes;
    await copyDatabase(before[1], lane.database);
    const day = BATCHES[1].currentDay;
    const bin = path.join(root, 'bin', 'signals-batch.js');
    // its own process group: the runner and the dbt it started, which outlives it
    const runner = spawn(
      process.execPath,
      [bin, 'run', '--project', lane.projectDirs.get(day)!, '--duckdb', lane.database, '--vars', JSON.stringify(varsOn(day)), '--verbose'],
      {
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const half = Math.ceil(finishedModels(recorded[1]).length / 2);
    let output = '';
    let finished = 0;
    const killed = await new Promise<boolean>((resolve) => {
      const take = (chunk: Buffer) => {
        output += chunk.toString();
        finished = (output.match(/\d+ of \d+ OK created/g) ?? []).length;
        if (finished >= half && runner.exitCode === null) {
          runner.kill('SIGKILL');
          resolve(true);
        }
      };
      runner.stdout.on('data', take);
      runner.stderr.on('data', take);
      runner.on('exit', () => resolve(false));
    });
    expect({ killed, output: killed ? '' : output }).toEqual({ killed: true, output: '' });

    // dbt, orphaned, ends on its own (finishing the round or failing to write its log)
    const deadline = Date.now() + 300_000;
    while (groupAlive(runner.pid!) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(groupAlive(runner.pid!)).toBe(false);

    const rerun = await run(lane, day);
    expect(rerun.caughtUp).toBe(true);
    expect(tableDifferences(clean[1], await attributeRows(lane), key, ignoredColumns)).toEqual([]);
  });
});
