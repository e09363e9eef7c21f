<%- import "shared/ctes.sql" as ctes with context -%>
{{
  config(
    materialized='incremental',
<$ dialect.modelConfig({ write: 'upsert', uniqueKey: ['key_value', 'event_date'], dateColumn: 'event_date', keyColumn: 'key_value' }) $>
    full_refresh=signals_batch_full_refresh_config(),
    post_hook=[
      "<$ dialect.deleteBelowLimit('{{ this }}', 'event_date <> ' + sentinel, 'event_date', "{{ ref('" + project + "_run_limits') }}", 'rollup_before') $>",
    ],
  )
}}
{#-
  Partial aggregates per key and event date, and one rollup row per key (event_date <$ sentinel $>)
  for the days before the rollup boundary, outside every window. A run folds its new events into
  the rows they touch and the days that age out into the rollup: partials only grow, so nothing
  is re-read from the events. Each row records the run that last wrote it (merged_in): a resumed
  run leaves the rows it already wrote as they are.
-#}
{%- set waiting_relation = ref('<$ project $>_deferred_events') %}

with

run_limits as (
    select run_id, rollup_before, previous_rollup_before
    from {{ ref('<$ project $>_run_limits') }}
),

dates_this_run as (
<$ ctes.datesThisRun() $>
),

incoming_events as (
<$ ctes.incomingEvents(eventColumns) $>
),

-- each event as a partial row of its own, on its date or, before the boundary, on the rollup row
incoming_partials as (
    select
        events.key_value,
        case when events.event_date < run_limits.rollup_before then <$ sentinel $> else events.event_date end as event_date
<%- for a in attributes %>
<%- for c in a.eventPartials %>,
        <$ c.sql $> as <$ c.name $>
<%- endfor %>
<%- endfor %>
    from incoming_events as events
    cross join run_limits
)

{%- if is_incremental() %},

-- days that left every window since the last run fold into their key's rollup row
aged_days as (
    select
        stored.key_value,
        <$ sentinel $> as event_date
<%- for c in partialColumns %>,
        stored.<$ c $>
<%- endfor %>
    from {{ this }} as stored
    cross join run_limits
    where stored.event_date <> <$ sentinel $>
        and stored.event_date < run_limits.rollup_before
        and (run_limits.previous_rollup_before is null or stored.event_date >= run_limits.previous_rollup_before)
),

touched as (
    select key_value, event_date from incoming_partials
    <$ dialect.unionDistinct $>
    select key_value, event_date from aged_days
),

stored_rows as (
    select
        stored.key_value,
        stored.event_date
<%- for c in partialColumns %>,
        stored.<$ c $>
<%- endfor %>,
        stored.merged_in
    from {{ this }} as stored
    inner join touched
        on stored.key_value = touched.key_value
        and stored.event_date = touched.event_date
),

-- rows an interrupted attempt of this run already wrote
written_by_this_run as (
    select stored_rows.key_value, stored_rows.event_date
    from stored_rows
    inner join run_limits
        on stored_rows.merged_in = run_limits.run_id
)
{%- endif %},

contributions as (
    select key_value, event_date<% for c in partialColumns %>, <$ c $><% endfor %>
    from incoming_partials
{%- if is_incremental() %}
    union all
    select key_value, event_date<% for c in partialColumns %>, <$ c $><% endfor %>
    from aged_days
    union all
    select key_value, event_date<% for c in partialColumns %>, <$ c $><% endfor %>
    from stored_rows
{%- endif %}
)

select
    contributions.key_value,
    contributions.event_date
<%- for a in attributes %>
<%- for c in a.combined %>,
    <$ c.sql $> as <$ c.name $>
<%- endfor %>
<%- endfor %>,
    run_limits.run_id as merged_in
from contributions
cross join run_limits
{%- if is_incremental() %}
where not exists (
    select 1
    from written_by_this_run as written
    where written.key_value = contributions.key_value
        and written.event_date = contributions.event_date
)
{%- endif %}
group by contributions.key_value, contributions.event_date, run_limits.run_id
