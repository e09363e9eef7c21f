<%- import "shared/ctes.sql" as ctes with context -%>
{{
  config(
    materialized='incremental',
<$ dialect.modelConfig({ write: 'upsert', uniqueKey: ['event_id'] }) $>
    full_refresh=signals_batch_full_refresh_config(),
    post_hook=[
      "<$ dialect.deleteBelowLimit('{{ this }}', 'true', 'released_in', "{{ ref('" + project + "_run_limits') }}", 'run_id') $>",
    ],
  )
}}
{#-
  Late events of dates that wait until snowplow__min_late_events_to_process of them are pending
  (empty with the default of 1). A waiting event is marked with the run that released it rather
  than deleted, so a resumed run sees what the interrupted one saw; released rows of committed
  runs are removed afterwards.
-#}

{%- set waiting_relation = this if is_incremental() else none %}

with

run_limits as (
    select run_id
    from {{ ref('<$ project $>_run_limits') }}
),

dates_this_run as (
<$ ctes.datesThisRun() $>
),

newly_waiting as (
    select
<%- for c in eventColumns %>
        new_events.<$ c $>,
<%- endfor %>
        run_limits.run_id as deferred_in,
        cast(null as <$ dialect.timestampType $>) as released_in
    from {{ ref('<$ project $>_events_this_run') }} as new_events
    cross join run_limits
    where new_events.event_date in (select event_date from dates_this_run where not is_processed)
)

{%- if is_incremental() %},

released_now as (
    select
<%- for c in eventColumns %>
        waiting.<$ c $>,
<%- endfor %>
        waiting.deferred_in,
        run_limits.run_id as released_in
    from {{ this }} as waiting
    inner join run_limits
        on waiting.deferred_in < run_limits.run_id
    where (waiting.released_in is null or waiting.released_in = run_limits.run_id)
        and waiting.event_date in (select event_date from dates_this_run where is_processed)
)
{%- endif %}

select * from newly_waiting
{%- if is_incremental() %}
union all
select * from released_now
{%- endif %}
