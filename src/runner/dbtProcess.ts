/**
 * Following and stopping dbt: which models it is running (read from its progress lines), and the
 * runner's own SIGINT/SIGTERM forwarded to it (the runner then waits for dbt to exit; a second
 * signal kills it).
 */

const START = /\d+ of \d+ START (?:(?:sql|python) \S+ model|hook:) (\S+)/;
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

/** What a signal can be forwarded to: the dbt process (and its process group). */
export interface Signalable {
  kill(signal: NodeJS.Signals): void;
}

/** Forwards SIGINT/SIGTERM to the dbt process running now, and remembers that the run must stop. */
export class StopSignals {
  /** The first signal received, if any. */
  received: NodeJS.Signals | null = null;
  private target: Signalable | null = null;
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

  attach(target: Signalable | null): void {
    this.target = target;
  }

  private onSignal(signal: NodeJS.Signals): void {
    if (this.received === null) {
      this.received = signal;
      this.log(`received ${signal}: stopping dbt, then cleaning up (send it again to kill dbt at once)`);
      this.target?.kill(signal);
    } else {
      this.log(`received ${signal} again: killing dbt`);
      this.target?.kill('SIGKILL');
    }
  }
}
