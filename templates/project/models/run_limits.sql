{{ config(materialized='table') }}
{#-
  What this run processes: the load-time window (lower_limit, upper_limit], the day windows end
  at, and the rollup boundary. An interrupted run that did not commit is resumed with its own
  limits (same run_id), so every model that already finished for it can tell, and a rerun gives
  exactly what the uninterrupted run would have.
-#}
{%- set refresh = signals_batch_is_refresh() %}
{%- set manifest = none if refresh else signals_batch_existing_relation('<$ project $>_incremental_manifest') %}
{%- set attempt = none if refresh else signals_batch_existing_relation('<$ project $>_run_limits') %}

with

-- the last committed run (none yet on the first run or after a full refresh)
committed as (
{%- if manifest %}
    select
        latest.run_id,
        latest.processed_through,
        latest.window_end,
        latest.rollup_before
    from (select max(run_id) as run_id from {{ manifest }}) as newest
    left join {{ manifest }} as latest
        on latest.run_id = newest.run_id
{%- else %}
    select
        cast(null as <$ dialect.timestampType $>) as run_id,
        cast(null as <$ dialect.timestampType $>) as processed_through,
        cast(null as date) as window_end,
        cast(null as date) as rollup_before
{%- endif %}
),

lower_bound as (
    select
        coalesce(committed.processed_through, <$ dialect.justBefore('signals_batch_start_date()' | jinjaExpr) $>) as lower_limit,
        committed.run_id as committed_run_id,
        committed.window_end as previous_window_end,
        committed.rollup_before as previous_rollup_before
    from committed
),

-- a run that started from the same committed state and did not commit: resume it as it was
interrupted_attempt as (
{%- if attempt %}
    select attempt.*
    from {{ attempt }} as attempt
    inner join lower_bound
        on attempt.lower_limit = lower_bound.lower_limit
    where lower_bound.committed_run_id is null
        or attempt.run_id > lower_bound.committed_run_id
{%- else %}
    select *
    from (
        select
            cast(null as <$ dialect.timestampType $>) as run_id,
            cast(null as <$ dialect.timestampType $>) as lower_limit,
            cast(null as <$ dialect.timestampType $>) as upper_limit,
            cast(null as <$ dialect.timestampType $>) as newest_load_tstamp,
            cast(null as date) as current_day,
            cast(null as date) as window_end,
            cast(null as date) as previous_window_end,
            cast(null as date) as rollup_before,
            cast(null as date) as previous_rollup_before
    ) as nothing
    where false
{%- endif %}
),

-- the newest event loaded since then (null when nothing new arrived)
newest_load as (
    select max(events.load_tstamp) as newest_load_tstamp
    from {{ source('atomic', 'events') }} as events
    inner join lower_bound
        on events.load_tstamp > lower_bound.lower_limit
    where true {{ signals_batch_app_filter('events') }}
),

new_attempt as (
    select
        {{ signals_batch_run_timestamp() }} as run_id,
        lower_bound.lower_limit,
        -- at most snowplow__backfill_limit_days of load time per run, never past now
        case
            when newest_load.newest_load_tstamp is null then null
            else least(
                newest_load.newest_load_tstamp,
                <$ dialect.addDaysToTimestamp('lower_bound.lower_limit', "var('snowplow__backfill_limit_days')" | jinjaExpr) $>,
                <$ dialect.currentTimestampUtc() $>
            )
        end as upper_limit,
        newest_load.newest_load_tstamp,
        {{ signals_batch_current_day() }} as current_day,
        {{ signals_batch_window_end() }} as window_end,
        lower_bound.previous_window_end,
        lower_bound.previous_rollup_before
    from lower_bound
    cross join newest_load
)

select
    run_id,
    lower_limit,
    upper_limit,
    newest_load_tstamp,
    current_day,
    window_end,
    previous_window_end,
    rollup_before,
    previous_rollup_before
from interrupted_attempt

union all

select
    new_attempt.run_id,
    new_attempt.lower_limit,
    new_attempt.upper_limit,
    new_attempt.newest_load_tstamp,
    new_attempt.current_day,
    new_attempt.window_end,
    new_attempt.previous_window_end,
    -- days before this boundary are outside every window (with snowplow__late_event_lookback_days
    -- of slack for the current day moving back): they live in each key's rollup row, and the
    -- boundary never moves back
    case
        when new_attempt.previous_rollup_before is null
            or <$ rollupCandidate $> > new_attempt.previous_rollup_before
            then <$ rollupCandidate $>
        else new_attempt.previous_rollup_before
    end as rollup_before,
    new_attempt.previous_rollup_before
from new_attempt
where not exists (select 1 from interrupted_attempt)
