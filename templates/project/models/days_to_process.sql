{{
  config(
    materialized='table',
    schema='scratch',
    tags=['signals_batch', 'this_run'],
  )
}}
{#-
  The event dates this run touched, and whether each is recomputed now. A date with an event
  loaded within snowplow__late_event_lookback_days of it is always recomputed; a date with only
  late events waits until snowplow__min_late_events_to_process of them are pending.
-#}
{%- set daily_manifest = none if signals_batch_is_refresh() else signals_batch_existing_relation('<$ p $>_daily_aggregation_manifest') %}
-- depends_on: {{ ref('<$ p $>_run_limits') }}

with

new_events_by_date as (
    select
        event_date,
        count(*) as new_events,
        <$ d.countIf(d.daysBetween('event_date', d.dateOf('load_tstamp')) + " <= {{ var('snowplow__late_event_lookback_days') }}") $> as on_time_events
    from {{ ref('<$ p $>_events_this_run') }}
    group by event_date
),

last_recomputed as (
{%- if daily_manifest %}
    select
        manifest.event_date,
        -- a row past the last finished round comes from a round killed before incremental_manifest:
        -- this rerun redoes that round, so the date is rebuilt from all its events
        case
            when manifest.recomputed_through <= run_limits.lower_limit then manifest.recomputed_through
        end as recomputed_through
    from {{ daily_manifest }} as manifest
    cross join {{ ref('<$ p $>_run_limits') }} as run_limits
    where manifest.event_date in (select event_date from new_events_by_date)
{%- else %}
    select cast(null as date) as event_date, cast(null as timestamp) as recomputed_through
    where false
{%- endif %}
),

-- events of each touched date loaded since the date was last recomputed (this run's included)
pending as (
    select
        stored.event_date,
        count(*) as pending_events
    from {{ ref('<$ p $>_filtered_events') }} as stored
    inner join new_events_by_date
        on stored.event_date = new_events_by_date.event_date
    left join last_recomputed
        on stored.event_date = last_recomputed.event_date
    where last_recomputed.recomputed_through is null
        or stored.load_tstamp > last_recomputed.recomputed_through
    group by stored.event_date
)

select
    new_events_by_date.event_date,
    new_events_by_date.new_events,
    new_events_by_date.on_time_events,
    coalesce(pending.pending_events, 0) as pending_events,
    last_recomputed.recomputed_through as previously_recomputed_through,
    (
        {{ 'true' if signals_batch_is_refresh() else 'false' }}
        or new_events_by_date.on_time_events > 0
        or coalesce(pending.pending_events, 0) >= {{ var('snowplow__min_late_events_to_process') }}
    ) as is_processed
from new_events_by_date
left join pending
    on new_events_by_date.event_date = pending.event_date
left join last_recomputed
    on new_events_by_date.event_date = last_recomputed.event_date
