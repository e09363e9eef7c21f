/**
 * Databricks (Delta): self-describing events are STRUCT columns and entities ARRAY<STRUCT>
 * columns with snake_case fields, as the lake loader writes them. Elements are read with `get`,
 * which gives NULL past the end instead of ANSI mode's INVALID_ARRAY_INDEX. Writes are Delta
 * MERGEs (upserts) and appends; state is liquid-clustered by event date and key. Every model sets
 * the session time zone to UTC first (a project pre-hook), so dates and windows are UTC whatever
 * the warehouse default.
 * The SQL also runs on open-source Spark 4 with Delta (no QUALIFY, no `* except`). Databricks
 * features not in Spark are used only where Spark ignores them (`liquid_clustered_by`).
 */
import type { AttributeType, DatePart } from '../../definition';
import { elementType, isListType } from '../../definition';
import type { LeafSource } from '../../plan';
import {
  calendarDatePart,
  caseWhen,
  conversions,
  filterClause,
  ifColumnLoaded,
  scalarLiteral,
  scalarTypes,
  snakeCaseField,
  standardStatements,
  uniqueKey,
  type Dialect,
} from './dialect';

const RESERVED = new Set(
  `all and any anti array as asc authorization between both by case cast check collate column constraint create cross cube
current current_date current_time current_timestamp current_user date day default delete desc distinct drop else end escape
except exists external false fetch filter for foreign from full function global grant group grouping having hour if in inner
insert intersect interval into is join lateral leading left like limit minus minute month natural not null of on only or
order outer overlaps partition percent primary qualify range references revoke right rollup row rows second select semi
session_user set some start table tablesample then time to trailing true union unique unknown update user using values when
where window with year`.split(/\s+/),
);

const SCALAR_TYPES = scalarTypes({
  string: 'string',
  int32: 'int',
  int64: 'bigint',
  double: 'double',
  float: 'float',
  bool: 'boolean',
  timestamp: 'timestamp',
  dict: 'map<string, bigint>',
});

const CONVERSIONS = conversions(SCALAR_TYPES, {
  decimal: 'decimal(38, 9)',
  tryCast: 'try_cast',
  epochSeconds: (ts) => `(unix_micros(${ts}) / 1000000)`,
  booleanAsNumber: (expr) => `if(${expr}, 1, 0)`,
});

function field(name: string): string {
  const snake = snakeCaseField(name);
  return /^[a-z_][a-z0-9_]*$/.test(snake) ? snake : `\`${snake}\``;
}

/** `get(get(col, 0).items, 1).sku`: elements by `get` (0-based, NULL past the end). */
function structPath(column: string, index: number | null, path: Array<string | number>): string {
  let expr = index === null ? column : `get(${column}, ${index})`;
  for (const p of path) expr = typeof p === 'number' ? `get(${expr}, ${p})` : `${expr}.${field(p)}`;
  return expr;
}

export const databricks: Dialect = {
  ...standardStatements,
  ...CONVERSIONS,
  target: 'databricks',
  runnable: true,
  textType: 'string',
  timestampType: 'timestamp',
  unionDistinct: 'union',

  modelConfig(spec) {
    const lines =
      spec.write === 'append'
        ? [`    incremental_strategy='append',`]
        : [`    incremental_strategy='merge',`, `    unique_key=${uniqueKey(spec.uniqueKey ?? [])},`];
    const cluster = [spec.dateColumn, spec.keyColumn].filter((c): c is string => !!c);
    if (cluster.length > 0) lines.push(`    liquid_clustered_by=[${cluster.map((c) => `'${c}'`).join(', ')}],`);
    return lines.join('\n');
  },
  macros() {
    return '';
  },
  projectConfig(project) {
    // every model: Delta, dates and windows in UTC whatever the warehouse's session default, and a
    // query tag (dbt-databricks; dbt-spark ignores it)
    return [`+file_format: delta`, `+pre-hook: "set time zone 'UTC'"`, `+query_tags: '{"signals_batch": "${project}"}'`];
  },

  ident(name) {
    return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !RESERVED.has(name.toLowerCase()) ? name : `\`${name.replace(/`/g, '``')}\``;
  },
  stringLiteral(value) {
    // line breaks as escapes keep a literal on one line of the generated model
    return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r')}'`;
  },
  jinjaStringLiteral(name) {
    return `'{{ ${name} | string | replace("\\\\", "\\\\\\\\") | replace("'", "\\\\'") }}'`;
  },

  leafValue(source: LeafSource, alias) {
    if (source.origin === 'atomic') return `${alias}.${this.ident(source.column)}`;
    return ifColumnLoaded(
      source.column,
      `cast(${structPath(`${alias}.${this.ident(source.column)}`, source.index, source.path)} as string)`,
      this.textType,
    );
  },
  asTimestamp(expr, kind) {
    if (kind === 'timestamp') return expr;
    if (kind === 'date') return `cast(${expr} as timestamp)`;
    if (kind === 'number') return `timestamp_micros(cast(${expr} * 1000000 as bigint))`;
    // the session time zone is UTC (the project's pre-hook): offsets convert, naive text is UTC
    return `try_to_timestamp(${this.asString(expr, kind)})`;
  },
  datePart(ts, part: DatePart) {
    // weekday counts from Monday (0)
    return calendarDatePart(this, ts, part, `weekday(${ts}) + 1`);
  },
  concatNonNull(texts, separator) {
    return `case when coalesce(${texts.join(', ')}) is null then null else concat_ws(${separator}, ${texts.join(', ')}) end`;
  },
  fromValueText(text, type) {
    // a value's text converts as a list element of its type does
    return SCALAR_TYPES[type] === 'timestamp' ? `try_to_timestamp(${text})` : this.listElement(text, type);
  },
  secondsBetween(from, to) {
    return `((unix_micros(${to}) - unix_micros(${from})) / 1000000)`;
  },
  timestampFromDate(date) {
    return `cast(${date} as timestamp)`;
  },
  countsByValue(value, count, condition) {
    return `case when count_if(${condition}) = 0 then null else map_from_entries(array_sort(collect_list(${caseWhen(`struct(${value}, cast(${count} as bigint))`, condition)}))) end`;
  },
  castToAttributeType(expr, type: AttributeType) {
    const scalar = SCALAR_TYPES[elementType(type)];
    if (isListType(type)) return `cast(${expr} as array<${scalar}>)`;
    // Spark's cast to a whole number truncates; the semantics (and the other targets' casts) round
    return scalar === 'int' || scalar === 'bigint' ? `cast(round(${expr}) as ${scalar})` : `cast(${expr} as ${scalar})`;
  },
  typedLiteral(value, type) {
    const one = (v: unknown) => scalarLiteral(this, v);
    return this.castToAttributeType(Array.isArray(value) ? `array(${value.map(one).join(', ')})` : one(value), type);
  },

  dateOf(ts) {
    return `to_date(${ts})`;
  },
  dateFromText(text) {
    return `to_date(${text})`;
  },
  timestampFromText(text) {
    return `to_timestamp(${text})`;
  },
  addDays(date, days) {
    return `date_add(${date}, ${days})`;
  },
  addDaysToTimestamp(ts, days) {
    return `timestampadd(day, ${days}, ${ts})`;
  },
  daysBetween(from, to) {
    return `datediff(${to}, ${from})`;
  },
  currentDateUtc() {
    return `to_date(convert_timezone('UTC', current_timestamp()))`;
  },
  currentTimestampUtc() {
    return `current_timestamp()`;
  },
  justBefore(ts) {
    return `(${ts} - interval 1 microsecond)`;
  },

  countIf(condition) {
    return condition === 'true' ? 'count(*)' : `count_if(${condition})`;
  },
  filtered(aggregate, argument, condition) {
    return `${aggregate}(${argument})${filterClause(condition)}`;
  },
  valueAtMin(value, key, condition) {
    // rows whose ordering key is NULL (not matching, or no value) are ignored by min_by/max_by
    return `min_by(${value}, ${caseWhen(key, condition, `${value} is not null`)})`;
  },
  valueAtMax(value, key, condition) {
    return `max_by(${value}, ${caseWhen(key, condition, `${value} is not null`)})`;
  },
  valueByFrequency(value, count, latestKey, fewest, condition) {
    // structs compare field by field: the count (negated for the fewest), then the key
    return `max_by(${value}, ${caseWhen(`struct(${fewest ? `-(${count})` : count}, ${latestKey})`, condition)})`;
  },
  orderKey(ts, id) {
    return `concat(lpad(cast(unix_micros(${ts}) as string), 20, '0'), '|', ${id})`;
  },
  formatTimestamp(ts) {
    // hooks may run on a connection whose time zone is not UTC: convert explicitly
    return `date_format(convert_timezone(current_timezone(), 'UTC', ${ts}), 'yyyy-MM-dd HH:mm:ss.SSSSSS')`;
  },
  dateLiteral(isoDate) {
    return `date ${this.stringLiteral(isoDate)}`;
  },
  sortedDistinctList(text, listType, condition) {
    const element = this.listElement(text, listType);
    const sorted = `array_sort(collect_set(${element})${filterClause(condition, `${text} is not null`)})`;
    return `case when size(${sorted}) > 0 then ${sorted} end`;
  },

  isDistinctFrom(a, b, type) {
    // maps have no equality in Spark SQL: compare their entries, sorted (the same map, the same array)
    if (type === 'dict') return `not (array_sort(map_entries(${a})) <=> array_sort(map_entries(${b})))`;
    return `not (${a} <=> ${b})`;
  },
  firstPerPartition(relation, partitionBy, orderBy) {
    return `select * from (select *, row_number() over (partition by ${partitionBy} order by ${orderBy}) as first_copy_rank from ${relation}) where first_copy_rank = 1`;
  },
  storageOrder() {
    // liquid clustering
    return '';
  },
  deleteBelowLimit(target, condition, column, limits, limitColumn) {
    // open-source Delta has no subquery in a DELETE's condition: a MERGE with the one-row limits deletes the same rows
    const on = [condition, `${column} < limits.${limitColumn}`].filter((c) => c && c !== 'true').join(' and ');
    return `merge into ${target} using (select ${limitColumn} from ${limits}) as limits on ${on} when matched then delete`;
  },
};
