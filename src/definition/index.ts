/**
 * The view definition: parse and validate either form (TypeScript camelCase args or the
 * Signals API's snake_case JSON) into one `View`, and write it back as API JSON.
 */
import type { z } from 'zod';
import {
  apiSchemas,
  camelSchemas,
  DEFAULT_REFRESH_RATE,
  fieldName,
  type Naming,
  type RefreshRate,
  type RegistrationForm,
  type View,
} from './model';
import { checkViewRules, type Issue } from './rules';

export * from './model';
export { periodDays, valueFitsType, isListType, elementType, caseCollisions, MAX_PERIOD_DAYS, type Issue } from './rules';
export { nearestName, unknownKeysMessage, strictObject } from './strict';
export { ATOMIC_COLUMNS, ATOMIC_COLUMN_NAMES, warehouseColumnName, type AtomicKind } from './atomicColumns';
export * from './builders';

/** A view that does not validate; `issues` lists every problem, `message` says them all. */
export class ViewValidationError extends Error {
  constructor(
    readonly issues: Issue[],
    readonly naming: Naming,
    input: unknown,
  ) {
    super(`invalid view${viewLabel(input)}:\n${issues.map((i) => `  - ${describeIssue(i, input, naming)}`).join('\n')}`);
    this.name = 'ViewValidationError';
  }
}

function viewLabel(input: unknown): string {
  const n = (input as { name?: unknown } | null)?.name;
  return typeof n === 'string' ? ` "${n}"` : '';
}

/** `attribute "first_source": property.path: …` — names the attribute and the field. */
export function describeIssue(issue: Issue, input: unknown, naming: Naming = 'camel'): string {
  const path = issue.path.map((p) => (typeof p === 'string' ? fieldName(p, naming) : p));
  if (path[0] === 'attributes' && typeof path[1] === 'number') {
    const attrs = (input as { attributes?: Array<{ name?: unknown }> } | null)?.attributes;
    const attrName = attrs?.[path[1]]?.name;
    const label = typeof attrName === 'string' ? `attribute "${attrName}"` : `attributes[${path[1]}]`;
    const field = formatPath(path.slice(2));
    return `${label}: ${field ? `${field}: ` : ''}${issue.message}`;
  }
  const field = formatPath(path);
  return `${field ? `${field}: ` : ''}${issue.message}`;
}

function formatPath(path: Array<string | number>): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** Drop `null` members, as the API's `exclude_none` does, so responses parse like inputs. */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== null)
        .map(([k, v]) => [k, withoutNulls(v)]),
    );
  }
  return value;
}

function renameKeys(value: unknown, rename: (key: string) => string): unknown {
  if (Array.isArray(value)) return value.map((v) => renameKeys(v, rename));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [rename(k), renameKeys(v, rename)]));
  }
  return value;
}

const snakeToCamel = (k: string) => k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
const camelToSnake = (k: string) => fieldName(k, 'snake');

function zodIssues(error: z.ZodError): Issue[] {
  return error.issues.map((i) => ({
    path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)) as Array<string | number>,
    message: i.message,
  }));
}

/** The API's `is_published` flags are accepted in API JSON but are not part of the definition. */
function withoutPublication(view: View): View {
  const copy = { ...view, attributeKey: { ...view.attributeKey } };
  delete (copy as { isPublished?: boolean }).isPublished;
  delete (copy.attributeKey as { isPublished?: boolean }).isPublished;
  return copy;
}

export type ValidationResult = { ok: true; view: View } | { ok: false; issues: Issue[] };

function validate(input: unknown, naming: Naming): ValidationResult {
  const schema = naming === 'camel' ? camelSchemas.view : apiSchemas.view;
  const cleaned = naming === 'snake' ? withoutNulls(input) : input;
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) return { ok: false, issues: zodIssues(parsed.error) };
  const view = (naming === 'snake' ? withoutPublication(renameKeys(parsed.data, snakeToCamel) as View) : parsed.data) as View;
  const issues = checkViewRules(view);
  if (issues.length > 0) {
    // Rule paths use camelCase names; report them in the caller's form.
    const inForm =
      naming === 'snake' ? issues.map((i) => ({ ...i, path: i.path.map((p) => (typeof p === 'string' ? camelToSnake(p) : p)) })) : issues;
    return { ok: false, issues: inForm };
  }
  return { ok: true, view };
}

/** Validate the API JSON form (snake_case); issue paths use the JSON names. */
export function validateApiView(json: unknown): ValidationResult {
  return validate(json, 'snake');
}

/** Validate the TypeScript form (camelCase); issue paths use the TS names. */
export function validateView(args: unknown): ValidationResult {
  return validate(args, 'camel');
}

/** Parse the API JSON form; throws `ViewValidationError`. */
export function parseApiView(json: unknown): View {
  const r = validateApiView(json);
  if (!r.ok)
    throw new ViewValidationError(
      r.issues.map((i) => ({ ...i, path: i.path.map((p) => (typeof p === 'string' ? snakeToCamel(p) : p)) })),
      'snake',
      json,
    );
  return r.view;
}

/** Parse the TypeScript form; throws `ViewValidationError`. */
export function parseView(args: unknown): View {
  const r = validateView(args);
  if (!r.ok) throw new ViewValidationError(r.issues, 'camel', args);
  return r.view;
}

/**
 * The API JSON body (`POST registry/attribute_groups/`) of a view, batch-only (`offline: true`).
 * `online` is deprecated by the API (it has no effect) and is not sent.
 */
export function toApiView(view: View): Record<string, unknown> {
  const { online: _deprecated, ...rest } = withoutUndefined(view);
  const body = renameKeys(rest, camelToSnake) as Record<string, unknown>;
  return { ...body, offline: view.offline ?? true };
}

export interface GroupRegistrationOptions {
  /** Default `attributes`. */
  form?: RegistrationForm;
  /** The group's owner when the view has none. */
  owner?: string;
  /** How often Signals syncs the table; default the view's own `refreshRate`, else `PT1H`. */
  refreshRate?: RefreshRate;
}

/**
 * The `fields` of a warehouse group over a view's attribute table: one per attribute column, named and
 * typed as the attribute (the table's column types are the attribute types). The key column is the
 * group's `attribute_key` and the sync timestamp the batch source's `timestamp_field`, so neither is a field.
 */
export function attributeTableFields(view: View): Array<{ name: string; type: string; description?: string }> {
  return view.attributes.map((a) => ({
    name: a.name,
    type: a.type,
    ...(a.description !== undefined ? { description: a.description } : {}),
  }));
}

/**
 * The body Signals registers a view under (`POST registry/attribute_groups/`): `offline: true` (as
 * `toApiView`; always for `fields`) with a `refresh_rate`, never `online`; the group's `ttl` and
 * `description` when given; the attribute definitions, each with its `ttl` and `description` (form
 * `attributes`), or the attribute table's columns (form `fields`, without `attributes`). Throws when the
 * view's own `refreshRate` and `options.refreshRate` disagree.
 */
export function toApiGroup(view: View, options: GroupRegistrationOptions = {}): Record<string, unknown> {
  if (options.refreshRate !== undefined && view.refreshRate !== undefined && options.refreshRate !== view.refreshRate) {
    throw new Error(
      `the sync frequency is given twice and differs (${options.refreshRate} and the view's refreshRate ${view.refreshRate}); give one`,
    );
  }
  const owner = view.owner ?? options.owner;
  const common = {
    refresh_rate: options.refreshRate ?? view.refreshRate ?? DEFAULT_REFRESH_RATE,
    ...(owner !== undefined ? { owner } : {}),
  };
  const attributesForm: Record<string, unknown> = { ...toApiView(view), ...common };
  if ((options.form ?? 'attributes') === 'attributes') return attributesForm;
  const { attributes: _definitions, ...group } = attributesForm;
  return { ...group, fields: attributeTableFields(view), offline: true };
}

function withoutUndefined<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** The dbt project (and directory) name of a view version: `<name>_<version>`, lower case. */
export function projectName(view: Pick<View, 'name' | 'version'>): string {
  const base = `${view.name}_${view.version}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  return /^[a-z_]/.test(base) ? base : `v_${base}`;
}

/** The column that holds the key in the attribute table (e.g. `domain_userid`). */
export function keyColumnName(view: View): string {
  return view.attributeKey.key ?? view.attributeKey.name;
}
