/**
 * The view model: one set of zod schemas, built twice — once with the TypeScript
 * argument names (camelCase) and once with the Signals API's JSON names (snake_case).
 * Both parse into the same internal `View`.
 */
import { z } from 'zod';
import { ATOMIC_COLUMNS, currentAtomicName } from './atomicColumns';
import { strictObject } from './strict';

export const NAME_PATTERN = /^[A-Za-z0-9_]+$/;
export const EVENT_VENDOR_PATTERN = /^[a-zA-Z0-9-_.]+$/;
export const EVENT_NAME_PATTERN = /^[a-zA-Z0-9-_]+$/;
export const SCHEMA_VERSION_PATTERN = /^[0-9]+-[0-9]+-[0-9]+$/;
/** Not just `$`, and no `['…']` / `["…"]` bracket access (the API's own rule). */
export const PROPERTY_PATH_PATTERN = /^(?!\$$)(?!.*\[['"]).+$/;

export const ATTRIBUTE_TYPES = [
  'bytes',
  'string',
  'int32',
  'int64',
  'double',
  'float',
  'bool',
  'unix_timestamp',
  'timestamp',
  'dict',
  'bytes_list',
  'string_list',
  'int32_list',
  'int64_list',
  'double_list',
  'float_list',
  'bool_list',
  'unix_timestamp_list',
] as const;
export type AttributeType = (typeof ATTRIBUTE_TYPES)[number];

export const AGGREGATIONS = [
  'counter',
  'sum',
  'min',
  'max',
  'mean',
  'first',
  'last',
  'unique_list',
  'most_frequent',
  'least_frequent',
  'category_count',
  'approx_count_distinct',
  'time_since_last',
  'time_since_first',
] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];
/** Aggregations measured from an event to the current day, in a `time_unit` (which only they take). */
export const TIME_SINCE_AGGREGATIONS: ReadonlySet<Aggregation> = new Set(['time_since_last', 'time_since_first']);

/** Units of `time_since_last` / `time_since_first`: seconds, minutes, hours, days. */
export const TIME_UNITS = ['s', 'min', 'h', 'd'] as const;
export type TimeUnit = (typeof TIME_UNITS)[number];

export const OPERATORS = ['=', '!=', '<', '>', '<=', '>=', 'like', 'in', 'is null', 'is not null'] as const;
export type Operator = (typeof OPERATORS)[number];
/** Operators that test the value itself and take none. */
export const VALUELESS_OPERATORS: ReadonlySet<Operator> = new Set(['is null', 'is not null']);

/** A part of a timestamp (UTC): integers for the first three, dates for the `active_*` ones. */
export const DATE_PARTS = ['hour_of_day', 'day_of_week', 'month_of_year', 'active_day', 'active_week', 'active_month'] as const;
export type DatePart = (typeof DATE_PARTS)[number];

export const CALCULATED_OPERATIONS = ['concat', 'sum', 'product', 'min', 'max', 'coalesce'] as const;
export type CalculatedOperation = (typeof CALCULATED_OPERATIONS)[number];

export interface AtomicProperty {
  type: 'atomic';
  /** An atomic column of the API enum, e.g. `geo_country`. */
  name: string;
  /** A part of the timestamp (only on the `*_tstamp` columns). */
  datePart?: DatePart;
}
export interface EventProperty {
  type: 'event';
  vendor: string;
  name: string;
  majorVersion: number;
  /** A JSONPath subset: `$.a.b[0].c`. */
  path: string;
  /** A part of the timestamp the field holds. */
  datePart?: DatePart;
}
export interface EntityProperty {
  type: 'entity';
  vendor: string;
  name: string;
  majorVersion: number;
  path: string;
  /** Which entity of that schema on the event (0 = the first). */
  index: number;
  /** A part of the timestamp the field holds. */
  datePart?: DatePart;
}
/** A property read from the event itself. */
export type LeafProperty = AtomicProperty | EventProperty | EntityProperty;
/** A value computed per event from 1-50 leaf properties. */
export interface CalculatedProperty {
  type: 'calculated';
  operation: CalculatedOperation;
  properties: LeafProperty[];
  /** Between joined values (`concat` only); default empty. */
  separator?: string;
}
export type Property = LeafProperty | CalculatedProperty;

export type ScalarValue = string | number | boolean;
export type CriterionValue = ScalarValue | ScalarValue[];

export interface Criterion {
  property: Property;
  operator: Operator;
  /** Absent for `is null` / `is not null`. */
  value?: CriterionValue;
}
export interface Criteria {
  all?: Criterion[];
  any?: Criterion[];
}
export interface EventSpec {
  vendor: string;
  name: string;
  /** SchemaVer `1-0-0`; absent matches every version. */
  version?: string;
}
export interface Attribute {
  name: string;
  description?: string;
  type: AttributeType;
  /** The events that count; an empty list means every event. */
  events: EventSpec[];
  aggregation: Aggregation;
  property?: Property;
  criteria?: Criteria;
  /** ISO-8601 duration of whole days (`P7D`, `P1W`, `PT48H`); absent = lifetime. */
  period?: string;
  defaultValue?: CriterionValue;
  /** Unit of `time_since_last` / `time_since_first`. */
  timeUnit?: TimeUnit;
  /** How long Signals keeps the value after its last update (ISO-8601 duration; lifetime attributes only). */
  ttl?: string;
}
export interface AttributeKey {
  name: string;
  description?: string;
  /** Column joining the key to attribute tables; defaults to `name`. */
  key?: string;
  /** Derive the key from an event or entity field instead of an atomic column. */
  property?: Property;
  owner?: string;
  ttl?: string;
}
/** How often Signals syncs the table: hourly (the API's default), every 6 or 12 hours, or daily. */
export const REFRESH_RATES = ['PT1H', 'PT6H', 'PT12H', 'P1D'] as const;
export type RefreshRate = (typeof REFRESH_RATES)[number];
/** The sync frequency Signals uses when a group does not say (the API's default). */
export const DEFAULT_REFRESH_RATE: RefreshRate = 'PT1H';

/**
 * The two forms Signals registers a warehouse table in:
 * - `attributes`: a batch group carrying the attribute definitions (what the table is computed from);
 * - `fields`: a warehouse (external batch) group listing the table's value columns and their types.
 */
export const REGISTRATION_FORMS = ['attributes', 'fields'] as const;
export type RegistrationForm = (typeof REGISTRATION_FORMS)[number];

export interface View {
  name: string;
  version: number;
  attributeKey: AttributeKey;
  attributes: Attribute[];
  owner?: string;
  description?: string;
  /** How long Signals keeps a key's values after their last update (ISO-8601 duration). */
  ttl?: string;
  /** How often Signals syncs the attribute table. */
  refreshRate?: RefreshRate;
  /** Deprecated by the API (no effect); accepted and not sent. */
  online?: boolean;
  offline?: boolean;
}

export type Naming = 'camel' | 'snake';

/** `majorVersion` -> `major_version` in the API form. */
export function fieldName(camel: string, naming: Naming): string {
  return naming === 'camel' ? camel : camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

const name = (what: string) =>
  z
    .string({ error: `${what} must be a string` })
    .min(1, `${what} must not be empty`)
    .max(128, `${what} must be at most 128 characters`)
    .regex(NAME_PATTERN, `${what} must match ^[A-Za-z0-9_]+$ (letters, digits, underscore)`);

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const scalarOrList = z.union([scalar, z.array(scalar)]);

function buildSchemas(naming: Naming) {
  const f = (camel: string) => fieldName(camel, naming);
  // The API's own publication flag may ride along in API JSON; publication itself is `materialize`'s job.
  const publication: z.ZodRawShape = naming === 'snake' ? { is_published: z.boolean().optional() } : {};

  const datePart = z.enum(DATE_PARTS, { error: `date_part must be one of ${DATE_PARTS.join(', ')}` }).optional();
  const atomicProperty = strictObject({
    type: z.literal('atomic'),
    name: z
      .string()
      .refine((n) => ATOMIC_COLUMNS.has(n), { error: (iss) => `unknown atomic column "${String(iss.input)}"` })
      .transform(currentAtomicName),
    [f('datePart')]: datePart,
  });
  const selfDescribing = {
    vendor: z.string().min(1, 'vendor must not be empty'),
    name: z.string().min(1).max(128).regex(EVENT_NAME_PATTERN, 'schema name must match ^[a-zA-Z0-9-_]+$'),
    [f('majorVersion')]: z.number().int('major version must be a whole number').positive('major version must be 1 or more'),
    path: z.string().min(1, 'path must not be empty').regex(PROPERTY_PATH_PATTERN, 'path must not be "$" alone nor use [\'…\'] access'),
    [f('datePart')]: datePart,
  };
  const eventProperty = strictObject({ type: z.literal('event'), ...selfDescribing });
  const entityProperty = strictObject({
    type: z.literal('entity'),
    ...selfDescribing,
    index: z.number().int().min(0, 'index must be 0 or more').default(0),
  });
  const leafProperty = z.discriminatedUnion('type', [atomicProperty, eventProperty, entityProperty], {
    error: 'a calculated property combines atomic, event or entity properties (it is flat: no calculated inside)',
  });
  const calculatedProperty = strictObject({
    type: z.literal('calculated'),
    operation: z.enum(CALCULATED_OPERATIONS, { error: `operation must be one of ${CALCULATED_OPERATIONS.join(', ')}` }),
    properties: z
      .array(leafProperty)
      .min(1, 'a calculated property needs 1 to 50 properties')
      .max(50, 'a calculated property takes at most 50 properties'),
    separator: z.string().max(16, 'separator must be at most 16 characters').optional(),
  });
  const property = z.discriminatedUnion('type', [atomicProperty, eventProperty, entityProperty, calculatedProperty], {
    error: 'property needs a type of "atomic", "event", "entity" or "calculated"',
  });

  const criterion = strictObject({
    property,
    operator: z.enum(OPERATORS, { error: `operator must be one of ${OPERATORS.map((o) => `"${o}"`).join(', ')}` }),
    value: scalarOrList.optional(),
  });
  const criteria = strictObject({ all: z.array(criterion).optional(), any: z.array(criterion).optional() });

  const event = strictObject({
    vendor: z.string({ error: 'event needs a vendor' }).min(1).max(128).regex(EVENT_VENDOR_PATTERN, 'vendor must match ^[a-zA-Z0-9-_.]+$'),
    name: z.string({ error: 'event needs a name' }).min(1).max(128).regex(EVENT_NAME_PATTERN, 'event name must match ^[a-zA-Z0-9-_]+$'),
    version: z.string().regex(SCHEMA_VERSION_PATTERN, 'version must be SchemaVer like 1-0-0').optional(),
  });

  const attribute = strictObject({
    name: name('attribute name'),
    description: z.string().optional(),
    type: z.enum(ATTRIBUTE_TYPES, { error: `type must be one of ${ATTRIBUTE_TYPES.join(', ')}` }),
    // an empty list means every event
    events: z.array(event),
    aggregation: z.enum(AGGREGATIONS, { error: `aggregation must be one of ${AGGREGATIONS.join(', ')}` }),
    property: property.optional(),
    criteria: criteria.optional(),
    period: z.string().optional(),
    [f('defaultValue')]: scalarOrList.optional(),
    [f('timeUnit')]: z.enum(TIME_UNITS, { error: `time_unit must be one of ${TIME_UNITS.join(', ')}` }).optional(),
    ttl: z.string().optional(),
  });

  const attributeKey = strictObject({
    name: name('attribute key name'),
    description: z.string().optional(),
    key: name('attribute key column').optional(),
    property: property.optional(),
    owner: z.string().optional(),
    ttl: z.string().optional(),
    ...publication,
  });

  const view = strictObject(
    {
      name: name('view name'),
      version: z.number().int('version must be a whole number').min(1, 'version must be 1 or more').default(1),
      [f('attributeKey')]: attributeKey,
      attributes: z.array(attribute).min(1, 'a view needs at least one attribute'),
      owner: z.string().optional(),
      description: z.string().optional(),
      ttl: z.string().optional(),
      [f('refreshRate')]: z.enum(REFRESH_RATES, { error: `refresh_rate must be one of ${REFRESH_RATES.join(', ')}` }).optional(),
      online: z.boolean().optional(),
      offline: z.boolean().optional(),
      ...publication,
    },
    {
      reasons: {
        [f('batchSource')]: 'the batch source is registered by materialize, not part of the view definition; remove it',
        fields: 'fields describe an external batch table, which has nothing to compute; a batch view declares attributes',
      },
    },
  );

  return { property, criterion, criteria, event, attribute, attributeKey, view };
}

/** Schemas of the TypeScript (camelCase) form. */
export const camelSchemas = buildSchemas('camel');
/** Schemas of the Signals API JSON (snake_case) form. */
export const apiSchemas = buildSchemas('snake');
