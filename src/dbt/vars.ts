/**
 * The generated project's dbt variables: every one documented in dbt_project.yml and live in
 * the SQL. Options may override defaults; unknown names and wrong types are rejected.
 */
import { z } from 'zod';
import { jinjaInert } from './dialects/dialect';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const days = (min: number) => z.number().int().min(min);

export const varsSchema = z
  .object({
    snowplow__start_date: z.string().regex(DATE, 'must be a date YYYY-MM-DD'),
    snowplow__app_id: z.union([z.string(), z.array(z.string())]).transform((v) => (typeof v === 'string' ? (v ? [v] : []) : v)),
    snowplow__backfill_limit_days: days(1),
    snowplow__late_event_lookback_days: days(0),
    snowplow__min_late_events_to_process: days(1),
    snowplow__allow_refresh: z.boolean(),
    snowplow__dev_target_name: z.string().min(1),
    snowplow__databricks_catalog: z.string().min(1),
    snowplow__atomic_schema: z.string().min(1),
    snowplow__database: z.string().nullable(),
    snowplow__events_table: z.string().min(1),
    snowplow__mock_current_day: z.string().regex(DATE, 'must be a date YYYY-MM-DD').nullable(),
    snowplow__include_current_day_in_windows: z.boolean(),
    snowplow__upsert_lookback_days: days(0),
  })
  .strict();

export type ProjectVars = z.infer<typeof varsSchema>;

export const DEFAULT_VARS: ProjectVars = {
  snowplow__start_date: '2025-01-01',
  snowplow__app_id: [],
  // The reference's 1 day means hundreds of runs per year of history; a month per run is still bounded.
  snowplow__backfill_limit_days: 30,
  snowplow__late_event_lookback_days: 5,
  snowplow__min_late_events_to_process: 1,
  snowplow__allow_refresh: false,
  snowplow__dev_target_name: 'dev',
  snowplow__databricks_catalog: 'hive_metastore',
  snowplow__atomic_schema: 'atomic',
  snowplow__database: null,
  snowplow__events_table: 'events',
  snowplow__mock_current_day: null,
  snowplow__include_current_day_in_windows: false,
  snowplow__upsert_lookback_days: 30,
};

/** Defaults overlaid with `overrides`; throws an error naming each bad variable. */
export function resolveVars(overrides: Record<string, unknown> = {}): ProjectVars {
  const parsed = varsSchema.safeParse({ ...DEFAULT_VARS, ...overrides });
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) =>
      i.code === 'unrecognized_keys' ? `unknown variable(s) ${i.keys.join(', ')}` : `${i.path.join('.')}: ${i.message}`,
    );
    throw new Error(`invalid dbt variables: ${lines.join('; ')}`);
  }
  return parsed.data;
}

/**
 * Variables as handed to dbt (dbt_project.yml and `--vars`). dbt renders a top-level string value
 * as Jinja when `var()` reads it, so each string is made inert to keep it data; list items are not
 * rendered by dbt and pass as they are.
 */
export function varsForDbt<T extends Record<string, unknown>>(vars: T): T {
  return Object.fromEntries(Object.entries(vars).map(([name, value]) => [name, typeof value === 'string' ? jinjaInert(value) : value])) as T;
}
