/**
 * A direct, slow TypeScript reading of docs/design.md section 4 (the semantics of the attribute
 * table), used as an oracle: it shares no code with the SQL generator, so the engine cannot
 * agree with it by sharing a mistake.
 */
import { elementType, keyColumnName, periodDays, type Attribute, type View } from '../../src/definition';
import type { EventRow } from '../../src/sample';
import { attributeMatches, castTo, DAY, matchesEvent, timestampMillis, typedValue, type Scalar } from './oracleValues';

export interface OracleOptions {
  startDate: string;
  /** snowplow__app_id (empty: every app). */
  appIds: string[];
  /** The run's current day, YYYY-MM-DD. */
  currentDay: string;
  includeCurrentDay?: boolean;
}

export type OracleRow = Record<string, unknown>;

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

const compare = (x: Scalar, y: Scalar): number => (x! < y! ? -1 : x! > y! ? 1 : 0);

/** The attribute table docs/design.md section 4 defines, keyed by the key column (no updated_at). */
export function oracleTable(view: View, rows: EventRow[], o: OracleOptions): OracleRow[] {
  const key = keyColumnName(view);
  // an attribute with no events counts every event, so every event is in scope
  const allEvents = view.attributes.some((a) => a.events.length === 0) ? [] : view.attributes.flatMap((a) => a.events);
  const inScope = firstCopies(
    rows.filter((r) => (o.appIds.length === 0 || o.appIds.includes(String(r.app_id))) && String(r.load_tstamp) >= o.startDate),
  ).filter(
    (r) =>
      r[key] !== null && r[key] !== undefined && r[key] !== '' && String(r.derived_tstamp) >= o.startDate && matchesEvent(r, allEvents),
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
      const byTime = [...events].sort(
        (x, y) => compare(String(x.derived_tstamp), String(y.derived_tstamp)) || compare(String(x.event_id), String(y.event_id)),
      );
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
          else if (a.aggregation === 'category_count')
            result = counts.size === 0 ? null : Object.fromEntries([...counts].map(([v, c]) => [String(v), c.n]));
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
          result =
            at === undefined
              ? null
              : Math.floor((windowEnd - timestampMillis({ kind: 'timestamp', value: String(at.derived_tstamp) })!) / unit);
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
