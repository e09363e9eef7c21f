/**
 * Snowflake: self-describing events are OBJECT columns and entities ARRAY columns of VARIANT,
 * keys in their original spelling; no FILTER clause, so conditional aggregates use CASE. Every
 * aggregate is bounded by its result (min_by/max_by, array_unique_agg), never by the number of
 * events, so a busy key cannot reach the 16 MB VARIANT limit. State tables are permanent (not
 * transient); timestamps are TIMESTAMP_NTZ in UTC whatever the account's type mapping or time zone.
 */
import type { AttributeType, DatePart } from '../../definition';
import { elementType, isListType } from '../../definition';
import type { LeafSource } from '../../plan';
import {
  calendarDatePart,
  caseWhen,
  conversions,
  ifColumnLoaded,
  jinjaInert,
  scalarLiteral,
  scalarTypes,
  standardStatements,
  uniqueKey,
  type Dialect,
} from './dialect';

const RESERVED = new Set(
  `account all alter and any as between by case cast check column connect connection constraint create cross current
current_date current_time current_timestamp current_user database delete distinct drop else exists false following for
from full grant group gscluster having ilike in increment inner insert intersect into is issue join lateral left like
localtime localtimestamp minus natural not null of on or order organization qualify regexp revoke right rlike row rows
sample schema select set some start table tablesample then to trigger true try_cast union unique update using values
view when whenever where window with`.split(/\s+/),
);

const SCALAR_TYPES = scalarTypes({
  string: 'varchar',
  int32: 'integer',
  int64: 'integer',
  double: 'float',
  float: 'float',
  bool: 'boolean',
  timestamp: 'timestamp_ntz',
  dict: 'object',
});

const CONVERSIONS = conversions(SCALAR_TYPES, {
  decimal: 'number(38, 9)',
  tryCast: 'try_cast',
  epochSeconds: (ts) => `date_part(epoch_second, ${ts})`,
  booleanAsNumber: (expr) => `iff(${expr}, 1, 0)`,
});

/**
 * `[0]:"deviceClass"."sub"[1]`: keys as quoted path elements (inert to Jinja), the form both
 * Snowflake and fakesnow read.
 */
function variantPath(index: number | null, path: Array<string | number>): string {
  const head = index === null ? '' : `[${index}]`;
  const key = (k: string) => jinjaInert(`"${k.replace(/"/g, '""')}"`);
  return head + path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? ':' : '.'}${key(p)}`)).join('');
}

export const snowflake: Dialect = {
  ...standardStatements,
  ...CONVERSIONS,
  target: 'snowflake',
  runnable: true,
  textType: 'varchar',
  timestampType: 'timestamp_ntz',
  unionDistinct: 'union',

  modelConfig(spec) {
    // dbt-snowflake creates transient tables by default: no Fail-safe. Accumulated state is permanent;
    // new rows are staged in a transient table dropped after the model, not a session-scoped temporary one.
    const lines = [`    transient=false,`, `    tmp_relation_type='transient',`];
    if (spec.write === 'append') lines.push(`    incremental_strategy='append',`);
    else lines.push(`    incremental_strategy='delete+insert',`, `    unique_key=${uniqueKey(spec.uniqueKey ?? [])},`);
    const cluster = [spec.dateColumn, spec.keyColumn].filter((c): c is string => !!c);
    if (cluster.length > 0) lines.push(`    cluster_by=[${cluster.map((c) => `'${c}'`).join(', ')}],`);
    return lines.join('\n');
  },
  macros() {
    return '';
  },
  projectConfig(project) {
    return [`+query_tag: 'signals-batch:${project}'`];
  },

  ident(name) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return `"${name.replace(/"/g, '""')}"`;
    // unquoted names resolve upper-case: a reserved word is quoted in the same case as every other column
    return RESERVED.has(name.toLowerCase()) ? `"${name.toUpperCase()}"` : name;
  },
  stringLiteral(value) {
    // Line breaks as escapes keep a literal on one line of the generated model.
    const escapes: Record<string, string> = { '\\': '\\\\', "'": "''", '\n': '\\n', '\r': '\\r', '\u2028': '\\u2028', '\u2029': '\\u2029' };
    return `'${value.replace(/[\\'\n\r\u2028\u2029]/g, (c) => escapes[c])}'`;
  },
  jinjaStringLiteral(name) {
    return `'{{ ${name} | string | replace("\\\\", "\\\\\\\\") | replace("'", "''") }}'`;
  },

  leafValue(leaf: LeafSource, alias) {
    if (leaf.origin === 'atomic') return `${alias}.${this.ident(leaf.column)}`;
    return ifColumnLoaded(leaf.column, `${alias}.${this.ident(leaf.column)}${variantPath(leaf.index, leaf.path)}::varchar`, this.textType);
  },
  asTimestamp(expr, kind) {
    if (kind === 'timestamp') return expr;
    if (kind === 'date') return `cast(${expr} as timestamp_ntz)`;
    if (kind === 'number') return `to_timestamp_ntz(${expr})`;
    // text with an offset is converted to UTC; text without one is already UTC: its timestamp_tz
    // (in the session's zone) cast to timestamp_ntz keeps the wall-clock time as written.
    // try_cast, not try_to_timestamp_*: fakesnow has no try_to_timestamp_* over columns
    const text = this.asString(expr, kind);
    return `case when regexp_like(${text}, '.*(Z|[+-][0-9]{2}(:?[0-9]{2})?)$') then convert_timezone('UTC', try_cast(${text} as timestamp_tz))::timestamp_ntz else try_cast(${text} as timestamp_tz)::timestamp_ntz end`;
  },
  datePart(ts, part: DatePart) {
    return calendarDatePart(this, ts, part, `dayofweekiso(${ts})`);
  },
  concatNonNull(texts, separator) {
    return `case when coalesce(${texts.join(', ')}) is null then null else array_to_string(array_compact(array_construct(${texts.join(', ')})), ${separator}) end`;
  },
  fromValueText(text, type) {
    const scalar = SCALAR_TYPES[type];
    if (scalar === 'varchar') return text;
    if (scalar === 'boolean') return `try_to_boolean(${text})`;
    if (scalar === 'timestamp_ntz') return this.asTimestamp(text, 'string');
    // numbers convert as a list element of their type does
    return this.listElement(text, type);
  },
  secondsBetween(from, to) {
    return `(datediff(microsecond, ${from}, ${to}) / 1000000)`;
  },
  timestampFromDate(date) {
    return `cast(${date} as timestamp_ntz)`;
  },
  countsByValue(value, count, condition) {
    return `nullif(object_agg(${caseWhen(value, condition)}, ${caseWhen(count, condition)}::variant), object_construct())`;
  },
  castToAttributeType(expr, type: AttributeType) {
    const scalar = SCALAR_TYPES[elementType(type)];
    // list values are built with typed elements (sortedDistinctList, typedLiteral): an ARRAY needs no cast
    return isListType(type) ? expr : `cast(${expr} as ${scalar})`;
  },
  typedLiteral(value, type) {
    const one = (v: unknown) => scalarLiteral(this, v);
    return Array.isArray(value)
      ? this.castToAttributeType(`array_construct(${value.map(one).join(', ')})`, type)
      : this.castToAttributeType(one(value), type);
  },

  dateOf(ts) {
    return `to_date(${ts})`;
  },
  dateFromText(text) {
    return `to_date(${text})`;
  },
  timestampFromText(text) {
    return `to_timestamp_ntz(${text})`;
  },
  addDays(date, days) {
    return `dateadd(day, ${days}, ${date})`;
  },
  addDaysToTimestamp(ts, days) {
    return `dateadd(day, ${days}, ${ts})`;
  },
  daysBetween(from, to) {
    return `datediff(day, ${from}, ${to})`;
  },
  currentDateUtc() {
    return `to_date(convert_timezone('UTC', current_timestamp()))`;
  },
  currentTimestampUtc() {
    return `convert_timezone('UTC', current_timestamp())::timestamp_ntz`;
  },
  justBefore(ts) {
    return `dateadd(microsecond, -1, ${ts})`;
  },

  countIf(condition) {
    return condition === 'true' ? 'count(*)' : `count_if(${condition})`;
  },
  filtered(aggregate, argument, condition) {
    // sums add exact numbers (counts, number(38, 9) partials): the cast is a no-op on Snowflake and
    // keeps fakesnow exact too, which sums any argument that is not a cast as a double
    if (aggregate === 'sum') return `sum(cast(${caseWhen(argument, condition)} as number(38, 9)))`;
    return `${aggregate}(${caseWhen(argument, condition)})`;
  },
  valueAtMin(value, key, condition) {
    return `min_by(${caseWhen(value, condition, `${value} is not null`)}, ${caseWhen(key, condition, `${value} is not null`)})`;
  },
  valueAtMax(value, key, condition) {
    return `max_by(${caseWhen(value, condition, `${value} is not null`)}, ${caseWhen(key, condition, `${value} is not null`)})`;
  },
  valueByFrequency(value, count, latestKey, fewest, condition) {
    // max_by takes one ordering value: the count as an exact integer at fixed width (its distance
    // below 10^20 for the fewest, so that fewer sorts higher), then the key
    const exact = `cast(${count} as number(38, 0))`;
    const ordered = fewest ? `100000000000000000000 - ${exact}` : exact;
    const key = `lpad(to_varchar(${ordered}), 21, '0') || '|' || ${latestKey}`;
    return `max_by(${caseWhen(value, condition)}, ${caseWhen(key, condition)})`;
  },
  orderKey(ts, id) {
    // epoch microseconds at fixed width: no session format or fraction rendering changes the order
    return `lpad(to_varchar(date_part(epoch_microsecond, ${ts})), 20, '0') || '|' || ${id}`;
  },
  formatTimestamp(ts) {
    return `to_char(${ts}, 'YYYY-MM-DD HH24:MI:SS.FF6')`;
  },
  dateLiteral(isoDate) {
    return `to_date(${this.stringLiteral(isoDate)})`;
  },
  listElement(text, listType) {
    const scalar = SCALAR_TYPES[elementType(listType)];
    if (scalar === 'varchar') return text;
    if (scalar === 'boolean') return `to_boolean(${text})`;
    // whole numbers round half away from zero, as on every target (try_cast takes text only)
    return scalar === 'integer' ? `cast(round(try_cast(${text} as float)) as integer)` : `cast(try_cast(${text} as float) as ${scalar})`;
  },
  sortedDistinctList(text, listType, condition) {
    const element = this.listElement(text, listType);
    // array_unique_agg drops NULLs and is bounded by the distinct values; an empty result is NULL
    return `nullif(array_sort(array_unique_agg(${caseWhen(element, condition, `${text} is not null`)})), array_construct())`;
  },

  storageOrder() {
    // cluster_by orders the rows dbt-snowflake writes
    return '';
  },
};
