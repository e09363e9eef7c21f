/**
 * Unknown keys are errors, never silently dropped: a misspelt `defaultValue` in API JSON would
 * otherwise lose the default. Every object schema of the definition (and of the dbt variables) is
 * built with `strictObject`, whose error names each unknown key and the nearest valid one.
 */
import { distance } from 'fastest-levenshtein';
import { z } from 'zod';

const normalized = (name: string) => name.toLowerCase().replace(/[_\-\s]/g, '');

/**
 * The valid name nearest to `given`, or undefined when none is near. Case and `_` are ignored
 * (`defaultValue` -> `default_value`); a prefix counts as near (`default` -> `default_value`);
 * otherwise a small edit distance (`snowplow__strat_date` -> `snowplow__start_date`).
 */
export function nearestName(given: string, valid: readonly string[]): string | undefined {
  const wanted = normalized(given);
  if (wanted === '') return undefined;
  const candidates = valid.map((name) => ({ name, norm: normalized(name) }));
  const exact = candidates.find((c) => c.norm === wanted);
  if (exact) return exact.name;
  const prefixed = candidates
    .filter((c) => wanted.length >= 3 && (c.norm.startsWith(wanted) || wanted.startsWith(c.norm)))
    .sort((a, b) => Math.abs(a.norm.length - wanted.length) - Math.abs(b.norm.length - wanted.length));
  if (prefixed.length > 0) return prefixed[0].name;
  const limit = Math.max(2, Math.floor(wanted.length / 4));
  const scored = candidates.map((c) => ({ ...c, d: distance(wanted, c.norm) })).filter((c) => c.d <= limit);
  scored.sort((a, b) => a.d - b.d);
  return scored[0]?.name;
}

/** Why some keys that look plausible are not part of an object (said instead of a guess). */
export type KeyReasons = Readonly<Record<string, string>>;

export interface UnknownKeyWording {
  /** What a key is called in messages (default `key`). */
  noun?: string;
  reasons?: KeyReasons;
}

/** `unknown key "defaultValue" (did you mean "default_value"?)`, one clause per key. */
export function unknownKeysMessage(keys: readonly string[], valid: readonly string[], wording: UnknownKeyWording = {}): string {
  const { noun = 'key', reasons = {} } = wording;
  const clauses = keys.map((key) => {
    if (Object.prototype.hasOwnProperty.call(reasons, key)) return `unknown ${noun} "${key}": ${reasons[key]}`;
    const near = nearestName(key, valid);
    return near ? `unknown ${noun} "${key}" (did you mean "${near}"?)` : `unknown ${noun} "${key}" (valid: ${valid.join(', ')})`;
  });
  return clauses.join('; ');
}

/** A zod object that refuses unknown keys, naming each with the nearest valid key. */
export function strictObject<Shape extends z.ZodRawShape>(shape: Shape, wording: UnknownKeyWording = {}) {
  const valid = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? unknownKeysMessage(issue.keys, valid, wording) : undefined),
  });
}
