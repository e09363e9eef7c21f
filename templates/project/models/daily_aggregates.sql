{{
  config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='event_date',
    schema='derived',
    full_refresh=signals_batch_full_refresh_config(),
    tags=['signals_batch', 'derived'],
  )
}}
{#- Partial aggregates per key and event date; a recomputed date is rebuilt whole from filtered_events. -#}

with

dates_to_recompute as (
    select event_date
    from {{ ref('<$ p $>_days_to_process') }}
    where is_processed
),

events_of_those_dates as (
    select stored.*
    from {{ ref('<$ p $>_filtered_events') }} as stored
    inner join dates_to_recompute
        on stored.event_date = dates_to_recompute.event_date
),

-- per event: does it count for each attribute, and with which value
attribute_inputs as (
    select
        events.key_value,
        events.event_date,
        events.derived_tstamp,
        events.event_id
<%- for a in attributes %>,
        -- <$ a.name $>
        <$ a.match | indent(8) $>
            as <$ a.matchColumn $>
<%- if a.value %>,
        <$ a.value $> as <$ a.valueColumn $>
<%- endif %>
<%- endfor %>
    from events_of_those_dates as events
)

select
    key_value,
    event_date
<%- for a in attributes %>
<%- for c in a.daily %>,
    <$ c.sql $> as <$ c.name $>
<%- endfor %>
<%- endfor %>
from attribute_inputs
group by key_value, event_date
