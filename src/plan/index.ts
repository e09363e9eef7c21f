/**
 * Compile a view into a warehouse-neutral plan: which source columns to project, how each
 * attribute matches events, what per-day partial aggregates it keeps, and how they combine.
 * Pure: no SQL dialect here, only names and structure.
 */
import {
  ATOMIC_COLUMNS,
  elementType,
  keyColumnName,
  periodDays,
  projectName,
  warehouseColumnName,
  type Aggregation,
  type AttributeType,
  type Criterion,
  type CriterionValue,
  type EventSpec,
  type Property,
  type View,
} from '../definition';

/** What a projected value is, so comparisons and casts know how to treat it. */
export type ValueKind = 'string' | 'number' | 'timestamp' | 'boolean' | 'json' | 'text';

/** One column of the projected events: an atomic column or a field of a self-describing JSON column. */
export type SourceColumn =
  | { alias: string; origin: 'atomic'; column: string; kind: ValueKind }
  | {
      alias: string;
      origin: 'event' | 'entity';
      /** The warehouse column, e.g. `contexts_nl_basjes_yauaa_context_1`. */
      column: string;
      /** Entity index (entities only). */
      index: number | null;
      /** Field names and array indices below the object, e.g. ['items', 0, 'price']. */
      path: Array<string | number>;
      /** JSON fields come out as text; casts happen where they are used. */
      kind: 'text';
    };

export interface PlannedCriterion {
  source: string;
  operator: Criterion['operator'];
  value: CriterionValue;
}

/** The value type an attribute's partial aggregates are kept in. */
export type ValueType = 'string' | 'number' | 'boolean';

export interface PlannedAttribute {
  name: string;
  /** The view's own description of the attribute, if any. */
  description: string | null;
  index: number;
  /** Short stable code (`a01`, `a02`…) naming the attribute in the per-value partials table. */
  code: string;
  type: AttributeType;
  aggregation: Aggregation;
  /** Window length in days; null = lifetime. */
  periodDays: number | null;
  events: EventSpec[];
  all: PlannedCriterion[];
  any: PlannedCriterion[];
  /** Alias of the projected value (none for counter). */
  source: string | null;
  valueType: ValueType;
  defaultValue: CriterionValue | null;
  /** The scalar partial-aggregate columns, named `<attribute>__<part>`. */
  dailyColumns: Array<{ name: string; part: DailyPart }>;
  /** Whether the attribute keeps per-value partials (value, count, latest event) instead of scalars. */
  valueSet: boolean;
}

/**
 * Scalar partial aggregates of a (key, day): each combines with another of its kind (sums add,
 * minimums compare), so a day's partials absorb new events and days fold into a key's rollup.
 * `first_key`/`last_key` order events by (derived_tstamp, event_id) as one sortable text.
 */
export type DailyPart = 'count' | 'sum' | 'n' | 'min' | 'max' | 'first' | 'first_key' | 'last' | 'last_key';

export interface Plan {
  /** dbt project name and model prefix: `<name>_<version>`. */
  project: string;
  viewName: string;
  viewVersion: number;
  /** Output key column, e.g. `domain_userid`. */
  keyColumn: string;
  /** Where the key comes from. */
  keySource: SourceColumn;
  /** Projected value columns, in first-use order. */
  sources: SourceColumn[];
  /** The union of all attributes' events (any event matching one of these is kept). */
  events: EventSpec[];
  attributes: PlannedAttribute[];
  /** Distinct window lengths, ascending. */
  periods: number[];
  /** Whether any attribute keeps per-value partials (the view then has a daily values table). */
  hasValueSets: boolean;
}

const DAILY_PARTS: Record<Aggregation, DailyPart[]> = {
  counter: ['count'],
  sum: ['sum'],
  mean: ['sum', 'n'],
  min: ['min'],
  max: ['max'],
  first: ['first', 'first_key'],
  last: ['last', 'last_key'],
  unique_list: [],
};

/** Aggregations whose partials are per-value rows (value, count, latest event). */
const VALUE_SET_AGGREGATIONS: ReadonlySet<Aggregation> = new Set(['unique_list']);

/** `nl.basjes` + `yauaaContext` -> `nl_basjes_yauaa_context` (the loaders' column naming). */
export function schemaColumnStem(vendor: string, name: string, majorVersion: number): string {
  const clean = (s: string) => s.replace(/([^A-Z_])([A-Z])/g, '$1_$2').replace(/[^A-Za-z0-9]/g, '_').toLowerCase();
  return `${clean(vendor)}_${clean(name)}_${majorVersion}`;
}

/** `$.a.b[0].c` -> ['a', 'b', 0, 'c']. */
export function parsePath(path: string): Array<string | number> {
  const out: Array<string | number> = [];
  const body = path.replace(/^\$\.?/, '');
  for (const part of body.split('.')) {
    const m = /^([^[\]]+)((?:\[\d+\])*)$/.exec(part);
    if (!m) throw new Error(`cannot read path segment "${part}" of "${path}"`);
    out.push(m[1]);
    for (const idx of m[2].matchAll(/\[(\d+)\]/g)) out.push(Number(idx[1]));
  }
  return out;
}

function propertyKey(p: Property): string {
  return p.type === 'atomic' ? `atomic:${p.name}` : JSON.stringify([p.type, p.vendor, p.name, p.majorVersion, p.path, p.type === 'entity' ? p.index : null]);
}

function leafName(p: Property): string {
  if (p.type === 'atomic') return warehouseColumnName(p.name);
  const path = parsePath(p.path).filter((x): x is string => typeof x === 'string');
  return (path[path.length - 1] ?? 'value').replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[^A-Za-z0-9_]/g, '_').toLowerCase();
}

function toSourceColumn(p: Property, alias: string): SourceColumn {
  if (p.type === 'atomic') {
    return { alias, origin: 'atomic', column: warehouseColumnName(p.name), kind: ATOMIC_COLUMNS.get(p.name) ?? 'string' };
  }
  const stem = schemaColumnStem(p.vendor, p.name, p.majorVersion);
  return {
    alias,
    origin: p.type,
    column: p.type === 'event' ? `unstruct_event_${stem}` : `contexts_${stem}`,
    index: p.type === 'entity' ? p.index : null,
    path: parsePath(p.path),
    kind: 'text',
  };
}

function valueTypeOf(type: AttributeType): ValueType {
  const t = elementType(type);
  if (t === 'string' || t === 'bytes') return 'string';
  if (t === 'bool') return 'boolean';
  return 'number';
}

function eventKey(e: EventSpec): string {
  return `${e.vendor}/${e.name}/${e.version ?? '*'}`;
}

/** Compile a validated view into a plan. */
export function planView(view: View): Plan {
  const sources: SourceColumn[] = [];
  const byProperty = new Map<string, string>();
  const sourceFor = (p: Property): string => {
    const k = propertyKey(p);
    const known = byProperty.get(k);
    if (known) return known;
    // Index keeps aliases unique; the leaf name keeps them readable.
    const alias = `p${String(sources.length + 1).padStart(2, '0')}_${leafName(p)}`.slice(0, 60);
    sources.push(toSourceColumn(p, alias));
    byProperty.set(k, alias);
    return alias;
  };

  const attributes: PlannedAttribute[] = view.attributes.map((a, index) => {
    const plannedCriteria = (list: Criterion[] | undefined) =>
      (list ?? []).map((c) => ({ source: sourceFor(c.property), operator: c.operator, value: c.value }));
    const source = a.aggregation === 'counter' || !a.property ? null : sourceFor(a.property);
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
      source,
      valueType: valueTypeOf(a.type),
      defaultValue: a.defaultValue ?? null,
      dailyColumns: DAILY_PARTS[a.aggregation].map((part) => ({ name: `${a.name}__${part}`, part })),
      valueSet: VALUE_SET_AGGREGATIONS.has(a.aggregation),
    };
  });

  const events = new Map<string, EventSpec>();
  for (const a of view.attributes) for (const e of a.events) events.set(eventKey(e), e);
  // A versionless event already matches every version of that event.
  const union = [...events.values()].filter((e) => e.version === undefined || !events.has(eventKey({ vendor: e.vendor, name: e.name })));
  union.sort((x, y) => eventKey(x).localeCompare(eventKey(y)));

  const key = view.attributeKey;
  const keySource = key.property ? toSourceColumn(key.property, 'key_value') : toSourceColumn({ type: 'atomic', name: key.key ?? key.name }, 'key_value');

  return {
    project: projectName(view),
    viewName: view.name,
    viewVersion: view.version,
    keyColumn: keyColumnName(view),
    keySource,
    sources,
    events: union,
    attributes,
    periods: [...new Set(attributes.map((a) => a.periodDays).filter((d): d is number => d !== null))].sort((x, y) => x - y),
    hasValueSets: attributes.some((a) => a.valueSet),
  };
}

