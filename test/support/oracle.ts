/**
 * A direct, slow TypeScript reading of docs/design.md section 4 (the semantics of the attribute
 * table), used as an oracle: it shares no code with the SQL generator, so the engine cannot
 * agree with it by sharing a mistake.
 */
import { ATOMIC_COLUMNS, elementType, isListType, keyColumnName, periodDays, type Attribute, type Criterion, type DatePart, type EventSpec, type LeafProperty, type Property, type View } from '../../src/definition';
import type { EventRow } from '../../src/sample';

export interface OracleOptions {
  startDate: string;
  /** snowplow__app_id (empty: every app). */
  appIds: string[];
  /** The run's current day, YYYY-MM-DD. */
  currentDay: string;
  includeCurrentDay?: boolean;
}

type Scalar = string | number | boolean | null;
export type OracleRow = Record<string, unknown>;

const DAY = 86_400_000;

/** One row per event_id: the first loaded copy (lowest load_tstamp, then dvce_created_tstamp). */
function firstCopies(rows: EventRow[]): EventRow[] {
  const best = new Map<string, EventRow>();
  const order = (r: EventRow) => `${String(r.load_tstamp)}|${String(r.dvce_created_tstamp)}`;
  for (const r of rows) {
    const id = String(r.event_id);
    const known = best.get(id);
    if (!known || order(r) < order(known)) best.set(id, r);
  }
  return [...best.values()];
}

function matchesEvent(r: EventRow, events: EventSpec[]): boolean {
  // an empty list means every event
  if (events.length === 0) return true;
  return events.some((e) => r.event_vendor === e.vendor && r.event_name === e.name && (e.version === undefined || r.event_version === e.version));
}

const snake = (s: string) => s.replace(/([^A-Z_])([A-Z])/g, '$1_$2').replace(/[^A-Za-z0-9]/g, '_').toLowerCase();

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
function timestampMillis(v: Value): number | null {
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
  const body = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '[\\s\\S]*').replace(/_/g, '[\\s\\S]');
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

function attributeMatches(r: EventRow, a: Attribute): boolean {
  if (!matchesEvent(r, a.events)) return false;
  if (!(a.criteria?.all ?? []).every((c) => criterionHolds(r, c))) return false;
  const any = a.criteria?.any ?? [];
  return any.length === 0 || any.some((c) => criterionHolds(r, c));
}

/** The value an aggregation works on: the declared type's, or text for the counting ones. */
function typedValue(r: EventRow, a: Attribute): Scalar {
  const v = propertyValue(r, a.property!);
  const t = elementType(a.type);
  if (a.aggregation === 'sum' || a.aggregation === 'mean') return asNumber(v);
  if (a.aggregation === 'category_count' || a.aggregation === 'approx_count_distinct') return asString(v);
  if (t === 'string' || t === 'bytes') return asString(v);
  if (t === 'bool') return asBoolean(v);
  if (t === 'timestamp') return timestampMillis(v);
  return asNumber(v);
}

function castTo(value: unknown, a: Attribute): unknown {
  if (value === null || value === undefined) return a.defaultValue === undefined ? null : a.type === 'timestamp' ? timestampMillis({ kind: 'text', value: a.defaultValue as string }) : a.defaultValue;
  const t = elementType(a.type);
  const one = (x: unknown) => (['int32', 'int64', 'unix_timestamp'].includes(t) ? Math.round(x as number) : x);
  return isListType(a.type) ? (value as unknown[]).map(one) : one(value);
}

const compare = (x: Scalar, y: Scalar): number => (x! < y! ? -1 : x! > y! ? 1 : 0);

/** The attribute table docs/design.md section 4 defines, keyed by the key column (no updated_at). */
export function oracleTable(view: View, rows: EventRow[], o: OracleOptions): OracleRow[] {
  const key = keyColumnName(view);
  // an attribute with no events counts every event, so every event is in scope
  const allEvents = view.attributes.some((a) => a.events.length === 0) ? [] : view.attributes.flatMap((a) => a.events);
  const inScope = firstCopies(rows.filter((r) => (o.appIds.length === 0 || o.appIds.includes(String(r.app_id))) && String(r.load_tstamp) >= o.startDate)).filter(
    (r) => r[key] !== null && r[key] !== undefined && r[key] !== '' && String(r.derived_tstamp) >= o.startDate && matchesEvent(r, allEvents),
  );
  const byKey = new Map<string, EventRow[]>();
  for (const r of inScope) byKey.set(String(r[key]), [...(byKey.get(String(r[key])) ?? []), r]);
  const windowEnd = Date.parse(`${o.currentDay}T00:00:00Z`) + (o.includeCurrentDay ? DAY : 0);

  const out: OracleRow[] = [];
  for (const k of [...byKey.keys()].sort()) {
    const row: OracleRow = { [key]: k };
    for (const a of view.attributes) {
      const n = a.period === undefined ? null : periodDays(a.period);
      const events = byKey.get(k)!.filter((r) => {
        if (!attributeMatches(r, a)) return false;
        if (n === null) return true;
        const d = Date.parse(`${String(r.derived_tstamp).slice(0, 10)}T00:00:00Z`);
        return windowEnd - n * DAY <= d && d < windowEnd;
      });
      const byTime = [...events].sort((x, y) => compare(String(x.derived_tstamp), String(y.derived_tstamp)) || compare(String(x.event_id), String(y.event_id)));
      const values = ['counter', 'time_since_last', 'time_since_first'].includes(a.aggregation) ? [] : byTime.map((r) => typedValue(r, a));
      const present = values.filter((v): v is Exclude<Scalar, null> => v !== null);
      let result: unknown;
      switch (a.aggregation) {
        case 'counter':
          result = events.length;
          break;
        case 'sum':
          result = present.reduce((s: number, v) => s + (v as number), 0);
          break;
        case 'mean':
          result = present.length === 0 ? null : present.reduce((s: number, v) => s + (v as number), 0) / present.length;
          break;
        case 'min':
          result = present.length === 0 ? null : present.reduce((m, v) => (compare(v, m) < 0 ? v : m));
          break;
        case 'max':
          result = present.length === 0 ? null : present.reduce((m, v) => (compare(v, m) > 0 ? v : m));
          break;
        case 'first':
          result = present.length === 0 ? null : present[0];
          break;
        case 'last': {
          // last by derived_tstamp; among equal timestamps the largest event_id
          const withValue = byTime.filter((_, i) => values[i] !== null);
          const lastTime = withValue.length === 0 ? null : String(withValue[withValue.length - 1].derived_tstamp);
          const tied = withValue.filter((r) => String(r.derived_tstamp) === lastTime);
          result = tied.length === 0 ? null : typedValue(tied[tied.length - 1], a);
          break;
        }
        case 'unique_list':
          result = present.length === 0 ? null : [...new Set(present)].sort(compare);
          break;
        case 'most_frequent':
        case 'least_frequent':
        case 'category_count':
        case 'approx_count_distinct': {
          // per value: its events, and its latest event (byTime is ascending, so the last one seen)
          const counts = new Map<Exclude<Scalar, null>, { n: number; latest: number }>();
          values.forEach((v, i) => {
            if (v === null) return;
            const c = counts.get(v) ?? { n: 0, latest: -1 };
            counts.set(v, { n: c.n + 1, latest: i });
          });
          if (a.aggregation === 'approx_count_distinct') result = counts.size;
          else if (a.aggregation === 'category_count') result = counts.size === 0 ? null : Object.fromEntries([...counts].map(([v, c]) => [String(v), c.n]));
          else {
            const most = a.aggregation === 'most_frequent';
            const ranked = [...counts].sort(([, x], [, y]) => (most ? y.n - x.n : x.n - y.n) || y.latest - x.latest);
            result = ranked.length === 0 ? null : ranked[0][0];
          }
          break;
        }
        case 'time_since_last':
        case 'time_since_first': {
          const unit = { s: 1_000, min: 60_000, h: 3_600_000, d: DAY }[a.timeUnit!];
          const at = a.aggregation === 'time_since_last' ? byTime[byTime.length - 1] : byTime[0];
          result = at === undefined ? null : Math.floor((windowEnd - timestampMillis({ kind: 'timestamp', value: String(at.derived_tstamp) })!) / unit);
          break;
        }
      }
      row[a.name] = castTo(result, a);
    }
    out.push(row);
  }
  return out;
}

/**
 * The cells where a DuckDB table (read with getRowObjectsJson: BIGINT as text) differs from the
 * oracle; doubles compare with a relative tolerance of 1e-9.
 */
export function oracleDifferences(view: View, oracle: OracleRow[], table: Array<Record<string, unknown>>): string[] {
  const key = keyColumnName(view);
  const out: string[] = [];
  const byKey = new Map(table.map((r) => [String(r[key]), r]));
  const normal = (a: Attribute, v: unknown): unknown => {
    if (v === null || v === undefined) return null;
    if (a.type === 'dict') return mapObject(v);
    if (a.type === 'timestamp') return typeof v === 'number' ? v : timestampMillis({ kind: 'timestamp', value: String(v) });
    const t = elementType(a.type);
    const one = (x: unknown) => (['int32', 'int64', 'unix_timestamp', 'double', 'float'].includes(t) ? Number(x) : x);
    return Array.isArray(v) ? v.map(one) : one(v);
  };
  const same = (x: unknown, y: unknown): boolean => {
    if (x && y && typeof x === 'object' && typeof y === 'object' && !Array.isArray(x)) return JSON.stringify(x) === JSON.stringify(y);
    if (typeof x === 'number' && typeof y === 'number') return x === y || Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x), Math.abs(y));
    if (Array.isArray(x) && Array.isArray(y)) return x.length === y.length && x.every((e, i) => same(e, y[i]));
    return x === y;
  };
  for (const expected of oracle) {
    const k = String(expected[key]);
    const actual = byKey.get(k);
    if (!actual) {
      out.push(`${k}: row missing`);
      continue;
    }
    byKey.delete(k);
    for (const a of view.attributes) {
      const e = normal(a, expected[a.name]);
      const v = normal(a, actual[a.name]);
      if (!same(e, v)) out.push(`${k}.${a.name}: expected ${JSON.stringify(e)}, got ${JSON.stringify(v)}`);
    }
  }
  for (const k of byKey.keys()) out.push(`${k}: unexpected row`);
  return out;
}

/** A dict cell (DuckDB MAP read as JSON: an object or a list of {key, value}) as a sorted plain object. */
function mapObject(value: unknown): Record<string, number> {
  const entries: Array<[string, unknown]> = Array.isArray(value)
    ? value.map((e: { key: unknown; value: unknown }) => [String(e.key), e.value])
    : Object.entries(value as Record<string, unknown>);
  return Object.fromEntries(entries.map(([k, v]) => [k, Number(v)] as const).sort(([x], [y]) => x.localeCompare(y)));
}
