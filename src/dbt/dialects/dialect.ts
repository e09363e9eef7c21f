/**
 * The dialect seam: every piece of SQL that differs between warehouses is a method here.
 * Templates call these; nothing else in the generator knows which warehouse it targets.
 * Arguments named `expr` are SQL expressions (possibly containing dbt Jinja).
 */
import type { AttributeType } from '../../definition';
import type { SourceColumn, ValueKind } from '../../plan';

export type Target = 'duckdb' | 'snowflake' | 'bigquery' | 'databricks';
export const TARGETS: readonly Target[] = ['duckdb', 'snowflake', 'bigquery', 'databricks'];

export interface Dialect {
  readonly target: Target;
  /** Whether `run` can execute this target on this machine (DuckDB only, for now). */
  readonly runnable: boolean;

  /** An identifier, quoted when it needs to be. */
  ident(name: string): string;
  stringLiteral(value: string): string;
  /** Jinja that renders the dbt variable or macro argument `name` as an escaped string literal. */
  jinjaStringLiteral(name: string): string;
  /** The SQL type of projected JSON text, for NULL placeholders. */
  readonly textType: string;
  /** The type of timestamps without time zone, in UTC (the type of load_tstamp). */
  readonly timestampType: string;

  /** The projected value of a source column, read from the events relation aliased `alias`. */
  sourceValue(source: SourceColumn, alias: string): string;
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

  /** Null-safe inequality of two values of any type (lists included). */
  isDistinctFrom(a: string, b: string): string;
  /** SQL LIKE on text. */
  like(expr: string, pattern: string): string;
  /** `select ... qualify` keeping the first row per partition (ordered). */
  keepFirstPerPartition(partitionBy: string, orderBy: string): string;
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
