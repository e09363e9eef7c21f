/**
 * The dialect seam: every piece of SQL that differs between warehouses is a method here.
 * Templates call these; nothing else in the generator knows which warehouse it targets.
 * Arguments named `expr` are SQL expressions (possibly containing dbt Jinja).
 */
import { elementType, type AttributeType, type DatePart } from '../../definition';
import type { LeafSource, ValueKind } from '../../plan';
import type { Target } from './index';

/**
 * What a model is, for the warehouse-specific parts of its dbt config (incremental strategy,
 * partitioning and clustering, permanence).
 */
export interface ModelSpec {
  /** How an incremental model writes: `append` new rows, or `upsert` the rows of `uniqueKey`. */
  write: 'append' | 'upsert';
  /** Rendered column identifiers identifying a row (upserts). */
  uniqueKey?: string[];
  /** The event-date column to partition or cluster on, and the key column to cluster on. */
  dateColumn?: string;
  keyColumn?: string;
}

export interface Dialect {
  readonly target: Target;
  /** Whether `run` executes this target (its adapter and profile are wired). */
  readonly runnable: boolean;

  /**
   * The warehouse-specific keyword arguments of an incremental (state) model's `config(...)`: one
   * `name=value,` per line, indented by four spaces.
   */
  modelConfig(spec: ModelSpec): string;
  /** Warehouse-specific macros of the project (Jinja), appended to its macro file. */
  macros(): string;
  /** Model configs of the whole project (`+name: value` lines under the project in dbt_project.yml), e.g. query tags. */
  projectConfig(project: string): string[];

  /** An identifier, quoted when it needs to be. */
  ident(name: string): string;
  stringLiteral(value: string): string;
  /** Jinja that renders the dbt variable or macro argument `name` as an escaped string literal. */
  jinjaStringLiteral(name: string): string;
  /** The SQL type of projected JSON text, for NULL placeholders. */
  readonly textType: string;
  /** The type of timestamps without time zone, in UTC (the type of load_tstamp). */
  readonly timestampType: string;
  /** The set union keyword (BigQuery needs `union distinct`). */
  readonly unionDistinct: string;

  /**
   * A leaf value as stored (JSON fields as text), read from the events relation aliased `alias`.
   * In `events_this_run`, the Jinja variable `columns` lists the events table's lower-case column
   * names (and `column.field` names of nested records where the warehouse has them): a
   * self-describing column exists only once a loader has seen that schema.
   */
  leafValue(leaf: LeafSource, alias: string): string;
  /** `expr` (of `kind`) as a timestamp without time zone in UTC; text with an offset is converted. */
  asTimestamp(expr: string, kind: ValueKind): string;
  /** A part of a UTC timestamp: hour 0-23, ISO weekday 1 (Monday)-7, month 1-12, or its day, ISO week's Monday, month's first day. */
  datePart(timestampExpr: string, part: DatePart): string;
  /** The non-null texts joined by `separatorLiteral`; NULL when all are NULL. */
  concatNonNull(texts: string[], separatorLiteral: string): string;
  /** A per-value partial's text back in a scalar attribute type. */
  fromValueText(textExpr: string, type: AttributeType): string;
  /** Seconds from one timestamp to another, with fractions. */
  secondsBetween(fromTimestamp: string, toTimestamp: string): string;
  /** A date as the timestamp of its midnight. */
  timestampFromDate(dateExpr: string): string;
  /** The dict type's value: each distinct value (text) with its count, where `condition` holds; NULL when none. */
  countsByValue(valueExpr: string, countExpr: string, condition: string): string;
  /** `expr` (of `kind`) as a number, for numeric comparisons; NULL when it is not one. */
  asNumber(expr: string, kind: ValueKind): string;
  /** `expr` (of `kind`) as a string, for string comparisons. */
  asString(expr: string, kind: ValueKind): string;
  asBoolean(expr: string, kind: ValueKind): string;
  /** `expr` as an exact decimal, so sums do not depend on row order. */
  asDecimal(expr: string, kind: ValueKind): string;
  /** A final attribute value, cast to its declared type. */
  castToAttributeType(expr: string, type: AttributeType): string;
  /** A SQL literal of a default value, of the declared type. */
  typedLiteral(value: unknown, type: AttributeType): string;

  dateOf(timestampExpr: string): string;
  /** A date literal from a Jinja expression yielding `YYYY-MM-DD`. */
  dateFromText(textExpr: string): string;
  timestampFromText(textExpr: string): string;
  addDays(dateExpr: string, daysExpr: string): string;
  addDaysToTimestamp(timestampExpr: string, daysExpr: string): string;
  /** Days from `fromDate` to `toDate`. */
  daysBetween(fromDate: string, toDate: string): string;
  /** Today's date in UTC. */
  currentDateUtc(): string;
  /** Now, as a timestamp without time zone in UTC. */
  currentTimestampUtc(): string;
  /** A smallest step to make an inclusive timestamp bound exclusive. */
  justBefore(timestampExpr: string): string;

  /** Count of rows where `condition` holds. */
  countIf(condition: string): string;
  /** An aggregate filtered by a condition: `sum(x) filter (where c)`. */
  filtered(aggregate: string, argument: string, condition: string): string;
  /** The value on the row with the smallest `orderKey`, over rows where `condition` holds and the value is not null. */
  valueAtMin(valueExpr: string, orderKey: string, condition: string): string;
  /** The value on the row with the largest `orderKey` (as valueAtMin). */
  valueAtMax(valueExpr: string, orderKey: string, condition: string): string;
  /**
   * Over value rows where `condition` holds, the value of the row with the most events
   * (`countExpr`), or the fewest when `fewest`; ties go to the largest `latestKeyExpr`. One
   * aggregate, not a rank over the rows. Value rows never hold a NULL value, count or key.
   */
  valueByFrequency(valueExpr: string, countExpr: string, latestKeyExpr: string, fewest: boolean, condition: string): string;
  /**
   * A text that sorts like (derived_tstamp, event_id): the timestamp at fixed width, then the id,
   * so first/last partials compare with plain min/max and carry their tie-break.
   */
  orderKey(timestampExpr: string, idExpr: string): string;
  /** A timestamp as `YYYY-MM-DD HH:MM:SS.ffffff`, whatever the session's output format. */
  formatTimestamp(timestampExpr: string): string;
  /** A date literal from `YYYY-MM-DD`. */
  dateLiteral(isoDate: string): string;
  /**
   * The distinct values (text, cast to the list type's element type) where `condition` holds,
   * sorted ascending; NULL when none.
   */
  sortedDistinctList(textExpr: string, listType: AttributeType, condition: string): string;
  /** A value-set partial's text as an element of `listType`; NULL where it does not convert. */
  listElement(textExpr: string, listType: AttributeType): string;

  /** Null-safe inequality of two values of attribute type `type` (lists and dicts included). */
  isDistinctFrom(a: string, b: string, type: AttributeType): string;
  /** SQL LIKE on text. */
  like(expr: string, pattern: string): string;
  /** A query of the rows of `relation` that come first in their partition (extra columns allowed). */
  firstPerPartition(relation: string, partitionBy: string, orderBy: string): string;
  /**
   * The ORDER BY ending a state model's query (empty when none is needed): rows stored in that
   * order let a warehouse that prunes by what each block of a table holds (DuckDB's row-group
   * min/max) skip the dates a run does not touch. Where the table's own clustering or partitions
   * already do that (Snowflake, BigQuery, Databricks), empty.
   */
  storageOrder(columns: string[]): string;
  /**
   * A statement deleting the rows of `target` where `condition` holds and `column` is below the
   * `limitColumn` of the one-row relation `limits`.
   */
  deleteBelowLimit(target: string, condition: string, column: string, limits: string, limitColumn: string): string;
}

/**
 * Each attribute type's scalar SQL type, from the types a dialect names: `bytes` values are stored
 * as text and unix timestamps as 64-bit integers on every target.
 */
export function scalarTypes(types: {
  string: string;
  int32: string;
  int64: string;
  double: string;
  float: string;
  bool: string;
  timestamp: string;
  dict: string;
}): Record<string, string> {
  return { ...types, bytes: types.string, unix_timestamp: types.int64 };
}

/** What the value conversions of a dialect need beyond its scalar types. */
export interface ConversionSyntax {
  /** The exact decimal type sums add in. */
  decimal: string;
  /** The cast that gives NULL where a value does not convert (`try_cast`, `safe_cast`). */
  tryCast: string;
  /** Seconds since the epoch of a timestamp. */
  epochSeconds(timestampExpr: string): string;
  /** A boolean as 1 or 0. */
  booleanAsNumber(expr: string): string;
}

/**
 * The conversions of values for comparisons and sums, alike on every target but for the names of
 * types (`scalar`: a dialect's `scalarTypes`) and a few functions.
 */
export function conversions(
  scalar: Record<string, string>,
  syntax: ConversionSyntax,
): Pick<Dialect, 'asNumber' | 'asString' | 'asBoolean' | 'asDecimal' | 'listElement'> {
  const { decimal, tryCast } = syntax;
  const asString = (expr: string, kind: ValueKind) => (kind === 'string' || kind === 'text' ? expr : `cast(${expr} as ${scalar.string})`);
  return {
    asNumber(expr, kind) {
      if (kind === 'number') return `cast(${expr} as ${scalar.double})`;
      if (kind === 'timestamp') return syntax.epochSeconds(expr);
      if (kind === 'date') return syntax.epochSeconds(`cast(${expr} as ${scalar.timestamp})`);
      if (kind === 'boolean') return syntax.booleanAsNumber(expr);
      return `${tryCast}(${expr} as ${scalar.double})`;
    },
    asString,
    asBoolean(expr, kind) {
      return kind === 'boolean' ? expr : `${tryCast}(${asString(expr, kind)} as ${scalar.bool})`;
    },
    asDecimal(expr, kind) {
      return kind === 'number' ? `cast(${expr} as ${decimal})` : `${tryCast}(${asString(expr, kind)} as ${decimal})`;
    },
    listElement(text, listType) {
      // a failed cast is NULL: a filter does not stop other attributes' values from being cast too
      const element = scalar[elementType(listType)];
      if (element === scalar.string) return text;
      if (element === scalar.bool) return `${tryCast}(${text} as ${element})`;
      const number = `${tryCast}(${text} as ${scalar.double})`;
      if (element === scalar.double) return number;
      // whole numbers round half away from zero everywhere: a cast alone truncates on Spark and
      // rounds half to even on DuckDB
      const whole = element === scalar.int32 || element === scalar.int64;
      return `${tryCast}(${whole ? `round(${number})` : number} as ${element})`;
    },
  };
}

/** The statements most targets write alike; a dialect overrides what its warehouse lacks. */
export const standardStatements: Pick<Dialect, 'isDistinctFrom' | 'like' | 'firstPerPartition' | 'deleteBelowLimit'> = {
  isDistinctFrom: (a, b) => `${a} is distinct from ${b}`,
  like: (expr, pattern) => `${expr} like ${pattern}`,
  firstPerPartition: (relation, partitionBy, orderBy) => qualifyFirst(relation, partitionBy, orderBy),
  deleteBelowLimit: (target, condition, column, limits, limitColumn) => deleteBelowSubquery(target, condition, column, limits, limitColumn),
};

/**
 * datePart for the dialects with `hour()`, `month()` and `date_trunc('week' | 'month', ts)`
 * (weeks start on Monday there): `isoWeekday` is the dialect's ISO weekday of the timestamp.
 */
export function calendarDatePart(d: Pick<Dialect, 'dateOf'>, ts: string, part: DatePart, isoWeekday: string): string {
  switch (part) {
    case 'hour_of_day':
      return `hour(${ts})`;
    case 'day_of_week':
      return isoWeekday;
    case 'month_of_year':
      return `month(${ts})`;
    case 'active_day':
      return d.dateOf(ts);
    case 'active_week':
      return d.dateOf(`date_trunc('week', ${ts})`);
    case 'active_month':
      return d.dateOf(`date_trunc('month', ${ts})`);
  }
}

/** `case when <all conditions> then <value> end`, or the value when no condition says anything. */
export function caseWhen(value: string, ...conditions: string[]): string {
  const useful = conditions.filter((c) => c && c !== 'true');
  return useful.length === 0 ? value : `case when ${useful.join(' and ')} then ${value} end`;
}

/** deleteBelowLimit with a scalar subquery in DELETE's WHERE, for the dialects that allow one. */
export function deleteBelowSubquery(target: string, condition: string, column: string, limits: string, limitColumn: string): string {
  const where = [condition, `${column} < (select ${limitColumn} from ${limits})`].filter((c) => c && c !== 'true');
  return `delete from ${target} where ${where.join(' and ')}`;
}

/** ` filter (where a and b)` over the conditions that say something; empty when none do (DuckDB, Databricks). */
export function filterClause(...conditions: string[]): string {
  const useful = conditions.filter((c) => c && c !== 'true');
  return useful.length === 0 ? '' : ` filter (where ${useful.join(' and ')})`;
}

/** firstPerPartition with QUALIFY, for the dialects that have it. */
export function qualifyFirst(relation: string, partitionBy: string, orderBy: string): string {
  return `select * from ${relation} qualify row_number() over (partition by ${partitionBy} order by ${orderBy}) = 1`;
}

/** A dbt `unique_key` config value: one column as a string, several as a list. */
export function uniqueKey(columns: string[]): string {
  const quoted = columns.map((c) => `'${c.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`);
  return quoted.length === 1 ? quoted[0] : `[${quoted.join(', ')}]`;
}

/** `value` when the self-describing column exists in the loaded table, else a typed NULL. */
export function ifColumnLoaded(column: string, value: string, textType: string): string {
  return `{% if '${column}' in columns %}${value}{% else %}cast(null as ${textType}){% endif %}`;
}

/**
 * A JSON field name as the BigQuery and lake loaders name it: camelCase split with `_`, every
 * other character `_`, lower case (`operatingSystemName` -> `operating_system_name`).
 */
export function snakeCaseField(name: string): string {
  return name
    .replace(/([^A-Z_])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9_]/g, '_')
    .toLowerCase();
}

/**
 * Text that dbt's Jinja renders back to exactly itself. Every generated file is a Jinja template
 * to dbt, so user text (a criterion value, a JSON key, a schema name) must not open a Jinja tag:
 * each `{` that would start `{{`, `{%` or `{#` is written as the expression `{{ '{' }}`.
 * Not idempotent: apply it once, where text from outside becomes SQL or YAML.
 */
export function jinjaInert(text: string): string {
  return text.replace(/\{(?=[{%#])/g, "{{ '{' }}");
}

/** A string, number or boolean as a SQL literal (strings escaped by the dialect). */
export function scalarLiteral(d: Pick<Dialect, 'stringLiteral'>, value: unknown): string {
  if (typeof value === 'string') return d.stringLiteral(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw new Error(`cannot render ${JSON.stringify(value)} as a SQL literal`);
}
