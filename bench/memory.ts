/**
 * What a piece of work costs the machine, sampled from /proc (Linux): the peak resident memory
 * of the process tree doing it, the CPU time it used, and the CPU time other processes used
 * meanwhile (a noisy neighbour makes wall clock times unreliable; the report shows it).
 * The engine runs dbt as a child process of this one, so "the run" is every descendant of this
 * process (not this process itself).
 */
import * as fs from 'node:fs';

export interface Usage {
  /** Highest sum of RSS over the tree seen by a sample, in bytes (null where /proc is missing). */
  peakBytes: number | null;
  /** CPU seconds (user + system) of this process and its finished children during the work. */
  cpuSeconds: number | null;
  /** CPU seconds the rest of the machine used meanwhile (including hypervisor steal). */
  otherCpuSeconds: number | null;
  samples: number;
  intervalMs: number;
}

/** Linux reports CPU times in USER_HZ ticks, 100 per second on every mainstream architecture. */
const TICKS_PER_SECOND = 100;

function readParents(): Map<number, number> {
  const parents = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // "pid (comm) state ppid ...": comm may hold spaces and parentheses
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parents.set(Number(entry), Number(rest[1]));
    } catch {
      // the process ended between readdir and read
    }
  }
  return parents;
}

function rssBytes(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** RSS summed over the descendants of `rootPid` (and `rootPid` itself when `includeRoot`). */
export function treeRss(rootPid: number, includeRoot: boolean): number {
  const parents = readParents();
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of parents) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  let total = includeRoot ? rssBytes(rootPid) : 0;
  const queue = [...(children.get(rootPid) ?? [])];
  while (queue.length > 0) {
    const pid = queue.pop()!;
    total += rssBytes(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return total;
}

/** utime + stime + cutime + cstime of this process, in ticks. */
function ownTicks(): number {
  const stat = fs.readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // after "pid (comm)": state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14)
  return Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
}

/** Busy ticks of the whole machine: user + nice + system + irq + softirq + steal. */
function machineBusyTicks(): number {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  return user + nice + system + irq + softirq + (steal ?? 0);
}

export const canSample = (): boolean => fs.existsSync('/proc/self/stat') && fs.existsSync('/proc/stat');

/** Run `work`, sampling the process tree's RSS every `intervalMs`; returns its result and the usage. */
export async function withUsage<T>(work: () => Promise<T>, options: { intervalMs?: number } = {}): Promise<{ result: T; usage: Usage }> {
  const intervalMs = options.intervalMs ?? 100;
  if (!canSample()) {
    return { result: await work(), usage: { peakBytes: null, cpuSeconds: null, otherCpuSeconds: null, samples: 0, intervalMs } };
  }
  let peak = 0;
  let samples = 0;
  const sample = () => {
    peak = Math.max(peak, treeRss(process.pid, false));
    samples++;
  };
  const own0 = ownTicks();
  const busy0 = machineBusyTicks();
  const timer = setInterval(sample, intervalMs);
  try {
    const result = await work();
    const own = ownTicks() - own0;
    const busy = machineBusyTicks() - busy0;
    return {
      result,
      usage: {
        peakBytes: peak,
        cpuSeconds: own / TICKS_PER_SECOND,
        otherCpuSeconds: Math.max(0, busy - own) / TICKS_PER_SECOND,
        samples,
        intervalMs,
      },
    };
  } finally {
    clearInterval(timer);
  }
}
