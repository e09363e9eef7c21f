/**
 * The plan's shapes: what a view compiles into before any SQL dialect is involved.
 */
import type {
  Aggregation,
  AttributeType,
  CalculatedOperation,
  CriterionValue,
  DatePart,
  EventSpec,
  Operator,
  TimeUnit,
} from '../definition';

/** What a projected value is, so comparisons and casts know how to treat it. */
export type ValueKind = 'string' | 'number' | 'timestamp' | 'date' | 'boolean' | 'json' | 'text';

/** A value read from the event itself: an atomic column, or a field of a self-describing JSON column. */
export type LeafSource =
  | { origin: 'atomic'; column: string; kind: ValueKind; datePart: DatePart | null }
  | {
      origin: 'event' | 'entity';
      /** The warehouse column, e.g. `contexts_nl_basjes_yauaa_context_1`. */
      column: string;
      /** Entity index (entities only). */
      index: number | null;
      /** Field names and array indices below the object, e.g. ['items', 0, 'price']. */
      path: Array<string | number>;
      /** JSON fields come out as text (and as a timestamp's part with a date part). */
      kind: ValueKind;
      datePart: DatePart | null;
    };

/** One projected column of the events: a leaf value, or a value calculated from leaves per event. */
export type SourceColumn =
  | ({ alias: string } & LeafSource)
  | {
      alias: string;
      origin: 'calculated';
      operation: CalculatedOperation;
      leaves: LeafSource[];
      /** Between joined values (`concat`). */
      separator: string;
      kind: ValueKind;
    };

export interface PlannedCriterion {
  source: string;
  operator: Operator;
  /** Absent for `is null` / `is not null`. */
  value: CriterionValue | null;
}

/** The type an attribute's values are kept in by its partials. */
export type ValueType = 'string' | 'number' | 'boolean' | 'timestamp';

/**
 * Scalar partial aggregates of a (key, day): each combines with another of its kind (sums add,
 * minimums compare), so a day's partials absorb new events and days fold into a key's rollup.
 * `first_key`/`last_key` order events by (derived_tstamp, event_id) as one sortable text;
 * `latest`/`earliest` are the derived_tstamp of the latest / earliest matching event.
 */
export type DailyPart = 'count' | 'sum' | 'n' | 'min' | 'max' | 'first' | 'first_key' | 'last' | 'last_key' | 'latest' | 'earliest';

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
  /** The events that count; empty = every event. */
  events: EventSpec[];
  all: PlannedCriterion[];
  any: PlannedCriterion[];
  /** Alias of the projected value (none for counter and time_since_*). */
  source: string | null;
  valueType: ValueType;
  defaultValue: CriterionValue | null;
  /** Unit of time_since_* (else null). */
  timeUnit: TimeUnit | null;
  /** The scalar partial-aggregate columns, named `<attribute>__<part>`. */
  dailyColumns: Array<{ name: string; part: DailyPart }>;
  /** Whether the attribute keeps per-value partials (value, count, latest event) instead of scalars. */
  valueSet: boolean;
}

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
  /** The union of all attributes' events; empty when some attribute counts every event. */
  events: EventSpec[];
  attributes: PlannedAttribute[];
  /** Distinct window lengths, ascending. */
  periods: number[];
  /** Whether any attribute keeps per-value partials (the view then has a daily values table). */
  hasValueSets: boolean;
  /** Whether any attribute measures time to the window's end (every key changes when it moves). */
  measuresTimeSince: boolean;
}
