/**
 * Request-body validation of the emulator, answering like FastAPI: HTTP 422 with
 * `{"detail": [{"loc": ["body", ...], "msg": "...", "type": "..."}]}`.
 *
 * Attribute groups are validated with the project's own view definition schema (`validateApiView`), the
 * same one the CLI and the component use, plus the envelope fields the API adds (`owner` required,
 * `is_published`, embedded `batch_source`). Batch sources use `definition/batchSource.ts`, shared with the
 * client.
 */
import { z } from 'zod';
import { validateApiView } from '../definition';
import {
  SIGNALS_NAME_PATTERN,
  batchSourceConfigSchema,
  batchSourceModelSchema,
} from '../definition/batchSource';

export interface ValidationDetail {
  loc: (string | number)[];
  msg: string;
  type: string;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; detail: ValidationDetail[] };

/** zod issues -> FastAPI detail entries under `body`. */
export function zodDetail(error: z.ZodError): ValidationDetail[] {
  return error.issues.map((issue) => ({
    loc: ['body', ...issue.path.map((segment) => (typeof segment === 'symbol' ? String(segment) : segment))],
    msg: issue.message,
    type: fastApiType(issue),
  }));
}

function fastApiType(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'missing' : `${issue.expected}_type`;
    case 'invalid_format':
      return issue.format === 'regex' ? 'string_pattern_mismatch' : `invalid_${issue.format}`;
    case 'too_small':
      return issue.origin === 'string' ? 'string_too_short' : 'too_short';
    case 'too_big':
      return issue.origin === 'string' ? 'string_too_long' : 'too_long';
    case 'invalid_value':
      return 'enum';
    default:
      return 'value_error';
  }
}

function parseWith<T>(schema: z.ZodType<T>, body: unknown): Validated<T> {
  const parsed = schema.safeParse(body);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, detail: zodDetail(parsed.error) };
}

const name = z
  .string()
  .min(1)
  .max(128)
  .regex(SIGNALS_NAME_PATTERN, { error: `String should match pattern '${SIGNALS_NAME_PATTERN.source}'` });

/** Fields of `AttributeGroupInput` beyond the view definition, checked by the emulator itself. */
const groupEnvelopeSchema = z.object({
  name,
  version: z.number().int().min(1).optional(),
  owner: z.string({ error: 'Field required: owner (the group owner, an email address)' }).min(1),
  is_published: z.boolean().optional(),
  online: z.boolean().optional(),
  offline: z.boolean().nullish(),
  batch_source: batchSourceModelSchema.nullish(),
});

/** Keys not part of the view definition, removed before `validateApiView` sees the body. */
const ENVELOPE_ONLY_KEYS = ['is_published', 'batch_source'];

export interface ValidGroupBody {
  /** The body as sent, minus `is_published` and `batch_source`. */
  definition: Record<string, unknown>;
  name: string;
  version: number;
  isPublished: boolean;
  batchSource: z.infer<typeof batchSourceModelSchema> | null;
}

/** Validates a POST/PUT `registry/attribute_groups` body. */
export function validateGroupBody(body: unknown): Validated<ValidGroupBody> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    return { ok: false, detail: [{ loc: ['body'], msg: 'Input should be a valid dictionary', type: 'dict_type' }] };
  }
  const record = body as Record<string, unknown>;
  const definition: Record<string, unknown> = { ...record };
  for (const key of ENVELOPE_ONLY_KEYS) delete definition[key];

  const detail: ValidationDetail[] = [];
  const view = validateApiView(definition);
  if (!view.ok) {
    for (const issue of view.issues) {
      detail.push({ loc: ['body', ...issue.path], msg: issue.message, type: 'value_error' });
    }
  }
  const envelope = groupEnvelopeSchema.safeParse(record);
  if (!envelope.success) {
    // The view schema may already report the same field; keep one entry per location.
    const seen = new Set(detail.map((entry) => JSON.stringify(entry.loc)));
    for (const entry of zodDetail(envelope.error)) {
      if (!seen.has(JSON.stringify(entry.loc))) detail.push(entry);
    }
  }
  if (detail.length > 0 || !envelope.success) return { ok: false, detail };
  return {
    ok: true,
    value: {
      definition,
      name: envelope.data.name,
      version: envelope.data.version ?? 1,
      isPublished: envelope.data.is_published ?? false,
      batchSource: envelope.data.batch_source ?? null,
    },
  };
}

/** Body of `PUT .../batch_source` (shared schema with the client). */
export function validateBatchSourceBody(body: unknown): Validated<z.infer<typeof batchSourceConfigSchema>> {
  return parseWith(batchSourceConfigSchema, body);
}

const versionedLink = z.object({ name, version: z.number().int().min(1).default(1) });

/** `SelectivePublishRequest` / `UnpublishRequest`: optional lists of links. */
const publishRequestSchema = z.object({
  attribute_keys: z.array(z.object({ name })).nullish(),
  attribute_groups: z.array(versionedLink).nullish(),
  services: z.array(z.object({ name })).nullish(),
  interventions: z.array(versionedLink).nullish(),
});
export type PublishRequest = z.infer<typeof publishRequestSchema>;

export function validatePublishBody(body: unknown): Validated<PublishRequest> {
  return parseWith(publishRequestSchema, body ?? {});
}

/** `AttributeKeyInput` (reference 1.1). */
const attributeKeySchema = z.object({
  name,
  description: z.string().nullish(),
  key: name.nullish(),
  external_column: z.string().nullish(),
  property: z.record(z.string(), z.unknown()).nullish(),
  owner: z.string().nullish(),
  ttl: z.string().nullish(),
  is_published: z.boolean().optional(),
});
export type AttributeKeyBody = z.infer<typeof attributeKeySchema>;

export function validateAttributeKeyBody(body: unknown): Validated<AttributeKeyBody> {
  return parseWith(attributeKeySchema, body);
}

/** `GetAttributeGroupAttributesRequest` / `GetServiceAttributesRequest` (reference 1.10, 2.6). */
const onlineAttributesSchema = z
  .object({
    attribute_keys: z.record(z.string().min(1), z.array(z.string().min(1)).min(1)),
    attributes: z.array(z.string().min(1)).min(1).nullish(),
    service: z.string().min(1).nullish(),
    full_attribute_names: z.boolean().default(false),
  })
  .refine((body) => Object.keys(body.attribute_keys).length === 1, {
    error: 'attribute_keys must name exactly one attribute key',
    path: ['attribute_keys'],
  })
  .refine((body) => Boolean(body.attributes) !== Boolean(body.service), {
    error: 'give either attributes or service',
    path: ['attributes'],
  });
export type OnlineAttributesBody = z.infer<typeof onlineAttributesSchema>;

export function validateOnlineAttributesBody(body: unknown): Validated<OnlineAttributesBody> {
  return parseWith(onlineAttributesSchema, body);
}
