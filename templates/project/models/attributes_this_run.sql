{{
  config(
    materialized='table',
    schema='scratch',
    tags=['signals_batch', 'this_run'],
  )
}}
{#-
  Attribute values of the keys this run can have changed: keys whose daily aggregates were rebuilt,
  keys with events on dates that entered or left a window since the previous run, and keys an
  unfinished round wrote.
-#}
{%- set attribute_table = none if signals_batch_is_refresh() else signals_batch_existing_relation('<$ p $>_attributes') %}

with

run_limits as (
    select window_end, previous_window_end, previous_run_started_at
    from {{ ref('<$ p $>_run_limits') }}
),

-- rows written after the last finished round: a round killed before incremental_manifest wrote
-- them with its own window end, which this round may not share
written_by_unfinished_round as (
{%- if attribute_table %}
    select written.<$ keyColumn $> as key_value
    from {{ attribute_table }} as written
    cross join run_limits
    where written.<$ timestampColumn $> > run_limits.previous_run_started_at
{%- else %}
    select cast(null as <$ d.textType $>) as key_value
    where false
{%- endif %}
),

affected_keys as (
    select distinct daily.key_value
    from {{ ref('<$ p $>_daily_aggregates') }} as daily
    cross join run_limits
    where
        -- the first run (or a full refresh) computes every key
        run_limits.previous_window_end is null
        or daily.key_value in (select key_value from {{ ref('<$ p $>_key_dates_to_process') }})
        or daily.key_value in (select key_value from written_by_unfinished_round)
<%- for n in periods %>
        -- a <$ n $>-day window moved: its entering and leaving dates
        or (
            run_limits.previous_window_end <> run_limits.window_end
            and (
                (daily.event_date >= <$ d.addDays('least(run_limits.previous_window_end, run_limits.window_end)', '-' + n) $>
                    and daily.event_date < <$ d.addDays('greatest(run_limits.previous_window_end, run_limits.window_end)', '-' + n) $>)
                or (daily.event_date >= least(run_limits.previous_window_end, run_limits.window_end)
                    and daily.event_date < greatest(run_limits.previous_window_end, run_limits.window_end))
            )
        )
<%- endfor %>
),

daily_rows_of_affected_keys as (
    select
        daily.*,
        run_limits.window_end
    from {{ ref('<$ p $>_daily_aggregates') }} as daily
    inner join affected_keys
        on daily.key_value = affected_keys.key_value
    cross join run_limits
)

select
    key_value
<%- for a in attributes %>,
    <$ a.final | indent(4) $> as <$ a.column $>
<%- endfor %>
from daily_rows_of_affected_keys
group by key_value, window_end
