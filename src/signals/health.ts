/**
 * `GET {apiUrl}/health-all`: the deployment's health, without credentials (the endpoint needs none),
 * and the check of the API URL every client makes first.
 */
import type { AxiosInstance } from 'axios';
import type { SignalsClientOptions } from './api';
import { SignalsError, SignalsInputError } from './errors';
import { SIGNALS_PATHS } from './paths';
import { DEFAULT_RETRY_POLICY, DEFAULT_TIMEOUT_MS, type TransportOptions, createAxios, httpError, sendWithRetries } from './transport';

export interface HealthResponse {
  status: string;
  dependencies?: Record<string, string>;
}

/**
 * `GET {apiUrl}/health-all` without credentials (the endpoint needs none), e.g. for `test-connection
 * --no-check-auth`.
 */
export async function fetchHealth(
  options: Pick<SignalsClientOptions, 'apiUrl' | 'timeoutMs' | 'retry' | 'logger'>,
): Promise<HealthResponse> {
  return requestHealth(createAxios(), checkedApiUrl(options.apiUrl), {
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    retry: { ...DEFAULT_RETRY_POLICY, ...options.retry },
    logger: options.logger,
    secrets: () => [],
  });
}

/** The API URL without a trailing slash; refuses anything that is not an http(s) URL. */
export function checkedApiUrl(apiUrl: string | undefined): string {
  if (!/^https?:\/\/[^\s]+$/.test(apiUrl ?? '')) {
    throw new SignalsInputError(
      `The Signals API URL must be an http(s) URL (--api-url or SNOWPLOW_API_URL); got ${JSON.stringify(apiUrl ?? '')}.`,
    );
  }
  return (apiUrl as string).replace(/\/+$/, '');
}

export async function requestHealth(http: AxiosInstance, apiBase: string, transport: TransportOptions): Promise<HealthResponse> {
  const callName = `GET ${SIGNALS_PATHS.health}`;
  const result = await sendWithRetries(http, { method: 'GET', url: `${apiBase}${SIGNALS_PATHS.health}`, callName }, transport);
  if (result.status < 200 || result.status >= 300) throw httpError(result, callName, transport.secrets());
  const body = result.data as Partial<HealthResponse> | undefined;
  if (!body || typeof body.status !== 'string') {
    throw new SignalsError(`Signals API call ${callName} answered without a status field.`, {
      call: callName,
      status: result.status,
      attempts: result.attempts,
    });
  }
  return { status: body.status, dependencies: body.dependencies };
}
