/**
 * Rules beyond the API's own shapes: they make a view computable
 * without surprises. Each returns issues that name the attribute and the field.
 */
import type { Attribute, AttributeType, Criterion, CriterionValue, Property, View } from './model';
import { ATOMIC_COLUMNS } from './atomicColumns';

export interface Issue {
  /** Path into the view, in the camelCase field names of the TypeScript form. */
  path: Array<string | number>;
  message: string;
}

const DAY_SECONDS = 86_400;
/** Longest window: 100 years. Anything longer is a typo, and overflows some warehouses' date arithmetic. */
export const MAX_PERIOD_DAYS = 36_500;
const DURATION = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:\.(0+))?S)?)?$/;

/**
 * Days in an ISO-8601 period of whole days (`P7D`, `P1W`, `PT48H`, `P7DT0H0M0.000000S`).
 * Throws for anything else: months and years have no fixed length, and sub-day windows
 * cannot be computed from daily aggregates.
 */
export function periodDays(period: string): number {
  const m = DURATION.exec(period);
  if (!m || period === 'P' || period.endsWith('T')) {
    throw new Error(`period "${period}" is not an ISO-8601 duration of days or weeks (e.g. P7D, P1W, PT48H)`);
  }
  const [w, d, h, min, s] = m.slice(1, 6).map((x) => (x ? Number(x) : 0));
  const seconds = ((w * 7 + d) * 24 + h) * 3600 + min * 60 + s;
  if (seconds === 0) throw new Error(`period "${period}" is zero; leave period out for a lifetime attribute`);
  if (seconds % DAY_SECONDS !== 0) {
    throw new Error(`period "${period}" is not a whole number of days (windows are computed per day)`);
  }
  const days = seconds / DAY_SECONDS;
  if (days > MAX_PERIOD_DAYS) {
    throw new Error(`period "${period}" is ${days} days; at most ${MAX_PERIOD_DAYS} days (100 years) is supported, leave period out for a lifetime attribute`);
  }
  return days;
}

const NUMERIC_TYPES: readonly AttributeType[] = ['int32', 'int64', 'double', 'float', 'unix_timestamp'];
const INT_TYPES: readonly AttributeType[] = ['int32', 'int64'];

export function isListType(type: AttributeType): boolean {
  return type.endsWith('_list');
}
export function elementType(type: AttributeType): AttributeType {
  return (isListType(type) ? type.slice(0, -'_list'.length) : type) as AttributeType;
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
/** The largest finite 32-bit float. */
const FLOAT32_MAX = 3.4028234663852886e38;

/** What a scalar of `type` may hold, as said in errors. */
const SCALAR_RANGE: Partial<Record<AttributeType, string>> = {
  int32: `a whole number from ${INT32_MIN} to ${INT32_MAX}`,
  int64: 'a whole number within ±9007199254740991',
  unix_timestamp: 'a whole number within ±9007199254740991',
  float: `a number within ±${FLOAT32_MAX}`,
  double: 'a finite number',
  string: 'a string',
  bytes: 'a string',
  bool: 'true or false',
};

function fitsScalar(value: unknown, type: AttributeType): boolean {
  switch (type) {
    case 'string':
    case 'bytes':
      return typeof value === 'string';
    case 'int32':
      return Number.isInteger(value) && (value as number) >= INT32_MIN && (value as number) <= INT32_MAX;
    case 'int64':
    case 'unix_timestamp':
      return Number.isSafeInteger(value);
    case 'float':
      return typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= FLOAT32_MAX;
    case 'double':
      return typeof value === 'number' && Number.isFinite(value);
    case 'bool':
      return typeof value === 'boolean';
    default:
      return false;
  }
}

/** Whether `value` is a valid `default_value` for an attribute of `type`. */
export function valueFitsType(value: CriterionValue, type: AttributeType): boolean {
  if (isListType(type)) return Array.isArray(value) && value.every((v) => fitsScalar(v, elementType(type)));
  return !Array.isArray(value) && fitsScalar(value, type);
}

function checkAggregation(a: Attribute, at: Array<string | number>, issues: Issue[]): void {
  const needsProperty = a.aggregation !== 'counter';
  if (needsProperty && !a.property) {
    issues.push({ path: [...at, 'property'], message: `aggregation "${a.aggregation}" needs a property` });
  }
  const list = isListType(a.type);
  if (a.aggregation === 'unique_list' && !list) {
    issues.push({ path: [...at, 'type'], message: `aggregation "unique_list" needs a list type (e.g. string_list), not "${a.type}"` });
  }
  if (a.aggregation !== 'unique_list' && list) {
    issues.push({ path: [...at, 'type'], message: `aggregation "${a.aggregation}" needs a scalar type, not "${a.type}"` });
  }
  if (a.aggregation === 'counter' && !INT_TYPES.includes(a.type)) {
    issues.push({ path: [...at, 'type'], message: `aggregation "counter" needs an int type (int32 or int64), not "${a.type}"` });
  }
  if ((a.aggregation === 'sum' || a.aggregation === 'mean') && !NUMERIC_TYPES.includes(a.type)) {
    issues.push({ path: [...at, 'type'], message: `aggregation "${a.aggregation}" needs a numeric type (int32, int64, double, float), not "${a.type}"` });
  }
  if (a.property?.type === 'atomic' && ['sum', 'mean'].includes(a.aggregation)) {
    const kind = ATOMIC_COLUMNS.get(a.property.name);
    if (kind !== 'number') {
      issues.push({ path: [...at, 'property'], message: `aggregation "${a.aggregation}" needs a numeric property; atomic column "${a.property.name}" is ${kind}` });
    }
  }
}

function checkCriterion(c: Criterion, at: Array<string | number>, issues: Issue[]): void {
  const v = c.value;
  switch (c.operator) {
    case '<':
    case '>':
    case '<=':
    case '>=':
      if (typeof v !== 'number') issues.push({ path: [...at, 'value'], message: `operator "${c.operator}" needs a number, got ${JSON.stringify(v)}` });
      break;
    case 'in':
      if (!Array.isArray(v) || v.length === 0) issues.push({ path: [...at, 'value'], message: `operator "in" needs a non-empty list, got ${JSON.stringify(v)}` });
      break;
    case 'like':
      if (typeof v !== 'string') issues.push({ path: [...at, 'value'], message: `operator "like" needs a string, got ${JSON.stringify(v)}` });
      break;
    default:
      if (Array.isArray(v)) issues.push({ path: [...at, 'value'], message: `operator "${c.operator}" needs a single value; use "in" for a list` });
  }
  checkPropertyPath(c.property, [...at, 'property'], issues);
}

/** `$.a.b[0].c` or `a.b`: dotted names with optional `[n]` indices. */
const PATH_SEGMENTS = /^\$?(?:\.?[A-Za-z_][A-Za-z0-9_$-]*(?:\[\d+\])*)+$/;

function checkPropertyPath(p: Property | undefined, at: Array<string | number>, issues: Issue[]): void {
  if (!p || p.type === 'atomic') return;
  if (!PATH_SEGMENTS.test(p.path) || p.path.startsWith('.')) {
    issues.push({ path: [...at, 'path'], message: `path "${p.path}" must be field names joined by dots with optional [n] indices, e.g. $.user.plan or $.items[0].price` });
  }
}

/** The rules beyond the API's own shapes, over an already well-shaped view. */
export function checkViewRules(view: View): Issue[] {
  const issues: Issue[] = [];
  const seen = new Map<string, number>();
  view.attributes.forEach((a, i) => {
    const at: Array<string | number> = ['attributes', i];
    const lower = a.name.toLowerCase();
    if (seen.has(lower)) {
      issues.push({ path: [...at, 'name'], message: `name is used twice in this view (attributes ${seen.get(lower)} and ${i}); names are unique, ignoring case` });
    } else seen.set(lower, i);
    const keyColumn = view.attributeKey.key ?? view.attributeKey.name;
    if (lower === keyColumn.toLowerCase()) {
      issues.push({ path: [...at, 'name'], message: `name equals the attribute key column "${keyColumn}"` });
    }
    if (a.period !== undefined) {
      try {
        periodDays(a.period);
      } catch (e) {
        issues.push({ path: [...at, 'period'], message: (e as Error).message });
      }
    }
    checkAggregation(a, at, issues);
    checkPropertyPath(a.property, [...at, 'property'], issues);
    if (a.defaultValue !== undefined && !valueFitsType(a.defaultValue, a.type)) {
      const element = elementType(a.type);
      const expected = isListType(a.type) ? `a list of ${SCALAR_RANGE[element]}` : SCALAR_RANGE[element];
      issues.push({ path: [...at, 'defaultValue'], message: `default value ${JSON.stringify(a.defaultValue)} does not fit type "${a.type}" (${expected})` });
    }
    for (const group of ['all', 'any'] as const) {
      a.criteria?.[group]?.forEach((c, j) => checkCriterion(c, [...at, 'criteria', group, j], issues));
    }
  });
  const key = view.attributeKey;
  if (!key.property && !ATOMIC_COLUMNS.has(key.key ?? key.name)) {
    issues.push({
      path: ['attributeKey', key.key ? 'key' : 'name'],
      message: `attribute key column "${key.key ?? key.name}" is not an atomic column; name one (e.g. domain_userid, user_id) or give the key a property`,
    });
  }
  checkPropertyPath(key.property, ['attributeKey', 'property'], issues);
  checkNoNul(view, [], issues);
  return issues;
}

/** No text may hold a NUL character: no warehouse stores it, and it would fail only at run time. */
function checkNoNul(value: unknown, at: Array<string | number>, issues: Issue[]): void {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) issues.push({ path: at, message: 'contains a NUL character (\\u0000), which warehouses cannot store; remove it' });
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => checkNoNul(item, [...at, i], issues));
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) checkNoNul(item, [...at, key], issues);
  }
}

/**
 * Pairs of distinct view names that are equal once lower-cased (`CaseView`, `caseview`): they
 * would share one project directory and the same warehouse tables.
 */
export function caseCollisions(names: readonly string[]): Array<[string, string]> {
  const first = new Map<string, string>();
  const pairs: Array<[string, string]> = [];
  for (const name of names) {
    const seen = first.get(name.toLowerCase());
    if (seen === undefined) first.set(name.toLowerCase(), name);
    else if (seen !== name && !pairs.some(([a, b]) => a === seen && b === name)) pairs.push([seen, name]);
  }
  return pairs;
}
