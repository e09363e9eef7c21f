<%- import "shared/ctes.sql" as ctes with context -%>
{{
  config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='event_date',
    full_refresh=signals_batch_full_refresh_config(),
  )
}}
{#-
  Per event date the run touched: the run that last processed it, and how many late events wait
  for the next time it is processed (reset to 0 when it is). Written after the partials it
  describes.
-#}
-- depends_on: {{ ref('<$ project $>_daily_aggregates') }}
<%- if hasValueSets %>
-- depends_on: {{ ref('<$ project $>_daily_values') }}
<%- endif %>
{%- set waiting_relation = ref('<$ project $>_deferred_events') %}

with

run_limits as (
    select run_id
    from {{ ref('<$ project $>_run_limits') }}
),

dates_this_run as (
<$ ctes.datesThisRun() $>
)

select
    dates_this_run.event_date,
{%- if is_incremental() %}
    case
        when dates_this_run.is_processed then run_limits.run_id
        else previous.last_processed_in
    end as last_processed_in,
{%- else %}
    case when dates_this_run.is_processed then run_limits.run_id end as last_processed_in,
{%- endif %}
    case
        when dates_this_run.is_processed then 0
        else dates_this_run.waiting_events + dates_this_run.new_events
    end as skipped_events,
    run_limits.run_id as updated_in
from dates_this_run
cross join run_limits
{%- if is_incremental() %}
left join {{ this }} as previous
    on previous.event_date = dates_this_run.event_date
{%- endif %}
