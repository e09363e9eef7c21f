/** Stored registry objects as the API returns them (`AttributeGroupResponse`, `AttributeKeyOutput`). */
import { Reply, reply } from './replies';
import type { StoredGroup, StoredKey } from './state';

/** A stored group as the API returns it: the definition plus defaults and server fields. */
export function groupResponse(group: StoredGroup): Record<string, unknown> {
  const definition = structuredClone(group.definition);
  const key = (definition.attribute_key ?? {}) as Record<string, unknown>;
  const offline = definition.offline ?? null;
  return {
    online: true,
    ttl: null,
    description: null,
    owner: null,
    backfill_since_tstamp: null,
    refresh_rate: null,
    ...definition,
    name: group.name,
    version: group.version,
    offline,
    attribute_key: { is_published: false, ...key, blobl_path: null },
    attribute_key_or_name: attributeKeyColumn(group),
    attribute_group_or_attribute_key_ttl: definition.ttl ?? key.ttl ?? null,
    batch_source: group.batchSource,
    is_published: group.isPublished,
    feast_name: `${group.name}_v${group.version}`,
    full_name: `${group.name}_v${group.version}`,
    stream_source_name: offline === true ? null : `${group.name}_stream`,
  };
}

export function keyResponse(key: Pick<StoredKey, 'definition' | 'isPublished'>): Record<string, unknown> {
  return { ...key.definition, is_published: key.isPublished, blobl_path: null };
}

/** The key column of the group's table: the attribute key's `key`, else its name. */
export function attributeKeyColumn(group: StoredGroup): string {
  const key = (group.definition.attribute_key ?? {}) as { name?: string; key?: string | null };
  return key.key ?? key.name ?? '';
}

/** Names of a group's attributes, or of its fields for a warehouse group. */
export function groupColumnNames(group: StoredGroup): string[] {
  const listed = [group.definition.attributes, group.definition.fields].find(Array.isArray) as { name?: string }[] | undefined;
  return (listed ?? []).map((entry) => String(entry.name));
}

export function notFoundGroup(name: string, version?: number): Reply {
  return reply(404, version === undefined ? `Attribute group ${name} not found` : `Attribute group ${name} version ${version} not found`);
}
