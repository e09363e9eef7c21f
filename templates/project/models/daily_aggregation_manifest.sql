{{
  config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='event_date',
    schema='snowplow_manifest',
    full_refresh=signals_batch_full_refresh_config(),
    tags=['signals_batch', 'manifest'],
  )
}}
{#-
  Per event date: when its aggregates were last rebuilt, and how many late events wait for the next
  rebuild. A later round trusts recomputed_through to skip (key, date) pairs, so this moves only
  after everything computed from them is durable: the daily aggregates and the attribute table.
-#}
-- depends_on: {{ ref('<$ p $>_daily_aggregates') }}
-- depends_on: {{ ref('<$ p $>_attributes') }}

select
    touched.event_date,
    case
        when touched.is_processed then run_limits.upper_limit
        else touched.previously_recomputed_through
    end as recomputed_through,
    case when touched.is_processed then 0 else touched.pending_events end as skipped_events,
    run_limits.run_started_at as updated_at
from {{ ref('<$ p $>_days_to_process') }} as touched
cross join {{ ref('<$ p $>_run_limits') }} as run_limits
