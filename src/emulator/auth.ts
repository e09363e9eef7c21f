/**
 * Who may call what: the console token endpoint (API key + key id + org -> access token), bearer
 * tokens on the API (an unexpired, unrevoked access token, or the sandbox token), and the control
 * token on the emulator's own `/_emulator/*` plane. Each credential opens only its own door.
 */
import { timingSafeEqual } from 'node:crypto';
import { Reply, reply } from './replies';
import type { TokenAuthority } from './tokens';

export interface EmulatorCredentials {
  apiKey: string;
  apiKeyId: string;
  orgId: string;
  sandboxToken: string;
}

/** Header carrying the control token on `/_emulator/*` requests. */
export const CONTROL_TOKEN_HEADER = 'X-Emulator-Control-Token';

/** `GET /api/msc/v1/organizations/{org}/credentials/v3/token`, as the Snowplow console answers it. */
export const CONSOLE_TOKEN_PATTERN = /^\/api\/msc\/v1\/organizations\/([^/]+)\/credentials\/v3\/token\/?$/;

type HeaderOf = (name: string) => string | undefined;

const BEARER = { 'www-authenticate': 'Bearer' };

export class Authenticator {
  constructor(
    private readonly credentials: EmulatorCredentials,
    private readonly tokens: TokenAuthority,
    private readonly controlToken: string,
  ) {}

  /** The console token exchange: `{accessToken}` for the right key, key id and organization. */
  exchange(header: HeaderOf, orgId: string): Reply {
    const keyId = header('x-api-key-id');
    const key = header('x-api-key');
    if (!keyId || !key) return { status: 401, body: { message: 'Missing X-API-Key-Id or X-API-Key header' } };
    const { apiKey, apiKeyId, orgId: expectedOrg } = this.credentials;
    if (!safeEqual(keyId, apiKeyId) || !safeEqual(key, apiKey) || !safeEqual(orgId, expectedOrg)) {
      return { status: 401, body: { message: 'Invalid API key, API key id or organization' } };
    }
    return { status: 200, body: { accessToken: this.tokens.mint(orgId) } };
  }

  /** Undefined when the API request carries a valid bearer token; else the 401 to answer. */
  refuseApi(header: HeaderOf): Reply | undefined {
    const authorization = header('authorization');
    const match = authorization ? /^Bearer\s+(\S+)$/i.exec(authorization) : null;
    if (!match) return reply(401, 'Not authenticated', BEARER);
    const token = match[1];
    if (safeEqual(token, this.credentials.sandboxToken)) return undefined;
    const verdict = this.tokens.verify(token);
    return verdict.ok ? undefined : reply(401, verdict.reason, BEARER);
  }

  /** Undefined when a control-plane request carries the control token; else the 401 to answer. */
  refuseControl(header: HeaderOf): Reply | undefined {
    const given = header(CONTROL_TOKEN_HEADER);
    if (given !== undefined && safeEqual(given, this.controlToken)) return undefined;
    return reply(
      401,
      `The emulator control plane needs the control token in the ${CONTROL_TOKEN_HEADER} header ` +
        '(printed by `signals-batch emulator` at start; EmulatorHandle.controlToken in-process).',
    );
  }
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
