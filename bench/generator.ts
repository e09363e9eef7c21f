/**
 * Deterministic synthetic Snowplow events, written straight into DuckDB with one SQL statement
 * per batch (no CSV). The data is a fixed "universe" of events defined by hashes of
 * (user, day, event index): appending the loads of a load-time range inserts exactly the
 * universe's events whose `load_tstamp` falls in that range, so a history of N days followed by
 * one more day is the same data as a history of N + 1 days.
 *
 * Realism (the parts that matter to an incremental engine):
 * - most events are loaded within an hour, 6.5% one to 24 hours late, 3.5% one to ten days late;
 * - 1.2% of events are loaded again (same event_id) 10 minutes to 3 days later, 30% of those
 *   copies with different content (another country, page, price, or even event type); 0.2% are
 *   duplicated inside the same load with a later dvce_created_tstamp and other content;
 * - some events have no key (NULL or empty domain_userid), another app_id, or a skewed clock
 *   that puts them before the start date;
 * - the layout of the atomic events table: the standard atomic columns (typed) plus JSON columns
 *   `contexts_<vendor>_<name>_<major>` / `unstruct_event_<vendor>_<name>_<major>`;
 * - rows are appended in load_tstamp order, as a loader does.
 *
 * Pseudo-randomness is DuckDB's `hash()`: the data is identical on every run with the pinned
 * DuckDB (1.5.6); another DuckDB version may hash differently (still valid data, other values).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { ATOMIC_COLUMNS, warehouseColumnName } from '../src/definition';
import { duckdbTypeOf } from '../src/warehouse/duckdbEvents';

export interface GeneratorOptions {
  users: number;
  /** First event day (YYYY-MM-DD): day index 0. */
  startDate: string;
  schema?: string;
  table?: string;
}

/** The self-describing columns the generator fills (all JSON). */
export const JSON_COLUMNS = [
  'contexts_nl_basjes_yauaa_context_1',
  'contexts_com_snowplowanalytics_snowplow_web_page_1',
  'unstruct_event_com_acme_add_to_cart_1',
  'contexts_com_acme_product_1',
  'unstruct_event_com_snowplowanalytics_snowplow_ecommerce_snowplow_ecommerce_action_1',
  'contexts_com_snowplowanalytics_snowplow_ecommerce_transaction_1',
  'unstruct_event_com_snowplowanalytics_snowplow_link_click_1',
];

/** The app_id the view reads; another app's events are generated too and must be ignored. */
export const BENCH_APP_ID = 'bench';

/** A copy of an event is loaded at most this long after the first copy. */
const MAX_DUPLICATE_DELAY_DAYS = 3;
/** An event is loaded at most this long after it happened. */
const MAX_LOAD_DELAY_DAYS = 11;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

function tableName(o: GeneratorOptions): string {
  return `${ident(o.schema ?? 'atomic')}.${ident(o.table ?? 'events')}`;
}

/** Create the atomic events table (every standard column, typed as the CSV loader types them). */
export async function createEventsTable(conn: DuckDBConnection, o: GeneratorOptions): Promise<void> {
  const columns = new Map<string, string>();
  for (const [name, kind] of ATOMIC_COLUMNS) {
    if (kind === 'json') continue; // the generic contexts/unstruct_event columns are Snowflake's layout
    const column = warehouseColumnName(name);
    columns.set(column, duckdbTypeOf(column));
  }
  columns.set('load_tstamp', 'TIMESTAMP');
  for (const c of JSON_COLUMNS) columns.set(c, 'JSON');
  const defs = [...columns.entries()].map(([c, t]) => `${ident(c)} ${t}`);
  await conn.run(`create schema if not exists ${ident(o.schema ?? 'atomic')}`);
  await conn.run(`create table ${tableName(o)} (${defs.join(', ')})`);
}

/**
 * The SQL selecting the universe's events loaded in [startDate + fromDay, startDate + toDay),
 * ordered by load time. Only numbers and validated dates are interpolated.
 */
export function eventsSql(o: GeneratorOptions, fromDay: number, toDay: number): string {
  if (!DATE.test(o.startDate)) throw new Error(`startDate must be YYYY-MM-DD, got ${o.startDate}`);
  for (const [n, v] of Object.entries({ users: o.users, fromDay, toDay })) {
    if (!Number.isInteger(v)) throw new Error(`${n} must be an integer, got ${v}`);
  }
  const start = `date '${o.startDate}'`;
  // Events loaded in the range happened at most MAX_LOAD_DELAY + MAX_DUPLICATE_DELAY days before it.
  const firstEventDay = fromDay - MAX_LOAD_DELAY_DAYS - MAX_DUPLICATE_DELAY_DAYS - 1;
  return `
with
users as (
    select u, md5('bench-user-' || u) as m, hash(u, 'profile') as h
    from range(${o.users}) as t(u)
),
profiles as (
    select
        u,
        substr(m, 1, 8) || '-' || substr(m, 9, 4) || '-' || substr(m, 13, 4) || '-' || substr(m, 17, 4) || '-' || substr(m, 21, 12) as domain_userid,
        (['US', 'GB', 'DE', 'FR', 'NL', 'ES', 'IT', 'CA', 'AU', 'JP', 'BR', 'IN'])[1 + (h % 12)::int] as home_country,
        (['Desktop', 'Desktop', 'Phone', 'Phone', 'Tablet'])[1 + ((h >> 4) % 5)::int] as device_class,
        (['Windows', 'MacOS', 'Linux', 'Android', 'iOS'])[1 + ((h >> 8) % 5)::int] as os,
        (['Chrome', 'Firefox', 'Safari', 'Edge'])[1 + ((h >> 12) % 4)::int] as browser,
        (360 + ((h >> 16) % 3500))::double as view_width,
        -- per mille of days the user is active: 4% .. 50%
        40 + ((h >> 28) % 461) as activity
    from users
),
user_days as (
    select p.*, d, hash(u, d, 'day') as hd
    from profiles as p, range(${firstEventDay}, ${toDay}) as r(d)
    where hash(u, d, 'day') % 1000 < p.activity
),
sessions as (
    select
        *,
        md5('bench-session-' || u || '-' || d) as session_md5,
        ${start} + to_days(d::int) + to_seconds(((hd >> 20) % 82800)::bigint) as session_start,
        unnest(range(2 + ((hd >> 10) % 11)::int)) as i
    from user_days
),
base as (
    select
        s.*,
        hash(u, d, i, 'event') as he,
        hash(u, d, i, 'load') as hl
    from sessions as s
),
shaped as (
    select
        *,
        case
            when i = 0 then 'page_view'
            when he % 100 < 40 then 'page_view'
            when he % 100 < 80 then 'page_ping'
            when he % 100 < 90 then 'add_to_cart'
            when he % 100 < 93 then 'transaction'
            else 'link_click'
        end as kind,
        session_start + to_seconds((i * 45 + (he >> 8) % 40)::bigint) as true_time,
        -- 0.1% of devices have a clock a day behind
        (he >> 17) % 1000 = 0 as skewed,
        case
            when hl % 1000 < 900 then 5 + (hl >> 10) % 3600
            when hl % 1000 < 965 then 3600 + (hl >> 10) % 82800
            else (1 + (hl >> 10) % 10) * 86400 + (hl >> 20) % 86400
        end as load_delay_s,
        case
            when (hl >> 30) % 1000 < 12 then 'later'
            when (hl >> 30) % 1000 < 14 then 'same_load'
            else 'none'
        end as duplicate,
        (hl >> 40) % 10 as duplicate_variant
    from base
),
first_copies as (
    select
        *,
        true_time - to_days(case when skewed then 1 else 0 end) as derived,
        true_time + to_seconds((1 + (he >> 20) % 3)::bigint) as collector,
        true_time + to_seconds((1 + (he >> 20) % 3 + load_delay_s)::bigint) as loaded,
        false as is_copy
    from shaped
),
copies as (
    select
        * replace (
            case when duplicate = 'later' then loaded + to_seconds((600 + (hl >> 44) % (${MAX_DUPLICATE_DELAY_DAYS} * 86400 - 600))::bigint) else loaded end as loaded,
            case
                when duplicate_variant = 3 and kind = 'page_view' then 'page_ping'
                when duplicate_variant = 3 then 'page_view'
                else kind
            end as kind,
            true as is_copy
        )
    from first_copies
    where duplicate <> 'none'
),
all_copies as (
    select * from first_copies
    union all
    select * from copies
),
loaded_now as (
    select *,
        -- a copy differs from the first one in content: variants 0-2 (and every same-load copy)
        is_copy and (duplicate = 'same_load' or duplicate_variant < 3) as altered,
        md5('bench-event-' || u || '-' || d || '-' || i) as em
    from all_copies
    where loaded >= ${start} + to_days(${fromDay}) and loaded < ${start} + to_days(${toDay})
)
select
    case when (he >> 12) % 100 < 2 then 'bench-staging' else '${BENCH_APP_ID}' end as app_id,
    'web' as platform,
    case kind when 'page_view' then 'page_view' when 'page_ping' then 'page_ping' else 'unstruct' end as event,
    substr(em, 1, 8) || '-' || substr(em, 9, 4) || '-' || substr(em, 13, 4) || '-' || substr(em, 17, 4) || '-' || substr(em, 21, 12) as event_id,
    case kind
        when 'add_to_cart' then 'com.acme'
        when 'transaction' then 'com.snowplowanalytics.snowplow.ecommerce'
        else 'com.snowplowanalytics.snowplow'
    end as event_vendor,
    case kind when 'transaction' then 'snowplow_ecommerce_action' else kind end as event_name,
    'jsonschema' as event_format,
    case
        when kind = 'add_to_cart' and (he >> 44) % 10 < 4 then '1-0-1'
        when kind = 'transaction' then '1-0-2'
        else '1-0-0'
    end as event_version,
    'bench-js-3.24.0' as v_tracker,
    case
        when (he >> 14) % 1000 < 5 then null
        when (he >> 14) % 1000 = 5 then ''
        else domain_userid
    end as domain_userid,
    substr(session_md5, 1, 8) || '-' || substr(session_md5, 9, 4) || '-4' || substr(session_md5, 14, 3) || '-a' || substr(session_md5, 18, 3) || '-' || substr(session_md5, 21, 12) as domain_sessionid,
    (1 + d)::double as domain_sessionidx,
    case
        when altered and duplicate_variant = 0 then 'XX'
        when (he >> 24) % 100 < 5 then null
        when (he >> 24) % 100 < 7 then (['US', 'GB', 'DE', 'FR', 'NL', 'ES'])[1 + ((he >> 30) % 6)::int]
        else home_country
    end as geo_country,
    case when kind in ('page_view', 'page_ping') then
        case
            when altered then '/pricing-old'
            else (['/', '/pricing', '/plans', '/docs/start', '/blog/pricing-update', '/product/a', '/product/b', '/checkout', '/about', '/careers'])[1 + ((he >> 36) % 10)::int]
        end
    end as page_urlpath,
    case when kind = 'page_view' and (he >> 32) % 100 < 25 then (['google', 'bing', 'newsletter', 'facebook', 'partner'])[1 + ((he >> 40) % 5)::int] end as mkt_source,
    case when kind = 'page_view' and (he >> 32) % 100 < 25 then (['cpc', 'organic', 'email', 'social'])[1 + ((he >> 42) % 4)::int] end as mkt_medium,
    case when (he >> 46) % 100 = 0 then null else view_width + (case when altered then 100 else 0 end) end as br_viewwidth,
    device_class in ('Phone', 'Tablet') as dvce_ismobile,
    case when kind = 'page_ping' then ((he >> 48) % 1500)::double end as pp_yoffset_min,
    case when kind = 'page_ping' then ((he >> 48) % 3000)::double end as pp_yoffset_max,
    browser as br_name,
    derived - to_seconds(1) + to_seconds(case when is_copy and duplicate = 'same_load' then 1 else 0 end) as dvce_created_tstamp,
    derived as dvce_sent_tstamp,
    collector as collector_tstamp,
    derived as derived_tstamp,
    loaded - to_seconds(30) as etl_tstamp,
    loaded as load_tstamp,
    case when (he >> 50) % 50 = 0 then null else
        json_array(json_object(
            'deviceClass', device_class,
            'operatingSystemName', case when (he >> 52) % 100 < 8 then (['Windows', 'MacOS', 'Linux', 'Android', 'iOS'])[1 + ((he >> 54) % 5)::int] else os end,
            'agentName', browser
        ))
    end as contexts_nl_basjes_yauaa_context_1,
    json_array(json_object('id', substr(em, 1, 8) || '-0000-4000-8000-' || substr(em, 9, 12))) as contexts_com_snowplowanalytics_snowplow_web_page_1,
    case when kind = 'add_to_cart' then
        json_object(
            'sku', 'SKU-' || ((he >> 20) % 500),
            'price', case when (he >> 56) % 100 < 3 then null else (((1 + (he >> 24) % 20000) * (case when altered then 2 else 1 end)) / 100)::decimal(10, 2) end,
            'quantity', 1 + (he >> 36) % 6,
            'category', (['shoes', 'bags', 'hats', 'books', 'games', 'tools'])[1 + ((he >> 40) % 6)::int]
        )
    end as unstruct_event_com_acme_add_to_cart_1,
    case when kind = 'add_to_cart' then
        case (he >> 58) % 3
            when 0 then json_array(json_object('sku', 'SKU-' || ((he >> 20) % 500), 'brand', 'acme'))
            when 1 then json_array(json_object('sku', 'SKU-' || ((he >> 20) % 500), 'brand', 'acme'), json_object('sku', 'SKU-9', 'brand', (['zeta', 'nova', 'orbit'])[1 + ((he >> 22) % 3)::int]))
            else json_array(json_object('sku', 'SKU-1', 'brand', 'acme'), json_object('sku', 'SKU-2', 'brand', case when altered then 'copycat' else (['zeta', 'nova', 'orbit'])[1 + ((he >> 26) % 3)::int] end), json_object('sku', 'SKU-3', 'brand', 'lumen'))
        end
    end as contexts_com_acme_product_1,
    case when kind = 'transaction' then json_object('type', 'transaction') end
        as unstruct_event_com_snowplowanalytics_snowplow_ecommerce_snowplow_ecommerce_action_1,
    case when kind = 'transaction' then
        json_array(json_object(
            'transaction_id', 'T-' || substr(em, 1, 12),
            'revenue', ((500 + (he >> 24) % 49500 + (case when altered then 100 else 0 end)) / 100)::decimal(10, 2),
            'currency', (['EUR', 'USD', 'GBP', 'JPY'])[1 + ((he >> 40) % 4)::int],
            'payment_method', 'card',
            'total_quantity', 1 + (he >> 44) % 5
        ))
    end as contexts_com_snowplowanalytics_snowplow_ecommerce_transaction_1,
    case when kind = 'link_click' then json_object('targetUrl', 'https://example.com/' || ((he >> 20) % 100)) end
        as unstruct_event_com_snowplowanalytics_snowplow_link_click_1
from loaded_now
order by load_tstamp, dvce_created_tstamp
`;
}

/** Append the universe's events loaded in [startDate + fromDay, startDate + toDay); returns the row count. */
export async function appendLoads(conn: DuckDBConnection, o: GeneratorOptions, fromDay: number, toDay: number): Promise<number> {
  const result = await conn.run(`insert into ${tableName(o)} by name ${eventsSql(o, fromDay, toDay)}`);
  return Number(result.rowsChanged);
}
