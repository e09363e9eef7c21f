{#- Helpers of this generated project (no packages: only dbt built-ins and these macros). -#}
<%- macro day(expr) %><$ dialect.formatTimestamp(dialect.timestampFromDate(expr)) $><% endmacro %>

{#- Full refreshes may drop accumulated state only when allowed (the seed's rule). -#}
{% macro signals_batch_allow_refresh() %}
  {{ return(var('snowplow__allow_refresh', false) or target.name == var('snowplow__dev_target_name', 'dev')) }}
{% endmacro %}

{% macro signals_batch_is_refresh() %}
  {{ return(flags.FULL_REFRESH and signals_batch_allow_refresh()) }}
{% endmacro %}

{#- Config for stateful models: `false` ignores --full-refresh, `none` follows it. -#}
{% macro signals_batch_full_refresh_config() %}
  {{ return(none if signals_batch_allow_refresh() else false) }}
{% endmacro %}

{#- A model's relation if it already exists, found through the graph: a ref() here would make a cycle. -#}
{% macro signals_batch_existing_relation(model_name) %}
  {% if not execute %}{{ return(none) }}{% endif %}
  {% for node in graph.nodes.values() %}
    {% if node.resource_type == 'model' and node.name == model_name %}
      {{ return(adapter.get_relation(database=node.database, schema=node.schema, identifier=node.alias)) }}
    {% endif %}
  {% endfor %}
  {{ return(none) }}
{% endmacro %}

{#- Lower-case names of the atomic events columns; self-describing columns appear only once a loader has seen the schema. -#}
{#- Where the warehouse has nested records (BigQuery), their fields are listed too, as `column.field.subfield`. -#}
{% macro signals_batch_source_columns() %}
  {% if not execute %}{{ return([]) }}{% endif %}
  {% set names = [] %}
  {% for column in adapter.get_columns_in_relation(source('atomic', 'events')) %}
    {% do names.append(column.name | lower) %}
    {% if column.fields is defined and column.fields %}
      {% for field in column.flatten() %}{% do names.append(field.name | lower) %}{% endfor %}
    {% endif %}
  {% endfor %}
  {{ return(names) }}
{% endmacro %}

{% macro signals_batch_string_literal(value) -%}
  <$ dialect.jinjaStringLiteral('value') $>
{%- endmacro %}

{#- `and <alias>.app_id in (...)` when snowplow__app_id lists apps. -#}
{% macro signals_batch_app_filter(alias) -%}
  {%- set app_ids = var('snowplow__app_id', []) -%}
  {%- if app_ids is string -%}{%- set app_ids = [app_ids] -%}{%- endif -%}
  {%- if app_ids | length > 0 %}
        and {{ alias }}.app_id in ({% for app_id in app_ids %}{{ signals_batch_string_literal(app_id) }}{{ ', ' if not loop.last }}{% endfor %})
  {%- endif -%}
{%- endmacro %}

{#- Today (UTC) unless snowplow__mock_current_day pins it. -#}
{% macro signals_batch_current_day() -%}
  {%- if var('snowplow__mock_current_day', none) -%}
    <$ dialect.dateFromText("signals_batch_string_literal(var('snowplow__mock_current_day'))" | jinjaExpr) $>
  {%- else -%}
    <$ dialect.currentDateUtc() $>
  {%- endif -%}
{%- endmacro %}

{#- The first date outside every window (U): windows are [U - N days, U). -#}
{% macro signals_batch_window_end() -%}
  {%- if var('snowplow__include_current_day_in_windows', false) -%}
    <$ dialect.addDays('signals_batch_current_day()' | jinjaExpr, '1') $>
  {%- else -%}
    {{ signals_batch_current_day() }}
  {%- endif -%}
{%- endmacro %}

{% macro signals_batch_start_date() -%}
  <$ dialect.dateFromText("signals_batch_string_literal(var('snowplow__start_date'))" | jinjaExpr) $>
{%- endmacro %}

{#- This dbt invocation's start, the same in every model of the run. -#}
{% macro signals_batch_run_timestamp() -%}
  <$ dialect.timestampFromText("signals_batch_string_literal(run_started_at.strftime('%Y-%m-%d %H:%M:%S.%f'))" | jinjaExpr) $>
{%- endmacro %}

{#- A date from `YYYY-MM-DD` text known when the model runs: a constant the warehouse prunes on. -#}
{% macro signals_batch_date(text) -%}
  <$ dialect.dateFromText("signals_batch_string_literal(text)" | jinjaExpr) $>
{%- endmacro %}

{#-
  What the daily state models of this run must read, asked when they run (nothing at parse time):
  the rollup boundary and the last committed one, whether it moved (only then do days age into the
  rollup rows and leave the daily rows), the first daily date this run's events can touch (none
  without events), and whether they touch the rollup rows. The dates are `YYYY-MM-DD` text.
-#}
{% macro signals_batch_rollup_facts() %}
  {% if not execute %}
    {{ return({'moved': true, 'rollup_before': none, 'previous_rollup_before': none, 'daily_from': none, 'touches_rollup': true}) }}
  {% endif %}
  {% set query %}
    select
        <$ day('limits.rollup_before') $>,
        <$ day('limits.previous_rollup_before') $>,
        <$ day('incoming.first_date') $>
    from {{ ref('<$ project $>_run_limits') }} as limits
    cross join (
        -- every event this run can fold in: its new events and the late events waiting
        select min(dates.event_date) as first_date
        from (
            select new_events.event_date
            from {{ ref('<$ project $>_events_this_run') }} as new_events
            union all
            select waiting.event_date
            from {{ ref('<$ project $>_deferred_events') }} as waiting
            inner join {{ ref('<$ project $>_run_limits') }} as run_limits
                on waiting.deferred_in < run_limits.run_id
            where waiting.released_in is null or waiting.released_in = run_limits.run_id
        ) as dates
    ) as incoming
  {% endset %}
  {% set row = run_query(query).rows[0] %}
  {% set day = [] %}
  {% for value in row %}{% do day.append(none if value is none else (value | string)[:10]) %}{% endfor %}
  {% set rollup_before, previous, first = day[0], day[1], day[2] %}
  {% set moved = rollup_before is not none and (previous is none or rollup_before > previous) %}
  {{ return({
    'moved': moved,
    'rollup_before': rollup_before,
    'previous_rollup_before': previous,
    'daily_from': none if first is none else (first if rollup_before is none or first > rollup_before else rollup_before),
    'touches_rollup': moved or (first is not none and rollup_before is not none and first < rollup_before)
  }) }}
{% endmacro %}

{#-
  The post-hook of the daily state models: delete the daily rows this run folded into the rollup
  rows (readers ignore them meanwhile). Nothing when the boundary did not move: the committed run
  that moved it last deleted every older daily row before it committed.
-#}
{% macro signals_batch_delete_folded(relation) -%}
  {%- set facts = signals_batch_rollup_facts() -%}
  {%- if facts.moved -%}
    delete from {{ relation }} where event_date <> <$ sentinel $> and event_date < {{ signals_batch_date(facts.rollup_before) }}
  {%- endif -%}
{%- endmacro %}

{#- Stop before anything changes when the tables were built from another definition. -#}
{% macro signals_batch_check_definition() %}
  {% if execute and flags.FULL_REFRESH and not signals_batch_allow_refresh() %}
    {{ log("signals-batch: --full-refresh keeps the accumulated tables and manifests (snowplow__allow_refresh is false and target '" ~ target.name ~ "' is not the dev target); set snowplow__allow_refresh to rebuild them.", info=True) }}
  {% endif %}
  {% if execute and not signals_batch_is_refresh() %}
    {% set manifest = signals_batch_existing_relation('<$ project $>_incremental_manifest') %}
    {% if manifest %}
      {% set result = run_query('select definition_hash from ' ~ manifest ~ ' order by run_id desc limit 1') %}
      {% set built_from = result.columns[0].values()[0] if result and result.rows | length > 0 else none %}
      {% if built_from and built_from != var('signals_batch__definition_hash') %}
        {{ exceptions.raise_compiler_error(
          "The view definition of <$ project $> changed since its tables were built (" ~ built_from ~ " -> "
          ~ var('signals_batch__definition_hash') ~ "). Rebuild them: dbt run --full-refresh --vars "
          ~ "'{snowplow__allow_refresh: true}' (or signals-batch run --full-refresh --allow-refresh)."
        ) }}
      {% endif %}
      {#- Days before the rollup boundary are folded into one row per key: windows cannot reach back past it. -#}
      {% set folded = run_query(
        "select count(*) from " ~ manifest ~ " where rollup_before > " ~ <$ earliestWindowStart $>) %}
      {% if folded.columns[0].values()[0] > 0 %}
        {{ exceptions.raise_compiler_error(
          "The current day of <$ project $> moved back further than snowplow__late_event_lookback_days allows: its "
          ~ "windows would need days already folded into each key's rollup row. Use a later snowplow__mock_current_day, "
          ~ "or rebuild: signals-batch run --full-refresh --allow-refresh."
        ) }}
      {% endif %}
    {% endif %}
  {% endif %}
{% endmacro %}

{#- One log line the runner reads: how far the last committed run got, and how far loads go. -#}
{% macro signals_batch_report_status() %}
  {% if execute %}
    {% set manifest = signals_batch_existing_relation('<$ project $>_incremental_manifest') %}
    {% set limits = signals_batch_existing_relation('<$ project $>_run_limits') %}
    {% set status = {'processed_through': none, 'newest_load_tstamp': none} %}
    {% if manifest %}
      {#- windows_current: a resumed run keeps the day it started on, so the next round moves the windows to today -#}
      {% set result = run_query(
        "select <$ dialect.formatTimestamp('processed_through') $>, new_events, dates_recomputed, dates_skipped, keys_recomputed, "
        ~ "<$ dialect.formatTimestamp('run_id') $>, case when window_end = " ~ signals_batch_window_end() ~ " then 1 else 0 end from "
        ~ manifest ~ " order by run_id desc limit 1") %}
      {% if result.rows | length > 0 %}
        {% set row = result.rows[0] %}
        {% do status.update({'processed_through': row[0], 'new_events': row[1], 'dates_recomputed': row[2],
                             'dates_skipped': row[3], 'keys_recomputed': row[4], 'run_id': row[5], 'windows_current': row[6] == 1}) %}
      {% endif %}
    {% endif %}
    {% if limits %}
      {#- the newest load this run saw; a later run sees any newer one -#}
      {% set result = run_query(
        "select <$ dialect.formatTimestamp('newest_load_tstamp') $>, <$ dialect.formatTimestamp('run_id') $> from " ~ limits) %}
      {% if result.rows | length > 0 %}
        {% do status.update({'newest_load_tstamp': result.rows[0][0], 'attempt_run_id': result.rows[0][1]}) %}
      {% endif %}
    {% endif %}
    {{ log('signals-batch status: ' ~ tojson(status), info=True) }}
  {% endif %}
{% endmacro %}
<$ dialect.macros() $>
