{{
  config(
    materialized='incremental',
<$ d.modelConfig({ role: 'state', write: 'append' }) $>
    schema='snowplow_manifest',
    full_refresh=signals_batch_full_refresh_config(),
    tags=['signals_batch', 'manifest'],
  )
}}
{#- One row per run: how far load time is processed. Written last, so a failed run is simply redone. -#}
-- depends_on: {{ ref('<$ p $>_attributes') }}
-- depends_on: {{ ref('<$ p $>_daily_aggregation_manifest') }}

select
    run_limits.run_started_at,
    run_limits.lower_limit,
    run_limits.upper_limit,
    coalesce(run_limits.upper_limit, run_limits.lower_limit) as processed_through,
    run_limits.current_day,
    run_limits.window_end,
    (select count(*) from {{ ref('<$ p $>_events_this_run') }}) as new_events,
    (select count(*) from {{ ref('<$ p $>_days_to_process') }} where is_processed) as dates_recomputed,
    (select count(*) from {{ ref('<$ p $>_days_to_process') }} where not is_processed) as dates_skipped,
    (select count(*) from {{ ref('<$ p $>_attributes_this_run') }}) as keys_recomputed,
    {{ signals_batch_string_literal(var('signals_batch__definition_hash')) }} as definition_hash
from {{ ref('<$ p $>_run_limits') }} as run_limits
