/**
 * Built-in events, attribute keys and property helpers, so a view reads like the domain:
 * `events: [pageView()]`, `property: entity('nl.basjes', 'yauaa_context', 1, '$.deviceClass')`.
 */
import type {
  AtomicProperty,
  AttributeKey,
  CalculatedOperation,
  CalculatedProperty,
  DatePart,
  EntityProperty,
  EventProperty,
  EventSpec,
  LeafProperty,
} from './model';

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

/** A part of a timestamp property (UTC): `datePart(atomic('derived_tstamp'), 'hour_of_day')`. */
export const datePart = <P extends LeafProperty>(property: P, part: DatePart): P => ({ ...property, datePart: part });

const calculation =
  (operation: CalculatedOperation) =>
  (properties: LeafProperty[]): CalculatedProperty => ({ type: 'calculated', operation, properties });

/** Values calculated per event from 1-50 properties: `calculated.concat([a, b], ' / ')`, `calculated.sum([a, b])`… */
export const calculated = {
  /** The non-null values joined as text (NULL when all are NULL). */
  concat: (properties: LeafProperty[], separator?: string): CalculatedProperty =>
    separator === undefined
      ? { type: 'calculated', operation: 'concat', properties }
      : { type: 'calculated', operation: 'concat', properties, separator },
  /** The sum (NULL when any is NULL). */
  sum: calculation('sum'),
  /** The product (NULL when any is NULL). */
  product: calculation('product'),
  /** The smallest (NULL when any is NULL). */
  min: calculation('min'),
  /** The largest (NULL when any is NULL). */
  max: calculation('max'),
  /** The first non-null value. */
  coalesce: calculation('coalesce'),
};
