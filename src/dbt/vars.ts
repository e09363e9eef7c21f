/**
 * The generated project's dbt variables: every one documented in dbt_project.yml and live in
 * the SQL. Options may override defaults; unknown names, wrong types, impossible dates and
 * out-of-range numbers are rejected before anything runs.
 */
import { z } from 'zod';
import { MAX_PERIOD_DAYS, strictObject } from '../definition';
import { jinjaInert } from './dialects/dialect';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** `YYYY-MM-DD` naming a real calendar day (`2025-02-30` is not one). */
export function isCalendarDate(text: string): boolean {
  if (!DATE.test(text)) return false;
  const [year, month, day] = text.split('-').map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  return year >= 1 && date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

const calendarDate = z
  .string({ error: 'must be a date string YYYY-MM-DD' })
  .refine(isCalendarDate, { error: (issue) => `${JSON.stringify(issue.input)} is not a calendar date YYYY-MM-DD` });

const days = (min: number) =>
  z
    .number({ error: 'must be a whole number of days' })
    .int('must be a whole number of days')
    .min(min, `must be at least ${min}`)
    .max(MAX_PERIOD_DAYS, `must be at most ${MAX_PERIOD_DAYS} days (100 years)`);

/** Names that land in SQL as identifiers (schemas, tables, catalogs, dbt targets). */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const identifier = z
  .string({ error: 'must be a string' })
  .regex(IDENTIFIER, 'must be an identifier: a letter or _, then letters, digits, _ (at most 128)');
/** A database: also a DuckDB file stem or a BigQuery project id, so hyphens are allowed. */
const DATABASE = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,127}$/;

const appId = z
  .string({ error: 'app ids must be strings' })
  .min(1, 'an app id must not be empty')
  .max(255, 'an app id is at most 255 characters')
  .refine((id) => !id.includes('\u0000'), 'an app id must not contain a NUL character');

export const varsSchema = strictObject(
  {
    snowplow__start_date: calendarDate,
    snowplow__app_id: z
      .union([z.literal(''), appId, z.array(appId)], { error: 'must be an app id or a list of app ids' })
      .transform((v) => (typeof v === 'string' ? (v ? [v] : []) : v)),
    snowplow__backfill_limit_days: days(1),
    snowplow__late_event_lookback_days: days(0),
    snowplow__min_late_events_to_process: z
      .number({ error: 'must be a whole number' })
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(2 ** 31 - 1),
    snowplow__allow_refresh: z.boolean({ error: 'must be true or false' }),
    snowplow__dev_target_name: identifier,
    snowplow__databricks_catalog: identifier,
    snowplow__atomic_schema: identifier,
    snowplow__database: z
      .string({ error: 'must be a string or null' })
      .regex(DATABASE, 'must be letters, digits, _ or - (at most 128)')
      .nullable(),
    snowplow__events_table: identifier,
    snowplow__mock_current_day: calendarDate.nullable(),
    snowplow__include_current_day_in_windows: z.boolean({ error: 'must be true or false' }),
    snowplow__upsert_lookback_days: days(0),
  },
  { noun: 'variable' },
);

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

/** Thrown for variables that would fail (or misbehave) only once dbt runs. */
export class InvalidVarsError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid dbt variables: ${problems.join('; ')}`);
    this.name = 'InvalidVarsError';
  }
}

function problemsOf(error: z.ZodError): string[] {
  return error.issues.map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message));
}

/** Defaults overlaid with `overrides`; throws `InvalidVarsError` naming each bad variable. */
export function resolveVars(overrides: Record<string, unknown> = {}): ProjectVars {
  const parsed = varsSchema.safeParse({ ...DEFAULT_VARS, ...overrides });
  if (!parsed.success) throw new InvalidVarsError(problemsOf(parsed.error));
  return parsed.data;
}

/** Checks per-run overrides (any subset of the variables); throws `InvalidVarsError`. */
export function checkVarOverrides(overrides: Record<string, unknown>): void {
  const parsed = varsSchema.partial().safeParse(overrides);
  if (!parsed.success) throw new InvalidVarsError(problemsOf(parsed.error));
}

/**
 * Variables as handed to dbt (dbt_project.yml and `--vars`). dbt renders a top-level string value
 * as Jinja when `var()` reads it, so each string is made inert to keep it data; list items are not
 * rendered by dbt and pass as they are.
 */
export function varsForDbt<T extends Record<string, unknown>>(vars: T): T {
  return Object.fromEntries(
    Object.entries(vars).map(([name, value]) => [name, typeof value === 'string' ? jinjaInert(value) : value]),
  ) as T;
}
