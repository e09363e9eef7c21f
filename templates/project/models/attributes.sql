{{
  config(
    materialized='incremental',
<$ dialect.modelConfig({ write: 'upsert', uniqueKey: [keyColumn], keyColumn: keyColumn }) $>
    full_refresh=signals_batch_full_refresh_config(),
  )
}}
{#-
  The table Signals syncs: one row per <$ keyColumn $>. Only new or changed rows are written,
  so <$ timestampColumn $> moves exactly when a row's values change.
-#}

select
    recomputed.key_value as <$ keyColumn $>
<%- for a in attributes %>,
    recomputed.<$ a.column $>
<%- endfor %>,
    {{ signals_batch_run_timestamp() }} as <$ timestampColumn $>
from {{ ref('<$ project $>_attributes_this_run') }} as recomputed
{%- if is_incremental() %}
left join {{ this }} as current_rows
    on current_rows.<$ keyColumn $> = recomputed.key_value
where
    current_rows.<$ keyColumn $> is null
<%- for a in attributes %>
    or <$ dialect.isDistinctFrom('recomputed.' + a.column, 'current_rows.' + a.column, a.type) $>
<%- endfor %>
{%- endif %}
