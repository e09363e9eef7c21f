/**
 * One dbt process: started in its own process group, followed model by model from its progress
 * lines, and stopped cleanly when the runner itself is asked to stop (SIGINT/SIGTERM are
 * forwarded, the runner waits for dbt to exit; a second signal kills it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dbtExecutable } from './python';

const START = /\d+ of \d+ START (?:sql \S+ model|hook:) (\S+)/;
const DONE = /\d+ of \d+ (?:OK|ERROR|PASS|FAIL|WARN|SKIP|NO-OP)\b.*?(?:model|hook:|relation) (\S+)/;

/** `main_scratch.p_run_limits` -> model `p_run_limits`; `p.on-run-start.0` -> hook `on-run-start`. */
function nodeLabel(node: string): string {
  const hook = /\.(on-run-(?:start|end))\.\d+$/.exec(node);
  return hook ? `hook ${hook[1]}` : `model ${node.split('.').pop()}`;
}

/** Which models dbt is running, read from its progress lines. */
export class ModelProgress {
  private readonly running = new Set<string>();
  private lastFinished: string | null = null;

  take(line: string): void {
    const started = START.exec(line);
    if (started) {
      this.running.add(started[1]);
      return;
    }
    const done = DONE.exec(line);
    if (done && this.running.delete(done[1])) this.lastFinished = done[1];
  }

  /** The nodes running now, as `model x` / `hook on-run-end`. */
  runningNodes(): string[] {
    return [...this.running].map(nodeLabel);
  }

  /** `while running model x`, `after model x finished`, or `before any model ran` (only when true). */
  describe(): string {
    const running = this.runningNodes();
    if (running.length > 0) return `while running ${running.join(', ')}`;
    if (this.lastFinished) return `after ${nodeLabel(this.lastFinished)} finished`;
    return 'before any model ran';
  }
}

/** Forwards SIGINT/SIGTERM to the dbt process running now, and remembers that the run must stop. */
export class StopSignals {
  /** The first signal received, if any. */
  received: NodeJS.Signals | null = null;
  private child: ChildProcess | null = null;
  private readonly handlers = new Map<NodeJS.Signals, () => void>();

  constructor(private readonly log: (line: string) => void) {}

  install(): void {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const handler = () => this.onSignal(signal);
      this.handlers.set(signal, handler);
      process.on(signal, handler);
    }
  }

  uninstall(): void {
    for (const [signal, handler] of this.handlers) process.off(signal, handler);
    this.handlers.clear();
  }

  attach(child: ChildProcess | null): void {
    this.child = child;
  }

  private onSignal(signal: NodeJS.Signals): void {
    if (this.received === null) {
      this.received = signal;
      this.log(`received ${signal}: stopping dbt, then cleaning up (send it again to kill dbt at once)`);
      this.signalChild(signal);
    } else {
      this.log(`received ${signal} again: killing dbt`);
      this.signalChild('SIGKILL');
    }
  }

  private signalChild(signal: NodeJS.Signals): void {
    const pid = this.child?.pid;
    if (pid === undefined || this.child?.exitCode !== null || this.child?.signalCode !== null) return;
    try {
      process.kill(-pid, signal); // dbt and anything it started
    } catch {
      this.child?.kill(signal);
    }
  }
}

export interface DbtExit {
  /** Exit code, or null when a signal ended dbt. */
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
  progress: ModelProgress;
}

/** Run dbt once; resolves when it has exited, however it ended. */
export function runDbt(
  args: string[],
  cwd: string,
  env: Record<string, string>,
  echo: ((line: string) => void) | null,
  stop: StopSignals,
): Promise<DbtExit> {
  return new Promise((resolve, reject) => {
    // Its own process group: a terminal's Ctrl+C reaches the runner only, which forwards it once.
    const child = spawn(dbtExecutable(), args, {
      cwd,
      env: { ...process.env, ...env, DBT_SEND_ANONYMOUS_USAGE_STATS: 'false', DO_NOT_TRACK: '1', DBT_USE_COLORS: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    stop.attach(child);
    const progress = new ModelProgress();
    let output = '';
    const takeLine = (line: string) => {
      progress.take(line);
      if (echo && line.trim() !== '') echo(line);
    };
    const partial = { stdout: '', stderr: '' };
    const reader = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
      const text = chunk.toString();
      output += text;
      const lines = (partial[stream] + text).split('\n');
      partial[stream] = lines.pop() ?? '';
      lines.forEach(takeLine);
    };
    child.stdout.on('data', reader('stdout'));
    child.stderr.on('data', reader('stderr'));
    child.on('error', (e) => {
      stop.attach(null);
      reject(new Error(`could not start dbt (${dbtExecutable()}): ${e.message}; run: npm run setup:python`));
    });
    child.on('close', (code, signal) => {
      stop.attach(null);
      [partial.stdout, partial.stderr].filter(Boolean).forEach(takeLine);
      resolve({ code, signal, output, progress });
    });
  });
}
