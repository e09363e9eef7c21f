/**
 * Values as the dynamic providers receive them: Pulumi's placeholder for what is not known during
 * preview, and a canonical text of JSON values for comparing old and new inputs.
 */
import * as pulumi from '@pulumi/pulumi';

/** Pulumi's placeholder for a value not known during preview (a plain string once it reaches a provider). */
export const UNKNOWN_VALUE: string = pulumi.runtime.unknownValue;

/** True when `value` is, or contains, Pulumi's unknown placeholder. */
export function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN_VALUE) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value && typeof value === 'object') return Object.values(value).some(containsUnknown);
  return false;
}

/**
 * JSON with sorted keys and no null/undefined members: equal values give equal text, whatever the
 * order of their keys or whether an absent field is written as null.
 */
export function canonicalJson(value: unknown): string {
  const normalize = (inner: unknown): unknown => {
    if (Array.isArray(inner)) return inner.map(normalize);
    if (inner && typeof inner === 'object') {
      const record = inner as Record<string, unknown>;
      return Object.fromEntries(
        Object.keys(record)
          .sort()
          .filter((key) => record[key] !== null && record[key] !== undefined)
          .map((key) => [key, normalize(record[key])]),
      );
    }
    return inner;
  };
  return JSON.stringify(normalize(value ?? null));
}
