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
};

/** `Number of matching events, last 7 days (int64). <the view's description>` */
export function describeAttribute(a: PlannedAttribute): string {
  const window = a.periodDays === null ? 'all time' : `last ${a.periodDays} day${a.periodDays === 1 ? '' : 's'}`;
  const fallback = a.defaultValue === null ? '' : `; ${JSON.stringify(a.defaultValue)} when none`;
  const own = a.description ? ` ${a.description}` : '';
  return `${WHAT[a.aggregation]}, ${window} (${a.type}${fallback}).${own}`;
}
