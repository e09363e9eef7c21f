/** Plain-words descriptions of attributes, for the generated project's model docs. */
import type { PlannedAttribute } from '../plan';

const WHAT: Record<PlannedAttribute['aggregation'], string> = {
  counter: 'Number of matching events',
  sum: 'Sum of the value over matching events',
  mean: 'Mean of the value over matching events',
  min: 'Smallest value of matching events',
  max: 'Largest value of matching events',
  first: 'First non-null value of matching events (by derived_tstamp, then event_id)',
  last: 'Last non-null value of matching events (by derived_tstamp, then event_id)',
  unique_list: 'Distinct non-null values of matching events, sorted',
  most_frequent: 'The non-null value of the most matching events (ties: the one seen last)',
  least_frequent: 'The non-null value of the fewest matching events (ties: the one seen last)',
  category_count: 'Each distinct non-null value with its number of matching events',
  approx_count_distinct: 'Number of distinct non-null values of matching events (exact)',
  time_since_last: 'Time from the latest matching event to the end of the window',
  time_since_first: 'Time from the earliest matching event to the end of the window',
};

/** `Number of matching events, last 7 days (int64). <the view's description>` */
export function describeAttribute(a: PlannedAttribute): string {
  const window = a.periodDays === null ? 'all time' : `last ${a.periodDays} day${a.periodDays === 1 ? '' : 's'}`;
  const fallback = a.defaultValue === null ? '' : `; ${JSON.stringify(a.defaultValue)} when none`;
  const own = a.description ? ` ${a.description}` : '';
  const unit = a.timeUnit === null ? '' : `, in ${a.timeUnit}`;
  return `${WHAT[a.aggregation]}${unit}, ${window} (${a.type}${fallback}).${own}`;
}
