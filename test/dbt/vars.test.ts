/** The generated project's dbt variables: every type, range and date checked before dbt runs. */
import { checkVarOverrides, DEFAULT_VARS, isCalendarDate, resolveVars } from '../../src/dbt/vars';

const problemOf = (overrides: Record<string, unknown>) => {
  try {
    checkVarOverrides(overrides);
  } catch (error) {
    return (error as Error).message;
  }
  return null;
};

describe('dbt variables', () => {
  test('defaults resolve unchanged', () => {
    expect(resolveVars()).toEqual(DEFAULT_VARS);
  });

  test('snowplow__mock_current_day and snowplow__start_date must be real calendar dates', () => {
    expect(problemOf({ snowplow__mock_current_day: '2025-02-30' })).toContain(
      'snowplow__mock_current_day: "2025-02-30" is not a calendar date YYYY-MM-DD',
    );
    expect(problemOf({ snowplow__start_date: '2025-13-01' })).toContain('snowplow__start_date: "2025-13-01" is not a calendar date');
    expect(problemOf({ snowplow__start_date: '2025-02-29' })).toContain('is not a calendar date');
    expect(problemOf({ snowplow__start_date: '2024-02-29', snowplow__mock_current_day: null })).toBeNull();
    expect(isCalendarDate('2000-02-29')).toBe(true);
    expect(isCalendarDate('1900-02-29')).toBe(false);
  });

  test('day counts are whole numbers within their range', () => {
    expect(problemOf({ snowplow__backfill_limit_days: 0 })).toContain('snowplow__backfill_limit_days: must be at least 1');
    expect(problemOf({ snowplow__backfill_limit_days: 99999999 })).toContain('must be at most 36500 days');
    expect(problemOf({ snowplow__late_event_lookback_days: 1.5 })).toContain(
      'snowplow__late_event_lookback_days: must be a whole number of days',
    );
    expect(problemOf({ snowplow__upsert_lookback_days: -1 })).toContain('snowplow__upsert_lookback_days: must be at least 0');
    expect(problemOf({ snowplow__min_late_events_to_process: 2 ** 31 })).toContain('snowplow__min_late_events_to_process');
  });

  test('names used as SQL identifiers admit no quote, space or brace', () => {
    for (const bad of ["atomic'; drop table x; --", 'a b', '{{ x }}', 'a"b']) {
      expect(problemOf({ snowplow__atomic_schema: bad })).toContain('snowplow__atomic_schema: must be an identifier');
      expect(problemOf({ snowplow__events_table: bad })).toContain('snowplow__events_table: must be an identifier');
    }
    expect(problemOf({ snowplow__database: 'my-gcp-project' })).toBeNull();
    expect(problemOf({ snowplow__database: "x'y" })).toContain('snowplow__database');
  });

  test('app ids are non-empty strings without NUL', () => {
    expect(problemOf({ snowplow__app_id: 'web' })).toBeNull();
    expect(problemOf({ snowplow__app_id: ['web', ''] })).toContain('an app id must not be empty');
    expect(problemOf({ snowplow__app_id: 'a\u0000' })).toContain('snowplow__app_id');
    expect(resolveVars({ snowplow__app_id: '' }).snowplow__app_id).toEqual([]);
  });

  test('an unknown variable names the nearest one', () => {
    expect(problemOf({ snowplow__strat_date: '2025-01-01' })).toBe(
      'invalid dbt variables: unknown variable "snowplow__strat_date" (did you mean "snowplow__start_date"?)',
    );
  });
});
