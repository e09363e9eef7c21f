<#- CTE bodies several models share, written once here (generator macros, not dbt macros:
    each generated model stays readable on its own). -#>

<#- The event dates this run touched and whether each is processed now. A date with an event
    loaded within snowplow__late_event_lookback_days of it is always processed; a date with only
    late events waits until snowplow__min_late_events_to_process of them are waiting. The dbt
    variable `waiting_relation` holds the deferred events (none before the first run); this run's
    own deferrals are left out, so a resumed run decides as the interrupted one did. #>
<% macro datesThisRun() -%>
<$ '    ' $>select
        new_events.event_date,
        new_events.new_events,
        coalesce(waiting.waiting_events, 0) as waiting_events,
        (
            {{ 'true' if signals_batch_is_refresh() else 'false' }}
            or new_events.on_time_events > 0
            or coalesce(waiting.waiting_events, 0) + new_events.new_events >= {{ var('snowplow__min_late_events_to_process') }}
        ) as is_processed
    from (
        select
            event_date,
            count(*) as new_events,
            <$ dialect.countIf('load_delay_days <= ' + ("var('snowplow__late_event_lookback_days')" | jinjaExpr)) $> as on_time_events
        from {{ ref('<$ project $>_events_this_run') }}
        group by event_date
    ) as new_events
    left join (
{%- if waiting_relation %}
        select stored.event_date, count(*) as waiting_events
        from {{ waiting_relation }} as stored
        inner join {{ ref('<$ project $>_run_limits') }} as run_limits
            on stored.deferred_in < run_limits.run_id
        where stored.released_in is null or stored.released_in = run_limits.run_id
        group by stored.event_date
{%- else %}
        select cast(null as date) as event_date, 0 as waiting_events
        from {{ ref('<$ project $>_run_limits') }}
        where false
{%- endif %}
    ) as waiting
        on new_events.event_date = waiting.event_date
<%- endmacro %>

<#- The events a run folds into the partials: its new events of processed dates, and the late
    events waiting for those dates. #>
<% macro incomingEvents(columns) -%>
<$ '    ' $>select
<%- for c in columns %>
        new_events.<$ c $><$ ',' if not loop.last $>
<%- endfor %>
    from {{ ref('<$ project $>_events_this_run') }} as new_events
    where new_events.event_date in (select event_date from dates_this_run where is_processed)
    union all
    select
<%- for c in columns %>
        waiting.<$ c $><$ ',' if not loop.last $>
<%- endfor %>
    from {{ ref('<$ project $>_deferred_events') }} as waiting
    inner join run_limits
        on waiting.deferred_in < run_limits.run_id
    where (waiting.released_in is null or waiting.released_in = run_limits.run_id)
        and waiting.event_date in (select event_date from dates_this_run where is_processed)
<%- endmacro %>

<#- The stored rows a daily state model folds this run's partials into, read only where the run
    needs them (the dbt variable `facts`, from signals_batch_rollup_facts(), when the model runs):
    the days that aged past the rollup boundary (`aged_days`, only when it moved), the (key, date)
    pairs this run writes (`touched`), their stored rows (`stored_rows`: daily rows from the first
    date this run touches, rollup rows only when it touches them), and the pairs an interrupted
    attempt of this run already wrote (`written_by_this_run`). `incoming` is the CTE of this run's
    partials; `columns` are the partial columns besides key_value and event_date; `agedKept`, when
    given, the condition on a stored row for it to fold into the rollup (the others are dropped). #>
<% macro rollupReads(incoming, columns, agedKept) -%>
{%- set facts = signals_batch_rollup_facts() %}
{%- if facts.moved %}

-- days that left every window since the last run fold into their key's rollup row
aged_days as (
    select
        stored.key_value,
        <$ sentinel $> as event_date
<%- for c in columns %>,
        stored.<$ c $>
<%- endfor %>
    from {{ this }} as stored
    where stored.event_date <> <$ sentinel $>
        and stored.event_date < {{ signals_batch_date(facts.rollup_before) }}
{%- if facts.previous_rollup_before %}
        and stored.event_date >= {{ signals_batch_date(facts.previous_rollup_before) }}
{%- endif %}
<%- if agedKept %>
        and <$ agedKept $>
<%- endif %>
),
{%- endif %}

touched as (
    select distinct key_value, event_date from <$ incoming $>
{%- if facts.moved %}
    <$ dialect.unionDistinct $>
    select key_value, event_date from aged_days
{%- endif %}
),

stored_rows as (
{%- if facts.daily_from %}
<$ storedRowsWhere(columns, 'stored.event_date >= {{ signals_batch_date(facts.daily_from) }}') $>
{%- endif %}
{%- if facts.daily_from and facts.touches_rollup %}
    union all
{%- endif %}
{%- if facts.touches_rollup %}
<$ storedRowsWhere(columns, 'stored.event_date = ' + sentinel) $>
{%- endif %}
{%- if not facts.daily_from and not facts.touches_rollup %}
<$ storedRowsWhere(columns, 'false') $>
{%- endif %}
),

-- (key, date) pairs an interrupted attempt of this run already wrote
written_by_this_run as (
    select distinct stored_rows.key_value, stored_rows.event_date
    from stored_rows
    inner join run_limits
        on stored_rows.merged_in = run_limits.run_id
)
<%- endmacro %>

<#- The stored rows of the touched (key, date) pairs where `condition` holds (a constant range the
    warehouse prunes on). #>
<% macro storedRowsWhere(columns, condition) -%>
<$ '    ' $>select
        stored.key_value,
        stored.event_date
<%- for c in columns %>,
        stored.<$ c $>
<%- endfor %>,
        stored.merged_in
    from {{ this }} as stored
    inner join touched
        on stored.key_value = touched.key_value
        and stored.event_date = touched.event_date
    where <$ condition $>
<%- endmacro %>
