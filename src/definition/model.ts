/**
 * The view model: one set of zod schemas, built twice — once with the TypeScript
 * argument names (camelCase) and once with the Signals API's JSON names (snake_case).
 * Both parse into the same internal `View`.
 */
import { z } from 'zod';
import { ATOMIC_COLUMNS } from './atomicColumns';
import { strictObject } from './strict';

export const NAME_PATTERN = /^[A-Za-z0-9_]+$/;
export const EVENT_VENDOR_PATTERN = /^[a-zA-Z0-9-_.]+$/;
export const EVENT_NAME_PATTERN = /^[a-zA-Z0-9-_]+$/;
export const SCHEMA_VERSION_PATTERN = /^[0-9]+-[0-9]+-[0-9]+$/;
/** Not just `$`, and no `['…']` / `["…"]` bracket access (the API's own rule). */
export const PROPERTY_PATH_PATTERN = /^(?!\$$)(?!.*\[['"]).+$/;

export const ATTRIBUTE_TYPES = [
  'bytes', 'string', 'int32', 'int64', 'double', 'float', 'bool', 'unix_timestamp',
  'bytes_list', 'string_list', 'int32_list', 'int64_list', 'double_list', 'float_list', 'bool_list',
  'unix_timestamp_list',
] as const;
export type AttributeType = (typeof ATTRIBUTE_TYPES)[number];

export const AGGREGATIONS = ['counter', 'sum', 'min', 'max', 'mean', 'first', 'last', 'unique_list'] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];

export const OPERATORS = ['=', '!=', '<', '>', '<=', '>=', 'like', 'in'] as const;
export type Operator = (typeof OPERATORS)[number];

export interface AtomicProperty {
  type: 'atomic';
  /** An atomic column of the API enum, e.g. `geo_country`. */
  name: string;
}
export interface EventProperty {
  type: 'event';
  vendor: string;
  name: string;
  majorVersion: number;
  /** A JSONPath subset: `$.a.b[0].c`. */
  path: string;
}
export interface EntityProperty {
  type: 'entity';
  vendor: string;
  name: string;
  majorVersion: number;
  path: string;
  /** Which entity of that schema on the event (0 = the first). */
  index: number;
}
export type Property = AtomicProperty | EventProperty | EntityProperty;

export type ScalarValue = string | number | boolean;
export type CriterionValue = ScalarValue | ScalarValue[];

export interface Criterion {
  property: Property;
  operator: Operator;
  value: CriterionValue;
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
  events: EventSpec[];
  aggregation: Aggregation;
  property?: Property;
  criteria?: Criteria;
  /** ISO-8601 duration of whole days (`P7D`, `P1W`, `PT48H`); absent = lifetime. */
  period?: string;
  defaultValue?: CriterionValue;
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
export interface View {
  name: string;
  version: number;
  attributeKey: AttributeKey;
  attributes: Attribute[];
  owner?: string;
  description?: string;
  ttl?: string;
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

  const atomicProperty = strictObject({
    type: z.literal('atomic'),
    name: z.string().refine((n) => ATOMIC_COLUMNS.has(n), {
      error: (iss) => `unknown atomic column "${String(iss.input)}"`,
    }),
  });
  const selfDescribing = {
    vendor: z.string().min(1, 'vendor must not be empty'),
    name: z.string().min(1).max(128).regex(EVENT_NAME_PATTERN, 'schema name must match ^[a-zA-Z0-9-_]+$'),
    [f('majorVersion')]: z.number().int('major version must be a whole number').positive('major version must be 1 or more'),
    path: z.string().min(1, 'path must not be empty').regex(PROPERTY_PATH_PATTERN, 'path must not be "$" alone nor use [\'…\'] access'),
  };
  const eventProperty = strictObject({ type: z.literal('event'), ...selfDescribing });
  const entityProperty = strictObject({
    type: z.literal('entity'),
    ...selfDescribing,
    index: z.number().int().min(0, 'index must be 0 or more').default(0),
  });
  const property = z.discriminatedUnion('type', [atomicProperty, eventProperty, entityProperty], {
    error: 'property needs a type of "atomic", "event" or "entity"',
  });

  const criterion = strictObject({
    property,
    operator: z.enum(OPERATORS, { error: `operator must be one of ${OPERATORS.join(' ')}` }),
    value: scalarOrList,
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
    events: z.array(event).min(1, 'an attribute needs at least one event'),
    aggregation: z.enum(AGGREGATIONS, { error: `aggregation must be one of ${AGGREGATIONS.join(', ')}` }),
    property: property.optional(),
    criteria: criteria.optional(),
    period: z.string().optional(),
    [f('defaultValue')]: scalarOrList.optional(),
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
