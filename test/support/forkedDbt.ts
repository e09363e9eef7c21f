/**
 * dbt for tests that start it hundreds of times: a server (forked_dbt.py) that has started dbt
 * once forks one process for each of the runner's dbt workers. The runner reaches it through a
 * stand-in virtual environment whose `bin/python` hands its command line to the server
 * (SIGNALS_BATCH_VENV points the runner at it, see `withVenv`). A forked-dbt.json in the project's
 * folder or above makes the server record the events of every dbt invocation, or SIGKILL dbt at an
 * exact point: runs in different folders can go on side by side.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { pythonExecutable } from '../../src/runner';

const SCRIPT = path.join(__dirname, 'forked_dbt.py');

/** Where to SIGKILL dbt: right after a node finished, or after its Nth SQL statement finished. */
export type KillPoint = { node: string; event: 'NodeFinished' } | { node: string; event: 'SQLQueryStatus'; nth: number };

/** One event of a recorded run (see forked_dbt.py). */
export interface RecordedEvent {
  event: 'NodeStart' | 'NodeFinished' | 'SQLQuery' | 'SQLQueryStatus' | 'killed';
  node: string;
  sql?: string;
  status?: string;
}

/** What runs below a folder do until `remove()`, and the events they recorded. */
export interface Instrumented {
  events(): Promise<RecordedEvent[]>;
  remove(): Promise<void>;
}

/** Models in the order dbt finished them in a recorded run. */
export function finishedModels(events: RecordedEvent[]): string[] {
  return events.filter((e) => e.event === 'NodeFinished' && e.node.startsWith('model.')).map((e) => e.node);
}

/** The models of a parsed project that dbt materializes incrementally: the state a run keeps. */
export async function incrementalModels(projectDir: string): Promise<Set<string>> {
  const manifest = JSON.parse(await fs.readFile(path.join(projectDir, 'target', 'manifest.json'), 'utf8')) as {
    nodes: Record<string, { config: { materialized: string } }>;
  };
  return new Set(
    Object.entries(manifest.nodes)
      .filter(([, n]) => n.config.materialized === 'incremental')
      .map(([id]) => id),
  );
}

/** Inside each of `models` in a recorded run: after its last statement before COMMIT (its work done, not yet durable). */
export function beforeEachCommit(events: RecordedEvent[], models: Set<string>): KillPoint[] {
  return finishedModels(events)
    .filter((node) => models.has(node))
    .map((node) => {
      const statements = events.filter((e) => e.event === 'SQLQuery' && e.node === node).map((e) => e.sql ?? '');
      const commit = statements.indexOf('COMMIT');
      if (commit <= 0) throw new Error(`no statement before a COMMIT in ${node}: ${JSON.stringify(statements)}`);
      return { node, event: 'SQLQueryStatus' as const, nth: commit };
    });
}

export function describePoint(point: KillPoint): string {
  const model = point.node.split('.').pop();
  return point.event === 'NodeFinished' ? `after ${model}` : `in ${model} after statement ${point.nth}`;
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

export class ForkedDbt {
  private constructor(
    private readonly server: ChildProcess,
    /** The stand-in virtual environment: its `bin/python` runs on the server. */
    readonly venv: string,
  ) {}

  /** Start a server in `dir`, warmed up by one in-process `dbt <warmUpArgs>` (e.g. a parse of the project). */
  static async start(dir: string, warmUpArgs: string[]): Promise<ForkedDbt> {
    const socket = path.join(dir, 'dbt.sock');
    const python = pythonExecutable();
    const server = spawn(python, [SCRIPT, 'serve', socket, '--', ...warmUpArgs], {
      cwd: dir,
      env: { ...process.env, DBT_SEND_ANONYMOUS_USAGE_STATS: 'false', DO_NOT_TRACK: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const take = (chunk: Buffer) => {
        output += chunk.toString();
        if (/^ready$/m.test(output)) resolve();
      };
      server.stdout!.on('data', take);
      server.stderr!.on('data', take);
      server.on('error', (e) => reject(new Error(`could not start ${SCRIPT} with ${python}: ${e.message}; run: npm run setup:python`)));
      server.on('exit', (code) => reject(new Error(`the forked-dbt server exited (${code}) before it was ready:\n${output.slice(-3000)}`)));
    });
    const venv = path.join(dir, 'stand-in-venv');
    await fs.mkdir(path.join(venv, 'bin'), { recursive: true });
    const command = [python, SCRIPT, 'call', socket].map(shellQuote).join(' ');
    await fs.writeFile(path.join(venv, 'bin', 'python'), `#!/bin/sh\nexec ${command} -- "$@"\n`, { mode: 0o755 });
    return new ForkedDbt(server, venv);
  }

  /** Record the dbt events of runs in `dir` (their projects' folder or one above), and kill dbt at `killAfter`. */
  async instrument(dir: string, options: { killAfter?: KillPoint } = {}): Promise<Instrumented> {
    const file = path.join(dir, 'forked-dbt.json');
    const record = path.join(dir, 'events.jsonl');
    await fs.rm(record, { force: true });
    await fs.writeFile(file, JSON.stringify({ record, kill_after: options.killAfter ?? null }));
    return {
      events: async () =>
        (await fs.readFile(record, 'utf8').catch(() => ''))
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as RecordedEvent),
      remove: () => fs.rm(file, { force: true }),
    };
  }

  async stop(): Promise<void> {
    if (this.server.exitCode === null && this.server.signalCode === null) {
      const exited = new Promise((resolve) => this.server.once('exit', resolve));
      this.server.kill('SIGTERM');
      await exited;
    }
  }
}

/** Run `body` with the runner pointed at a virtual environment (SIGNALS_BATCH_VENV), restored afterwards. */
export async function withVenv<T>(venv: string, body: () => Promise<T>): Promise<T> {
  const previous = process.env.SIGNALS_BATCH_VENV;
  process.env.SIGNALS_BATCH_VENV = venv;
  try {
    return await body();
  } finally {
    if (previous === undefined) delete process.env.SIGNALS_BATCH_VENV;
    else process.env.SIGNALS_BATCH_VENV = previous;
  }
}
