/**
 * Fault injection for tests: the next N requests matching a path (and optionally a method) answer with a
 * given status (e.g. 500, or 429 with `Retry-After`), or stall before being handled.
 */

export interface FaultSpec {
  /**
   * Which requests: a path relative to `/api/v1/` (`engines/publish`), an absolute path (`/health-all`),
   * or a RegExp tested against the absolute path. Trailing slashes are ignored for strings.
   */
  path: string | RegExp;
  /** Only this HTTP method (any when omitted). */
  method?: string;
  /** How many matching requests are affected. Default 1. */
  count?: number;
  /** Answer with this status instead of handling the request. */
  status?: number;
  /** `Retry-After` header value (seconds or HTTP date) sent with `status`. */
  retryAfter?: number | string;
  /** JSON body sent with `status` (default: a FastAPI-style `{detail}` naming the injected fault). */
  body?: unknown;
  /**
   * Hold the request this long before answering (with `status` if given, else normally). A client with a
   * shorter timeout sees a timeout. Closing the emulator releases stalled requests.
   */
  stallMs?: number;
}

interface ActiveFault extends FaultSpec {
  remaining: number;
}

export class FaultInjector {
  private faults: ActiveFault[] = [];

  /** Adds a fault; faults are consumed in the order they were added. */
  inject(spec: FaultSpec): void {
    if (spec.status === undefined && spec.stallMs === undefined) {
      throw new Error('A fault needs a status, a stallMs, or both.');
    }
    this.faults.push({ ...spec, remaining: spec.count ?? 1 });
  }

  clear(): void {
    this.faults = [];
  }

  /** Faults not yet used up. */
  pending(): FaultSpec[] {
    return this.faults.map(({ remaining, ...spec }) => ({ ...spec, count: remaining }));
  }

  /** Consumes and returns the first fault matching this request, if any. */
  take(method: string, absolutePath: string): FaultSpec | undefined {
    const index = this.faults.findIndex((fault) => matches(fault, method, absolutePath));
    if (index < 0) return undefined;
    const fault = this.faults[index];
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults.splice(index, 1);
    return fault;
  }
}

function matches(fault: FaultSpec, method: string, absolutePath: string): boolean {
  if (fault.method && fault.method.toUpperCase() !== method.toUpperCase()) return false;
  if (fault.path instanceof RegExp) return fault.path.test(absolutePath);
  const wanted = fault.path.startsWith('/') ? fault.path : `/api/v1/${fault.path}`;
  return trimSlashes(wanted) === trimSlashes(absolutePath);
}

function trimSlashes(path: string): string {
  return path.replace(/\/+$/, '');
}
