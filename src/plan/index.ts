/** The plan: a view compiled into warehouse-neutral structure (sources, matching, partials). */
export * from './types';
export { planView } from './planView';
export { schemaColumnStem, parsePath } from './sources';
export { DAILY_PARTS, VALUE_SET_AGGREGATIONS } from './partials';
