/**
 * One HTTP call with a timeout and bounded retries (exponential backoff with jitter, honouring
 * `Retry-After`) on network errors, timeouts, 429 and 5xx. Everything else is returned to the caller,
 * which decides what a status means. No credential ever reaches a log line or an error message.
 */
import axios, { AxiosInstance, AxiosResponse, Method } from 'axios';
import { SignalsHttpError, SignalsNetworkError, SignalsTimeoutError, apiMessageFromBody, redact } from './errors';

export interface RetryPolicy {
  /** Retries after the first attempt (so `maxRetries + 1` attempts at most). Default 3. */
  maxRetries: number;
  /** First backoff delay; doubled on each retry. Default 500 ms. */
  baseDelayMs: number;
  /** Cap of one backoff delay. Default 8 s. */
  maxDelayMs: number;
  /** Cap of a server-requested `Retry-After` wait. Default 60 s. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 3,
  baseDelayMs: 500,
  maxDelayMs: 8000,
  maxRetryAfterMs: 60000,
};

export const DEFAULT_TIMEOUT_MS = 30000;

export interface TransportOptions {
  timeoutMs: number;
  retry: RetryPolicy;
  /** Verbose log sink (one line per attempt); never receives headers or bodies. */
  logger?: (line: string) => void;
  /** Values to scrub from any text that could reach a message. */
  secrets: () => readonly (string | undefined)[];
}

export interface HttpRequest {
  method: Method;
  /** Absolute URL. */
  url: string;
  /** Name of the call in errors and logs, e.g. `GET registry/attribute_groups/`. */
  callName: string;
  params?: Record<string, string | number | boolean>;
  data?: unknown;
  headers?: Record<string, string>;
}

export interface HttpResult {
  status: number;
  data: unknown;
  headers: AxiosResponse['headers'];
  attempts: number;
}

/** An array, not a Set: Pulumi serializes this module into the providers' state, and a Set does not survive that. */
const RETRYABLE_STATUSES: readonly number[] = [429, 500, 502, 503, 504];

export function createAxios(): AxiosInstance {
  return axios.create({
    // Statuses are interpreted by the caller; redirects are not expected from an API.
    validateStatus: () => true,
    maxRedirects: 0,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'X-Signals-Sdk-Name': 'signals-batch' },
    transitional: { clarifyTimeoutError: true },
  });
}

/** Sends `request`, retrying transient failures; resolves with the final answer whatever its status. */
export async function sendWithRetries(client: AxiosInstance, request: HttpRequest, options: TransportOptions): Promise<HttpResult> {
  const { retry } = options;
  let attempt = 0;
  for (;;) {
    attempt += 1;
    const started = Date.now();
    let response: AxiosResponse | undefined;
    let failure: { timeout: boolean; reason: string } | undefined;
    try {
      response = await client.request({
        method: request.method,
        url: request.url,
        params: request.params,
        data: request.data,
        headers: request.headers,
        timeout: options.timeoutMs,
      });
    } catch (error) {
      failure = describeTransportFailure(error, options.timeoutMs);
    }
    const elapsed = Date.now() - started;
    const canRetry = attempt <= retry.maxRetries;

    if (response) {
      options.logger?.(`${request.callName} -> HTTP ${response.status} (${elapsed} ms, attempt ${attempt})`);
      if (!RETRYABLE_STATUSES.includes(response.status) || !canRetry) {
        return { status: response.status, data: response.data, headers: response.headers, attempts: attempt };
      }
      const delay = retryDelay(attempt, retry, response.headers['retry-after']);
      options.logger?.(`${request.callName}: HTTP ${response.status}, retrying in ${delay} ms`);
      await sleep(delay);
      continue;
    }

    const reason = failure?.reason ?? 'unknown network error';
    options.logger?.(`${request.callName} -> ${reason} (${elapsed} ms, attempt ${attempt})`);
    if (!canRetry) {
      const message = redact(
        `Signals API call ${request.callName} failed: ${reason}` + (attempt > 1 ? ` (gave up after ${attempt} attempts)` : '') + '.',
        options.secrets(),
      );
      const details = { call: request.callName, attempts: attempt };
      throw failure?.timeout ? new SignalsTimeoutError(message, details) : new SignalsNetworkError(message, details);
    }
    const delay = retryDelay(attempt, retry, undefined);
    options.logger?.(`${request.callName}: retrying in ${delay} ms`);
    await sleep(delay);
  }
}

/** Builds the typed error for a non-success answer (after retries, if any). */
export function httpError(result: HttpResult, callName: string, secrets: readonly (string | undefined)[], hint?: string): SignalsHttpError {
  const apiMessage = apiMessageFromBody(result.data);
  const safeApiMessage = apiMessage === undefined ? undefined : redact(apiMessage, secrets);
  const message = redact(
    `Signals API call ${callName} failed with HTTP ${result.status}` +
      (safeApiMessage ? `: ${safeApiMessage}` : '') +
      (result.attempts > 1 ? ` (gave up after ${result.attempts} attempts)` : '') +
      (hint ? `. ${hint}` : '.'),
    secrets,
  );
  return new SignalsHttpError(message, {
    call: callName,
    status: result.status,
    apiMessage: safeApiMessage,
    attempts: result.attempts,
  });
}

function describeTransportFailure(error: unknown, timeoutMs: number): { timeout: boolean; reason: string } {
  if (axios.isAxiosError(error)) {
    if (error.code === 'ETIMEDOUT' || error.code === 'ECONNABORTED') {
      return { timeout: true, reason: `no answer within the ${timeoutMs} ms timeout` };
    }
    const code = error.code ?? (error.cause as { code?: string } | undefined)?.code;
    return { timeout: false, reason: `network error${code ? ` ${code}` : ''}` };
  }
  return { timeout: false, reason: error instanceof Error ? error.message : String(error) };
}

/**
 * Delay before retry number `attempt` (1-based): `Retry-After` when the server sent one (capped), else
 * exponential backoff `base * 2^(attempt-1)` capped at `maxDelayMs`, with "equal jitter" (half fixed, half
 * random) so that many clients do not retry in lockstep.
 */
export function retryDelay(attempt: number, policy: RetryPolicy, retryAfterHeader: unknown): number {
  const retryAfter = parseRetryAfter(retryAfterHeader);
  if (retryAfter !== undefined) return Math.min(retryAfter, policy.maxRetryAfterMs);
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(exponential / 2 + Math.random() * (exponential / 2));
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date; undefined when absent or unparseable. */
export function parseRetryAfter(header: unknown): number | undefined {
  if (typeof header !== 'string' || header.trim() === '') return undefined;
  const value = header.trim();
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - Date.now());
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
