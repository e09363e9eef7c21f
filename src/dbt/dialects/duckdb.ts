/**
 * DuckDB: the embedded default. Self-describing events and entities are JSON columns
 * (docs/design.md section 6), read with JSON paths that keep the original key spelling.
 */
import type { AttributeType, DatePart } from '../../definition';
import { elementType, isListType } from '../../definition';
import type { LeafSource } from '../../plan';
import {
  calendarDatePart,
  conversions,
  filterClause,
  ifColumnLoaded,
  scalarLiteral,
  scalarTypes,
  standardStatements,
  uniqueKey,
  type Dialect,
} from './dialect';

const RESERVED = new Set(
  `all analyse analyze and any array as asc asymmetric both case cast check collate column constraint create
default deferrable desc describe distinct do else end except false fetch for foreign from grant group having
in initially intersect into lateral leading limit offset on only or order pivot placing primary qualify
references returning select show some summarize symmetric table then to trailing true union unique unpivot
using variadic when where window with`.split(/\s+/),
);

const SCALAR_TYPES = scalarTypes({
  string: 'varchar',
  int32: 'integer',
  int64: 'bigint',
  double: 'double',
  float: 'float',
  bool: 'boolean',
  timestamp: 'timestamp',
  dict: 'map(varchar, bigint)',
});

const CONVERSIONS = conversions(SCALAR_TYPES, {
  decimal: 'decimal(38, 9)',
  tryCast: 'try_cast',
  epochSeconds: (ts) => `epoch(${ts})`,
  booleanAsNumber: (expr) => `cast(${expr} as integer)`,
});

function jsonPath(index: number | null, path: Array<string | number>): string {
  const head = index === null ? '$' : `$[${index}]`;
  return head + path.map((p) => (typeof p === 'number' ? `[${p}]` : `."${p.replace(/"/g, '\\"')}"`)).join('');
}

export const duckdb: Dialect = {
  ...standardStatements,
  ...CONVERSIONS,
  target: 'duckdb',
  runnable: true,

  modelConfig(spec) {
    if (spec.write === 'append') return `    incremental_strategy='append',`;
    return `    incremental_strategy='delete+insert',\n    unique_key=${uniqueKey(spec.uniqueKey ?? [])},`;
  },
  macros() {
    return '';
  },
  projectConfig() {
    return [];
  },

  ident(name) {
    return /^[a-z_][a-z0-9_]*$/.test(name) && !RESERVED.has(name) ? name : `"${name.replace(/"/g, '""')}"`;
  },
  stringLiteral(value) {
    // Line breaks become chr() so a literal stays on one line of the generated model, where
    // re-indenting and whitespace trimming cannot alter it.
    const parts = value
      .split(/([\n\r\u2028\u2029])/)
      .map((part, i) => (i % 2 === 1 ? `chr(${part.charCodeAt(0)})` : `'${part.replace(/'/g, "''")}'`));
    return parts.length === 1 ? parts[0] : `(${parts.filter((p) => p !== "''").join(' || ')})`;
  },

  jinjaStringLiteral(name) {
    return `'{{ ${name} | string | replace("'", "''") }}'`;
  },
  textType: 'varchar',
  timestampType: 'timestamp',
  unionDistinct: 'union',

  leafValue(leaf: LeafSource, alias) {
    if (leaf.origin === 'atomic') return `${alias}.${this.ident(leaf.column)}`;
    return ifColumnLoaded(
      leaf.column,
      `json_extract_string(${alias}.${this.ident(leaf.column)}, ${this.stringLiteral(jsonPath(leaf.index, leaf.path))})`,
      this.textType,
    );
  },
  asTimestamp(expr, kind) {
    if (kind === 'timestamp') return expr;
    if (kind === 'date') return `cast(${expr} as timestamp)`;
    if (kind === 'number') return `make_timestamp(cast(${expr} * 1000000 as bigint))`;
    // a cast to timestamp ignores an offset: text with one goes through timestamptz to UTC
    const text = this.asString(expr, kind);
    return `case when regexp_matches(${text}, '(Z|[+-][0-9]{2}(:?[0-9]{2})?)$') then timezone('UTC', try_cast(${text} as timestamptz)) else try_cast(${text} as timestamp) end`;
  },
  datePart(ts, part: DatePart) {
    return calendarDatePart(this, ts, part, `isodow(${ts})`);
  },
  concatNonNull(texts, separator) {
    return `case when coalesce(${texts.join(', ')}) is null then null else concat_ws(${separator}, ${texts.join(', ')}) end`;
  },
  fromValueText(text, type) {
    // a value's text converts as a list element of its type does
    return SCALAR_TYPES[type] === 'timestamp' ? `try_cast(${text} as timestamp)` : this.listElement(text, type);
  },
  secondsBetween(from, to) {
    return `(epoch(${to}) - epoch(${from}))`;
  },
  timestampFromDate(date) {
    return `cast(${date} as timestamp)`;
  },
  countsByValue(value, count, condition) {
    return `map_from_entries(list(struct_pack(k := ${value}, v := cast(${count} as bigint)) order by ${value})${filterClause(condition)})`;
  },
  asBoolean(expr, kind) {
    // DuckDB casts numbers to booleans directly (0 is false), not through their text
    return kind === 'boolean' ? expr : `try_cast(${expr} as boolean)`;
  },
  castToAttributeType(expr, type: AttributeType) {
    const scalar = SCALAR_TYPES[elementType(type)];
    return isListType(type) ? `cast(${expr} as ${scalar}[])` : `cast(${expr} as ${scalar})`;
  },
  typedLiteral(value, type) {
    if (type === 'timestamp') return this.asTimestamp(scalarLiteral(this, value), 'string');
    const one = (v: unknown) => scalarLiteral(this, v);
    const body = Array.isArray(value) ? `[${value.map(one).join(', ')}]` : one(value);
    return this.castToAttributeType(body, type);
  },

  dateOf(ts) {
    return `cast(${ts} as date)`;
  },
  dateFromText(text) {
    return `cast(${text} as date)`;
  },
  timestampFromText(text) {
    return `cast(${text} as timestamp)`;
  },
  addDays(date, days) {
    return `cast(${date} + cast(${days} as integer) as date)`;
  },
  addDaysToTimestamp(ts, days) {
    return `(${ts} + cast(${days} as bigint) * interval 1 day)`;
  },
  daysBetween(from, to) {
    return `date_diff('day', ${from}, ${to})`;
  },
  currentDateUtc() {
    return `cast(timezone('UTC', now()) as date)`;
  },
  currentTimestampUtc() {
    return `cast(timezone('UTC', now()) as timestamp)`;
  },
  justBefore(ts) {
    return `(${ts} - interval 1 microsecond)`;
  },

  countIf(condition) {
    return `count(*)${filterClause(condition)}`;
  },
  filtered(aggregate, argument, condition) {
    return `${aggregate}(${argument})${filterClause(condition)}`;
  },
  valueAtMin(value, key, condition) {
    return `arg_min(${value}, ${key})${filterClause(condition, `${value} is not null`)}`;
  },
  valueAtMax(value, key, condition) {
    return `arg_max(${value}, ${key})${filterClause(condition, `${value} is not null`)}`;
  },
  valueByFrequency(value, count, latestKey, fewest, condition) {
    // a row value compares field by field: the count (negated for the fewest), then the key
    return `arg_max(${value}, (${fewest ? `-(${count})` : count}, ${latestKey}))${filterClause(condition)}`;
  },
  orderKey(ts, id) {
    return `${this.formatTimestamp(ts)} || '|' || ${id}`;
  },
  formatTimestamp(ts) {
    return `strftime(${ts}, '%Y-%m-%d %H:%M:%S.%f')`;
  },
  dateLiteral(isoDate) {
    return `date ${this.stringLiteral(isoDate)}`;
  },
  sortedDistinctList(text, listType, condition) {
    const element = this.listElement(text, listType);
    return `list_sort(list_distinct(list(${element})${filterClause(condition, `${text} is not null`)}))`;
  },

  storageOrder(columns) {
    return `order by ${columns.join(', ')}`;
  },
};
