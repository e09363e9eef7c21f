/** Redaction: a secret is removed however a server or a tool echoes it. */
import { redact } from '../../src/redact';

const KEY = 'sk_Live/4f+9Ab=Zq';

describe('redact', () => {
  it('removes a secret as given, and any bearer token', () => {
    expect(redact(`key ${KEY} refused; Authorization: Bearer abc.def-ghi`, [KEY])).toBe(
      'key [redacted] refused; Authorization: Bearer [redacted]',
    );
  });

  it('removes lower-cased and upper-cased echoes', () => {
    expect(redact(`a ${KEY.toLowerCase()} b ${KEY.toUpperCase()} c`, [KEY])).toBe('a [redacted] b [redacted] c');
  });

  it('removes URL-encoded echoes, whole or in part, with either hex case', () => {
    const encoded = encodeURIComponent(KEY);
    expect(encoded).not.toBe(KEY);
    expect(redact(`GET /token?key=${encoded}&x=1`, [KEY])).toBe('GET /token?key=[redacted]&x=1');
    expect(redact(`key=${encoded.toLowerCase()}`, [KEY])).toBe('key=[redacted]');
    const everyCharacter = [...Buffer.from(KEY)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
    expect(redact(`q=${everyCharacter}`, [KEY])).toBe('q=[redacted]');
    expect(redact('pass=my+secret+words', ['my secret words'])).toBe('pass=[redacted]');
  });

  it('removes base64 and base64url echoes, padded or not', () => {
    const b64 = Buffer.from(KEY).toString('base64');
    expect(redact(`token ${b64} end`, [KEY])).toBe('token [redacted] end');
    expect(redact(`token ${Buffer.from(KEY).toString('base64url')} end`, [KEY])).toBe('token [redacted] end');
  });

  it('removes a secret base64-encoded inside a longer value, wherever it starts', () => {
    for (const prefix of ['id:', 'id2:', 'id33:']) {
      const basic = Buffer.from(`${prefix}${KEY}`).toString('base64');
      const redacted = redact(`Authorization: Basic ${basic}`, [KEY]);
      expect(redacted).toContain('[redacted]');
      // What is left cannot be decoded back into the key.
      const left = redacted.replace('Authorization: Basic ', '').split('[redacted]').join('');
      expect(Buffer.from(left, 'base64').toString('latin1')).not.toContain(KEY.slice(2, -2));
    }
  });

  it('leaves ordinary text alone and ignores secrets too short to be told from words', () => {
    expect(redact('nothing secret here', [KEY, 'abc', undefined])).toBe('nothing secret here');
    expect(redact('the abc of it', ['abc'])).toBe('the abc of it');
  });

  it('uses the label it is given', () => {
    expect(redact(`pw=${KEY}`, [KEY], '[secret]')).toBe('pw=[secret]');
  });
});
