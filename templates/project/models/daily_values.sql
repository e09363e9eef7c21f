<%- import "shared/ctes.sql" as ctes with context -%>
{{
  config(
    materialized='incremental',
<$ dialect.modelConfig({ write: 'upsert', uniqueKey: ['key_value', 'event_date', 'value_set', 'value'], dateColumn: 'event_date', keyColumn: 'key_value' }) $>
    full_refresh=signals_batch_full_refresh_config(),
    post_hook=[
      "{{ signals_batch_delete_folded(this) }}",
    ],
  )
}}
{#-
  Per-value partials of the attributes that need them (<$ valueSetNames $>): for each key, event
  date (or the rollup row, <$ sentinel $>) and value set, each distinct value with its number of
  events and its latest event. A value set is the events an attribute counts and the value it
  takes: attributes that share both share its rows, each reading them in its own window. Only a
  set some lifetime attribute reads keeps a rollup row; for the others, days past the rollup
  boundary are outside every window they have, so those rows are dropped, not folded.
  Maintained like daily_aggregates, but a run writes only the value rows its events (or the days
  it folds into the rollup) add to, with their stored counts merged in: a value never leaves a
  pair, so the pair's other rows stay as they are. Writing fewer rows keeps the rollup rows of a
  key with many lifetime values from being deleted and rewritten daily.
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

incoming_values as (
<%- for v in valueSets %>
    -- <$ v.code $>: <$ v.usedBy | join(', ') $>
    select
        events.key_value,
<%- if v.keepsRollup %>
        case when events.event_date < run_limits.rollup_before then <$ sentinel $> else events.event_date end as event_date,
<%- else %>
        events.event_date,
<%- endif %>
        '<$ v.code $>' as value_set,
        <$ v.valueText $> as value,
        1 as n,
        -- orders the value's events by (derived_tstamp, event_id): the latest one breaks rank ties
        <$ eventOrderKey $> as last_key
    from incoming_events as events
    cross join run_limits
    where events.<$ v.matchColumn $> and events.<$ v.valueColumn $> is not null
<%- if not v.keepsRollup %>
        -- no lifetime attribute reads this set: an event before the rollup boundary is in none of its windows
        and events.event_date >= run_limits.rollup_before
<%- endif %>
<%- if not loop.last %>
    union all
<%- endif %>
<%- endfor %>
)

{%- if is_incremental() %},
<$ ctes.rollupReads('incoming_values', ['value_set', 'value', 'n', 'last_key'], valueRowsKeptInRollup) $>
{%- endif %},

contributions as (
    select key_value, event_date, value_set, value, n, last_key, false as is_stored from incoming_values
{%- if is_incremental() %}
{%- if facts.moved %}
    union all
    select key_value, event_date, value_set, value, n, last_key, false as is_stored from aged_days
{%- endif %}
    union all
    select key_value, event_date, value_set, value, n, last_key, true as is_stored from stored_rows
{%- endif %}
)

select
    contributions.key_value,
    contributions.event_date,
    contributions.value_set,
    contributions.value,
    sum(contributions.n) as n,
    max(contributions.last_key) as last_key,
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
group by contributions.key_value, contributions.event_date, contributions.value_set, contributions.value, run_limits.run_id
-- only the values this run adds to: a stored row alone is unchanged
having <$ dialect.countIf('not contributions.is_stored') $> > 0
<$ dialect.storageOrder(['event_date', 'key_value']) $>
