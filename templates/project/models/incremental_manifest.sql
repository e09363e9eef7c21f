<%- import "shared/ctes.sql" as ctes with context -%>
{{
  config(
    materialized='incremental',
    incremental_strategy='append',
    full_refresh=signals_batch_full_refresh_config(),
  )
}}
{#-
  One row per committed run: how far load time is processed. Written last, after everything the
  run changed: a run interrupted before this row exists is resumed by the next one.
-#}
-- depends_on: {{ ref('<$ project $>_attributes') }}
-- depends_on: {{ ref('<$ project $>_daily_aggregation_manifest') }}
{%- set waiting_relation = ref('<$ project $>_deferred_events') %}

with

run_limits as (
    select *
    from {{ ref('<$ project $>_run_limits') }}
),

dates_this_run as (
<$ ctes.datesThisRun() $>
)

select
    run_limits.run_id,
    run_limits.lower_limit,
    run_limits.upper_limit,
    coalesce(run_limits.upper_limit, run_limits.lower_limit) as processed_through,
    run_limits.current_day,
    run_limits.window_end,
    run_limits.rollup_before,
    (select count(*) from {{ ref('<$ project $>_events_this_run') }}) as new_events,
    (select count(*) from dates_this_run where is_processed) as dates_recomputed,
    (select count(*) from dates_this_run where not is_processed) as dates_skipped,
    (select count(*) from {{ ref('<$ project $>_attributes_this_run') }}) as keys_recomputed,
    {{ signals_batch_string_literal(var('signals_batch__definition_hash')) }} as definition_hash
from run_limits
