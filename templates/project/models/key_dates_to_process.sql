{{
  config(
    materialized='table',
<$ d.modelConfig({ role: 'scratch' }) $>
    schema='scratch',
    tags=['signals_batch', 'this_run'],
  )
}}
{#-
  The (key, event date) pairs whose daily aggregates this run rebuilds: on each date chosen in
  days_to_process, only keys with events loaded since that date was last rebuilt can change.
-#}

with

dates_to_recompute as (
    select event_date, previously_recomputed_through
    from {{ ref('<$ p $>_days_to_process') }}
    where is_processed
)

select distinct
    stored.key_value,
    stored.event_date
from {{ ref('<$ p $>_filtered_events') }} as stored
inner join dates_to_recompute
    on stored.event_date = dates_to_recompute.event_date
where dates_to_recompute.previously_recomputed_through is null
    or stored.load_tstamp > dates_to_recompute.previously_recomputed_through
