/**
 * Compile a view into a warehouse-neutral plan: which source columns to project, how each
 * attribute matches events, what per-day partial aggregates it keeps, and how they combine.
 * Pure: no SQL dialect here, only names and structure.
 */
import { keyColumnName, periodDays, projectName, type Criterion, type EventSpec, type Property, type View } from '../definition';
import { DAILY_PARTS, VALUE_SET_AGGREGATIONS, valueTypeOf } from './partials';
import { propertyLabel, toSourceColumn } from './sources';
import type { Plan, PlannedAttribute, SourceColumn } from './types';

function eventKey(e: EventSpec): string {
  return `${e.vendor}/${e.name}/${e.version ?? '*'}`;
}

/** Every attribute's events together; empty (every event) when an attribute counts every event. */
function unionOfEvents(view: View): EventSpec[] {
  if (view.attributes.some((a) => a.events.length === 0)) return [];
  const events = new Map<string, EventSpec>();
  for (const a of view.attributes) for (const e of a.events) events.set(eventKey(e), e);
  // A versionless event already matches every version of that event.
  const union = [...events.values()].filter((e) => e.version === undefined || !events.has(eventKey({ vendor: e.vendor, name: e.name })));
  return union.sort((x, y) => eventKey(x).localeCompare(eventKey(y)));
}

/** Compile a validated view into a plan. */
export function planView(view: View): Plan {
  const sources: SourceColumn[] = [];
  const byProperty = new Map<string, string>();
  const sourceFor = (p: Property): string => {
    const column = toSourceColumn(p, '');
    const k = JSON.stringify(column);
    const known = byProperty.get(k);
    if (known) return known;
    // Index keeps aliases unique; the label keeps them readable.
    const alias = `p${String(sources.length + 1).padStart(2, '0')}_${propertyLabel(p)}`.slice(0, 60);
    sources.push({ ...column, alias });
    byProperty.set(k, alias);
    return alias;
  };

  const attributes: PlannedAttribute[] = view.attributes.map((a, index) => {
    const plannedCriteria = (list: Criterion[] | undefined) =>
      (list ?? []).map((c) => ({ source: sourceFor(c.property), operator: c.operator, value: c.value ?? null }));
    const readsProperty =
      DAILY_PARTS[a.aggregation].some((p) => p !== 'count' && p !== 'latest' && p !== 'earliest') ||
      VALUE_SET_AGGREGATIONS.has(a.aggregation);
    return {
      name: a.name,
      description: a.description ?? null,
      index,
      code: `a${String(index + 1).padStart(2, '0')}`,
      type: a.type,
      aggregation: a.aggregation,
      periodDays: a.period === undefined ? null : periodDays(a.period),
      events: a.events,
      all: plannedCriteria(a.criteria?.all),
      any: plannedCriteria(a.criteria?.any),
      source: readsProperty && a.property ? sourceFor(a.property) : null,
      valueType: valueTypeOf(a.aggregation, a.type),
      defaultValue: a.defaultValue ?? null,
      timeUnit: a.timeUnit ?? null,
      dailyColumns: DAILY_PARTS[a.aggregation].map((part) => ({ name: `${a.name}__${part}`, part })),
      valueSet: VALUE_SET_AGGREGATIONS.has(a.aggregation),
    };
  });

  const key = view.attributeKey;
  const keySource = toSourceColumn(key.property ?? { type: 'atomic', name: key.key ?? key.name }, 'key_value');

  return {
    project: projectName(view),
    viewName: view.name,
    viewVersion: view.version,
    keyColumn: keyColumnName(view),
    keySource,
    sources,
    events: unionOfEvents(view),
    attributes,
    periods: [...new Set(attributes.map((a) => a.periodDays).filter((d): d is number => d !== null))].sort((x, y) => x - y),
    hasValueSets: attributes.some((a) => a.valueSet),
    measuresTimeSince: attributes.some((a) => a.aggregation === 'time_since_last' || a.aggregation === 'time_since_first'),
  };
}
