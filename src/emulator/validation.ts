/**
 * Request-body validation with the API's own models (`apiModel.ts`), answering like FastAPI: HTTP 422
 * with `{"detail": [{"loc": ["body", ...], "msg": "...", "type": "..."}]}`, messages and types worded
 * as pydantic words them, one entry per offending location.
 */
import { z } from 'zod';
import {
  ApiAttributeGroup,
  ApiAttributeKey,
  ApiBatchSource,
  ApiGroupAttributesRequest,
  ApiPublishRequest,
  attributeGroupSchema,
  attributeKeySchema,
  batchSourceSchema,
  groupAttributesRequestSchema,
  publishRequestSchema,
  serviceAttributesRequestSchema,
} from './apiModel';

export interface ValidationDetail {
  loc: (string | number)[];
  msg: string;
  type: string;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; detail: ValidationDetail[] };

const EXPECTED: Record<string, [string, string]> = {
  string: ['Input should be a valid string', 'string_type'],
  int: ['Input should be a valid integer', 'int_type'],
  number: ['Input should be a valid number', 'float_type'],
  boolean: ['Input should be a valid boolean', 'bool_type'],
  array: ['Input should be a valid list', 'list_type'],
  object: ['Input should be a valid dictionary or object to extract fields from', 'model_attributes_type'],
  record: ['Input should be a valid dictionary', 'dict_type'],
};

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
const quoted = (values: readonly unknown[]) => {
  const items = values.map((value) => `'${String(value)}'`);
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
};

/** One zod issue as pydantic would word it. */
function describe(issue: z.core.$ZodIssue): { msg: string; type: string } {
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'invalid_type': {
      if (input === undefined) return { msg: 'Field required', type: 'missing' };
      if (issue.expected === 'int' && typeof input === 'number') {
        return { msg: 'Input should be a valid integer, got a number with a fractional part', type: 'int_from_float' };
      }
      const [msg, type] = EXPECTED[issue.expected] ?? [`Input should be a valid ${issue.expected}`, `${issue.expected}_type`];
      return { msg, type };
    }
    case 'too_small':
    case 'too_big': {
      const small = issue.code === 'too_small';
      const bound = Number(small ? (issue as { minimum: unknown }).minimum : (issue as { maximum: unknown }).maximum);
      if (issue.origin === 'string') {
        return {
          msg: `String should have ${small ? 'at least' : 'at most'} ${plural(bound, 'character')}`,
          type: small ? 'string_too_short' : 'string_too_long',
        };
      }
      if (issue.origin === 'array') {
        const actual = Array.isArray(input) ? `, not ${input.length}` : '';
        return {
          msg: `List should have ${small ? 'at least' : 'at most'} ${plural(bound, 'item')} after validation${actual}`,
          type: small ? 'too_short' : 'too_long',
        };
      }
      const inclusive = issue.inclusive !== false;
      const relation = `${small ? 'greater' : 'less'} than${inclusive ? ' or equal to' : ''}`;
      return { msg: `Input should be ${relation} ${bound}`, type: `${small ? 'greater' : 'less'}_than${inclusive ? '_equal' : ''}` };
    }
    case 'invalid_format': {
      const pattern = (issue as { pattern?: string }).pattern ?? '';
      return { msg: `String should match pattern '${pattern.replace(/^\/|\/[a-z]*$/g, '')}'`, type: 'string_pattern_mismatch' };
    }
    case 'invalid_value':
      return { msg: `Input should be ${quoted(issue.values)}`, type: 'literal_error' };
    case 'invalid_union': {
      const discriminator = (issue as { discriminator?: string }).discriminator;
      if (discriminator) {
        const options = (issue as { options?: unknown[] }).options ?? [];
        const tag = input && typeof input === 'object' ? (input as Record<string, unknown>)[discriminator] : undefined;
        if (tag === undefined) return { msg: `Unable to extract tag using discriminator '${discriminator}'`, type: 'union_tag_not_found' };
        return {
          msg: `Input tag '${String(tag)}' found using '${discriminator}' does not match any of the expected tags: ${options.map((o) => `'${String(o)}'`).join(', ')}`,
          type: 'union_tag_invalid',
        };
      }
      return { msg: 'Input should be a string, a number, a boolean, or a list of one of them', type: 'union_type' };
    }
    case 'custom': {
      const type = (issue.params as { type?: string } | undefined)?.type;
      return type ? { msg: issue.message, type } : { msg: `Value error, ${issue.message}`, type: 'value_error' };
    }
    default:
      return { msg: issue.message, type: 'value_error' };
  }
}

/** zod issues -> FastAPI detail entries under `body`, the first issue of each location only. */
export function fastApiDetail(error: z.ZodError): ValidationDetail[] {
  const detail: ValidationDetail[] = [];
  const seen = new Set<string>();
  for (const issue of error.issues) {
    let path = issue.path.map((segment) => (typeof segment === 'symbol' ? String(segment) : segment));
    // pydantic reports a bad discriminator at the union, not at its tag.
    const discriminator = issue.code === 'invalid_union' ? (issue as { discriminator?: string }).discriminator : undefined;
    if (discriminator && path[path.length - 1] === discriminator) path = path.slice(0, -1);
    const loc = ['body', ...path];
    const key = JSON.stringify(loc);
    if (seen.has(key)) continue;
    seen.add(key);
    detail.push({ loc, ...describe(issue) });
  }
  return detail;
}

function parseWith<T>(schema: z.ZodType<T>, body: unknown): Validated<T> {
  const parsed = schema.safeParse(body, { reportInput: true });
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, detail: fastApiDetail(parsed.error) };
}

/** POST/PUT `registry/attribute_groups` (`AttributeGroupInput`). */
export function validateGroupBody(body: unknown): Validated<ApiAttributeGroup> {
  return parseWith(attributeGroupSchema, body);
}

/** POST/PUT `registry/attribute_keys` (`AttributeKeyInput`). */
export function validateAttributeKeyBody(body: unknown): Validated<ApiAttributeKey> {
  return parseWith(attributeKeySchema, body);
}

/**
 * PUT `.../batch_source`: the API's `BatchSource`, whose schema key is `schema`. The reference CLI (and
 * this project's client) send it as `wh_schema`, which is accepted too; given both, they must agree.
 */
export function validateBatchSourceBody(body: unknown): Validated<ApiBatchSource> {
  if (!body || typeof body !== 'object' || Array.isArray(body) || !('wh_schema' in body)) return parseWith(batchSourceSchema, body);
  const { wh_schema: whSchema, ...rest } = body as Record<string, unknown>;
  if ('schema' in rest && rest.schema !== whSchema) {
    return {
      ok: false,
      detail: [{ loc: ['body', 'wh_schema'], msg: 'Value error, wh_schema and schema differ; send one of them', type: 'value_error' }],
    };
  }
  const checked = parseWith(batchSourceSchema, { ...rest, schema: whSchema });
  if (checked.ok || 'schema' in rest) return checked;
  const renamed = checked.detail.map((entry) =>
    entry.loc[1] === 'schema' ? { ...entry, loc: ['body', 'wh_schema', ...entry.loc.slice(2)] } : entry,
  );
  return { ok: false, detail: renamed };
}

/** `engines/publish` and `engines/unpublish`. */
export function validatePublishBody(body: unknown): Validated<ApiPublishRequest> {
  return parseWith(publishRequestSchema, body);
}

export type OnlineAttributesBody =
  ({ kind: 'attributes' } & ApiGroupAttributesRequest) | ({ kind: 'service' } & z.infer<typeof serviceAttributesRequestSchema>);

/** `get-online-attributes`: group attributes, or a service's (one of the two, never both). */
export function validateOnlineAttributesBody(body: unknown): Validated<OnlineAttributesBody> {
  const record = body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
  if (record && 'service' in record && 'attributes' in record) {
    return { ok: false, detail: [{ loc: ['body'], msg: 'Value error, give either attributes or service, not both', type: 'value_error' }] };
  }
  if (record && 'service' in record) {
    const checked = parseWith(serviceAttributesRequestSchema, body);
    return checked.ok ? { ok: true, value: { kind: 'service', ...checked.value } } : checked;
  }
  const checked = parseWith(groupAttributesRequestSchema, body);
  return checked.ok ? { ok: true, value: { kind: 'attributes', ...checked.value } } : checked;
}
