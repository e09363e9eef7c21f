/**
 * JWT-shaped access tokens for the emulated console token endpoint: HS256-signed with a per-process
 * secret, carrying `iat`/`exp` (seconds, fractional so short test TTLs work) and a generation number so a
 * test can revoke every token issued so far.
 */
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

export class TokenAuthority {
  private readonly signingKey = randomBytes(32);
  private generation = 0;
  private issuedCount = 0;

  constructor(private ttlSeconds: number) {}

  /** Number of tokens minted since start. */
  get issued(): number {
    return this.issuedCount;
  }

  /** Token lifetime for tokens minted from now on. */
  setTtlSeconds(ttlSeconds: number): void {
    this.ttlSeconds = ttlSeconds;
  }

  /** Invalidates every token minted so far (they will be answered 401). */
  revokeAll(): void {
    this.generation += 1;
  }

  mint(orgId: string): string {
    const nowSeconds = Date.now() / 1000;
    const header = { alg: 'HS256', typ: 'JWT' };
    const payload = {
      sub: 'signals-emulator',
      org: orgId,
      iat: nowSeconds,
      exp: nowSeconds + this.ttlSeconds,
      gen: this.generation,
      jti: randomUUID(),
    };
    const unsigned = `${encode(header)}.${encode(payload)}`;
    this.issuedCount += 1;
    return `${unsigned}.${this.sign(unsigned)}`;
  }

  /** Checks signature, expiry and revocation. */
  verify(token: string): { ok: true } | { ok: false; reason: string } {
    const parts = token.split('.');
    if (parts.length !== 3) return { ok: false, reason: 'Malformed token' };
    const expected = Buffer.from(this.sign(`${parts[0]}.${parts[1]}`));
    const actual = Buffer.from(parts[2]);
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
      return { ok: false, reason: 'Invalid token signature' };
    }
    let payload: { exp?: number; gen?: number };
    try {
      payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as { exp?: number; gen?: number };
    } catch {
      return { ok: false, reason: 'Malformed token' };
    }
    if (typeof payload.exp !== 'number' || payload.exp * 1000 <= Date.now()) return { ok: false, reason: 'Token expired' };
    if (payload.gen !== this.generation) return { ok: false, reason: 'Token revoked' };
    return { ok: true };
  }

  private sign(unsigned: string): string {
    return createHmac('sha256', this.signingKey).update(unsigned).digest('base64url');
  }
}

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
