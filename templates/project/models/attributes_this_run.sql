<%- import "shared/ctes.sql" as ctes with context -%>
{{ config(materialized='table') }}
{#-
  Attribute values of the keys this run can have changed: keys with events folded in, and keys
  with events on days that entered or left a window since the last run. A key's values come from
  its rollup row and its daily rows since the rollup boundary: a bounded read whatever the history.
-#}
{%- set waiting_relation = ref('<$ project $>_deferred_events') %}

with

run_limits as (
    select run_id, window_end, previous_window_end, rollup_before
    from {{ ref('<$ project $>_run_limits') }}
),

dates_this_run as (
<$ ctes.datesThisRun() $>
),

incoming_events as (
<$ ctes.incomingEvents(['key_value']) $>
),

affected_keys as (
    select distinct key_value from incoming_events
<%- if plan.measuresTimeSince %>
    <$ dialect.unionDistinct $>
    -- time since an event is measured at the window's end: when it moves, every key changes (so
    -- the keys of days entering or leaving a window need no query of their own)
    select daily.key_value
    from {{ ref('<$ project $>_daily_aggregates') }} as daily
    cross join run_limits
    where run_limits.previous_window_end <> run_limits.window_end
<%- elif periods.length > 0 %>
    <$ dialect.unionDistinct $>
    -- keys with events on days that entered or left a window
    select daily.key_value
    from {{ ref('<$ project $>_daily_aggregates') }} as daily
    cross join run_limits
    where run_limits.previous_window_end <> run_limits.window_end
        and (
<%- for n in periods %>
            -- <$ n $>-day windows
            (daily.event_date >= <$ dialect.addDays('least(run_limits.previous_window_end, run_limits.window_end)', '-' + n) $>
                and daily.event_date < <$ dialect.addDays('greatest(run_limits.previous_window_end, run_limits.window_end)', '-' + n) $>)
            or
<%- endfor %>
            (daily.event_date >= least(run_limits.previous_window_end, run_limits.window_end)
                and daily.event_date < greatest(run_limits.previous_window_end, run_limits.window_end))
        )
<%- endif %>
),

-- the rollup row and the daily rows since the boundary (older daily rows are folded already)
partial_rows as (
    select
        daily.*,
        run_limits.window_end
    from {{ ref('<$ project $>_daily_aggregates') }} as daily
    inner join affected_keys
        on daily.key_value = affected_keys.key_value
    cross join run_limits
    where daily.event_date = <$ sentinel $>
        or daily.event_date >= run_limits.rollup_before
),

scalar_attributes as (
    select
        key_value
<%- for a in scalarAttributes %>,
        <$ a.final | indent(8) $> as <$ a.column $>
<%- endfor %>
    from partial_rows
    group by key_value, window_end
)

<%- if valueSetAttributes.length > 0 %>,

-- the value set each per-value attribute reads (attributes with the same events and values share
-- one), and where its window starts (null: lifetime, the rollup row included)
attribute_value_sets as (
<%- for m in attributeValueSets %>
    select '<$ m.attribute $>' as attribute, '<$ m.valueSet $>' as value_set, <$ m.windowStart $> as window_start, run_limits.window_end
    from run_limits
<%- if not loop.last %>
    union all
<%- endif %>
<%- endfor %>
),

-- per attribute, each value's events within that attribute's window (and its latest one, which
-- breaks ties between the most or least frequent values)
value_totals as (
    select
        stored.key_value,
        attribute_value_sets.attribute,
        stored.value,
        sum(stored.n) as n,
        max(stored.last_key) as last_key
    from {{ ref('<$ project $>_daily_values') }} as stored
    inner join affected_keys
        on stored.key_value = affected_keys.key_value
    inner join attribute_value_sets
        on stored.value_set = attribute_value_sets.value_set
        and (
            attribute_value_sets.window_start is null
            or (stored.event_date >= attribute_value_sets.window_start and stored.event_date < attribute_value_sets.window_end)
        )
    cross join run_limits
    where stored.event_date = <$ sentinel $> or stored.event_date >= run_limits.rollup_before
    group by stored.key_value, attribute_value_sets.attribute, stored.value
),

value_set_attributes as (
    select
        key_value
<%- for a in valueSetAttributes %>,
        <$ a.finalValueSet $> as <$ a.column $>
<%- endfor %>
    from value_totals
    group by key_value
)
<%- endif %>

select
    scalar_attributes.key_value
<%- for a in attributes %>,
    <$ a.outputSql $> as <$ a.column $>
<%- endfor %>
from scalar_attributes
<%- if valueSetAttributes.length > 0 %>
left join value_set_attributes
    on scalar_attributes.key_value = value_set_attributes.key_value
<%- endif %>
