/**
 * Removes secrets from text that may reach a message, a log line or a stored output.
 *
 * A secret is caught however it was echoed: as given, in any letter case, percent-encoded (wholly or
 * in part, `%2F` or `%2f`, `+` for a space), and base64 or base64url encoded, alone or inside a longer
 * encoded value (for example `Basic base64(id:key)`). Bearer tokens are removed whatever they are.
 */

/** Secrets shorter than this are not redacted (they would blank out ordinary words). */
const MIN_SECRET_LENGTH = 4;
/** Shortest base64 fragment of a secret worth matching inside a longer encoded value. */
const MIN_BASE64_FRAGMENT = 6;

/** Replaces every echo of the given secrets (and any bearer token) in `text` with `label`. */
export function redact(text: string, secrets: readonly (string | undefined)[], label = '[redacted]'): string {
  let result = text.replace(/Bearer\s+[A-Za-z0-9._~+/=-]+/gi, `Bearer ${label}`);
  const usable = [...new Set(secrets.filter((s): s is string => typeof s === 'string' && s.length >= MIN_SECRET_LENGTH))];
  // Longest first, so a secret that contains another is removed whole.
  for (const secret of usable.sort((a, b) => b.length - a.length)) {
    result = result.replace(echoPattern(secret), label);
  }
  return result;
}

/** One case-insensitive pattern for every form of `secret`. */
function echoPattern(secret: string): RegExp {
  const forms = [percentTolerant(secret), ...base64Forms(secret).map(escapeRegExp)];
  return new RegExp(forms.join('|'), 'gi');
}

/** Each character as itself or percent-encoded (its UTF-8 bytes), a space also as `+`. */
function percentTolerant(secret: string): string {
  return [...secret]
    .map((char) => {
      const encoded = [...Buffer.from(char, 'utf8')].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');
      const alternatives = [escapeRegExp(char), encoded];
      if (char === ' ') alternatives.push('\\+');
      return `(?:${alternatives.join('|')})`;
    })
    .join('');
}

/**
 * The base64 and base64url texts of `secret`: its own encoding (padded and not), and the part of its
 * encoding that is the same wherever it starts inside a longer value (three byte alignments).
 */
function base64Forms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const forms = new Set<string>();
  const whole = bytes.toString('base64');
  forms.add(whole);
  forms.add(whole.replace(/=+$/, ''));
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes])
      .toString('base64')
      .replace(/=+$/, '');
    // Characters that mix bits of the bytes before or after the secret depend on its neighbours.
    const skip = Math.ceil((8 * offset) / 6);
    const drop = (offset + bytes.length) % 3 === 0 ? 0 : 1;
    const stable = encoded.slice(skip, encoded.length - drop);
    if (stable.length >= MIN_BASE64_FRAGMENT) forms.add(stable);
  }
  const all = [...forms];
  return [...new Set([...all, ...all.map((form) => form.replace(/\+/g, '-').replace(/\//g, '_'))])].sort((a, b) => b.length - a.length);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
