{{
  config(
    materialized='incremental',
<$ d.modelConfig({ role: 'state', write: 'upsert', uniqueKey: ['key_value', 'event_date'], dateColumn: 'event_date', keyColumn: 'key_value' }) $>
    schema='derived',
    full_refresh=signals_batch_full_refresh_config(),
    tags=['signals_batch', 'derived'],
  )
}}
{#- Partial aggregates per key and event date; a pair to rebuild is recomputed from all its events in filtered_events. -#}

with

events_of_those_key_dates as (
    select stored.*
    from {{ ref('<$ p $>_filtered_events') }} as stored
    inner join {{ ref('<$ p $>_key_dates_to_process') }} as to_rebuild
        on stored.event_date = to_rebuild.event_date
        and stored.key_value = to_rebuild.key_value
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
    from events_of_those_key_dates as events
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
