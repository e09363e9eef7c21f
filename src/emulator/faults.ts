/**
 * Fault injection for tests: the next N requests matching a path (and optionally a method) answer with a
 * given status (e.g. 500, or 429 with `Retry-After`), or stall before being handled.
 *
 * Path patterns are matched by RE2 (the `re2js` port), whose time is linear in the path's length
 * whatever the pattern, so a pattern such as `^/(a+)+$` cannot stall the server. Patterns RE2 does not
 * support (lookaround, backreferences) are refused when the fault is added. A spec is checked in full
 * before it is added, the same way in-process and over HTTP.
 */
import { RE2JS } from 're2js';
import { z } from 'zod';
import { ValidationDetail, fastApiDetail } from './validation';

export interface FaultSpec {
  /**
   * Which requests: a path relative to `/api/v1/` (`engines/publish`), an absolute path (`/health-all`),
   * or a pattern searched in the absolute path. Trailing slashes are ignored for strings.
   */
  path: string | RegExp;
  /** Only this HTTP method (any when omitted). */
  method?: string;
  /** How many matching requests are affected: 1 (default) or more. */
  count?: number;
  /** Answer with this final status (200-599) instead of handling the request. */
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

/** Longest path pattern accepted. */
const MAX_PATTERN_LENGTH = 1000;

/** The checks shared by every fault, in-process or over HTTP (`pathRegex` there stands for a RegExp). */
export const faultSpecSchema = z
  .object({
    path: z.string().min(1).max(MAX_PATTERN_LENGTH).optional(),
    pathRegex: z.string().min(1).max(MAX_PATTERN_LENGTH).optional(),
    method: z
      .enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'get', 'head', 'post', 'put', 'patch', 'delete', 'options'])
      .optional(),
    count: z.int().min(1).max(1_000_000).optional(),
    // 1xx are informational: a client would wait on for the final answer (use stallMs for that).
    status: z.int().min(200).max(599).optional(),
    retryAfter: z
      .union([
        z.number().min(0).max(86_400),
        z
          .string()
          .min(1)
          .max(64)
          .regex(/^[\x20-\x7e]+$/),
      ])
      .optional(),
    body: z.unknown().optional(),
    stallMs: z.int().min(0).max(600_000).optional(),
  })
  .superRefine((spec, ctx) => {
    if ((spec.path === undefined) === (spec.pathRegex === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['path'], message: 'give exactly one of path and pathRegex' });
    }
    if (spec.status === undefined && spec.stallMs === undefined) {
      ctx.addIssue({ code: 'custom', path: ['status'], message: 'a fault needs a status, a stallMs, or both' });
    }
    if (spec.pathRegex !== undefined) {
      const problem = compileProblem(spec.pathRegex, 0);
      if (problem) ctx.addIssue({ code: 'custom', path: ['pathRegex'], message: problem });
    }
  });
export type FaultSpecJson = z.infer<typeof faultSpecSchema>;

/** A spec refused by `FaultInjector.inject`; `detail` lists every problem. */
export class FaultSpecError extends Error {
  constructor(readonly detail: ValidationDetail[]) {
    super(`Invalid fault: ${detail.map((entry) => `${entry.loc.slice(1).join('.') || 'fault'}: ${entry.msg}`).join('; ')}`);
    this.name = 'FaultSpecError';
  }
}

interface ActiveFault {
  spec: FaultSpecJson;
  matcher: (absolutePath: string) => boolean;
  remaining: number;
}

export class FaultInjector {
  private faults: ActiveFault[] = [];

  /** Adds a fault (throws FaultSpecError when the spec is invalid); faults are consumed in the order added. */
  inject(spec: FaultSpec): void {
    const { path, ...rest } = spec;
    if (path instanceof RegExp) this.add({ ...rest, pathRegex: path.source }, flagsOf(path));
    else this.add({ ...rest, path }, 0);
  }

  /** Adds a fault given as JSON (`pathRegex` for a pattern), as `POST /_emulator/faults` sends it. */
  injectJson(json: unknown): void {
    this.add(json, 0);
  }

  clear(): void {
    this.faults = [];
  }

  /** Faults not yet used up (a pattern shows as `pathRegex`). */
  pending(): FaultSpecJson[] {
    return this.faults.map(({ spec, remaining }) => ({ ...spec, count: remaining }));
  }

  /** Consumes and returns the first fault matching this request, if any. */
  take(method: string, absolutePath: string): FaultSpecJson | undefined {
    const index = this.faults.findIndex(
      (fault) => (!fault.spec.method || fault.spec.method.toUpperCase() === method.toUpperCase()) && fault.matcher(absolutePath),
    );
    if (index < 0) return undefined;
    const fault = this.faults[index];
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults.splice(index, 1);
    return fault.spec;
  }

  private add(json: unknown, flags: number): void {
    const checked = faultSpecSchema.safeParse(json, { reportInput: true });
    if (!checked.success) throw new FaultSpecError(fastApiDetail(checked.error));
    const spec = checked.data;
    if (spec.pathRegex !== undefined && flags !== 0) {
      const problem = compileProblem(spec.pathRegex, flags);
      if (problem) throw new FaultSpecError([{ loc: ['body', 'path'], msg: problem, type: 'value_error' }]);
    }
    const matcher = spec.pathRegex !== undefined ? patternMatcher(spec.pathRegex, flags) : exactMatcher(spec.path as string);
    this.faults.push({ spec, matcher, remaining: spec.count ?? 1 });
  }
}

function flagsOf(regex: RegExp): number {
  return (regex.ignoreCase ? RE2JS.CASE_INSENSITIVE : 0) | (regex.multiline ? RE2JS.MULTILINE : 0) | (regex.dotAll ? RE2JS.DOTALL : 0);
}

function compileProblem(pattern: string, flags: number): string | undefined {
  try {
    RE2JS.compile(pattern, flags);
    return undefined;
  } catch (error) {
    return `not a pattern the linear-time matcher (RE2 syntax) accepts: ${(error as Error).message}`;
  }
}

function patternMatcher(pattern: string, flags: number): (path: string) => boolean {
  const compiled = RE2JS.compile(pattern, flags);
  return (path) => compiled.matcher(path).find();
}

function exactMatcher(path: string): (absolutePath: string) => boolean {
  const wanted = trimSlashes(path.startsWith('/') ? path : `/api/v1/${path}`);
  return (absolutePath) => trimSlashes(absolutePath) === wanted;
}

function trimSlashes(path: string): string {
  return path.replace(/\/+$/, '');
}
