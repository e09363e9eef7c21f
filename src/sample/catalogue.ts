/**
 * What the sample generator draws from: the apps, the column list of a CSV export, and the weighted
 * catalogues of countries, devices, pages, acquisition channels, products and structured events.
 * Values carry quotes, `--` and braces on purpose (user text is only ever data).
 */

/** One atomic event: column name -> value (null = NULL). */
export type EventRow = Record<string, string | number | boolean | null>;

/** The main app of the sample; `SAMPLE_OTHER_APP_ID` events are there to be filtered out by `snowplow__app_id`. */
export const SAMPLE_APP_ID = 'web-shop';
export const SAMPLE_OTHER_APP_ID = 'internal-tool';
/** A re-sent copy carries this geo_country, so a copy that wins over the first load is visible. */
export const DUPLICATE_MARKER_COUNTRY = 'ZZ';
/** A campaign name with a quote and `--` (SQL comment) in it. */
export const QUOTED_CAMPAIGN = "O'Brien -- VIP";

/** Every column of a generated row, in CSV order. */
export const SAMPLE_EVENT_COLUMNS: readonly string[] = [
  'app_id',
  'platform',
  'etl_tstamp',
  'collector_tstamp',
  'dvce_created_tstamp',
  'dvce_sent_tstamp',
  'derived_tstamp',
  'load_tstamp',
  'event',
  'event_id',
  'event_vendor',
  'event_name',
  'event_format',
  'event_version',
  'name_tracker',
  'v_tracker',
  'v_collector',
  'v_etl',
  'user_id',
  'user_ipaddress',
  'domain_userid',
  'domain_sessionidx',
  'domain_sessionid',
  'network_userid',
  'geo_country',
  'geo_city',
  'geo_timezone',
  'page_url',
  'page_title',
  'page_referrer',
  'page_urlscheme',
  'page_urlhost',
  'page_urlpath',
  'refr_medium',
  'refr_source',
  'mkt_medium',
  'mkt_source',
  'mkt_campaign',
  'se_category',
  'se_action',
  'se_label',
  'se_property',
  'se_value',
  'tr_orderid',
  'tr_total',
  'tr_tax',
  'tr_currency',
  'pp_xoffset_min',
  'pp_xoffset_max',
  'pp_yoffset_min',
  'pp_yoffset_max',
  'useragent',
  'br_lang',
  'dvce_ismobile',
  'dvce_screenwidth',
  'dvce_screenheight',
  'contexts_nl_basjes_yauaa_context_1_0_0',
  'contexts_com_acme_cart_1_0_0',
  'contexts_com_acme_cart_1_0_1',
  'contexts_com_acme_user_1_0_0',
  'unstruct_event_com_acme_checkout_1_0_0',
  'unstruct_event_com_acme_checkout_1_0_1',
  'unstruct_event_com_acme_page_view_1_0_0',
  'unstruct_event_com_snowplowanalytics_snowplow_link_click_1_0_1',
  'unstruct_event_com_snowplowanalytics_snowplow_application_error_1_0_2',
];

export const COUNTRIES = [
  ['DE', 'Berlin', 'Europe/Berlin', 5],
  ['FR', 'Paris', 'Europe/Paris', 4],
  ['GB', 'London', 'Europe/London', 4],
  ['US', 'New York', 'America/New_York', 6],
  ['NL', 'Amsterdam', 'Europe/Amsterdam', 2],
  ['BR', 'São Paulo', 'America/Sao_Paulo', 1],
  ['JP', 'Tokyo', 'Asia/Tokyo', 1],
] as const;

export const DEVICES = [
  { deviceClass: 'Desktop', os: 'Windows NT', agent: 'Chrome', mobile: false, w: 1920, h: 1080, weight: 5 },
  { deviceClass: 'Desktop', os: 'Mac OS', agent: 'Safari', mobile: false, w: 1440, h: 900, weight: 2 },
  { deviceClass: 'Phone', os: 'Android', agent: 'Chrome', mobile: true, w: 412, h: 915, weight: 4 },
  { deviceClass: 'Phone', os: 'iOS', agent: 'Safari', mobile: true, w: 390, h: 844, weight: 3 },
  { deviceClass: 'Tablet', os: 'iPadOS', agent: 'Safari', mobile: true, w: 820, h: 1180, weight: 1 },
] as const;

export const PAGES = [
  ['/', "Tom's shop -- home"],
  ['/shoes', 'Shoes'],
  ['/shoes/runner-2', 'Runner 2 "Pro"'],
  ['/bags', 'Bags & more'],
  ['/sale', "It's sale -- 50% off"],
  ['/cart', 'Cart'],
  ['/help', 'Help, FAQ'],
] as const;

export type Acquisition = {
  medium: string | null;
  source: string | null;
  campaign: string | null;
  referrer: string | null;
  refrMedium: string | null;
  refrSource: string | null;
};
export const ACQUISITIONS: ReadonlyArray<readonly [Acquisition, number]> = [
  [{ medium: null, source: null, campaign: null, referrer: null, refrMedium: null, refrSource: null }, 8],
  [
    {
      medium: 'cpc',
      source: 'google',
      campaign: 'brand',
      referrer: 'https://www.google.com/search?q=shoes',
      refrMedium: 'search',
      refrSource: 'Google',
    },
    4,
  ],
  [{ medium: null, source: null, campaign: null, referrer: 'https://www.google.de/', refrMedium: 'search', refrSource: 'Google' }, 2],
  [{ medium: 'email', source: 'newsletter', campaign: 'spring_sale', referrer: null, refrMedium: 'email', refrSource: null }, 3],
  [
    {
      medium: 'affiliate',
      source: "partner's blog",
      campaign: QUOTED_CAMPAIGN,
      referrer: 'https://blog.example.org/--/post?id=1',
      refrMedium: 'unknown',
      refrSource: null,
    },
    2,
  ],
  [
    {
      medium: 'internal',
      source: 'intranet',
      campaign: null,
      referrer: 'https://intranet.example.com/',
      refrMedium: 'internal',
      refrSource: null,
    },
    1,
  ],
  [
    {
      medium: 'social',
      source: 'bing',
      campaign: "it's -- free",
      referrer: 'https://www.bing.com/',
      refrMedium: 'search',
      refrSource: 'Bing',
    },
    1,
  ],
  // a source without a medium, and a campaign that contains the quoted one
  [
    { medium: null, source: 'qr-code', campaign: `2025 ${QUOTED_CAMPAIGN} retarget`, referrer: null, refrMedium: null, refrSource: null },
    1,
  ],
];

export const PRODUCTS = [
  ['SKU-001', 'Runner 2', 89.9],
  ['SKU-002', "Tom's mug", 12.5],
  ['SKU-003', 'Bag -- large', 45],
  ['SKU-004', 'Socks', 4.99],
  ['SKU-005', 'Cap', 19],
  ['SKU-006', 'Jacket', 129.99],
] as const;

export const STRUCT_EVENTS = [
  ['video', 'play', "don't -- stop"],
  ['video', 'pause', 'intro'],
  ['promo', 'click', "O'Brien's -- banner"],
  ['newsletter', 'subscribe', null],
] as const;
