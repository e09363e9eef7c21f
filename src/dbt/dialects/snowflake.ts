/**
 * Snowflake: self-describing events are OBJECT columns and entities ARRAY columns of VARIANT,
 * keys in their original spelling; no FILTER clause, so conditional aggregates use CASE.
 */
import type { AttributeType } from '../../definition';
import { elementType, isListType } from '../../definition';
import type { SourceColumn, ValueKind } from '../../plan';
import { scalarLiteral, type Dialect } from './dialect';

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

/** `[0]['deviceClass']['x']`: keys as string literals, so they keep their spelling and stay data. */
function variantPath(index: number | null, path: Array<string | number>, key: (k: string) => string): string {
  const head = index === null ? '' : `[${index}]`;
  return head + path.map((p) => (typeof p === 'number' ? `[${p}]` : `[${key(p)}]`)).join('');
}

export const snowflake: Dialect = {
  target: 'snowflake',
  runnable: false,
  textType: 'varchar',
  timestampType: 'timestamp_ntz',

  ident(name) {
    return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !RESERVED.has(name.toLowerCase()) ? name : `"${name.replace(/"/g, '""')}"`;
  },
  stringLiteral(value) {
    // Line breaks as escapes keep a literal on one line of the generated model.
    const escapes: Record<string, string> = { '\\': '\\\\', "'": "''", '\n': '\\n', '\r': '\\r', '\u2028': '\\u2028', '\u2029': '\\u2029' };
    return `'${value.replace(/[\\'\n\r\u2028\u2029]/g, (c) => escapes[c])}'`;
  },
  jinjaStringLiteral(name) {
    return `'{{ ${name} | string | replace("\\\\", "\\\\\\\\") | replace("'", "''") }}'`;
  },

  sourceValue(source: SourceColumn, alias) {
    if (source.origin === 'atomic') return `${alias}.${this.ident(source.column)}`;
    return `${alias}.${this.ident(source.column)}${variantPath(source.index, source.path, (k) => this.stringLiteral(k))}::varchar`;
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
    return isListType(type) ? `transform(${expr}, element -> element::${scalar})` : `cast(${expr} as ${scalar})`;
  },
  typedLiteral(value, type) {
    const one = (v: unknown) => scalarLiteral(this, v);
    return Array.isArray(value) ? this.castToAttributeType(`array_construct(${value.map(one).join(', ')})`, type) : this.castToAttributeType(one(value), type);
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
    return `${aggregate}(${when(argument, condition)})`;
  },
  valueAtMin(value, key, condition) {
    return `min_by(${when(value, condition, `${value} is not null`)}, ${when(key, condition, `${value} is not null`)})`;
  },
  valueAtMax(value, key, condition) {
    return `max_by(${when(value, condition, `${value} is not null`)}, ${when(key, condition, `${value} is not null`)})`;
  },
  orderKey(ts, id) {
    return `${this.formatTimestamp(ts)} || '|' || ${id}`;
  },
  formatTimestamp(ts) {
    return `to_char(${ts}, 'YYYY-MM-DD HH24:MI:SS.FF6')`;
  },
  dateLiteral(isoDate) {
    return `to_date(${this.stringLiteral(isoDate)})`;
  },
  sortedDistinctList(text, listType, condition) {
    const scalar = SCALAR_TYPES[elementType(listType)];
    const element = scalar === 'varchar' ? text : scalar === 'boolean' ? `to_boolean(${text})` : `cast(cast(${text} as float) as ${scalar})`;
    const kept = when(element, condition, `${text} is not null`);
    return `nullif(array_agg(distinct ${kept}) within group (order by ${kept}), array_construct())`;
  },

  isDistinctFrom(a, b) {
    return `${a} is distinct from ${b}`;
  },
  like(expr, pattern) {
    return `${expr} like ${pattern}`;
  },
  keepFirstPerPartition(partitionBy, orderBy) {
    return `qualify row_number() over (partition by ${partitionBy} order by ${orderBy}) = 1`;
  },
};
