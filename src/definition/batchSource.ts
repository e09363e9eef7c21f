/**
 * The Signals batch source: the warehouse table Signals syncs a batch attribute group from.
 *
 * Two JSON forms exist (reference, sections 1.7 and 2.5):
 * - the body of `PUT registry/attribute_groups/{name}/versions/{version}/batch_source`, which names the
 *   schema `wh_schema` (what the reference CLI's `batch_source_config.json` holds);
 * - the `BatchSource` model embedded in an attribute group (`batch_source`), which names it `schema`.
 *
 * The Signals client and the CLI validate with these schemas before sending. (The emulator checks what
 * it receives against the API's own model instead: `src/emulator/apiModel.ts`.)
 */
import { z } from 'zod';

/** Name rule shared by most Signals objects (groups, attributes, batch sources): 1-128 of `[A-Za-z0-9_]`. */
export const SIGNALS_NAME_PATTERN = /^[A-Za-z0-9_]+$/;
/** `BatchSource.database` since SDK 0.4.0: hyphens allowed (BigQuery project ids). */
export const BATCH_SOURCE_DATABASE_PATTERN = /^[A-Za-z0-9_-]+$/;

const identifier = (what: string) =>
  z
    .string({ error: `${what} must be a string` })
    .min(1, { error: `${what} must not be empty`, abort: true })
    .max(128, { error: `${what} must be at most 128 characters` })
    .regex(SIGNALS_NAME_PATTERN, { error: `${what} must match ${SIGNALS_NAME_PATTERN.source}` });

const optionalText = z.string().nullish();

const commonFields = {
  name: identifier('name'),
  database: z
    .string({ error: 'database must be a string' })
    .min(1, { error: 'database must not be empty', abort: true })
    .regex(BATCH_SOURCE_DATABASE_PATTERN, { error: `database must match ${BATCH_SOURCE_DATABASE_PATTERN.source}` }),
  table: identifier('table'),
  timestamp_field: identifier('timestamp_field'),
  description: optionalText,
  owner: optionalText,
};

/** Body of `PUT .../batch_source` (keys as the reference `batch_source_config.json`). Unknown keys are dropped. */
export const batchSourceConfigSchema = z.object({
  ...commonFields,
  wh_schema: identifier('wh_schema'),
});
export type BatchSourceConfig = z.infer<typeof batchSourceConfigSchema>;

/** The `batch_source` model embedded in an attribute group (`schema` instead of `wh_schema`). */
export const batchSourceModelSchema = z.object({
  ...commonFields,
  schema: identifier('schema'),
});
export type BatchSourceModel = z.infer<typeof batchSourceModelSchema>;

/** One validation problem, with the path of the offending field in the JSON body. */
export interface BatchSourceIssue {
  path: (string | number)[];
  message: string;
}

/** Validates a PUT body; on failure lists every problem (path + message) instead of throwing. */
export function validateBatchSourceConfig(
  json: unknown,
): { ok: true; config: BatchSourceConfig } | { ok: false; issues: BatchSourceIssue[] } {
  const parsed = batchSourceConfigSchema.safeParse(json);
  if (parsed.success) return { ok: true, config: parsed.data };
  return {
    ok: false,
    issues: parsed.error.issues.map((issue) => ({
      path: issue.path.map((segment) => (typeof segment === 'symbol' ? String(segment) : segment)),
      message: issue.message,
    })),
  };
}

/** PUT body form -> embedded model form (`wh_schema` -> `schema`), dropping empty optional fields. */
export function toBatchSourceModel(config: BatchSourceConfig): BatchSourceModel {
  const { wh_schema: schema, description, owner, ...rest } = config;
  return {
    ...rest,
    schema,
    ...(description ? { description } : {}),
    ...(owner ? { owner } : {}),
  };
}

/** Embedded model form -> PUT body form (`schema` -> `wh_schema`). */
export function toBatchSourceConfig(model: BatchSourceModel): BatchSourceConfig {
  const { schema: whSchema, description, owner, ...rest } = model;
  return {
    ...rest,
    wh_schema: whSchema,
    ...(description ? { description } : {}),
    ...(owner ? { owner } : {}),
  };
}
