<%- import "shared/ctes.sql" as ctes with context -%>
{{
  config(
    materialized='incremental',
<$ dialect.modelConfig({ write: 'upsert', uniqueKey: ['key_value', 'event_date'], dateColumn: 'event_date', keyColumn: 'key_value' }) $>
    full_refresh=signals_batch_full_refresh_config(),
    post_hook=[
      "{{ signals_batch_delete_folded(this) }}",
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
<$ ctes.rollupReads('incoming_partials', partialColumns) $>
{%- endif %},

contributions as (
    select key_value, event_date<% for c in partialColumns %>, <$ c $><% endfor %>
    from incoming_partials
{%- if is_incremental() %}
{%- if facts.moved %}
    union all
    select key_value, event_date<% for c in partialColumns %>, <$ c $><% endfor %>
    from aged_days
{%- endif %}
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
<$ dialect.storageOrder(['event_date', 'key_value']) $>
