/**
 * The pure helpers the component is built from: the `signals-batch run` command line, the run's JSON
 * result, the paths it records, and the warehouse registry.
 */
import * as path from 'node:path';
import { TARGETS } from '../../src/dbt';
import { cliScript, parseRunResult, portablePath, runArgv, shellCommand, WAREHOUSES } from '../../src/component';

// Per-test timeout of this file: it builds components under Pulumi's mock engine.
jest.setTimeout(3 * 60_000);

const base = {
  script: 'bin/signals-batch.js',
  projectDir: 'dbt/engagement_1',
  connectionArgs: ['--duckdb', 'wh.duckdb', '--schema', 'main'],
  targetName: 'dev',
  threads: 4,
  maxRounds: 200,
};

describe('runArgv', () => {
  it('runs signals-batch with a JSON result, the project, the warehouse and the dbt options', () => {
    expect(runArgv({ ...base, profile: 'mine' })).toEqual([
      'node',
      'bin/signals-batch.js',
      'run',
      '--json',
      '--project',
      'dbt/engagement_1',
      '--duckdb',
      'wh.duckdb',
      '--schema',
      'main',
      '--target-name',
      'dev',
      '--threads',
      '4',
      '--max-rounds',
      '200',
      '--profile',
      'mine',
    ]);
  });

  it("leaves dbt's threads to the runner's default for the warehouse unless given", () => {
    const { threads: _given, ...unset } = base;
    expect(runArgv(unset)).not.toContain('--threads');
  });

  it('rebuilds from history with a full refresh that may drop the accumulated tables', () => {
    expect(runArgv({ ...base, rebuildFromHistory: true }).slice(-2)).toEqual(['--full-refresh', '--allow-refresh']);
  });

  it('passes a plain full refresh without allowing it to drop state', () => {
    const argv = runArgv({ ...base, fullRefresh: true });
    expect(argv).toContain('--full-refresh');
    expect(argv).not.toContain('--allow-refresh');
  });
});

describe('shellCommand', () => {
  it('quotes only what the shell would split or expand', () => {
    expect(shellCommand(['node', 'a b', "it's", '$HOME', '', 'plain-1.2/x=y'])).toBe(`node 'a b' 'it'\\''s' '$HOME' '' plain-1.2/x=y`);
  });
});

describe('parseRunResult', () => {
  const result = {
    project: 'engagement_1',
    caughtUp: true,
    rounds: 3,
    seconds: 12.5,
    processedThrough: '2025-01-05 10:00:00',
    newestLoadTstamp: '2025-01-05 10:00:00',
    totals: { newEvents: 40, datesRecomputed: 5, datesSkipped: 0, keysRecomputed: 7 },
  };

  it('reads the one JSON line signals-batch run --json prints', () => {
    expect(parseRunResult(`${JSON.stringify(result)}\n`)).toEqual({
      project: 'engagement_1',
      caughtUp: true,
      rounds: 3,
      seconds: 12.5,
      processedThrough: '2025-01-05 10:00:00',
      newestLoadTstamp: '2025-01-05 10:00:00',
      newEvents: 40,
      datesRecomputed: 5,
      datesSkipped: 0,
      keysRecomputed: 7,
    });
  });

  it('accepts a run over an empty events table (nothing processed yet)', () => {
    const empty = {
      ...result,
      processedThrough: null,
      newestLoadTstamp: null,
      totals: { newEvents: 0, datesRecomputed: 0, datesSkipped: 0, keysRecomputed: 0 },
    };
    expect(parseRunResult(JSON.stringify(empty))).toMatchObject({ processedThrough: null, newestLoadTstamp: null, newEvents: 0 });
  });

  it('says what is wrong with output that is not the JSON result', () => {
    expect(() => parseRunResult('caught up after 1 round(s) in 0.1s')).toThrow(/printed no JSON result \(stdout: "caught up after 1 round/);
    expect(() => parseRunResult(JSON.stringify({ ...result, rounds: 'three' }))).toThrow(/unexpected result \(rounds: /);
  });
});

describe('portablePath', () => {
  const cwd = path.join(path.sep, 'work', 'checkout');

  it('records a path inside the working directory relative to it, however it was given', () => {
    expect(portablePath(path.join(cwd, 'dbt', 'v_1'), cwd, [cwd])).toBe('dbt/v_1');
    expect(portablePath('./dbt//v_1', cwd, [cwd])).toBe('dbt/v_1');
    expect(portablePath(cwd, cwd, [cwd])).toBe('.');
  });

  it('records a path inside the Pulumi project relative to the working directory (a program whose main is deeper)', () => {
    const program = path.join(cwd, 'build', 'examples', 'quickstart');
    expect(portablePath(path.join(cwd, '.quickstart', 'dbt'), program, [program, cwd])).toBe('../../../.quickstart/dbt');
  });

  it('keeps an absolute path elsewhere as given, and a relative one relative', () => {
    expect(portablePath('/data/warehouse.duckdb', cwd, [cwd])).toBe('/data/warehouse.duckdb');
    expect(portablePath('../shared/warehouse.duckdb', cwd, [cwd])).toBe('../shared/warehouse.duckdb');
  });

  it('finds the signals-batch script relative to the working directory', () => {
    expect(cliScript(process.cwd())).toBe('bin/signals-batch.js');
    expect(cliScript(path.join(process.cwd(), 'examples', 'quickstart'))).toBe('../../bin/signals-batch.js');
  });
});

describe('the warehouse registry', () => {
  it('registers one unit per warehouse, each computing with a dialect the generator has', () => {
    for (const [name, unit] of Object.entries(WAREHOUSES)) {
      expect(TARGETS).toContain(unit.target);
      expect(name).toBe(unit.target);
    }
  });
});
