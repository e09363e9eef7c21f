{{ config(materialized='table') }}
{#-
  This run's new events that the view counts: deduplicated (the first loaded copy of an event_id
  wins, across runs too), in scope, and reduced to what the partials need: for each attribute,
  whether the event counts and its value (one column for attributes that share the expression).
-#}
{%- set columns = signals_batch_source_columns() %}

with

run_limits as (
    select lower_limit, upper_limit
    from {{ ref('<$ project $>_run_limits') }}
),

-- every event loaded in the window, of any type: the first copy of an event_id wins whatever it is
loaded_this_run as (
    select
        events.event_id,
        events.load_tstamp,
        events.dvce_created_tstamp,
        events.derived_tstamp,
        events.event_vendor,
        events.event_name,
        events.event_version,
        <$ keyValue $> as key_value
<%- for s in sources %>,
        <$ s.sql $> as <$ s.alias $>
<%- endfor %>
    from {{ source('atomic', 'events') }} as events
    inner join run_limits
        on events.load_tstamp > run_limits.lower_limit
        and events.load_tstamp <= run_limits.upper_limit
    where true {{ signals_batch_app_filter('events') }}
),

first_copies as (
    <$ dialect.firstPerPartition('loaded_this_run', 'event_id', 'load_tstamp, dvce_created_tstamp') $>
),

relevant as (
    select *
    from first_copies as events
    where
        -- events of the view's attributes
        <$ eventMatch | indent(8) $>
        -- with a key
        and events.key_value is not null
        and events.key_value <> ''
        -- on or after the start date
        and events.derived_tstamp >= {{ signals_batch_start_date() }}
),

-- ids an earlier run already loaded (within snowplow__upsert_lookback_days): those copies came first
loaded_before as (
    select distinct earlier.event_id
    from {{ source('atomic', 'events') }} as earlier
    inner join run_limits
        on earlier.load_tstamp <= run_limits.lower_limit
        and earlier.load_tstamp > <$ dialect.addDaysToTimestamp('run_limits.lower_limit', "-var('snowplow__upsert_lookback_days')" | jinjaExpr) $>
    where earlier.event_id in (select event_id from relevant) {{ signals_batch_app_filter('earlier') }}
),

new_events as (
    select relevant.*
    from relevant
    where relevant.event_id not in (select event_id from loaded_before)
)

select
    events.event_id,
    events.key_value,
    <$ dialect.dateOf('events.derived_tstamp') $> as event_date,
    events.derived_tstamp,
    events.load_tstamp,
    <$ dialect.daysBetween(dialect.dateOf('events.derived_tstamp'), dialect.dateOf('events.load_tstamp')) $> as load_delay_days
<%- for c in eventAttributeColumns %>,
    -- <$ c.usedBy | join(', ') $>
    <$ c.sql | indent(4) $>
        as <$ c.column $>
<%- endfor %>
from new_events as events
