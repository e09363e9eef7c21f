/**
 * SQL fragments built from a plan through a dialect: event matching, criteria, and the
 * per-day and final aggregate expressions. Values are always rendered as escaped literals.
 */
import type { CriterionValue, EventSpec } from '../definition';
import type { Plan, PlannedAttribute, PlannedCriterion, SourceColumn, ValueKind, ValueType } from '../plan';
import { scalarLiteral, type Dialect } from './dialects/dialect';

/** A value in the type partial aggregates keep it in. */
function valueAs(d: Dialect, expr: string, kind: ValueKind, type: ValueType): string {
  if (type === 'number') return d.asNumber(expr, kind);
  if (type === 'boolean') return d.asBoolean(expr, kind);
  return d.asString(expr, kind);
}

/** `(event_vendor = … and event_name = … [and event_version = …]) or …` */
export function eventMatch(d: Dialect, events: EventSpec[], alias: string): string {
  const one = (e: EventSpec) => {
    const parts = [`${alias}.event_vendor = ${d.stringLiteral(e.vendor)}`, `${alias}.event_name = ${d.stringLiteral(e.name)}`];
    if (e.version !== undefined) parts.push(`${alias}.event_version = ${d.stringLiteral(e.version)}`);
    return `(${parts.join(' and ')})`;
  };
  return events.length === 1 ? one(events[0]) : `(\n    ${events.map(one).join('\n    or ')}\n)`;
}

/**
 * One criterion. `=`, `<`, `>`, `<=`, `>=`, `like` and `in` are false on NULL; `!=` is true on
 * NULL. Numbers compare numerically; a `like` value without `%` or `_` means "contains".
 */
export function criterionSql(d: Dialect, c: PlannedCriterion, source: SourceColumn, alias: string): string {
  const x = `${alias}.${d.ident(source.alias)}`;
  const kind = source.kind;
  const v = c.value;
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

/** Per-day partial aggregates of one attribute over the events of a (key, day). */
export function dailyAggregates(d: Dialect, a: PlannedAttribute, matchCol: string, valueCol: string | null): DailyColumnSql[] {
  const order = ['derived_tstamp', 'event_id'];
  return a.dailyColumns.map(({ name, part }) => {
    const col = d.ident(name);
    switch (part) {
      case 'count':
        return { name: col, sql: d.countIf(matchCol) };
      case 'sum':
        return { name: col, sql: d.filtered('sum', valueCol!, matchCol) };
      case 'n':
        return { name: col, sql: d.countIf(`${matchCol} and ${valueCol} is not null`) };
      case 'min':
      case 'max':
        return { name: col, sql: d.filtered(part, valueCol!, matchCol) };
      case 'first':
        return { name: col, sql: d.firstValue(valueCol!, order, matchCol, false) };
      case 'last':
        return { name: col, sql: d.firstValue(valueCol!, order, matchCol, true) };
      case 'values':
        return { name: col, sql: d.distinctSortedList(valueCol!, matchCol) };
    }
  });
}

/** The final attribute value from a key's daily rows; `inWindow` limits rows to the period. */
export function finalAggregate(d: Dialect, a: PlannedAttribute, inWindow: string): string {
  const c = (part: string) => d.ident(`${a.name}__${part}`);
  let value: string;
  switch (a.aggregation) {
    case 'counter':
      value = `coalesce(${d.filtered('sum', c('count'), inWindow)}, 0)`;
      break;
    case 'sum':
      value = `coalesce(${d.filtered('sum', c('sum'), inWindow)}, 0)`;
      break;
    case 'mean':
      value = `${d.filtered('sum', c('sum'), inWindow)} / nullif(${d.filtered('sum', c('n'), inWindow)}, 0)`;
      break;
    case 'min':
    case 'max':
      value = d.filtered(a.aggregation, c(a.aggregation), inWindow);
      break;
    case 'first':
      value = d.valueAtExtreme(c('first'), 'event_date', inWindow, 'min');
      break;
    case 'last':
      value = d.valueAtExtreme(c('last'), 'event_date', inWindow, 'max');
      break;
    case 'unique_list':
      value = d.mergeLists(c('values'), inWindow);
      break;
  }
  const typed = d.castToAttributeType(value, a.type);
  return a.defaultValue === null ? typed : `coalesce(${typed}, ${d.typedLiteral(a.defaultValue, a.type)})`;
}
