/**
 * Attribute groups in the API's JSON forms: the types the client sends and receives, and the helpers
 * that turn a response back into a request body.
 */
import type { BatchSourceModel } from '../definition/batchSource';

/** An attribute group in the API's JSON input form (snake_case), e.g. the output of `toApiView`. */
export type AttributeGroupBody = Record<string, unknown> & { name: string; version?: number };

/** An attribute group as the API returns it (input form plus server fields). */
export interface AttributeGroupResponse extends Record<string, unknown> {
  name: string;
  version: number;
  is_published?: boolean;
  offline?: boolean | null;
  batch_source?: (Partial<BatchSourceModel> & Record<string, unknown>) | null;
  attributes?: unknown[] | null;
  fields?: unknown[] | null;
  attribute_key_or_name?: string;
}

/** Server-generated fields of a group response; never part of a request body. */
const RESPONSE_ONLY_GROUP_FIELDS = [
  'attribute_key_or_name',
  'attribute_group_or_attribute_key_ttl',
  'feast_name',
  'full_name',
  'stream_source_name',
];

const BATCH_SOURCE_MODEL_FIELDS = ['name', 'database', 'schema', 'table', 'timestamp_field', 'description', 'owner'];

/**
 * A group response turned back into a request body: server-only fields and nulls removed, the attribute
 * key's output-only `blobl_path` dropped, the batch source reduced to its model fields.
 */
export function toGroupInput(response: AttributeGroupResponse): Record<string, unknown> {
  const input = stripNulls(response) as Record<string, unknown>;
  for (const field of RESPONSE_ONLY_GROUP_FIELDS) delete input[field];
  const key = input.attribute_key;
  if (key && typeof key === 'object') delete (key as Record<string, unknown>).blobl_path;
  if (input.batch_source && typeof input.batch_source === 'object') {
    input.batch_source = pickBatchSourceModel(input.batch_source as Record<string, unknown>);
  }
  return input;
}

/** The `batch_source` model fields of a response's (or a PUT body's) batch source. */
export function pickBatchSourceModel(source: Record<string, unknown>): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const field of BATCH_SOURCE_MODEL_FIELDS) {
    if (source[field] !== undefined && source[field] !== null) picked[field] = source[field];
  }
  // Some answers may echo the PUT form.
  if (picked.schema === undefined && typeof source.wh_schema === 'string') picked.schema = source.wh_schema;
  return picked;
}

/** Adds the live group's `batch_source` and `is_published` to an update body that does not set them. */
export function withLiveState(payload: Record<string, unknown>, live: AttributeGroupResponse): Record<string, unknown> {
  const merged = { ...payload };
  if (merged.batch_source === undefined && live.batch_source) {
    merged.batch_source = pickBatchSourceModel(live.batch_source);
  }
  if (merged.is_published === undefined) merged.is_published = live.is_published ?? false;
  return merged;
}

/** Deep copy without null values (the SDK sends bodies with `exclude_none`). */
export function stripNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripNulls);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      if (inner !== null && inner !== undefined) out[key] = stripNulls(inner);
    }
    return out;
  }
  return value;
}

/** Where a group's batch source points, as `database.schema.table`. */
export function describeBatchSource(source: Record<string, unknown>): string {
  const schema = source.schema ?? source.wh_schema;
  return `${String(source.database)}.${String(schema)}.${String(source.table)}`;
}
