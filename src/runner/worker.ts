/**
 * One warm dbt process for all rounds of a run (python/dbt_worker.py): Python, dbt's imports and
 * the project parse are paid once per run instead of once per round. It runs in its own process
 * group, so a terminal's Ctrl+C reaches the runner only, which forwards it once (see dbtProcess.ts).
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import * as path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { packageRoot } from '../paths';
import { ModelProgress } from './dbtProcess';
import { pythonExecutable, type PythonEnv } from './python';

const REPLY = '@@signals-batch-worker@@ ';

export interface InvocationResult {
  success: boolean;
  /** dbt's exception, when it raised one (a failing model is reported in the output instead). */
  error: string | null;
  /** Everything dbt printed during the invocation. */
  output: string;
  /** Which models the invocation started and finished. */
  progress: ModelProgress;
  /** Set when the worker itself ended (killed or crashed) during the invocation. */
  exit?: { code: number | null; signal: NodeJS.Signals | null };
}

export class DbtWorker {
  private output = '';
  private progress = new ModelProgress();
  private pending: ((result: InvocationResult) => void) | null = null;
  private exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  private buffered = '';

  private constructor(
    private readonly child: ChildProcessByStdio<Writable, Readable, Readable>,
    echo: ((line: string) => void) | null,
    python: string,
  ) {
    const take = (chunk: Buffer) => {
      this.buffered += chunk.toString();
      const lines = this.buffered.split('\n');
      this.buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith(REPLY)) {
          const reply = JSON.parse(line.slice(REPLY.length)) as { success: boolean; error: string | null };
          this.settle({ ...reply, output: this.output, progress: this.progress });
        } else {
          this.output += `${line}\n`;
          this.progress.take(line);
          if (echo && line.trim() !== '') echo(line);
        }
      }
    };
    child.stdout.on('data', take);
    child.stderr.on('data', (chunk: Buffer) => {
      this.output += chunk.toString();
      if (echo) chunk.toString().split('\n').filter(Boolean).forEach(echo);
    });
    child.on('error', (error) => {
      this.exited = { code: null, signal: null };
      this.settle({
        success: false,
        error: `could not start dbt (${python}): ${error.message}; run: npm run setup:python`,
        output: '',
        progress: this.progress,
        exit: this.exited,
      });
    });
    // Writing to a worker that has just died fails with EPIPE; its 'close' reports the death.
    child.stdin.on('error', () => undefined);
    child.on('close', (code, signal) => {
      this.exited = { code, signal };
      this.settle({ success: false, error: null, output: this.output + this.buffered, progress: this.progress, exit: this.exited });
    });
  }

  /**
   * Start the worker in `cwd` with dbt's environment (secrets included, never on the command line),
   * in the Python environment holding the adapter.
   */
  static start(
    cwd: string,
    env: Record<string, string>,
    echo: ((line: string) => void) | null,
    pythonEnv: PythonEnv = 'duckdb',
  ): DbtWorker {
    const script = path.join(packageRoot(), 'python', 'dbt_worker.py');
    const python = pythonExecutable(pythonEnv);
    const child = spawn(python, ['-u', script], {
      cwd,
      env: { ...process.env, ...env, DBT_SEND_ANONYMOUS_USAGE_STATS: 'false', DO_NOT_TRACK: '1', DBT_USE_COLORS: 'false' },
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    return new DbtWorker(child, echo, python);
  }

  /** The process id, to forward signals to. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Run one dbt command (e.g. `['run', '--project-dir', …]`) and wait for it to finish. */
  invoke(args: string[]): Promise<InvocationResult> {
    if (this.exited) return Promise.resolve({ success: false, error: null, output: '', progress: new ModelProgress(), exit: this.exited });
    if (this.pending) throw new Error('the dbt worker is already running a command');
    this.output = '';
    this.progress = new ModelProgress();
    return new Promise((resolve) => {
      this.pending = resolve;
      this.child.stdin.write(`${JSON.stringify({ args })}\n`);
    });
  }

  /** Forward a signal to the worker's process group (dbt and anything it started). */
  kill(signal: NodeJS.Signals): void {
    if (this.exited || this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, signal);
    } catch {
      this.child.kill(signal);
    }
  }

  /** End the worker: close its input and wait for it to exit. */
  async stop(): Promise<void> {
    if (this.exited) return;
    await new Promise<void>((resolve) => {
      this.child.once('close', () => resolve());
      this.child.stdin.end();
    });
  }

  private settle(result: InvocationResult): void {
    const resolve = this.pending;
    this.pending = null;
    if (resolve) resolve(result);
  }
}
