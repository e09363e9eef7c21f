/**
 * SQL fragments built from a plan through a dialect: event matching, criteria, and the
 * per-day and final aggregate expressions. Values are always rendered as escaped literals.
 */
import type { CriterionValue, EventSpec } from '../definition';
import type { DailyPart, LeafSource, Plan, PlannedAttribute, PlannedCriterion, SourceColumn, ValueKind, ValueType } from '../plan';
import { scalarLiteral, type Dialect } from './dialects/dialect';

/** A value in the type partial aggregates keep it in. */
function valueAs(d: Dialect, expr: string, kind: ValueKind, type: ValueType): string {
  if (type === 'number') return d.asNumber(expr, kind);
  if (type === 'boolean') return d.asBoolean(expr, kind);
  if (type === 'timestamp') return d.asTimestamp(expr, kind);
  return d.asString(expr, kind);
}

/** A leaf value read from the events relation `alias`, its date part taken when it has one. */
function leafSql(d: Dialect, leaf: LeafSource, alias: string): string {
  const read = d.leafValue(leaf, alias);
  if (!leaf.datePart) return read;
  const rawKind: ValueKind = leaf.origin === 'atomic' ? 'timestamp' : 'text';
  return d.datePart(d.asTimestamp(read, rawKind), leaf.datePart);
}

/** The SQL of one projected column: a leaf value, or a value calculated per event from leaves. */
export function projectedValue(d: Dialect, s: SourceColumn, alias: string): string {
  if (s.origin !== 'calculated') return leafSql(d, s, alias);
  const leaves = s.leaves.map((leaf) => ({ sql: leafSql(d, leaf, alias), kind: leaf.kind }));
  const numbers = leaves.map((l) => d.asNumber(l.sql, l.kind));
  const anyNull = numbers.map((n) => `${n} is null`).join(' or ');
  switch (s.operation) {
    case 'concat':
      return d.concatNonNull(
        leaves.map((l) => d.asString(l.sql, l.kind)),
        d.stringLiteral(s.separator),
      );
    case 'sum':
      return `(${numbers.join(' + ')})`;
    case 'product':
      return `(${numbers.join(' * ')})`;
    // least/greatest skip NULLs on some warehouses: a NULL input makes the result NULL everywhere
    case 'min':
      return `case when ${anyNull} then null else least(${numbers.join(', ')}) end`;
    case 'max':
      return `case when ${anyNull} then null else greatest(${numbers.join(', ')}) end`;
    case 'coalesce':
      return leaves.length === 1 ? leaves[0].sql : `coalesce(${leaves.map((l) => l.sql).join(', ')})`;
  }
}

/** `(event_vendor = … and event_name = … [and event_version = …]) or …`; `true` for every event. */
export function eventMatch(d: Dialect, events: EventSpec[], alias: string): string {
  if (events.length === 0) return 'true';
  const one = (e: EventSpec) => {
    const parts = [`${alias}.event_vendor = ${d.stringLiteral(e.vendor)}`, `${alias}.event_name = ${d.stringLiteral(e.name)}`];
    if (e.version !== undefined) parts.push(`${alias}.event_version = ${d.stringLiteral(e.version)}`);
    return `(${parts.join(' and ')})`;
  };
  return events.length === 1 ? one(events[0]) : `(\n    ${events.map(one).join('\n    or ')}\n)`;
}

/**
 * One criterion. `=`, `<`, `>`, `<=`, `>=`, `like` and `in` are false on NULL; `!=` is true on
 * NULL. Numbers compare numerically; a `like` value without `%` or `_` means "contains";
 * `is null` / `is not null` test the value itself.
 */
export function criterionSql(d: Dialect, c: PlannedCriterion, source: SourceColumn, alias: string): string {
  const x = `${alias}.${d.ident(source.alias)}`;
  const kind = source.kind;
  if (c.operator === 'is null') return `${x} is null`;
  if (c.operator === 'is not null') return `${x} is not null`;
  const v = c.value as CriterionValue;
  const typed = (value: CriterionValue) =>
    typeof value === 'number' ? d.asNumber(x, kind) : typeof value === 'boolean' ? d.asBoolean(x, kind) : d.asString(x, kind);
  switch (c.operator) {
    case '=':
    case '<':
    case '>':
    case '<=':
    case '>=':
      return `coalesce(${typed(v)} ${c.operator} ${scalarLiteral(d, v)}, false)`;
    case '!=':
      return `coalesce(${typed(v)} <> ${scalarLiteral(d, v)}, true)`;
    case 'like': {
      const text = String(v);
      const pattern = /[%_]/.test(text) ? text : `%${text}%`;
      return `coalesce(${d.like(d.asString(x, kind), d.stringLiteral(pattern))}, false)`;
    }
    case 'in': {
      const values = Array.isArray(v) ? v : [v];
      const numeric = values.every((e) => typeof e === 'number');
      const lhs = numeric ? d.asNumber(x, kind) : d.asString(x, kind);
      const items = values.map((e) => (numeric ? String(e) : d.stringLiteral(String(e))));
      return `coalesce(${lhs} in (${items.join(', ')}), false)`;
    }
  }
}

/** Whether an event counts for an attribute: its events, then every `all`, then one `any`. */
export function attributeMatch(d: Dialect, plan: Plan, a: PlannedAttribute, alias: string): string {
  const bySource = new Map(plan.sources.map((s) => [s.alias, s]));
  const parts = [eventMatch(d, a.events, alias)];
  for (const c of a.all) parts.push(criterionSql(d, c, bySource.get(c.source)!, alias));
  if (a.any.length > 0) parts.push(`(${a.any.map((c) => criterionSql(d, c, bySource.get(c.source)!, alias)).join(' or ')})`);
  return parts.join('\n    and ');
}

/** The attribute's value on one event, in the type its partial aggregates keep. */
export function attributeValue(d: Dialect, plan: Plan, a: PlannedAttribute, alias: string): string | null {
  if (!a.source) return null;
  const s = plan.sources.find((x) => x.alias === a.source)!;
  const col = `${alias}.${d.ident(s.alias)}`;
  if (a.aggregation === 'sum' || a.aggregation === 'mean') return d.asDecimal(col, s.kind);
  return valueAs(d, col, s.kind, a.valueType);
}

export interface DailyColumnSql {
  name: string;
  sql: string;
}

/**
 * The partials of one event as a row of its own (a count of 1 or 0, its value where it counts),
 * so that events and stored partial rows combine with the same aggregates.
 */
export function eventPartials(
  d: Dialect,
  a: PlannedAttribute,
  matchCol: string,
  valueCol: string | null,
  keyCol: string,
  tstampCol: string,
): DailyColumnSql[] {
  const counted = (value: string) => `case when ${matchCol} then ${value} end`;
  const present = (value: string) => `case when ${matchCol} and ${valueCol} is not null then ${value} end`;
  return a.dailyColumns.map(({ name, part }) => {
    const col = d.ident(name);
    switch (part) {
      case 'count':
        return { name: col, sql: `case when ${matchCol} then 1 else 0 end` };
      case 'n':
        return { name: col, sql: `case when ${matchCol} and ${valueCol} is not null then 1 else 0 end` };
      case 'sum':
      case 'min':
      case 'max':
        return { name: col, sql: counted(valueCol!) };
      case 'first':
      case 'last':
        return { name: col, sql: present(valueCol!) };
      case 'first_key':
      case 'last_key':
        return { name: col, sql: present(keyCol) };
      case 'latest':
      case 'earliest':
        return { name: col, sql: counted(tstampCol) };
    }
  });
}

/** One partial combined over rows (events or stored partials) where `condition` holds. */
function combinePart(d: Dialect, a: PlannedAttribute, part: DailyPart, condition: string): string {
  const c = (p: DailyPart) => d.ident(`${a.name}__${p}`);
  switch (part) {
    case 'count':
    case 'n':
      return d.castToAttributeType(d.filtered('sum', c(part), condition), 'int64');
    case 'sum':
      return d.filtered('sum', c(part), condition);
    case 'min':
    case 'max':
      return d.filtered(part, c(part), condition);
    case 'first':
      return d.valueAtMin(c('first'), c('first_key'), condition);
    case 'last':
      return d.valueAtMax(c('last'), c('last_key'), condition);
    case 'first_key':
      return d.filtered('min', c('first_key'), condition);
    case 'last_key':
      return d.filtered('max', c('last_key'), condition);
    case 'latest':
      return d.filtered('max', c('latest'), condition);
    case 'earliest':
      return d.filtered('min', c('earliest'), condition);
  }
}

/** The partial columns of an attribute, combined over rows where `condition` holds. */
export function combinedPartials(d: Dialect, a: PlannedAttribute, condition = 'true'): DailyColumnSql[] {
  return a.dailyColumns.map(({ name, part }) => ({ name: d.ident(name), sql: combinePart(d, a, part, condition) }));
}

/** The event's value as text, the form the per-value partials keep (cast back at the end). */
export function valueText(d: Dialect, a: PlannedAttribute, valueCol: string): string {
  if (a.valueType === 'timestamp') return d.formatTimestamp(valueCol);
  return d.asString(valueCol, a.valueType === 'number' ? 'number' : a.valueType === 'boolean' ? 'boolean' : 'string');
}

const UNIT_SECONDS = { s: 1, min: 60, h: 3600, d: 86_400 } as const;

/**
 * The final attribute value of a key from its partial rows; `inWindow` limits rows to the period,
 * `windowEnd` is the window's upper bound (a date), where time_since_* is measured.
 */
export function finalAggregate(d: Dialect, a: PlannedAttribute, inWindow: string, windowEnd: string): string {
  let value: string;
  const part = (p: DailyPart) => combinePart(d, a, p, inWindow);
  const timeSince = (tstamp: string) =>
    `floor(${d.secondsBetween(tstamp, d.timestampFromDate(windowEnd))} / ${UNIT_SECONDS[a.timeUnit ?? 's']})`;
  switch (a.aggregation) {
    case 'counter':
      value = `coalesce(${part('count')}, 0)`;
      break;
    case 'sum':
      value = `coalesce(${part('sum')}, 0)`;
      break;
    case 'mean':
      value = `${part('sum')} / nullif(${part('n')}, 0)`;
      break;
    case 'min':
    case 'max':
    case 'first':
    case 'last':
      value = part(a.aggregation);
      break;
    case 'time_since_last':
      value = timeSince(part('latest'));
      break;
    case 'time_since_first':
      value = timeSince(part('earliest'));
      break;
    default:
      throw new Error(`attribute "${a.name}": ${a.aggregation} keeps per-value partials (finalValueSet)`);
  }
  return withDefault(d, a, d.castToAttributeType(value, a.type));
}

/**
 * A per-value attribute's final value from value rows (`value`, `n`, `last_key`) of one key,
 * where `condition` selects the attribute's rows in its window. The default is not applied here:
 * keys without value rows come from an outer join.
 */
export function finalValueSet(d: Dialect, a: PlannedAttribute, condition: string): string {
  switch (a.aggregation) {
    case 'unique_list':
      return d.sortedDistinctList('value', a.type, condition);
    case 'most_frequent':
    case 'least_frequent':
      // by count, ties to the value whose latest matching event is latest; cast after picking, so no other value is cast
      return d.fromValueText(d.valueByFrequency('value', 'n', 'last_key', a.aggregation === 'least_frequent', condition), a.type);
    case 'category_count':
      return d.countsByValue('value', 'n', condition);
    case 'approx_count_distinct':
      return d.castToAttributeType(d.countIf(condition), a.type);
    default:
      throw new Error(`attribute "${a.name}": ${a.aggregation} keeps scalar partials`);
  }
}

/** A per-value attribute's output column from its outer-joined value: counts are 0, not NULL. */
export function valueSetOutput(d: Dialect, a: PlannedAttribute, joined: string): string {
  const value = a.aggregation === 'approx_count_distinct' ? `coalesce(${joined}, 0)` : joined;
  return withDefault(d, a, value);
}

/** `typed`, or the attribute's default value where it is NULL. */
export function withDefault(d: Dialect, a: PlannedAttribute, typed: string): string {
  return a.defaultValue === null ? typed : `coalesce(${typed}, ${d.typedLiteral(a.defaultValue, a.type)})`;
}
