/**
 * The bench's attribute view: 27 attributes over page views, page pings, a custom
 * self-describing `add_to_cart` event and Snowplow ecommerce transactions. Together they cover
 * every aggregation (counter, sum, mean, min, max, first, last, unique_list and the 2026 ones below),
 * criteria with every operator (=, !=, <, >, <=, >=, like, in; `all` and `any`), atomic, event and
 * entity properties (entity index 0 and 1), a version-pinned and a versionless event, defaults,
 * int casts, and the periods P1D, P7D, P30D plus lifetime.
 *
 * bench/baseline.ts computes the same table by hand; keep the two in step.
 */
import { atomic, calculated, datePart, entityField, event, eventField, pagePing, pageView, parseView, type View } from '../src/definition';

export const ACME = 'com.acme';
export const ECOMMERCE = 'com.snowplowanalytics.snowplow.ecommerce';
export const YAUAA = 'nl.basjes';

/** Any version of com.acme/add_to_cart (1-0-0 and 1-0-1 are generated). */
const addToCart = () => event(ACME, 'add_to_cart');
const addToCart101 = () => event(ACME, 'add_to_cart', '1-0-1');
const ecommerceAction = () => event(ECOMMERCE, 'snowplow_ecommerce_action', '1-0-2');

const price = eventField(ACME, 'add_to_cart', 1, '$.price');
const quantity = eventField(ACME, 'add_to_cart', 1, '$.quantity');
const category = eventField(ACME, 'add_to_cart', 1, '$.category');
const revenue = entityField(ECOMMERCE, 'transaction', 1, '$.revenue');
const currency = entityField(ECOMMERCE, 'transaction', 1, '$.currency');
const deviceClass = entityField(YAUAA, 'yauaa_context', 1, '$.deviceClass');
const operatingSystem = entityField(YAUAA, 'yauaa_context', 1, '$.operatingSystemName');
const secondProductBrand = entityField(ACME, 'product', 1, '$.brand', 1);

const derived = atomic('derived_tstamp');

/**
 * Signals' 2026 attribute model: the per-value aggregations (most_frequent, least_frequent,
 * category_count, approx_count_distinct, which add the daily_values model), time_since_last, a
 * date part, a calculated property, `is null` and an all-event counter (`events: []`, which makes
 * every event of a key in scope). bench/baseline.ts computes each by hand too.
 */
const ATTRIBUTES_2026 = [
  {
    name: 'favourite_category_30d',
    type: 'string',
    aggregation: 'most_frequent',
    events: [addToCart()],
    property: category,
    period: 'P30D',
  },
  { name: 'rarest_country', type: 'string', aggregation: 'least_frequent', events: [pageView()], property: atomic('geo_country') },
  { name: 'cart_categories_counted', type: 'dict', aggregation: 'category_count', events: [addToCart()], property: category },
  {
    name: 'countries_seen_30d',
    type: 'int64',
    aggregation: 'approx_count_distinct',
    events: [pageView()],
    property: atomic('geo_country'),
    period: 'P30D',
  },
  { name: 'hours_since_last_cart', type: 'int64', aggregation: 'time_since_last', events: [addToCart()], timeUnit: 'h' },
  {
    name: 'usual_view_hour_7d',
    type: 'int64',
    aggregation: 'most_frequent',
    events: [pageView()],
    property: datePart(derived, 'hour_of_day'),
    period: 'P7D',
  },
  {
    name: 'last_device',
    type: 'string',
    aggregation: 'last',
    events: [pageView()],
    property: calculated.concat([deviceClass, operatingSystem], ' / '),
  },
  {
    name: 'untracked_source_views_7d',
    type: 'int64',
    aggregation: 'counter',
    events: [pageView()],
    criteria: { all: [{ property: atomic('mkt_source'), operator: 'is null' }] },
    period: 'P7D',
  },
  { name: 'events_lifetime', type: 'int64', aggregation: 'counter', events: [] },
] as const;

export function benchView(): View {
  return parseView({
    name: 'bench_user_features',
    version: 1,
    attributeKey: { name: 'domain_userid' },
    owner: 'bench@example.com',
    description: 'Synthetic benchmark view (bench/): every aggregation, criteria and period.',
    attributes: [
      { name: 'page_views_lifetime', type: 'int64', aggregation: 'counter', events: [pageView()] },
      { name: 'page_views_7d', type: 'int64', aggregation: 'counter', events: [pageView()], period: 'P7D' },
      { name: 'page_pings_1d', type: 'int32', aggregation: 'counter', events: [pagePing()], period: 'P1D' },
      {
        name: 'deep_scroll_pings_7d',
        type: 'int64',
        aggregation: 'counter',
        events: [pagePing()],
        criteria: { all: [{ property: atomic('pp_yoffset_max'), operator: '>=', value: 1000 }] },
        period: 'P7D',
      },
      {
        name: 'pricing_views_30d',
        type: 'int64',
        aggregation: 'counter',
        events: [pageView()],
        criteria: {
          any: [
            { property: atomic('page_urlpath'), operator: 'like', value: 'pricing' },
            { property: atomic('page_urlpath'), operator: '=', value: '/plans' },
          ],
        },
        period: 'P30D',
      },
      {
        name: 'non_us_mobile_views_30d',
        type: 'int64',
        aggregation: 'counter',
        events: [pageView()],
        criteria: {
          all: [
            { property: atomic('geo_country'), operator: '!=', value: 'US' },
            { property: atomic('dvce_ismobile'), operator: '=', value: true },
          ],
        },
        period: 'P30D',
      },
      { name: 'cart_value_30d', type: 'double', aggregation: 'sum', events: [addToCart()], property: price, period: 'P30D' },
      { name: 'cart_quantity_lifetime', type: 'int64', aggregation: 'sum', events: [addToCart()], property: quantity },
      {
        name: 'avg_cart_price_7d',
        type: 'double',
        aggregation: 'mean',
        events: [addToCart()],
        property: price,
        period: 'P7D',
        defaultValue: 0,
      },
      {
        name: 'min_order_revenue_30d',
        type: 'double',
        aggregation: 'min',
        events: [ecommerceAction()],
        property: revenue,
        criteria: { all: [{ property: currency, operator: 'in', value: ['EUR', 'USD', 'GBP'] }] },
        period: 'P30D',
      },
      { name: 'max_order_revenue_lifetime', type: 'int64', aggregation: 'max', events: [ecommerceAction()], property: revenue },
      { name: 'first_mkt_source', type: 'string', aggregation: 'first', events: [pageView()], property: atomic('mkt_source') },
      { name: 'last_geo_country', type: 'string', aggregation: 'last', events: [pageView()], property: atomic('geo_country') },
      {
        name: 'last_device_class_7d',
        type: 'string',
        aggregation: 'last',
        events: [pageView(), pagePing()],
        property: deviceClass,
        period: 'P7D',
        defaultValue: 'Unknown',
      },
      { name: 'operating_systems', type: 'string_list', aggregation: 'unique_list', events: [pageView()], property: operatingSystem },
      {
        name: 'cart_categories_30d',
        type: 'string_list',
        aggregation: 'unique_list',
        events: [addToCart101()],
        property: category,
        criteria: {
          any: [
            { property: price, operator: '>', value: 50 },
            { property: category, operator: 'in', value: ['shoes', 'bags'] },
          ],
          all: [{ property: quantity, operator: '<', value: 5 }],
        },
        period: 'P30D',
      },
      {
        name: 'max_view_width_1d',
        type: 'int32',
        aggregation: 'max',
        events: [pageView()],
        property: atomic('br_viewwidth'),
        criteria: { all: [{ property: atomic('br_viewwidth'), operator: '<=', value: 2560 }] },
        period: 'P1D',
      },
      { name: 'last_second_product_brand', type: 'string', aggregation: 'last', events: [addToCart()], property: secondProductBrand },
      ...ATTRIBUTES_2026,
    ],
  });
}
