/**
 * The baseline a user would write by hand: ONE SQL query computing the bench view's attribute
 * table straight from the raw events, every time over the whole history. Written independently
 * of the engine (no generated SQL is reused) so that equality with the engine's table is a real
 * check of the view's semantics:
 *   1. input filtered by app_id;  2. one row per event_id, first load wins (load_tstamp, then
 *   dvce_created_tstamp);  3. keys NULL/'' and events before the start date are out of scope;
 *   4-5. each attribute's own events and criteria (`!=` true on NULL, the rest false on NULL,
 *   `like` without wildcards = contains);  6. windows [U - N, U) on the derived_tstamp date;
 *   7. aggregations, defaults and casts;  8. one row per key with an event of any of the view's
 *   event lists.
 * Keep in step with bench/view.ts.
 */

import { spawn } from 'node:child_process';

export interface BaselineOptions {
  /** snowplow__start_date. */
  startDate: string;
  /** U: the first date outside every window (snowplow__mock_current_day). */
  windowEnd: string;
  appIds: string[];
  eventsTable?: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;

export function baselineSql(o: BaselineOptions): string {
  for (const d of [o.startDate, o.windowEnd]) if (!DATE.test(d)) throw new Error(`not a date: ${d}`);
  const U = `date '${o.windowEnd}'`;
  const within = (days: number) => `(event_date >= ${U} - ${days} and event_date < ${U})`;
  const appFilter = o.appIds.length > 0 ? `where app_id in (${o.appIds.map(literal).join(', ')})` : '';
  return `
with
first_loads as (
    select *
    from ${o.eventsTable ?? 'atomic.events'}
    ${appFilter}
    qualify row_number() over (partition by event_id order by load_tstamp, dvce_created_tstamp) = 1
),
events as (
    select
        domain_userid,
        cast(derived_tstamp as date) as event_date,
        derived_tstamp,
        event_id,
        event_vendor = 'com.snowplowanalytics.snowplow' and event_name = 'page_view' and event_version = '1-0-0' as is_page_view,
        event_vendor = 'com.snowplowanalytics.snowplow' and event_name = 'page_ping' and event_version = '1-0-0' as is_page_ping,
        event_vendor = 'com.acme' and event_name = 'add_to_cart' as is_cart,
        event_vendor = 'com.acme' and event_name = 'add_to_cart' and event_version = '1-0-1' as is_cart_101,
        event_vendor = 'com.snowplowanalytics.snowplow.ecommerce' and event_name = 'snowplow_ecommerce_action'
            and event_version = '1-0-2' as is_order,
        page_urlpath,
        geo_country,
        dvce_ismobile,
        mkt_source,
        br_viewwidth,
        pp_yoffset_max,
        try_cast(unstruct_event_com_acme_add_to_cart_1 ->> '$.price' as double) as price,
        try_cast(unstruct_event_com_acme_add_to_cart_1 ->> '$.quantity' as double) as quantity,
        unstruct_event_com_acme_add_to_cart_1 ->> '$.category' as category,
        contexts_com_acme_product_1 ->> '$[1].brand' as second_brand,
        try_cast(contexts_com_snowplowanalytics_snowplow_ecommerce_transaction_1 ->> '$[0].revenue' as double) as revenue,
        contexts_com_snowplowanalytics_snowplow_ecommerce_transaction_1 ->> '$[0].currency' as currency,
        contexts_nl_basjes_yauaa_context_1 ->> '$[0].deviceClass' as device_class,
        contexts_nl_basjes_yauaa_context_1 ->> '$[0].operatingSystemName' as operating_system,
        cast(extract(hour from derived_tstamp) as bigint) as view_hour
    from first_loads
    where domain_userid is not null and domain_userid <> ''
        and derived_tstamp >= date '${o.startDate}'
),
-- events_lifetime lists no events (every event), so every event of a key puts it in scope
in_view as (
    select * from events
),
-- most_frequent / least_frequent: events per value; ties go to the value seen latest
category_counts_30d as (
    select domain_userid, category, count(*) as n, max((derived_tstamp, event_id)) as latest
    from events where is_cart and category is not null and ${within(30)}
    group by domain_userid, category
),
category_counts_lifetime as (
    select domain_userid, category, count(*) as n
    from events where is_cart and category is not null
    group by domain_userid, category
),
country_counts as (
    select domain_userid, geo_country, count(*) as n, max((derived_tstamp, event_id)) as latest
    from events where is_page_view and geo_country is not null
    group by domain_userid, geo_country
),
view_hour_counts_7d as (
    select domain_userid, view_hour, count(*) as n, max((derived_tstamp, event_id)) as latest
    from events where is_page_view and ${within(7)}
    group by domain_userid, view_hour
),
per_value as (
    select domain_userid, arg_max(category, (n, latest)) as favourite_category_30d, null as rarest_country, null as usual_view_hour_7d, null as cart_categories_counted
    from category_counts_30d group by domain_userid
    union all
    select domain_userid, null, arg_max(geo_country, (-n, latest)), null, null
    from country_counts group by domain_userid
    union all
    select domain_userid, null, null, arg_max(view_hour, (n, latest)), null
    from view_hour_counts_7d group by domain_userid
    union all
    select domain_userid, null, null, null, map_from_entries(list(struct_pack(k := category, v := n) order by category))
    from category_counts_lifetime group by domain_userid
),
per_value_by_key as (
    select
        domain_userid,
        any_value(favourite_category_30d) as favourite_category_30d,
        any_value(rarest_country) as rarest_country,
        any_value(usual_view_hour_7d) as usual_view_hour_7d,
        any_value(cart_categories_counted) as cart_categories_counted
    from per_value group by domain_userid
),
per_event as (
select
    domain_userid,
    count(*) filter (where is_page_view) as page_views_lifetime,
    count(*) filter (where is_page_view and ${within(7)}) as page_views_7d,
    cast(count(*) filter (where is_page_ping and ${within(1)}) as integer) as page_pings_1d,
    count(*) filter (where is_page_ping and pp_yoffset_max >= 1000 and ${within(7)}) as deep_scroll_pings_7d,
    count(*) filter (where is_page_view and (page_urlpath like '%pricing%' or page_urlpath = '/plans') and ${within(30)}) as pricing_views_30d,
    count(*) filter (where is_page_view and (geo_country <> 'US' or geo_country is null) and dvce_ismobile and ${within(30)}) as non_us_mobile_views_30d,
    coalesce(sum(price) filter (where is_cart and ${within(30)}), 0) as cart_value_30d,
    cast(coalesce(sum(quantity) filter (where is_cart), 0) as bigint) as cart_quantity_lifetime,
    coalesce(avg(price) filter (where is_cart and ${within(7)}), 0) as avg_cart_price_7d,
    min(revenue) filter (where is_order and currency in ('EUR', 'USD', 'GBP') and ${within(30)}) as min_order_revenue_30d,
    cast(max(revenue) filter (where is_order) as bigint) as max_order_revenue_lifetime,
    arg_min(mkt_source, (derived_tstamp, event_id)) filter (where is_page_view and mkt_source is not null) as first_mkt_source,
    arg_max(geo_country, (derived_tstamp, event_id)) filter (where is_page_view and geo_country is not null) as last_geo_country,
    coalesce(
        arg_max(device_class, (derived_tstamp, event_id)) filter (where (is_page_view or is_page_ping) and device_class is not null and ${within(7)}),
        'Unknown'
    ) as last_device_class_7d,
    nullif(list_sort(list_distinct(list(operating_system) filter (where is_page_view and operating_system is not null))), []) as operating_systems,
    nullif(list_sort(list_distinct(list(category) filter (
        where is_cart_101 and quantity < 5 and (price > 50 or category in ('shoes', 'bags')) and category is not null and ${within(30)}
    ))), []) as cart_categories_30d,
    cast(max(br_viewwidth) filter (where is_page_view and br_viewwidth <= 2560 and ${within(1)}) as integer) as max_view_width_1d,
    arg_max(second_brand, (derived_tstamp, event_id)) filter (where is_cart and second_brand is not null) as last_second_product_brand,
    count(distinct geo_country) filter (where is_page_view and ${within(30)}) as countries_seen_30d,
    -- rounded down: whole hours from the latest add_to_cart to U at 00:00 UTC
    cast(floor((epoch_us(cast(${U} as timestamp)) - epoch_us(max(derived_tstamp) filter (where is_cart))) / 3600000000.0) as bigint) as hours_since_last_cart,
    arg_max(nullif(concat_ws(' / ', device_class, operating_system), ''), (derived_tstamp, event_id))
        filter (where is_page_view and (device_class is not null or operating_system is not null)) as last_device,
    count(*) filter (where is_page_view and mkt_source is null and ${within(7)}) as untracked_source_views_7d,
    count(*) as events_lifetime
from in_view
group by domain_userid
)
select
    per_event.*,
    per_value_by_key.favourite_category_30d,
    per_value_by_key.rarest_country,
    per_value_by_key.cart_categories_counted,
    per_value_by_key.usual_view_hour_7d
from per_event
left join per_value_by_key on per_value_by_key.domain_userid = per_event.domain_userid
`;
}

/** The attribute columns of the bench view, in definition order, with how to compare them. */
export const DOUBLE_COLUMNS = new Set(['cart_value_30d', 'avg_cart_price_7d', 'min_order_revenue_30d']);

export interface HandWrittenRun {
  /** Rows DuckDB's profiler counted as scanned (null when not profiled). */
  rowsScanned: number | null;
  rowsScannedByTable: Record<string, number>;
}

/**
 * Run the hand-written query into `table`, in a separate DuckDB process (the venv's Python DuckDB:
 * the build dbt-duckdb uses). With `profile`, DuckDB's profiler is on, as it is for the engine's
 * runs in the bench, and the rows its table scans read are returned.
 */
export function runHandWritten(python: string, database: string, table: string, sql: string, profile: boolean): Promise<HandWrittenRun> {
  if (!/^[a-z_]+\.[a-z_]+$/.test(table)) throw new Error(`not a schema.table name: ${table}`);
  const script = [
    'import duckdb, json, sys',
    'con = duckdb.connect(sys.argv[1])',
    'con.execute("set enable_progress_bar = false")',
    `con.execute("create schema if not exists ${table.split('.')[0]}")`,
    'profile = sys.argv[2] == "1"',
    'if profile:',
    '    con.execute("set enable_profiling = \'no_output\'")',
    '    con.execute("set profiling_coverage = \'ALL\'")',
    'con.execute(sys.stdin.read())',
    'scans = {}',
    'def walk(node):',
    '    if node.get("operator_type") == "TABLE_SCAN":',
    '        name = ".".join(str((node.get("extra_info") or {}).get("Table", "unknown")).split(".")[-2:])',
    '        scans[name] = scans.get(name, 0) + int(node.get("operator_rows_scanned") or 0)',
    '    for child in node.get("children") or []:',
    '        walk(child)',
    'rows = None',
    'if profile:',
    '    tree = json.loads(con.get_profiling_information(format="json"))',
    '    walk(tree)',
    '    rows = int(tree.get("cumulative_rows_scanned") or 0)',
    'con.close()',
    'print(json.dumps({"rows": rows, "scans": scans}))',
  ].join('\n');
  return new Promise((resolve, reject) => {
    const child = spawn(python, ['-c', script, database, profile ? '1' : '0'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`the hand-written query failed (exit ${code}): ${err.trim().slice(-2000)}`));
      const r = JSON.parse(out.trim().split('\n').pop() ?? '{}') as { rows: number | null; scans: Record<string, number> };
      resolve({ rowsScanned: r.rows, rowsScannedByTable: r.scans });
    });
    child.stdin.end(`create or replace table ${table} as\n${sql}`);
  });
}
