{{
  config(
    materialized='table',
    schema='scratch',
    tags=['signals_batch', 'this_run'],
  )
}}
{#- The load-time window this run processes: (lower_limit, upper_limit] of load_tstamp. -#}
{%- set manifest = none if signals_batch_is_refresh() else signals_batch_existing_relation('<$ p $>_incremental_manifest') %}

with

previous_runs as (
{%- if manifest %}
    select
        max(processed_through) as processed_through,
        max(run_started_at) as previous_run_started_at,
        -- the latest run's window end, not the largest: the current day may move backwards
        -- (snowplow__mock_current_day), and windows must move back with it
        (
            select latest.window_end
            from {{ manifest }} as latest
            order by latest.run_started_at desc
            limit 1
        ) as previous_window_end
    from {{ manifest }}
{%- else %}
    -- first run, or a full refresh: nothing processed yet
    select
        cast(null as timestamp) as processed_through,
        cast(null as timestamp) as previous_run_started_at,
        cast(null as date) as previous_window_end
{%- endif %}
),

lower_bound as (
    select
        coalesce(processed_through, <$ d.justBefore('signals_batch_start_date()' | jinjaExpr) $>) as lower_limit,
        previous_run_started_at,
        previous_window_end
    from previous_runs
),

-- the newest event loaded since then (null when nothing new arrived)
newest_load as (
    select max(events.load_tstamp) as newest_load_tstamp
    from {{ source('atomic', 'events') }} as events
    inner join lower_bound
        on events.load_tstamp > lower_bound.lower_limit
    where true {{ signals_batch_app_filter('events') }}
),

-- at most snowplow__backfill_limit_days of load time per run, never past now
upper_bound as (
    select
        case
            when newest_load.newest_load_tstamp is null then null
            else least(
                newest_load.newest_load_tstamp,
                <$ d.addDaysToTimestamp('lower_bound.lower_limit', "var('snowplow__backfill_limit_days')" | jinjaExpr) $>,
                <$ d.currentTimestampUtc() $>
            )
        end as upper_limit,
        newest_load.newest_load_tstamp
    from newest_load
    cross join lower_bound
)

select
    lower_bound.lower_limit,
    upper_bound.upper_limit,
    upper_bound.newest_load_tstamp,
    {{ signals_batch_current_day() }} as current_day,
    {{ signals_batch_window_end() }} as window_end,
    lower_bound.previous_window_end,
    lower_bound.previous_run_started_at,
    {{ signals_batch_run_timestamp() }} as run_started_at
from lower_bound
cross join upper_bound
