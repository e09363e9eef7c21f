/**
 * The Signals API's request models (SDK 0.4.10, generated there from the API's OpenAPI document),
 * written as zod schemas so the emulator accepts what the real API accepts: every aggregation,
 * operator, property kind, type and group field of that model.
 *
 * This is deliberately not the engine's view schema (`src/definition`): a group the API accepts may
 * still be one this project cannot compute, and the emulator must accept it all the same.
 *
 * Beyond field types, patterns and lengths, the rules the model documents in its field descriptions
 * are enforced (`time_unit` only and always with `time_since_*`; attribute `ttl` never with `period`;
 * calculated properties flat, 1-50, at least 2 except `coalesce`, `separator` only for `concat`;
 * `event_specification_id` instead of name/vendor/version; `date_part` only on `*_tstamp` atomic
 * columns and never on an attribute key). Inferred, and marked so: `is null`/`is not null` take no
 * value and every other operator needs one; `fields` is non-empty, offline-only and exclusive with
 * `attributes`; `version` is 1 or more. Not checkable without Iglu schemas: `date_part` on event and
 * entity properties needs a `date-time` field; calculated operations need numeric/same-typed inputs.
 * Unknown keys are dropped, as pydantic does by default.
 */
import { z } from 'zod';
import {
  AGGREGATIONS,
  ATTRIBUTE_TYPES,
  CALCULATED_OPERATIONS,
  DATE_PARTS,
  OPERATORS,
  TIME_SINCE_AGGREGATIONS,
  TIME_UNITS,
  VALUELESS_OPERATORS,
} from '../definition/model';
import { API_ATOMIC_PROPERTY_NAMES } from './apiAtomicProperties';

export const NAME_PATTERN = /^[A-Za-z0-9_]+$/;
const DATABASE_PATTERN = /^[A-Za-z0-9_-]+$/;
const EVENT_NAME_PATTERN = /^[a-zA-Z0-9-_]+$/;
const EVENT_VENDOR_PATTERN = /^[a-zA-Z0-9-_.]+$/;
const SCHEMA_VERSION_PATTERN = /^[0-9]+-[0-9]+-[0-9]+$/;
const PROPERTY_PATH_PATTERN = /^(?!\$$)(?!.*\[['"]).+$/;
// eslint-disable-next-line no-control-regex -- NUL is the one character refused here
const NO_NUL_PATTERN = /^[^\x00]*$/;
/** `{group}_v{version}:{attribute}` (the API's `QualifiedAttributeName`). */
export const QUALIFIED_ATTRIBUTE_PATTERN = /^[A-Za-z0-9_]+_v[0-9]+:[A-Za-z0-9_]+$/;

// The names (types, aggregations, operators, date parts, calculated operations, time units) are the
// lists of `src/definition/model.ts`: the engine accepts every name the API model has, so the
// emulator and the view schema read one list and cannot disagree on a name.

/** A rule the model states in words; reported as pydantic reports a validator's `ValueError`. */
function rule(ctx: z.RefinementCtx, path: (string | number)[], message: string): void {
  ctx.addIssue({ code: 'custom', path, message });
}

const name = z.string().min(1).max(128).regex(NAME_PATTERN);
const text = z.string().regex(NO_NUL_PATTERN);
const owner = text.max(255);
const present = (value: unknown) => value !== undefined && value !== null;

/** pydantic `timedelta`: an ISO-8601 duration (`P7D`, `PT12H`, `P1W`) or a number of seconds. */
const ISO_DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+([.,]\d+)?S)?)?$/;
const duration = z.any().superRefine((value, ctx) => {
  if (!present(value) || (typeof value === 'number' && Number.isFinite(value))) return;
  if (typeof value === 'string' && ISO_DURATION.test(value)) return;
  ctx.addIssue({
    code: 'custom',
    message: 'Input should be a valid timedelta, an ISO 8601 duration such as P7D or PT12H, or a number of seconds',
    params: { type: typeof value === 'string' ? 'time_delta_parsing' : 'time_delta_type' },
  });
});

/** pydantic `datetime`: ISO-8601 date or date-time (offset optional), or a Unix timestamp. */
const ISO_DATETIME = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt _](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d{1,9})?)?(?:[Zz]|[+-]\d{2}(?::?\d{2})?)?)?$/;
function isDateTime(value: string): boolean {
  const match = ISO_DATETIME.exec(value);
  if (!match) return false;
  const [year, month, day, hour = 0, minute = 0, second = 0] = match
    .slice(1)
    .map((part) => (part === undefined ? undefined : Number(part)));
  const daysInMonth = new Date(Date.UTC(year as number, month as number, 0)).getUTCDate();
  return (
    (month as number) >= 1 &&
    (month as number) <= 12 &&
    (day as number) >= 1 &&
    (day as number) <= daysInMonth &&
    (hour as number) < 24 &&
    (minute as number) < 60 &&
    (second as number) < 60
  );
}
const dateTime = z.any().superRefine((value, ctx) => {
  if (!present(value) || (typeof value === 'number' && Number.isFinite(value))) return;
  if (typeof value === 'string' && isDateTime(value)) return;
  ctx.addIssue({
    code: 'custom',
    message: 'Input should be a valid datetime, an ISO 8601 date-time such as 2025-01-01T00:00:00Z',
    params: { type: typeof value === 'string' ? 'datetime_from_date_parsing' : 'datetime_type' },
  });
});

const datePart = z.enum(DATE_PARTS).nullish();

const atomicProperty = z
  .object({ type: z.literal('atomic'), name: z.enum(API_ATOMIC_PROPERTY_NAMES), date_part: datePart })
  .superRefine((property, ctx) => {
    if (present(property.date_part) && !property.name.endsWith('_tstamp')) {
      rule(ctx, ['date_part'], `date_part is only valid on date-time atomic fields (the *_tstamp fields), not ${property.name}`);
    }
  });
const selfDescribing = {
  vendor: z.string().min(1),
  name: z.string().min(1).max(128).regex(EVENT_NAME_PATTERN),
  major_version: z.int().positive(),
  path: z.string().min(1).regex(PROPERTY_PATH_PATTERN),
  date_part: datePart,
};
const eventProperty = z.object({ type: z.literal('event'), ...selfDescribing });
const entityProperty = z.object({ type: z.literal('entity'), ...selfDescribing, index: z.int().min(0).nullish() });

/** Atomic, event or entity property (a "leaf"). */
export const leafPropertySchema = z.discriminatedUnion('type', [atomicProperty, eventProperty, entityProperty]);

const calculatedProperty = z
  .object({
    type: z.literal('calculated'),
    operation: z.enum(CALCULATED_OPERATIONS),
    properties: z.array(leafPropertySchema).min(1).max(50),
    separator: text.max(16).nullish(),
  })
  .superRefine((property, ctx) => {
    if (property.operation !== 'coalesce' && property.properties.length < 2) {
      rule(ctx, ['properties'], `${property.operation} needs at least 2 properties (only coalesce takes 1)`);
    }
    if (present(property.separator) && property.operation !== 'concat') {
      rule(ctx, ['separator'], `separator is only valid for concat, not ${property.operation}`);
    }
  });

/** Any property an attribute or a criterion may use. */
export const propertySchema = z.discriminatedUnion('type', [atomicProperty, eventProperty, entityProperty, calculatedProperty]);

/**
 * Where the model declares a property without a discriminator (an attribute's or a key's `property`),
 * pydantic picks the member by the fields given, each member's `type` defaulting to its own kind.
 */
function withImpliedType<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => {
    if (!value || typeof value !== 'object' || Array.isArray(value) || 'type' in value) return value;
    const given = value as Record<string, unknown>;
    const type =
      'operation' in given ? 'calculated' : 'vendor' in given || 'path' in given ? ('index' in given ? 'entity' : 'event') : 'atomic';
    return { ...given, type };
  }, schema);
}

const criterionValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.string()), z.array(z.number()), z.array(z.boolean())]);

const criterion = z
  .object({ property: propertySchema, operator: z.enum(OPERATORS), value: criterionValue.nullish() })
  .superRefine((criterion, ctx) => {
    // Inferred: the model makes `value` optional for every operator.
    if (VALUELESS_OPERATORS.has(criterion.operator) && present(criterion.value)) {
      rule(ctx, ['value'], `operator "${criterion.operator}" takes no value`);
    }
    if (!VALUELESS_OPERATORS.has(criterion.operator) && !present(criterion.value)) {
      rule(ctx, ['value'], `operator "${criterion.operator}" needs a value`);
    }
  });

const criteria = z.object({ all: z.array(criterion).nullish(), any: z.array(criterion).nullish() });

const event = z
  .object({
    name: z.string().min(1).max(128).regex(EVENT_NAME_PATTERN).nullish(),
    vendor: z.string().min(1).max(128).regex(EVENT_VENDOR_PATTERN).nullish(),
    version: z.string().regex(SCHEMA_VERSION_PATTERN).nullish(),
    event_specification_id: z.string().min(1).nullish(),
  })
  .superRefine((event, ctx) => {
    if (present(event.event_specification_id) && (present(event.name) || present(event.vendor) || present(event.version))) {
      rule(ctx, ['event_specification_id'], 'event_specification_id is mutually exclusive with name/vendor/version');
    }
  });

const scalarDefault = z.union([z.string(), z.number(), z.boolean()]);

const attribute = z
  .object({
    name,
    description: text.nullish(),
    type: z.enum(ATTRIBUTE_TYPES),
    events: z.array(event),
    aggregation: z.enum(AGGREGATIONS),
    property: withImpliedType(propertySchema).nullish(),
    criteria: criteria.nullish(),
    period: duration.nullish(),
    default_value: z.union([scalarDefault, z.array(scalarDefault)]).nullish(),
    time_unit: z.enum(TIME_UNITS).nullish(),
    ttl: duration.nullish(),
  })
  .superRefine((attribute, ctx) => {
    if (TIME_SINCE_AGGREGATIONS.has(attribute.aggregation) && !present(attribute.time_unit)) {
      rule(ctx, ['time_unit'], `time_unit (s, min, h or d) is required for ${attribute.aggregation}`);
    }
    if (!TIME_SINCE_AGGREGATIONS.has(attribute.aggregation) && present(attribute.time_unit)) {
      rule(ctx, ['time_unit'], `time_unit is only valid for time_since_last and time_since_first, not ${attribute.aggregation}`);
    }
    if (present(attribute.ttl) && present(attribute.period)) {
      rule(ctx, ['ttl'], 'ttl is only valid for lifetime attributes; it cannot be set together with period');
    }
  });

const field = z.object({ name, description: text.nullish(), type: z.enum(ATTRIBUTE_TYPES) });

/** `BatchSource` (the embedded form; `schema` is the JSON key). */
export const batchSourceSchema = z.object({
  name,
  timestamp_field: z.string().regex(NAME_PATTERN),
  description: text.nullish(),
  owner: owner.nullish(),
  database: z.string().min(1).regex(DATABASE_PATTERN),
  schema: z.string().min(1).regex(NAME_PATTERN),
  table: z.string().min(1).regex(NAME_PATTERN),
});
export type ApiBatchSource = z.infer<typeof batchSourceSchema>;

/** `AttributeKeyInput`. */
export const attributeKeySchema = z
  .object({
    name,
    description: text.nullish(),
    key: name.nullish(),
    external_column: text.max(128).nullish(),
    property: withImpliedType(leafPropertySchema).nullish(),
    owner: owner.nullish(),
    ttl: duration.nullish(),
    is_published: z.boolean().nullish(),
  })
  .superRefine((key, ctx) => {
    if (key.property && present(key.property.date_part)) {
      rule(ctx, ['property', 'date_part'], 'a date_part modifier is not permitted on an attribute key property');
    }
  });
export type ApiAttributeKey = z.infer<typeof attributeKeySchema>;

/** `AttributeGroupInput`. */
export const attributeGroupSchema = z
  .object({
    name,
    version: z.int().min(1).nullish(),
    attribute_key: attributeKeySchema,
    ttl: duration.nullish(),
    batch_source: batchSourceSchema.nullish(),
    online: z.boolean().nullish(),
    offline: z.boolean().nullish(),
    description: text.nullish(),
    owner: owner.nullish(),
    fields: z.array(field).nullish(),
    attributes: z.array(attribute).nullish(),
    is_published: z.boolean().nullish(),
    backfill_since_tstamp: dateTime.nullish(),
    refresh_rate: duration.nullish(),
  })
  .superRefine((group, ctx) => {
    // Inferred from the SDK's warehouse (external batch) group: at least one field, offline, no attributes.
    if (!group.fields) return;
    if (group.fields.length === 0) rule(ctx, ['fields'], 'a warehouse group needs at least one field');
    if (group.attributes) rule(ctx, ['fields'], 'give fields (a warehouse group) or attributes, not both');
    if (group.offline !== true) rule(ctx, ['offline'], 'a warehouse group (fields) must be offline: true');
  });
export type ApiAttributeGroup = z.infer<typeof attributeGroupSchema>;

const nameReference = z.object({ name: z.string() });
const versionedReference = z.object({ name: z.string(), version: z.int() });

/** `SelectivePublishRequest` / `UnpublishRequest`. */
export const publishRequestSchema = z.object({
  attribute_keys: z.array(nameReference).nullish(),
  attribute_groups: z.array(versionedReference).nullish(),
  services: z.array(nameReference).nullish(),
  interventions: z.array(versionedReference).nullish(),
  event_logs: z.array(nameReference).nullish(),
  agentic_decisions: z.array(nameReference).nullish(),
});
export type ApiPublishRequest = z.infer<typeof publishRequestSchema>;

/** `AttributeKeyIdentifiers`: 1-100 attribute keys, each with its identifiers. */
const attributeKeyIdentifiers = z
  .record(z.string(), z.array(z.string()))
  .refine((keys) => Object.keys(keys).length >= 1 && Object.keys(keys).length <= 100, {
    error: 'attribute_keys needs 1 to 100 attribute keys',
  });

/** `GetAttributeGroupAttributesRequest`. */
export const groupAttributesRequestSchema = z.object({
  attribute_keys: attributeKeyIdentifiers,
  attributes: z.array(z.string().regex(QUALIFIED_ATTRIBUTE_PATTERN)),
  full_attribute_names: z.boolean().nullish(),
});
export type ApiGroupAttributesRequest = z.infer<typeof groupAttributesRequestSchema>;

/** `GetServiceAttributesRequest`. */
export const serviceAttributesRequestSchema = z.object({
  attribute_keys: attributeKeyIdentifiers,
  service: z.string(),
  full_attribute_names: z.boolean().nullish(),
});
