/**
 * `GET registry/attribute_groups/?property_syntax=<warehouse>`: the API answers with typed properties
 * rendered as warehouse column paths. The renderings below follow the SDK's published fixtures for atomic
 * and entity properties; the event-property form is inferred (no fixture shows one). Calculated
 * properties and properties with a `date_part` have no published string form: they stay typed objects
 * (the response model allows an object there).
 */

export type WarehouseSyntax = 'snowflake' | 'bigquery' | 'databricks';
export const WAREHOUSE_SYNTAXES: readonly WarehouseSyntax[] = ['snowflake', 'bigquery', 'databricks'];

/** `UserContext` -> `user_context` (an `_` before an uppercase letter that follows a non-uppercase, non-`_`). */
export function snakeCase(name: string): string {
  return name.replace(/([^A-Z_])([A-Z])/g, '$1_$2').toLowerCase();
}

function schemaColumn(prefix: string, property: Record<string, unknown>): string {
  const vendor = String(property.vendor ?? '')
    .replace(/\./g, '_')
    .toLowerCase();
  return `${prefix}_${vendor}_${snakeCase(String(property.name ?? ''))}_${String(property.major_version ?? '')}`;
}

function stripRoot(path: string): string {
  return path.replace(/^[$.]+/, '');
}

function snakePath(path: string): string {
  return stripRoot(path)
    .split('.')
    .map((segment) => segment.replace(/^[^[]+/, (field) => snakeCase(field)))
    .join('.');
}

/** One typed property -> its warehouse path string; anything else is returned unchanged. */
export function renderProperty(property: unknown, syntax: WarehouseSyntax): unknown {
  if (!property || typeof property !== 'object') return property;
  const typed = property as Record<string, unknown>;
  if (typed.date_part !== undefined && typed.date_part !== null) return property;
  const path = String(typed.path ?? '');
  switch (typed.type) {
    case 'atomic':
      return typed.name;
    case 'entity': {
      const column = schemaColumn('contexts', typed);
      const index = Number(typed.index ?? 0);
      if (syntax === 'snowflake') return `${column}[${index}]:${stripRoot(path)}`;
      if (syntax === 'bigquery') return `${column}[safe_offset(${index})].${snakePath(path)}`;
      return `${column}[${index}].${snakePath(path)}`;
    }
    case 'event': {
      const column = schemaColumn('unstruct_event', typed);
      return syntax === 'snowflake' ? `${column}:${stripRoot(path)}` : `${column}.${snakePath(path)}`;
    }
    default:
      return property;
  }
}

/** A group response with every attribute and criterion property rendered for `syntax`. */
export function renderGroupProperties(group: Record<string, unknown>, syntax: WarehouseSyntax): Record<string, unknown> {
  const copy = structuredClone(group);
  const attributes = Array.isArray(copy.attributes) ? (copy.attributes as Record<string, unknown>[]) : [];
  for (const attribute of attributes) {
    if (attribute.property !== undefined) attribute.property = renderProperty(attribute.property, syntax);
    const criteria = attribute.criteria as Record<string, unknown> | null | undefined;
    for (const list of ['all', 'any']) {
      const criterions = criteria && Array.isArray(criteria[list]) ? (criteria[list] as Record<string, unknown>[]) : [];
      for (const criterion of criterions) criterion.property = renderProperty(criterion.property, syntax);
    }
  }
  return copy;
}
