{{
  config(
    materialized='incremental',
<$ d.modelConfig({ role: 'state', write: 'append', dateColumn: 'event_date', keyColumn: 'key_value' }) $>
    schema='derived',
    full_refresh=signals_batch_full_refresh_config(),
    tags=['signals_batch', 'derived'],
  )
}}
{#- Every relevant event ever loaded, one row per event_id, projected to the columns the view needs. -#}
-- depends_on: {{ ref('<$ p $>_run_limits') }}

select new_events.*
from {{ ref('<$ p $>_events_this_run') }} as new_events
{%- if is_incremental() %}
-- a retried run appends nothing twice: rows of this load window may already be here
where not exists (
    select 1
    from {{ this }} as stored
    inner join {{ ref('<$ p $>_run_limits') }} as run_limits
        on stored.load_tstamp > run_limits.lower_limit
    where stored.event_id = new_events.event_id
)
{%- endif %}
