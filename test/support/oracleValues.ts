/**
 * The oracle's per-row evaluation (see oracle.ts): whether an event is selected, a property's value
 * on an event (a leaf, its date part, or a value calculated from leaves), whether a criterion holds,
 * the typed value an aggregation works on, and the cast of a result to the attribute's type.
 */
import {
  ATOMIC_COLUMNS,
  elementType,
  isListType,
  type Attribute,
  type Criterion,
  type DatePart,
  type EventSpec,
  type LeafProperty,
  type Property,
} from '../../src/definition';
import type { EventRow } from '../../src/sample';

export type Scalar = string | number | boolean | null;

export const DAY = 86_400_000;

export function matchesEvent(r: EventRow, events: EventSpec[]): boolean {
  // an empty list means every event
  if (events.length === 0) return true;
  return events.some(
    (e) => r.event_vendor === e.vendor && r.event_name === e.name && (e.version === undefined || r.event_version === e.version),
  );
}

const snake = (s: string) =>
  s
    .replace(/([^A-Z_])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]/g, '_')
    .toLowerCase();

/** The JSON of a self-describing column of any full version of the major version (newest first). */
function selfDescribing(r: EventRow, prefix: string): unknown {
  const columns = Object.keys(r)
    .filter((c) => c.startsWith(prefix) && /^\d+_\d+$/.test(c.slice(prefix.length)))
    .sort()
    .reverse();
  for (const c of columns) if (typeof r[c] === 'string' && r[c] !== '') return JSON.parse(r[c] as string);
  return null;
}

function walk(value: unknown, path: string): unknown {
  const parts = path
    .replace(/^\$\.?/, '')
    .split('.')
    .flatMap((p) => {
      const m = /^([^[]+)((?:\[\d+\])*)$/.exec(p)!;
      return [m[1], ...[...m[2].matchAll(/\[(\d+)\]/g)].map((x) => Number(x[1]))];
    });
  let v = value;
  for (const p of parts) {
    if (v === null || typeof v !== 'object') return null;
    v = (v as Record<string | number, unknown>)[p];
    if (v === undefined) return null;
  }
  return v;
}

type Kind = 'string' | 'number' | 'boolean' | 'timestamp' | 'date' | 'text';
interface Value {
  kind: Kind;
  value: Scalar;
}

/** A leaf property's raw value on an event; JSON fields come out as text, like json_extract_string. */
function leafValue(r: EventRow, p: LeafProperty): Value {
  if (p.type === 'atomic') {
    const column = p.name === 'refr_device_tstamp' ? 'refr_dvce_tstamp' : p.name;
    const kind = ATOMIC_COLUMNS.get(p.name) as Kind;
    const raw = r[column] ?? null;
    return { kind, value: raw === '' ? null : (raw as Scalar) };
  }
  const stem = `${snake(p.vendor)}_${snake(p.name)}_${p.majorVersion}_`;
  const json = selfDescribing(r, p.type === 'event' ? `unstruct_event_${stem}` : `contexts_${stem}`);
  const target = p.type === 'entity' ? (Array.isArray(json) ? (json[p.index] ?? null) : null) : json;
  const v = target === null ? null : walk(target, p.path);
  if (v === null || v === undefined) return { kind: 'text', value: null };
  return { kind: 'text', value: typeof v === 'object' ? JSON.stringify(v) : String(v) };
}

/** Milliseconds of a timestamp: atomic ones are UTC without offset; text may carry Z or an offset. */
export function timestampMillis(v: Value): number | null {
  if (v.value === null) return null;
  const text = String(v.value).trim().replace(' ', 'T');
  const ms = Date.parse(/(Z|[+-]\d{2}(:?\d{2})?)$/.test(text) ? text : `${text}Z`);
  return Number.isNaN(ms) ? null : ms;
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** A date part of a UTC timestamp: numbers for hour, weekday (Monday 1) and month; dates as YYYY-MM-DD. */
function partOf(v: Value, part: DatePart): Value {
  const ms = timestampMillis(v);
  if (ms === null) return { kind: part.startsWith('active_') ? 'date' : 'number', value: null };
  const t = new Date(ms);
  switch (part) {
    case 'hour_of_day':
      return { kind: 'number', value: t.getUTCHours() };
    case 'day_of_week':
      return { kind: 'number', value: ((t.getUTCDay() + 6) % 7) + 1 };
    case 'month_of_year':
      return { kind: 'number', value: t.getUTCMonth() + 1 };
    case 'active_day':
      return { kind: 'date', value: isoDay(ms) };
    case 'active_week':
      return { kind: 'date', value: isoDay(ms - ((t.getUTCDay() + 6) % 7) * DAY) };
    case 'active_month':
      return { kind: 'date', value: `${isoDay(ms).slice(0, 7)}-01` };
  }
}

/** A property's value on an event: a leaf (or its date part), or a value calculated from leaves. */
function propertyValue(r: EventRow, p: Property): Value {
  if (p.type !== 'calculated') {
    const raw = leafValue(r, p);
    return p.datePart ? partOf(raw, p.datePart) : raw;
  }
  const leaves = p.properties.map((leaf) => propertyValue(r, leaf));
  const numbers = leaves.map(asNumber);
  const anyNull = numbers.some((n) => n === null);
  switch (p.operation) {
    case 'concat': {
      const texts = leaves.map(asString).filter((t): t is string => t !== null);
      return { kind: 'string', value: texts.length === 0 ? null : texts.join(p.separator ?? '') };
    }
    case 'sum':
      return { kind: 'number', value: anyNull ? null : (numbers as number[]).reduce((a, b) => a + b, 0) };
    case 'product':
      return { kind: 'number', value: anyNull ? null : (numbers as number[]).reduce((a, b) => a * b, 1) };
    case 'min':
      return { kind: 'number', value: anyNull ? null : Math.min(...(numbers as number[])) };
    case 'max':
      return { kind: 'number', value: anyNull ? null : Math.max(...(numbers as number[])) };
    case 'coalesce':
      return leaves.find((l) => l.value !== null) ?? { kind: leaves[0].kind, value: null };
  }
}

function asNumber(v: Value): number | null {
  if (v.value === null) return null;
  if (typeof v.value === 'number') return v.value;
  if (typeof v.value === 'boolean') return v.value ? 1 : 0;
  const text = v.value.trim();
  return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text) ? Number(text) : null;
}
function asString(v: Value): string | null {
  return v.value === null ? null : String(v.value);
}
function asBoolean(v: Value): boolean | null {
  if (v.value === null || typeof v.value === 'boolean') return v.value as boolean | null;
  const t = String(v.value).toLowerCase();
  return ['true', 't', '1'].includes(t) ? true : ['false', 'f', '0'].includes(t) ? false : null;
}

/** SQL LIKE (`%`, `_`; no escapes) as a regular expression. */
function likeToRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/%/g, '[\\s\\S]*')
    .replace(/_/g, '[\\s\\S]');
  return new RegExp(`^${body}$`);
}

function criterionHolds(r: EventRow, c: Criterion): boolean {
  const v = propertyValue(r, c.property);
  if (c.operator === 'is null') return v.value === null;
  if (c.operator === 'is not null') return v.value !== null;
  const cmp = (x: number | string | boolean | null, y: number | string | boolean): boolean | null => {
    if (x === null) return null;
    switch (c.operator) {
      case '=':
        return x === y;
      case '!=':
        return x !== y;
      case '<':
        return x < y;
      case '>':
        return x > y;
      case '<=':
        return x <= y;
      case '>=':
        return x >= y;
    }
    throw new Error(`unexpected operator ${c.operator}`);
  };
  if (c.operator === 'like') {
    const s = asString(v);
    const text = String(c.value);
    return s !== null && likeToRegExp(/[%_]/.test(text) ? text : `%${text}%`).test(s);
  }
  if (c.operator === 'in') {
    const list = c.value as Array<string | number | boolean>;
    if (list.every((e) => typeof e === 'number')) {
      const n = asNumber(v);
      return n !== null && list.includes(n);
    }
    const s = asString(v);
    return s !== null && list.map(String).includes(s);
  }
  const value = c.value as string | number | boolean;
  const x = typeof value === 'number' ? asNumber(v) : typeof value === 'boolean' ? asBoolean(v) : asString(v);
  const result = cmp(x, value);
  // `=`, `<`, `>`, `<=`, `>=` are false on NULL; `!=` is true on NULL
  return result ?? c.operator === '!=';
}

export function attributeMatches(r: EventRow, a: Attribute): boolean {
  if (!matchesEvent(r, a.events)) return false;
  if (!(a.criteria?.all ?? []).every((c) => criterionHolds(r, c))) return false;
  const any = a.criteria?.any ?? [];
  return any.length === 0 || any.some((c) => criterionHolds(r, c));
}

/** The value an aggregation works on: the declared type's, or text for the counting ones. */
export function typedValue(r: EventRow, a: Attribute): Scalar {
  const v = propertyValue(r, a.property!);
  const t = elementType(a.type);
  if (a.aggregation === 'sum' || a.aggregation === 'mean') return asNumber(v);
  if (a.aggregation === 'category_count' || a.aggregation === 'approx_count_distinct') return asString(v);
  if (t === 'string' || t === 'bytes') return asString(v);
  if (t === 'bool') return asBoolean(v);
  if (t === 'timestamp') return timestampMillis(v);
  return asNumber(v);
}

export function castTo(value: unknown, a: Attribute): unknown {
  if (value === null || value === undefined)
    return a.defaultValue === undefined
      ? null
      : a.type === 'timestamp'
        ? timestampMillis({ kind: 'text', value: a.defaultValue as string })
        : a.defaultValue;
  const t = elementType(a.type);
  // whole numbers round half away from zero
  const whole = (x: number) => Math.sign(x) * Math.round(Math.abs(x));
  const one = (x: unknown) => (['int32', 'int64', 'unix_timestamp'].includes(t) ? whole(x as number) : x);
  return isListType(a.type) ? (value as unknown[]).map(one) : one(value);
}
