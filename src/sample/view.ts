/**
 * A view over the sample events (`generateEvents`) that uses every feature of the view model:
 * all 14 aggregations, every criteria operator (`is null` / `is not null` too), `all` with `any`,
 * periods and lifetime attributes, default values, atomic, event and entity (index 0 and 1)
 * properties, the six date parts, the six calculated operations, `events: []`, and the timestamp
 * and dict types.
 */
import {
  atomic,
  calculated,
  datePart,
  domainUserid,
  entityField,
  event,
  eventField,
  pagePing,
  pageView,
  structuredEvent,
  type View,
} from '../definition';
import { QUOTED_CAMPAIGN } from './catalogue';

const ACME = 'com.acme';
const checkout = () => event(ACME, 'checkout'); // versionless: 1-0-0 and 1-0-1
const acmePageView = () => event(ACME, 'page_view', '1-0-0');
const transaction = () => event('com.snowplowanalytics.snowplow', 'transaction', '1-0-0');
const deviceClass = entityField('nl.basjes', 'yauaa_context', 1, '$.deviceClass');
const cart = (index: number, path: string) => entityField(ACME, 'cart', 1, path, index);
const checkoutField = (path: string) => eventField(ACME, 'checkout', 1, path);
const section = eventField(ACME, 'page_view', 1, '$.section');
const signupTime = entityField(ACME, 'user', 1, '$.signupTime');
const derived = atomic('derived_tstamp');

/** The sample view, in the TypeScript (camelCase) form; `parseView(sampleView())` validates it. */
export function sampleView(): View {
  return {
    name: 'sample_shop_users',
    version: 1,
    description: 'Every feature of a batch attribute view, over the generated sample events.',
    attributeKey: domainUserid,
    attributes: [
      {
        name: 'page_views_lifetime',
        description: "Snowplow page views (not com.acme's page_view)",
        type: 'int64',
        aggregation: 'counter',
        events: [pageView()],
      },
      {
        name: 'acme_page_views_7d',
        type: 'int64',
        aggregation: 'counter',
        events: [acmePageView()],
        period: 'P7D',
      },
      {
        name: 'phone_page_views_1w',
        type: 'int32',
        aggregation: 'counter',
        events: [pageView()],
        criteria: { all: [{ property: deviceClass, operator: '=', value: 'Phone' }] },
        period: 'P1W',
      },
      {
        name: 'checkout_revenue',
        type: 'double',
        aggregation: 'sum',
        events: [checkout()],
        property: checkoutField('$.total'),
      },
      {
        name: 'mean_items_per_big_checkout_30d',
        type: 'double',
        aggregation: 'mean',
        events: [checkout()],
        property: checkoutField('$.itemCount'),
        criteria: { all: [{ property: checkoutField('$.total'), operator: '>=', value: 50 }] },
        period: 'P30D',
      },
      {
        name: 'min_transaction_total',
        type: 'double',
        aggregation: 'min',
        events: [transaction()],
        property: atomic('tr_total'),
        criteria: { all: [{ property: atomic('tr_total'), operator: '>', value: 10 }] },
      },
      {
        name: 'max_first_cart_price',
        type: 'double',
        aggregation: 'max',
        events: [pageView(), checkout()],
        property: cart(0, '$.price'),
        criteria: { all: [{ property: cart(0, '$.quantity'), operator: '<=', value: 3 }] },
      },
      {
        name: 'first_mkt_source',
        type: 'string',
        aggregation: 'first',
        events: [pageView()],
        property: atomic('mkt_source'),
        criteria: { all: [{ property: atomic('mkt_medium'), operator: '!=', value: 'internal' }] },
        defaultValue: 'direct',
      },
      {
        name: 'last_country',
        type: 'string',
        aggregation: 'last',
        events: [pageView(), pagePing()],
        property: atomic('geo_country'),
      },
      {
        name: 'second_cart_skus',
        type: 'string_list',
        aggregation: 'unique_list',
        events: [checkout()],
        property: cart(1, '$.sku'),
      },
      {
        name: 'checkout_first_item_skus',
        type: 'string_list',
        aggregation: 'unique_list',
        events: [checkout()],
        property: checkoutField('$.items[0].sku'),
        defaultValue: [],
      },
      {
        name: 'countries_seen',
        type: 'string_list',
        aggregation: 'unique_list',
        events: [pageView()],
        property: atomic('geo_country'),
        criteria: { all: [{ property: atomic('geo_country'), operator: 'in', value: ['DE', 'FR', 'GB', 'US', 'ZZ'] }] },
      },
      {
        name: 'vip_campaign_views',
        type: 'int64',
        aggregation: 'counter',
        events: [pageView()],
        criteria: { all: [{ property: atomic('mkt_campaign'), operator: 'like', value: QUOTED_CAMPAIGN }] },
      },
      {
        name: 'google_referrals_2w',
        type: 'int64',
        aggregation: 'counter',
        events: [pageView()],
        criteria: { all: [{ property: atomic('page_referrer'), operator: 'like', value: 'https://www.google.%' }] },
        period: 'P14D',
      },
      {
        name: 'extreme_video_events_48h',
        type: 'int64',
        aggregation: 'counter',
        events: [structuredEvent()],
        criteria: {
          all: [{ property: atomic('se_category'), operator: '=', value: 'video' }],
          any: [
            { property: atomic('se_value'), operator: '<', value: 10 },
            { property: atomic('se_value'), operator: '>', value: 90 },
          ],
        },
        period: 'PT48H',
      },
      {
        name: 'last_mobile_os_7d',
        type: 'string',
        aggregation: 'last',
        events: [pageView()],
        property: entityField('nl.basjes', 'yauaa_context', 1, '$.operatingSystemName'),
        criteria: {
          any: [
            { property: deviceClass, operator: '=', value: 'Phone' },
            { property: deviceClass, operator: '=', value: 'Tablet' },
          ],
        },
        period: 'P7D',
        defaultValue: 'none',
      },
      {
        name: 'max_scroll_depth',
        type: 'int32',
        aggregation: 'max',
        events: [pagePing()],
        property: atomic('pp_yoffset_max'),
      },
      {
        name: 'video_value_total',
        type: 'int64',
        aggregation: 'sum',
        events: [structuredEvent()],
        property: atomic('se_value'),
        criteria: { all: [{ property: atomic('se_label'), operator: 'like', value: '%--%' }] },
      },
      {
        name: 'first_session_quantities',
        type: 'int64_list',
        aggregation: 'unique_list',
        events: [pageView(), checkout()],
        property: cart(0, '$.quantity'),
        criteria: { all: [{ property: atomic('domain_sessionidx'), operator: 'in', value: [1, 2] }] },
      },
      {
        name: 'last_member_flag',
        type: 'bool',
        aggregation: 'last',
        events: [pageView()],
        property: entityField(ACME, 'user', 1, '$.member'),
        defaultValue: false,
      },
      // values and categories: ties are frequent (three sections, few acme page views per user)
      { name: 'top_section', type: 'string', aggregation: 'most_frequent', events: [acmePageView()], property: section },
      {
        name: 'rare_section',
        type: 'string',
        aggregation: 'least_frequent',
        events: [acmePageView()],
        property: section,
        defaultValue: 'none',
      },
      {
        name: 'section_views_30d',
        type: 'dict',
        aggregation: 'category_count',
        events: [acmePageView()],
        property: section,
        period: 'P30D',
      },
      {
        name: 'distinct_pages',
        type: 'int64',
        aggregation: 'approx_count_distinct',
        events: [pageView()],
        property: atomic('page_urlpath'),
      },
      // time since, measured at the window's end
      { name: 'hours_since_last_view', type: 'int64', aggregation: 'time_since_last', events: [pageView()], timeUnit: 'h' },
      {
        name: 'days_since_first_checkout_30d',
        type: 'int32',
        aggregation: 'time_since_first',
        events: [checkout()],
        timeUnit: 'd',
        period: 'P30D',
        defaultValue: -1,
      },
      // every event, and the value-less operators
      {
        name: 'events_without_campaign',
        type: 'int64',
        aggregation: 'counter',
        events: [],
        criteria: { all: [{ property: atomic('mkt_campaign'), operator: 'is null' }] },
        ttl: 'P90D',
      },
      {
        name: 'logged_in_views_7d',
        type: 'int64',
        aggregation: 'counter',
        events: [pageView()],
        criteria: { all: [{ property: entityField(ACME, 'user', 1, '$.plan'), operator: 'is not null' }] },
        period: 'P7D',
      },
      // date parts (UTC), of atomic, entity and event timestamps
      { name: 'usual_hour', type: 'int64', aggregation: 'most_frequent', events: [pageView()], property: datePart(derived, 'hour_of_day') },
      {
        name: 'weekdays_active',
        type: 'int64_list',
        aggregation: 'unique_list',
        events: [pageView(), pagePing()],
        property: datePart(derived, 'day_of_week'),
      },
      { name: 'signup_month', type: 'int32', aggregation: 'min', events: [pageView()], property: datePart(signupTime, 'month_of_year') },
      {
        name: 'order_days',
        type: 'string_list',
        aggregation: 'unique_list',
        events: [checkout()],
        property: datePart(checkoutField('$.placedAt'), 'active_day'),
      },
      { name: 'active_weeks', type: 'int64', aggregation: 'approx_count_distinct', events: [], property: datePart(derived, 'active_week') },
      {
        name: 'views_by_month',
        type: 'dict',
        aggregation: 'category_count',
        events: [pageView()],
        property: datePart(derived, 'active_month'),
      },
      {
        name: 'late_evening_orders',
        type: 'int64',
        aggregation: 'counter',
        events: [checkout()],
        criteria: { all: [{ property: datePart(checkoutField('$.placedAt'), 'hour_of_day'), operator: '>=', value: 20 }] },
      },
      // values calculated per event
      {
        name: 'last_place',
        type: 'string',
        aggregation: 'last',
        events: [pageView()],
        property: calculated.concat([atomic('geo_country'), atomic('geo_city')], ' / '),
      },
      {
        name: 'revenue_with_tax',
        type: 'double',
        aggregation: 'sum',
        events: [transaction()],
        property: calculated.sum([atomic('tr_total'), atomic('tr_tax')]),
      },
      {
        name: 'largest_cart_line',
        type: 'double',
        aggregation: 'max',
        events: [checkout()],
        property: calculated.product([cart(0, '$.price'), cart(0, '$.quantity')]),
      },
      {
        name: 'cheaper_of_two_items',
        type: 'double',
        aggregation: 'min',
        events: [checkout()],
        property: calculated.min([cart(0, '$.price'), cart(1, '$.price')]),
      },
      {
        name: 'dearer_of_two_items',
        type: 'double',
        aggregation: 'max',
        events: [checkout()],
        property: calculated.max([cart(0, '$.price'), cart(1, '$.price')]),
      },
      {
        name: 'sources_or_cities',
        type: 'string_list',
        aggregation: 'unique_list',
        events: [pageView()],
        property: calculated.coalesce([atomic('mkt_source'), atomic('geo_city')]),
      },
      // the timestamp type, from an atomic timestamp and from event text with an offset
      { name: 'first_view_at', type: 'timestamp', aggregation: 'first', events: [pageView()], property: derived },
      {
        name: 'latest_order_placed_at',
        type: 'timestamp',
        aggregation: 'max',
        events: [checkout()],
        property: checkoutField('$.placedAt'),
        defaultValue: '2000-01-01T00:00:00Z',
      },
    ],
  };
}
