/**
 * Stopping a run: SIGTERM/SIGINT to `signals-batch run` reach dbt, the runner waits for dbt to
 * exit and removes its temporary profile; a dbt killed from outside is reported with the model it
 * was running; a run_results.json left by an earlier invocation is never taken for this run's.
 */
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateProject, writeProject } from '../../src/dbt';
import { domainUserid, pageView, parseView } from '../../src/definition';
import { DbtRunError, runUntilCaughtUp } from '../../src/runner';
import { ModelProgress } from '../../src/runner/dbtProcess';
import { generateEvents, writeEventsCsv } from '../../src/sample';
import { loadEventsCsv } from '../../src/warehouse/duckdbEvents';
import { buildPackage, startCliProcess } from '../support/cli';

// Per-test timeout of this file: it runs dbt, several times per test: minutes on a busy 2-core machine.
jest.setTimeout(10 * 60_000);

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'signals-batch-stopping-'));
const database = path.join(work, 'wh.duckdb');
const view = parseView({
  name: 'stopping',
  version: 1,
  attributeKey: domainUserid,
  attributes: [{ name: 'views', type: 'int64', aggregation: 'counter', events: [pageView()] }],
});
// One day per round: a run has several rounds, so it can be stopped in round 2.
const vars = { snowplow__start_date: '2025-01-01', snowplow__mock_current_day: '2025-01-07', snowplow__backfill_limit_days: 1 };

beforeAll(async () => {
  buildPackage();
  await writeEventsCsv(generateEvents({ seed: 5, users: 30, days: 5, startDate: '2025-01-01' }), path.join(work, 'events.csv'));
  await loadEventsCsv([path.join(work, 'events.csv')], { database });
}, 300_000);
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

let projects = 0;
async function freshProject(): Promise<string> {
  const out = path.join(work, `projects-${++projects}`);
  return writeProject(out, generateProject(view, { target: 'duckdb', vars }));
}

/** Processes (other than this one) working in `dir` or naming it on their command line: dbt for that project. */
function processesMentioning(dir: string): number[] {
  const found: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const inDir = fs.readlinkSync(`/proc/${entry}/cwd`) === dir;
      if (
        inDir ||
        fs
          .readFileSync(`/proc/${entry}/cmdline`, 'utf8')
          .split('\0')
          .some((arg) => arg.includes(dir))
      )
        found.push(Number(entry));
    } catch {
      // gone already, or not ours to read
    }
  }
  return found;
}

interface Started {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/** `signals-batch run --verbose` on `projectDir` into its own schema, with its own temporary folder. */
function startRun(projectDir: string, tmp: string, ...extra: string[]): Started {
  const schema = path.basename(path.dirname(projectDir)).replace(/-/g, '_');
  const child = startCliProcess(['run', '--project', projectDir, '--duckdb', database, '--schema', schema, '--verbose', ...extra], {
    env: { ...process.env, TMPDIR: tmp },
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, stderr: () => stderr, exited };
}

async function waitFor(probe: () => boolean, what: string, timeoutMs = 240_000): Promise<void> {
  const started = Date.now();
  while (!probe()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * A model that holds each round for a few seconds, so a signal sent once it starts lands while dbt
 * runs it. The generated models of this tiny project finish in well under a second, too fast for a
 * test to stop them for certain.
 */
const HOLD = 'hold_for_signal';
function holdEveryRound(projectDir: string): void {
  const model = ['import time', '', 'def model(dbt, session):', '    time.sleep(5)', '    return session.sql("select 1 as held")', ''];
  fs.writeFileSync(path.join(projectDir, 'models', `${HOLD}.py`), model.join('\n'));
}

/** Waits until dbt has started the holding model in round 2 (so the stop lands mid-model, not between models or rounds). */
const midRun = (run: Started) =>
  waitFor(
    () =>
      /round 1: /.test(run.stderr()) && new RegExp(`START python \\S+ model \\S*${HOLD}`).test(run.stderr().split(/round 1: /)[1] ?? ''),
    'dbt to start the holding model in round 2',
  );

describe.each([
  ['SIGTERM', 143],
  ['SIGINT', 130],
] as const)('%s to signals-batch run', (signal, exitCode) => {
  test(`is forwarded to dbt; the runner waits for dbt, removes the temporary profile and exits ${exitCode}`, async () => {
    const projectDir = await freshProject();
    holdEveryRound(projectDir);
    const tmp = fs.mkdtempSync(path.join(work, 'tmp-'));
    const run = startRun(projectDir, tmp);
    await midRun(run);
    expect(processesMentioning(projectDir).length).toBeGreaterThan(0); // dbt is running
    run.child.kill(signal);
    const result = await run.exited;
    expect(result.code).toBe(exitCode);
    expect(result.stderr).toContain(`received ${signal}: stopping dbt`);
    expect(result.stderr).toMatch(
      // dbt cannot cancel a Python model mid-sleep as it cancels a query: on SIGINT it lets it finish, then exits.
      new RegExp(
        `interrupted by ${signal} in round 2, (while running model ${HOLD}|after model ${HOLD} finished) .* dbt has exited and the temporary profile is removed`,
      ),
    );
    expect(result.stderr).not.toContain('before any model ran');
    expect(processesMentioning(projectDir)).toEqual([]); // no orphaned dbt
    expect(fs.readdirSync(tmp).filter((f) => f.startsWith('signals-batch-profile-'))).toEqual([]);

    // The next run carries on and catches up (in one round).
    const again = startRun(projectDir, tmp, '--vars', '{"snowplow__backfill_limit_days": 30}');
    expect((await again.exited).code).toBe(0);
  });
});

describe('a dbt killed from outside', () => {
  test('is reported as killed by SIGKILL with where it was, never as "before any model ran"', async () => {
    const projectDir = await freshProject();
    holdEveryRound(projectDir);
    const tmp = fs.mkdtempSync(path.join(work, 'tmp-'));
    const run = startRun(projectDir, tmp);
    await midRun(run);
    const dbt = processesMentioning(projectDir).filter((pid) => pid !== run.child.pid);
    expect(dbt.length).toBeGreaterThan(0);
    for (const pid of dbt) process.kill(pid, 'SIGKILL');
    const result = await run.exited;
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`dbt was killed by SIGKILL while running model ${HOLD}`);
    expect(result.stderr).not.toContain('before any model ran');
    expect(fs.readdirSync(tmp).filter((f) => f.startsWith('signals-batch-profile-'))).toEqual([]);
  });
});

describe('a run_results.json from an earlier invocation', () => {
  const stale = {
    metadata: { invocation_id: 'earlier' },
    results: [{ unique_id: 'model.stopping_1.stale_model_from_yesterday', status: 'error', message: 'yesterday’s error' }],
  };

  test('is not reported when this run fails in a model: the model of this run is', async () => {
    const projectDir = await freshProject();
    fs.mkdirSync(path.join(projectDir, 'target'), { recursive: true });
    fs.writeFileSync(path.join(projectDir, 'target', 'run_results.json'), JSON.stringify(stale));
    const empty = path.join(work, 'no-events.duckdb');
    const run = runUntilCaughtUp({ projectDir, connection: { type: 'duckdb', path: empty }, log: () => undefined, setupPython: false });
    const error = (await run.catch((e: Error) => e)) as DbtRunError;
    expect(error).toBeInstanceOf(DbtRunError);
    expect(error.message).not.toContain('stale_model_from_yesterday');
    expect(error.model).toBe('stopping_1_run_limits');
  });

  test('is not reported when this run fails before any model: that is said', async () => {
    const projectDir = await freshProject();
    fs.mkdirSync(path.join(projectDir, 'target'), { recursive: true });
    fs.writeFileSync(path.join(projectDir, 'target', 'run_results.json'), JSON.stringify(stale));
    fs.writeFileSync(path.join(projectDir, 'models', 'broken.sql'), 'select {{ this is not jinja');
    const error = (await runUntilCaughtUp({
      projectDir,
      connection: { type: 'duckdb', path: database },
      log: () => undefined,
      setupPython: false,
    }).catch((e: Error) => e)) as DbtRunError;
    expect(error).toBeInstanceOf(DbtRunError);
    expect(error.message).not.toContain('stale_model_from_yesterday');
    expect(error.message).toContain('dbt run failed in dbt (before any model ran)');
  });
});

describe('which model dbt is running, from its progress lines', () => {
  const lines = [
    '10:00:00  1 of 1 START hook: p_1.on-run-start.0 ......... [RUN]',
    '10:00:00  1 of 1 OK hook: p_1.on-run-start.0 ............ [OK in 0.1s]',
    '10:00:01  1 of 3 START sql table model main_scratch.p_1_run_limits ..... [RUN]',
    '10:00:01  1 of 3 OK created sql table model main_scratch.p_1_run_limits  [OK in 0.6s]',
    '10:00:01  2 of 3 START sql incremental model main_derived.p_1_daily_aggregates ..... [RUN]',
    '10:00:01  3 of 3 START sql table model main_scratch.p_1_days_to_process ..... [RUN]',
    '10:00:02  2 of 3 OK created sql incremental model main_derived.p_1_daily_aggregates  [OK in 0.9s]',
    '10:00:02  3 of 3 OK created sql table model main_scratch.p_1_days_to_process  [OK in 0.9s]',
    '10:00:02  1 of 1 START python table model main.p_1_python_model ..... [RUN]',
  ];
  const after = (n: number) => {
    const progress = new ModelProgress();
    lines.slice(0, n).forEach((l) => progress.take(l));
    return progress.describe();
  };

  test('nothing started: before any model ran', () => expect(after(0)).toBe('before any model ran'));
  test('a hook running', () => expect(after(1)).toBe('while running hook on-run-start'));
  test('between models', () => expect(after(4)).toBe('after model p_1_run_limits finished'));
  test('several models at once (threads)', () =>
    expect(after(6)).toBe('while running model p_1_daily_aggregates, model p_1_days_to_process'));
  test('a Python model running', () => expect(after(9)).toBe('while running model p_1_python_model'));
});
