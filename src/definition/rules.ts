/**
 * Rules beyond the API's own shapes: they make a view computable
 * without surprises. Each returns issues that name the attribute and the field.
 */
import {
  TIME_SINCE_AGGREGATIONS,
  VALUELESS_OPERATORS,
  type Attribute,
  type AttributeType,
  type Criterion,
  type CriterionValue,
  type LeafProperty,
  type Property,
  type View,
} from './model';
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
    throw new Error(
      `period "${period}" is ${days} days; at most ${MAX_PERIOD_DAYS} days (100 years) is supported, leave period out for a lifetime attribute`,
    );
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

/** `2025-01-02T03:04:05Z`, `2025-01-02 03:04:05.123+01:00`, `2025-01-02`: a UTC timestamp or one with an offset. */
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

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
  timestamp: 'an ISO-8601 timestamp such as 2025-01-02T03:04:05Z',
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
    case 'timestamp':
      return typeof value === 'string' && ISO_TIMESTAMP.test(value) && !Number.isNaN(Date.parse(value));
    default:
      return false;
  }
}

/** Whether `value` is a valid `default_value` for an attribute of `type`. */
export function valueFitsType(value: CriterionValue, type: AttributeType): boolean {
  if (isListType(type)) return Array.isArray(value) && value.every((v) => fitsScalar(v, elementType(type)));
  return !Array.isArray(value) && fitsScalar(value, type);
}

/** Aggregations that count events or time and read no property. */
const PROPERTYLESS: ReadonlySet<Attribute['aggregation']> = new Set(['counter', 'time_since_last', 'time_since_first']);
/** Aggregations whose result is a count: an int type. */
const COUNTING: ReadonlySet<Attribute['aggregation']> = new Set([
  'counter',
  'approx_count_distinct',
  'time_since_last',
  'time_since_first',
]);
const DURATION_PATTERN = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/;

function checkAggregation(a: Attribute, at: Array<string | number>, issues: Issue[]): void {
  const problem = (field: string, message: string) => issues.push({ path: [...at, field], message });
  if (!PROPERTYLESS.has(a.aggregation) && !a.property) problem('property', `aggregation "${a.aggregation}" needs a property`);
  if (TIME_SINCE_AGGREGATIONS.has(a.aggregation) && a.timeUnit === undefined) {
    problem('timeUnit', `aggregation "${a.aggregation}" needs a time_unit (s, min, h or d)`);
  }
  if (!TIME_SINCE_AGGREGATIONS.has(a.aggregation) && a.timeUnit !== undefined) {
    problem('timeUnit', `time_unit is only for time_since_last and time_since_first, not "${a.aggregation}"`);
  }
  const list = isListType(a.type);
  if (a.aggregation === 'unique_list') {
    if (!list) problem('type', `aggregation "unique_list" needs a list type (e.g. string_list), not "${a.type}"`);
  } else if (a.aggregation === 'category_count') {
    if (a.type !== 'dict') problem('type', `aggregation "category_count" needs the dict type, not "${a.type}"`);
  } else if (COUNTING.has(a.aggregation)) {
    if (!INT_TYPES.includes(a.type)) problem('type', `aggregation "${a.aggregation}" needs an int type (int32 or int64), not "${a.type}"`);
  } else if (list || a.type === 'dict') {
    problem('type', `aggregation "${a.aggregation}" needs a scalar type, not "${a.type}"`);
  }
  if ((a.aggregation === 'sum' || a.aggregation === 'mean') && !NUMERIC_TYPES.includes(a.type)) {
    problem('type', `aggregation "${a.aggregation}" needs a numeric type (int32, int64, double, float), not "${a.type}"`);
  }
  if (a.property?.type === 'atomic' && !a.property.datePart && ['sum', 'mean'].includes(a.aggregation)) {
    const kind = ATOMIC_COLUMNS.get(a.property.name);
    if (kind !== 'number')
      problem('property', `aggregation "${a.aggregation}" needs a numeric property; atomic column "${a.property.name}" is ${kind}`);
  }
  if (a.ttl !== undefined) {
    if (a.period !== undefined) problem('ttl', 'ttl is only for lifetime attributes (no period): a windowed value expires with its window');
    else if (!DURATION_PATTERN.test(a.ttl)) problem('ttl', `ttl "${a.ttl}" is not an ISO-8601 duration (e.g. P30D, PT12H)`);
  }
}

function checkCriterion(c: Criterion, at: Array<string | number>, issues: Issue[]): void {
  const v = c.value;
  const problem = (message: string) => issues.push({ path: [...at, 'value'], message });
  if (VALUELESS_OPERATORS.has(c.operator)) {
    if (v !== undefined) problem(`operator "${c.operator}" takes no value; remove it`);
  } else if (v === undefined) {
    problem(`operator "${c.operator}" needs a value`);
  } else {
    switch (c.operator) {
      case '<':
      case '>':
      case '<=':
      case '>=':
        if (typeof v !== 'number') problem(`operator "${c.operator}" needs a number, got ${JSON.stringify(v)}`);
        break;
      case 'in':
        if (!Array.isArray(v) || v.length === 0) problem(`operator "in" needs a non-empty list, got ${JSON.stringify(v)}`);
        break;
      case 'like':
        if (typeof v !== 'string') problem(`operator "like" needs a string, got ${JSON.stringify(v)}`);
        break;
      default:
        if (Array.isArray(v)) problem(`operator "${c.operator}" needs a single value; use "in" for a list`);
    }
  }
  checkProperty(c.property, [...at, 'property'], issues);
}

/** `$.a.b[0].c` or `a.b`: dotted names with optional `[n]` indices. */
const PATH_SEGMENTS = /^\$?(?:\.?[A-Za-z_][A-Za-z0-9_$-]*(?:\[\d+\])*)+$/;

function checkLeaf(p: LeafProperty, at: Array<string | number>, issues: Issue[]): void {
  if (p.type === 'atomic') {
    if (p.datePart && ATOMIC_COLUMNS.get(p.name) !== 'timestamp') {
      issues.push({
        path: [...at, 'datePart'],
        message: `date_part needs a timestamp; atomic column "${p.name}" is ${ATOMIC_COLUMNS.get(p.name)} (use a *_tstamp column)`,
      });
    }
    return;
  }
  if (!PATH_SEGMENTS.test(p.path) || p.path.startsWith('.')) {
    issues.push({
      path: [...at, 'path'],
      message: `path "${p.path}" must be field names joined by dots with optional [n] indices, e.g. $.user.plan or $.items[0].price`,
    });
  }
}

/** A property's own rules: leaf paths and date parts; calculated properties flat, sized, separated. */
function checkProperty(p: Property | undefined, at: Array<string | number>, issues: Issue[]): void {
  if (!p) return;
  if (p.type !== 'calculated') return checkLeaf(p, at, issues);
  if (p.operation !== 'coalesce' && p.properties.length < 2) {
    issues.push({ path: [...at, 'properties'], message: `operation "${p.operation}" needs at least 2 properties (only coalesce takes 1)` });
  }
  if (p.separator !== undefined && p.operation !== 'concat') {
    issues.push({ path: [...at, 'separator'], message: `separator is only for concat, not "${p.operation}"` });
  }
  p.properties.forEach((leaf, i) => checkLeaf(leaf, [...at, 'properties', i], issues));
}

/** The rules beyond the API's own shapes, over an already well-shaped view. */
export function checkViewRules(view: View): Issue[] {
  const issues: Issue[] = [];
  const seen = new Map<string, number>();
  view.attributes.forEach((a, i) => {
    const at: Array<string | number> = ['attributes', i];
    const lower = a.name.toLowerCase();
    if (seen.has(lower)) {
      issues.push({
        path: [...at, 'name'],
        message: `name is used twice in this view (attributes ${seen.get(lower)} and ${i}); names are unique, ignoring case`,
      });
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
    checkProperty(a.property, [...at, 'property'], issues);
    if (a.defaultValue !== undefined && a.type === 'dict') {
      issues.push({
        path: [...at, 'defaultValue'],
        message: 'a dict attribute has no default value: category_count is NULL when no event matches',
      });
    } else if (a.defaultValue !== undefined && !valueFitsType(a.defaultValue, a.type)) {
      const element = elementType(a.type);
      const expected = isListType(a.type) ? `a list of ${SCALAR_RANGE[element]}` : SCALAR_RANGE[element];
      issues.push({
        path: [...at, 'defaultValue'],
        message: `default value ${JSON.stringify(a.defaultValue)} does not fit type "${a.type}" (${expected})`,
      });
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
  checkProperty(key.property, ['attributeKey', 'property'], issues);
  for (const [at, ttl] of [
    [['ttl'], view.ttl],
    [['attributeKey', 'ttl'], key.ttl],
  ] as Array<[string[], string | undefined]>) {
    if (ttl !== undefined && !DURATION_PATTERN.test(ttl))
      issues.push({ path: at, message: `ttl "${ttl}" is not an ISO-8601 duration (e.g. P365D, P12W)` });
  }
  if (key.property && (key.property.type === 'calculated' || key.property.datePart)) {
    issues.push({
      path: ['attributeKey', 'property'],
      message: 'an attribute key is read from one event or entity field, not calculated nor a date part',
    });
  }
  checkNoNul(view, [], issues);
  return issues;
}

/** No text may hold a NUL character: no warehouse stores it, and it would fail only at run time. */
function checkNoNul(value: unknown, at: Array<string | number>, issues: Issue[]): void {
  if (typeof value === 'string') {
    if (value.includes('\u0000'))
      issues.push({ path: at, message: 'contains a NUL character (\\u0000), which warehouses cannot store; remove it' });
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
