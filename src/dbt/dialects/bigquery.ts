/**
 * BigQuery: self-describing events are RECORD columns and entities REPEATED RECORD columns with
 * snake_case fields, read with SAFE_OFFSET (an empty array gives NULL, not an error). Tables
 * migrated from the 1.x loader keep one column per full version (`..._1_0_0`, `..._1_0_1`) beside
 * the major-version column: a field is coalesced over every column that has it, newest first.
 * No DELETE+INSERT or APPEND strategy: writes are MERGEs (without a key, a MERGE only inserts).
 * State is partitioned by event date and clustered by key, so merges and reads prune.
 */
import type { AttributeType, DatePart } from '../../definition';
import { elementType, isListType } from '../../definition';
import type { LeafSource } from '../../plan';
import { conversions, scalarLiteral, scalarTypes, snakeCaseField, standardStatements, uniqueKey, type Dialect } from './dialect';

const RESERVED = new Set(
  `all and any array as asc assert_rows_modified at between by case cast collate contains create cross cube current default
define desc distinct else end enum escape except exclude exists extract false fetch following for from full group grouping
groups hash having if ignore in inner intersect interval into is join lateral left like limit lookup merge natural new no
not null nulls of on or order outer over partition preceding proto qualify range recursive respect right rollup rows
select set some struct tablesample then to treat true unbounded union unnest using when where window with within`.split(/\s+/),
);

const SCALAR_TYPES = scalarTypes({
  string: 'string',
  int32: 'int64',
  int64: 'int64',
  double: 'float64',
  float: 'float64',
  bool: 'bool',
  timestamp: 'timestamp',
  dict: 'json',
});

const CONVERSIONS = conversions(SCALAR_TYPES, {
  decimal: 'numeric',
  tryCast: 'safe_cast',
  epochSeconds: (ts) => `(unix_micros(${ts}) / 1000000)`,
  booleanAsNumber: (expr) => `if(${expr}, 1, 0)`,
});

/** `if(<all conditions>, <value>, null)`, or the value when no condition says anything. */
function when(value: string, ...conditions: string[]): string {
  const useful = conditions.filter((c) => c && c !== 'true');
  return useful.length === 0 ? value : `if(${useful.join(' and ')}, ${value}, null)`;
}

/** `[safe_offset(0)].items[safe_offset(1)].sku` below a column; field names as the loader writes them. */
function recordPath(index: number | null, path: Array<string | number>): string {
  const head = index === null ? '' : `[safe_offset(${index})]`;
  return head + path.map((p) => (typeof p === 'number' ? `[safe_offset(${p})]` : `.${snakeCaseField(p)}`)).join('');
}

/** The dotted field names of a path (indices dropped), as nested records list them: `items.sku`. */
function fieldPath(path: Array<string | number>): string {
  return path
    .filter((p): p is string => typeof p === 'string')
    .map(snakeCaseField)
    .join('.');
}

/** Jinja: the columns holding one major version of a schema that have a field, newest version first. */
const VERSION_COLUMNS_MACRO = `
{#- BigQuery: the columns holding one major version of a schema (the 2.x loader's major-version
    column, and the 1.x loader's full-version columns) that have the field, newest version first. -#}
{% macro signals_batch_bigquery_versions(columns, stem, field) %}
  {% set found = [] %}
  {% for column in columns %}
    {% set version = modules.re.match('^' ~ stem ~ '(?:_([0-9]+)_([0-9]+))?$', column) %}
    {% if version and (column ~ '.' ~ field) in columns %}
      {% set order = '999999.999999' if version.group(1) is none else '%06d.%06d' | format(version.group(1) | int, version.group(2) | int) %}
      {% do found.append({'column': column, 'order': order}) %}
    {% endif %}
  {% endfor %}
  {{ return(found | sort(attribute='order', reverse=true) | map(attribute='column') | list) }}
{% endmacro %}`;

export const bigquery: Dialect = {
  ...standardStatements,
  ...CONVERSIONS,
  target: 'bigquery',
  runnable: true,
  textType: 'string',
  timestampType: 'timestamp',
  unionDistinct: 'union distinct',

  modelConfig(spec) {
    const lines = [`    incremental_strategy='merge',`];
    if (spec.write === 'upsert') lines.push(`    unique_key=${uniqueKey(spec.uniqueKey ?? [])},`);
    if (spec.dateColumn) lines.push(`    partition_by={'field': '${spec.dateColumn}', 'data_type': 'date', 'granularity': 'day'},`);
    if (spec.keyColumn) lines.push(`    cluster_by=['${spec.keyColumn}'],`);
    return lines.join('\n');
  },
  macros() {
    return VERSION_COLUMNS_MACRO;
  },
  projectConfig(project) {
    // table labels; label values are lower-case letters, digits, _ and -, at most 63 characters
    return [
      `+labels: {signals_batch: '${project
        .toLowerCase()
        .replace(/[^a-z0-9_-]/g, '_')
        .slice(0, 63)}'}`,
    ];
  },

  ident(name) {
    return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !RESERVED.has(name.toLowerCase())
      ? name
      : `\`${name.replace(/\\/g, '\\\\').replace(/`/g, '\\`')}\``;
  },
  stringLiteral(value) {
    return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r')}'`;
  },
  jinjaStringLiteral(name) {
    return `'{{ ${name} | string | replace("\\\\", "\\\\\\\\") | replace("'", "\\\\'") | replace("\\n", "\\\\n") | replace("\\r", "\\\\r") }}'`;
  },

  leafValue(source: LeafSource, alias) {
    if (source.origin === 'atomic') return `${alias}.${this.ident(source.column)}`;
    // column names are [a-z0-9_] (the loaders' naming) and so are the snake_case field names
    const access = recordPath(source.index, source.path);
    const field = fieldPath(source.path);
    return (
      `{% set sb_versions = signals_batch_bigquery_versions(columns, '${source.column}', '${field}') %}` +
      `{% if sb_versions %}coalesce({% for c in sb_versions %}{{ ', ' if not loop.first }}cast(${alias}.{{ c }}${access} as string){% endfor %})` +
      `{% else %}cast(null as string){% endif %}`
    );
  },
  asTimestamp(expr, kind) {
    if (kind === 'timestamp') return expr;
    if (kind === 'date') return `timestamp(${expr})`;
    if (kind === 'number') return `timestamp_micros(cast(${expr} * 1000000 as int64))`;
    // text with an offset or Z is converted; text without one is taken as UTC
    return `safe_cast(${this.asString(expr, kind)} as timestamp)`;
  },
  datePart(ts, part: DatePart) {
    switch (part) {
      case 'hour_of_day':
        return `extract(hour from ${ts})`;
      case 'day_of_week':
        // dayofweek counts from Sunday (1); ISO counts from Monday
        return `mod(extract(dayofweek from ${ts}) + 5, 7) + 1`;
      case 'month_of_year':
        return `extract(month from ${ts})`;
      case 'active_day':
        return `date(${ts})`;
      case 'active_week':
        return `date_trunc(date(${ts}), isoweek)`;
      case 'active_month':
        return `date_trunc(date(${ts}), month)`;
    }
  },
  concatNonNull(texts, separator) {
    return `case when coalesce(${texts.join(', ')}) is null then null else array_to_string(array(select part from unnest([${texts.join(', ')}]) as part where part is not null), ${separator}) end`;
  },
  fromValueText(text, type) {
    // a value's text converts as a list element of its type does
    return SCALAR_TYPES[type] === 'timestamp' ? `safe_cast(${text} as timestamp)` : this.listElement(text, type);
  },
  secondsBetween(from, to) {
    return `(timestamp_diff(${to}, ${from}, microsecond) / 1000000)`;
  },
  timestampFromDate(date) {
    return `timestamp(${date})`;
  },
  countsByValue(value, count, condition) {
    return `if(countif(${condition}) = 0, null, json_object(array_agg(${when(value, condition)} ignore nulls order by ${value}), array_agg(${when(`cast(${count} as int64)`, condition)} ignore nulls order by ${value})))`;
  },
  castToAttributeType(expr, type: AttributeType) {
    const scalar = SCALAR_TYPES[elementType(type)];
    if (!isListType(type)) return `cast(${expr} as ${scalar})`;
    return `array(select cast(element as ${scalar}) from unnest(${expr}) as element with offset as position order by position)`;
  },
  typedLiteral(value, type) {
    const one = (v: unknown) => scalarLiteral(this, v);
    if (!Array.isArray(value)) return this.castToAttributeType(one(value), type);
    return this.castToAttributeType(`array<${SCALAR_TYPES[elementType(type)]}>[${value.map(one).join(', ')}]`, type);
  },

  dateOf(ts) {
    return `date(${ts})`;
  },
  dateFromText(text) {
    return `cast(${text} as date)`;
  },
  timestampFromText(text) {
    return `cast(${text} as timestamp)`;
  },
  addDays(date, days) {
    return `date_add(${date}, interval ${days} day)`;
  },
  addDaysToTimestamp(ts, days) {
    return `timestamp_add(${ts}, interval ${days} day)`;
  },
  daysBetween(from, to) {
    return `date_diff(${to}, ${from}, day)`;
  },
  currentDateUtc() {
    return `current_date('UTC')`;
  },
  currentTimestampUtc() {
    return `current_timestamp()`;
  },
  justBefore(ts) {
    return `timestamp_sub(${ts}, interval 1 microsecond)`;
  },

  countIf(condition) {
    return condition === 'true' ? 'count(*)' : `countif(${condition})`;
  },
  filtered(aggregate, argument, condition) {
    return `${aggregate}(${when(argument, condition)})`;
  },
  valueAtMin(value, key, condition) {
    return `array_agg(${when(value, condition)} ignore nulls order by ${key} limit 1)[safe_offset(0)]`;
  },
  valueAtMax(value, key, condition) {
    return `array_agg(${when(value, condition)} ignore nulls order by ${key} desc limit 1)[safe_offset(0)]`;
  },
  valueByFrequency(value, count, latestKey, fewest, condition) {
    return `array_agg(${when(value, condition)} ignore nulls order by ${count} ${fewest ? 'asc' : 'desc'}, ${latestKey} desc limit 1)[safe_offset(0)]`;
  },
  orderKey(ts, id) {
    return `concat(lpad(cast(unix_micros(${ts}) as string), 20, '0'), '|', ${id})`;
  },
  formatTimestamp(ts) {
    return `format_timestamp('%Y-%m-%d %H:%M:%E6S', ${ts}, 'UTC')`;
  },
  dateLiteral(isoDate) {
    return `date ${this.stringLiteral(isoDate)}`;
  },
  sortedDistinctList(text, listType, condition) {
    const element = this.listElement(text, listType);
    const kept = when(element, condition, `${text} is not null`);
    // BigQuery stores an empty array for NULL: "none" reads back as []
    return `array_agg(distinct ${kept} ignore nulls order by ${kept})`;
  },

  isDistinctFrom(a, b) {
    // arrays and JSON have no equality in BigQuery; their JSON text does. Each value is wrapped in
    // a struct ({"v":null} for NULL): crucible-emulator cannot take the JSON text of a bare string
    return `to_json_string(struct(${a} as v)) != to_json_string(struct(${b} as v))`;
  },
  firstPerPartition(relation, partitionBy, orderBy) {
    // QUALIFY needs a WHERE, GROUP BY or HAVING clause in BigQuery
    return `select * from ${relation} where true qualify row_number() over (partition by ${partitionBy} order by ${orderBy}) = 1`;
  },
  storageOrder() {
    // partitioned by date
    return '';
  },
};
