/**
 * The atomic event columns a property may name (the Signals API's `AtomicProperty` enum),
 * with the SQL kind of each, so criteria and casts know what they compare.
 */

export type AtomicKind = 'string' | 'number' | 'timestamp' | 'boolean' | 'json';

const NUMBER_COLUMNS = `domain_sessionidx geo_latitude geo_longitude page_urlport refr_urlport se_value
tr_total tr_tax tr_shipping ti_price ti_quantity pp_xoffset_min pp_xoffset_max pp_yoffset_min pp_yoffset_max
br_colordepth br_viewwidth br_viewheight dvce_screenwidth dvce_screenheight doc_width doc_height
tr_total_base tr_tax_base tr_shipping_base ti_price_base`;
const TIMESTAMP_COLUMNS = `etl_tstamp collector_tstamp dvce_created_tstamp dvce_sent_tstamp refr_dvce_tstamp refr_device_tstamp
derived_tstamp true_tstamp`;
const BOOLEAN_COLUMNS = `br_features_pdf br_features_flash br_features_java br_features_director br_features_quicktime
br_features_realplayer br_features_windowsmedia br_features_gears br_features_silverlight br_cookies dvce_ismobile`;
const JSON_COLUMNS = 'contexts unstruct_event derived_contexts';
const STRING_COLUMNS = `app_id platform event event_id txn_id name_tracker v_tracker v_collector v_etl
user_id user_ipaddress user_fingerprint domain_userid network_userid
geo_country geo_region geo_city geo_zipcode geo_region_name ip_isp ip_organization ip_domain ip_netspeed
page_url page_title page_referrer page_urlscheme page_urlhost page_urlpath page_urlquery page_urlfragment
refr_urlscheme refr_urlhost refr_urlpath refr_urlquery refr_urlfragment refr_medium refr_source refr_term
mkt_medium mkt_source mkt_term mkt_content mkt_campaign se_category se_action se_label se_property
tr_orderid tr_affiliation tr_city tr_state tr_country ti_orderid ti_sku ti_name ti_category
useragent br_name br_family br_version br_type br_renderengine br_lang
os_name os_family os_manufacturer os_timezone dvce_type doc_charset tr_currency ti_currency base_currency
geo_timezone mkt_clickid mkt_network etl_tags refr_domain_userid domain_sessionid
event_vendor event_name event_format event_version event_fingerprint`;

function kinds(list: string, kind: AtomicKind): Array<[string, AtomicKind]> {
  return list
    .split(/\s+/)
    .filter(Boolean)
    .map((c) => [c, kind]);
}

/** Every column of the API's atomic-property enum, with its kind. */
export const ATOMIC_COLUMNS: ReadonlyMap<string, AtomicKind> = new Map([
  ...kinds(STRING_COLUMNS, 'string'),
  ...kinds(NUMBER_COLUMNS, 'number'),
  ...kinds(TIMESTAMP_COLUMNS, 'timestamp'),
  ...kinds(BOOLEAN_COLUMNS, 'boolean'),
  ...kinds(JSON_COLUMNS, 'json'),
]);

export const ATOMIC_COLUMN_NAMES: readonly string[] = [...ATOMIC_COLUMNS.keys()].sort();

/**
 * The current spelling of an atomic property name. The API's enum said `refr_device_tstamp` until
 * it took the loaders' spelling, `refr_dvce_tstamp` (SDK 0.4.10); both are accepted, the current one
 * is kept.
 */
export function currentAtomicName(enumName: string): string {
  return enumName === 'refr_device_tstamp' ? 'refr_dvce_tstamp' : enumName;
}

/** The warehouse column of an atomic property. */
export function warehouseColumnName(enumName: string): string {
  return currentAtomicName(enumName);
}
