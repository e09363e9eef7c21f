/**
 * Bearer tokens for the Signals API.
 *
 * - BDP mode: the API key, key id and organization id are exchanged at the console token endpoint
 *   (`GET {consoleUrl}/api/msc/v1/organizations/{orgId}/credentials/v3/token`, headers `X-API-Key-Id`,
 *   `X-API-Key`) for `{accessToken}`. The token is cached and refreshed shortly before its JWT `exp`,
 *   and on demand after a 401.
 * - Sandbox mode: the sandbox token is the bearer token.
 */
import { AxiosInstance } from 'axios';
import { SignalsAuthError, SignalsInputError, apiMessageFromBody, redact } from './errors';
import { SIGNALS_PATHS } from './paths';
import { TransportOptions, sendWithRetries } from './transport';

export const DEFAULT_CONSOLE_URL = 'https://console.snowplowanalytics.com';

export type SignalsAuth =
  { mode: 'bdp'; apiKey: string; apiKeyId: string; orgId: string; consoleUrl?: string } | { mode: 'sandbox'; sandboxToken: string };

export interface TokenSource {
  /** A valid bearer token; `forceRefresh` discards the cached one first (after a 401). */
  getToken(forceRefresh?: boolean): Promise<string>;
  /** Whether a refresh can yield a different token (false for a fixed sandbox token). */
  readonly canRefresh: boolean;
  /** Every credential value this source knows, for redaction. */
  secrets(): (string | undefined)[];
}

export class SandboxTokenSource implements TokenSource {
  readonly canRefresh = false;
  constructor(private readonly sandboxToken: string) {}
  async getToken(): Promise<string> {
    return this.sandboxToken;
  }
  secrets(): (string | undefined)[] {
    return [this.sandboxToken];
  }
}

interface CachedToken {
  token: string;
  /** When to fetch a new one (epoch ms); Infinity when the token carries no `exp`. */
  refreshAtMs: number;
}

export class BdpTokenSource implements TokenSource {
  readonly canRefresh = true;
  private cached?: CachedToken;
  private pending?: Promise<string>;

  constructor(
    private readonly auth: Extract<SignalsAuth, { mode: 'bdp' }>,
    private readonly http: AxiosInstance,
    private readonly transport: Omit<TransportOptions, 'secrets'>,
    /** Refresh this long before expiry (capped at a quarter of the token's lifetime). Default 60 s. */
    private readonly refreshMarginMs = 60000,
  ) {}

  secrets(): (string | undefined)[] {
    return [this.auth.apiKey, this.auth.apiKeyId, this.cached?.token];
  }

  async getToken(forceRefresh = false): Promise<string> {
    if (forceRefresh) this.cached = undefined;
    if (this.cached && Date.now() < this.cached.refreshAtMs) return this.cached.token;
    // Concurrent callers share one exchange.
    if (!this.pending) {
      this.pending = this.exchange().finally(() => {
        this.pending = undefined;
      });
    }
    return this.pending;
  }

  private async exchange(): Promise<string> {
    const consoleUrl = (this.auth.consoleUrl ?? DEFAULT_CONSOLE_URL).replace(/\/+$/, '');
    const path = SIGNALS_PATHS.consoleToken(this.auth.orgId);
    const callName = `GET ${path} (console token exchange)`;
    const secrets = () => this.secrets();
    const result = await sendWithRetries(
      this.http,
      {
        method: 'GET',
        url: `${consoleUrl}${path}`,
        callName,
        headers: { 'X-API-Key-Id': this.auth.apiKeyId, 'X-API-Key': this.auth.apiKey },
      },
      { ...this.transport, secrets },
    );
    const hint =
      'Check --api-key/SNOWPLOW_API_KEY, --api-key-id/SNOWPLOW_API_KEY_ID, --org-id/SNOWPLOW_ORG_ID' +
      ' and --console-url/SNOWPLOW_CONSOLE_URL';
    if (result.status < 200 || result.status >= 300) {
      const apiMessage = apiMessageFromBody(result.data);
      const safeMessage = apiMessage === undefined ? undefined : redact(apiMessage, secrets());
      throw new SignalsAuthError(
        redact(
          `Signals authentication failed: ${callName} at ${consoleUrl} answered HTTP ${result.status}` +
            (safeMessage ? `: ${safeMessage}` : '') +
            `. ${hint}.`,
          secrets(),
        ),
        { call: callName, status: result.status, apiMessage: safeMessage, attempts: result.attempts },
      );
    }
    const token = (result.data as { accessToken?: unknown } | undefined)?.accessToken;
    if (typeof token !== 'string' || token === '') {
      throw new SignalsAuthError(`Signals authentication failed: ${callName} at ${consoleUrl} answered without an accessToken. ${hint}.`, {
        call: callName,
        status: result.status,
        attempts: result.attempts,
      });
    }
    this.cached = { token, refreshAtMs: refreshTime(token, this.refreshMarginMs) };
    return token;
  }
}

/** When to refresh a JWT: `exp` minus a margin (at most a quarter of its lifetime); never for opaque tokens. */
export function refreshTime(token: string, marginMs: number): number {
  const claims = decodeJwtClaims(token);
  if (!claims || typeof claims.exp !== 'number') return Number.POSITIVE_INFINITY;
  const expMs = claims.exp * 1000;
  const lifetimeMs = typeof claims.iat === 'number' ? expMs - claims.iat * 1000 : Number.POSITIVE_INFINITY;
  const margin = Math.max(0, Math.min(marginMs, lifetimeMs / 4));
  return expMs - margin;
}

/** The payload of a JWT, without verifying its signature (only the client's own cache uses it). */
export function decodeJwtClaims(token: string): { exp?: unknown; iat?: unknown } | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as unknown;
    return payload && typeof payload === 'object' ? (payload as { exp?: unknown; iat?: unknown }) : undefined;
  } catch {
    return undefined;
  }
}

/** Checks that the credentials of the chosen mode are all present; names what is missing, never a value. */
export function assertCompleteAuth(auth: SignalsAuth): void {
  if (auth.mode === 'sandbox') {
    if (!auth.sandboxToken) {
      throw new SignalsInputError('Sandbox auth needs a sandbox token (--sandbox-token or SNOWPLOW_SANDBOX_TOKEN).');
    }
    return;
  }
  const missing = [
    !auth.apiKey && '--api-key/SNOWPLOW_API_KEY',
    !auth.apiKeyId && '--api-key-id/SNOWPLOW_API_KEY_ID',
    !auth.orgId && '--org-id/SNOWPLOW_ORG_ID',
  ].filter(Boolean);
  if (missing.length > 0) {
    throw new SignalsInputError(
      `BDP auth needs an API key, an API key id and an organization id; missing: ${missing.join(', ')}. ` +
        'Use --auth-mode sandbox with --sandbox-token for a sandbox.',
    );
  }
}
