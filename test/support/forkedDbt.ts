/**
 * dbt for tests that start it hundreds of times: a server (forked_dbt.py) that has started dbt
 * once forks one process for each of the runner's dbt workers. The runner reaches it through a
 * stand-in virtual environment whose `bin/python` hands its command line to the server
 * (SIGNALS_BATCH_VENV points the runner at it); a stand-in can also record the events of every
 * dbt invocation or SIGKILL dbt at an exact point.
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

export interface StandIn {
  /** The directory to use as SIGNALS_BATCH_VENV. */
  venv: string;
  /** The events recorded so far (empty without `record`). */
  events(): Promise<RecordedEvent[]>;
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

export class ForkedDbt {
  private standIns = 0;

  private constructor(
    private readonly server: ChildProcess,
    private readonly python: string,
    private readonly socket: string,
    private readonly dir: string,
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
    return new ForkedDbt(server, python, socket, dir);
  }

  /** A stand-in virtual environment whose Python runs on the server, optionally recording dbt's events or killed at `killAfter`. */
  async standIn(options: { record?: boolean; killAfter?: KillPoint } = {}): Promise<StandIn> {
    this.standIns += 1;
    const venv = path.join(this.dir, `venv-${this.standIns}`);
    const record = options.record || options.killAfter ? path.join(venv, 'events.jsonl') : null;
    const args = [this.python, SCRIPT, 'call', this.socket];
    if (options.killAfter) args.push('--kill-after', JSON.stringify(options.killAfter));
    if (record) args.push('--record', record);
    await fs.mkdir(path.join(venv, 'bin'), { recursive: true });
    await fs.writeFile(path.join(venv, 'bin', 'python'), `#!/bin/sh\nexec ${args.map(shellQuote).join(' ')} -- "$@"\n`, { mode: 0o755 });
    return {
      venv,
      events: async () => {
        if (!record) return [];
        const text = await fs.readFile(record, 'utf8').catch(() => '');
        return text
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as RecordedEvent);
      },
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
