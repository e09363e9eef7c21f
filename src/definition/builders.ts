/**
 * Built-in events, attribute keys and property helpers, so a view reads like the domain:
 * `events: [pageView()]`, `property: entity('nl.basjes', 'yauaa_context', 1, '$.deviceClass')`.
 */
import type { AtomicProperty, AttributeKey, EntityProperty, EventProperty, EventSpec } from './model';

const SNOWPLOW = 'com.snowplowanalytics.snowplow';

export const pageView = (): EventSpec => ({ vendor: SNOWPLOW, name: 'page_view', version: '1-0-0' });
export const pagePing = (): EventSpec => ({ vendor: SNOWPLOW, name: 'page_ping', version: '1-0-0' });
/** Snowplow structured events are stored with vendor `com.google.analytics`, name `event`. */
export const structuredEvent = (): EventSpec => ({ vendor: 'com.google.analytics', name: 'event', version: '1-0-0' });
/** Any event; omit `version` to match every version. */
export const event = (vendor: string, name: string, version?: string): EventSpec =>
  version === undefined ? { vendor, name } : { vendor, name, version };

export const domainUserid: AttributeKey = { name: 'domain_userid' };
export const domainSessionid: AttributeKey = { name: 'domain_sessionid' };
export const userId: AttributeKey = { name: 'user_id' };
export const networkUserid: AttributeKey = { name: 'network_userid' };

export const atomic = (name: string): AtomicProperty => ({ type: 'atomic', name });
export const eventField = (vendor: string, name: string, majorVersion: number, path: string): EventProperty => ({
  type: 'event',
  vendor,
  name,
  majorVersion,
  path,
});
export const entityField = (vendor: string, name: string, majorVersion: number, path: string, index = 0): EntityProperty => ({
  type: 'entity',
  vendor,
  name,
  majorVersion,
  path,
  index,
});
