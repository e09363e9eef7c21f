/**
 * What each aggregation keeps per (key, day) so that days combine exactly: scalar partials, or
 * per-value rows (value, events, latest event) for the aggregations over distinct values.
 */
import { elementType, type Aggregation, type AttributeType } from '../definition';
import type { DailyPart, ValueType } from './types';

export const DAILY_PARTS: Record<Aggregation, DailyPart[]> = {
  counter: ['count'],
  sum: ['sum'],
  mean: ['sum', 'n'],
  min: ['min'],
  max: ['max'],
  first: ['first', 'first_key'],
  last: ['last', 'last_key'],
  unique_list: [],
  most_frequent: [],
  least_frequent: [],
  category_count: [],
  approx_count_distinct: [],
  time_since_last: ['latest'],
  time_since_first: ['earliest'],
};

/** Aggregations whose partials are per-value rows. */
export const VALUE_SET_AGGREGATIONS: ReadonlySet<Aggregation> = new Set([
  'unique_list',
  'most_frequent',
  'least_frequent',
  'category_count',
  'approx_count_distinct',
]);

/**
 * The type values are kept in: the declared (element) type for aggregations that return a value,
 * text for those that count or name distinct values.
 */
export function valueTypeOf(aggregation: Aggregation, type: AttributeType): ValueType {
  if (aggregation === 'category_count' || aggregation === 'approx_count_distinct') return 'string';
  const t = elementType(type);
  if (t === 'string' || t === 'bytes' || t === 'dict') return 'string';
  if (t === 'bool') return 'boolean';
  if (t === 'timestamp') return 'timestamp';
  return 'number';
}
