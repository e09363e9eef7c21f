/**
 * Snowflake: self-describing events are OBJECT columns and entities ARRAY columns of VARIANT,
 * keys in their original spelling. No FILTER clause, so conditional aggregates use CASE; every
 * aggregate is bounded by its result (min_by/max_by, array_unique_agg, array_union_agg), never by
 * the number of events, so a busy key cannot reach the 16 MB VARIANT limit. Timestamps are
 * TIMESTAMP_NTZ in UTC whatever the account's TIMESTAMP_TYPE_MAPPING or session time zone.
 */
import type { AttributeType } from '../../definition';
import { elementType, isListType } from '../../definition';
import type { SourceColumn, ValueKind } from '../../plan';
import { ifColumnLoaded, scalarLiteral, uniqueKey, type Dialect } from './dialect';

const RESERVED = new Set(
  `account all alter and any as between by case cast check column connect connection constraint create cross current
current_date current_time current_timestamp current_user database delete distinct drop else exists false following for
from full grant group gscluster having ilike in increment inner insert intersect into is issue join lateral left like
localtime localtimestamp minus natural not null of on or order organization qualify regexp revoke right rlike row rows
sample schema select set some start table tablesample then to trigger true try_cast union unique update using values
view when whenever where window with`.split(/\s+/),
);

const SCALAR_TYPES: Record<string, string> = {
  string: 'varchar',
  bytes: 'varchar',
  int32: 'integer',
  int64: 'integer',
  unix_timestamp: 'integer',
  double: 'float',
  float: 'float',
  bool: 'boolean',
};

/** `case when <all conditions> then <value> end`, or the value when no condition says anything. */
function when(value: string, ...conditions: string[]): string {
  const useful = conditions.filter((c) => c && c !== 'true');
  return useful.length === 0 ? value : `case when ${useful.join(' and ')} then ${value} end`;
}

function variantPath(index: number | null, path: Array<string | number>): string {
  const head = index === null ? '' : `[${index}]`;
  const parts = path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? ':' : '.'}"${p.replace(/"/g, '""')}"`));
  return head + parts.join('');
}

/**
 * A text key ordering events by (derived_tstamp, event_id): the time as fixed-width digits (epoch
 * microseconds, which no session format changes), then the id.
 */
function eventOrderKey(orderBy: string[]): string {
  const [tstamp, id] = orderBy;
  return `lpad(to_varchar(date_part(epoch_microsecond, ${tstamp})), 20, '0') || ' ' || ${id}`;
}

export const snowflake: Dialect = {
  target: 'snowflake',
  runnable: true,
  textType: 'varchar',
  timestampType: 'timestamp_ntz',

  modelConfig(spec) {
    // dbt-snowflake creates transient tables by default: no Fail-safe. Accumulated state is permanent.
    if (spec.role === 'scratch') return `    transient=true,`;
    // new rows are staged in a transient table dropped after the model, not a session-scoped temporary one
    const lines = [`    transient=false,`, `    tmp_relation_type='transient',`];
    if (spec.write === 'append') lines.push(`    incremental_strategy='append',`);
    if (spec.write === 'upsert') lines.push(`    incremental_strategy='delete+insert',`, `    unique_key=${uniqueKey(spec.uniqueKey ?? [])},`);
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
    return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
  },
  jinjaStringLiteral(name) {
    return `'{{ ${name} | string | replace("\\\\", "\\\\\\\\") | replace("'", "''") }}'`;
  },

  sourceValue(source: SourceColumn, alias) {
    if (source.origin === 'atomic') return `${alias}.${this.ident(source.column)}`;
    return ifColumnLoaded(source.column, `${alias}.${this.ident(source.column)}${variantPath(source.index, source.path)}::varchar`, this.textType);
  },
  asNumber(expr, kind: ValueKind) {
    if (kind === 'number') return `cast(${expr} as float)`;
    if (kind === 'timestamp') return `date_part(epoch_second, ${expr})`;
    if (kind === 'boolean') return `iff(${expr}, 1, 0)`;
    return `try_cast(${expr} as float)`;
  },
  asString(expr, kind) {
    return kind === 'string' || kind === 'text' ? expr : `cast(${expr} as varchar)`;
  },
  asBoolean(expr, kind) {
    return kind === 'boolean' ? expr : `try_cast(${this.asString(expr, kind)} as boolean)`;
  },
  asDecimal(expr, kind) {
    if (kind === 'number') return `cast(${expr} as number(38, 9))`;
    return `try_cast(${this.asString(expr, kind)} as number(38, 9))`;
  },
  castToAttributeType(expr, type: AttributeType) {
    const scalar = SCALAR_TYPES[elementType(type)];
    if (!isListType(type)) return `cast(${expr} as ${scalar})`;
    // ARRAY elements are VARIANT: only numbers need a cast (kept as float until here)
    return scalar === 'integer' ? `transform(${expr}, element -> element::integer)` : expr;
  },
  typedLiteral(value, type) {
    const one = (v: unknown) => scalarLiteral(this, v);
    return Array.isArray(value) ? this.castToAttributeType(`array_construct(${value.map(one).join(', ')})`, type) : this.castToAttributeType(one(value), type);
  },

  dateOf(ts) {
    return `to_date(${ts})`;
  },
  dateFromText(text) {
    return `to_date(${text}, 'YYYY-MM-DD')`;
  },
  timestampFromText(text) {
    // our own `YYYY-MM-DD HH:MM:SS[.ffffff]` text, which the default AUTO input format reads with or without a fraction
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
  timestampText(ts) {
    return `to_varchar(${ts}, 'YYYY-MM-DD HH24:MI:SS.FF6')`;
  },
  justBefore(ts) {
    return `dateadd(microsecond, -1, ${ts})`;
  },

  countIf(condition) {
    return condition === 'true' ? 'count(*)' : `count_if(${condition})`;
  },
  firstValue(value, orderBy, condition, descending) {
    // rows whose ordering key is NULL (not matching, or no value) are ignored by min_by/max_by
    return `${descending ? 'max_by' : 'min_by'}(${value}, ${when(eventOrderKey(orderBy), condition, `${value} is not null`)})`;
  },
  distinctSortedList(value, condition) {
    // kept unsorted per day (array_unique_agg drops NULLs); the final merge sorts
    return `array_unique_agg(${when(value, condition)})`;
  },
  mergeLists(list, condition) {
    return `nullif(array_sort(array_union_agg(${when(list, condition)})), array_construct())`;
  },
  filtered(aggregate, argument, condition) {
    return `${aggregate}(${when(argument, condition)})`;
  },
  valueAtExtreme(value, order, condition, which) {
    return `${which}_by(${value}, ${when(order, condition, `${value} is not null`)})`;
  },

  isDistinctFrom(a, b) {
    return `${a} is distinct from ${b}`;
  },
  like(expr, pattern) {
    return `${expr} like ${pattern}`;
  },
  firstPerPartition(relation, partitionBy, orderBy) {
    return `select * from ${relation} qualify row_number() over (partition by ${partitionBy} order by ${orderBy}) = 1`;
  },
};
