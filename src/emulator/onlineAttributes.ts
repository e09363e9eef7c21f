/**
 * `POST get-online-attributes`: values of `{group}_v{version}:{attribute}` for the given identifiers,
 * answered from the synced table when the group is published with a batch source in one of the
 * emulator's DuckDB files, else nulls (an online store that has synced nothing).
 */
import { OnlineStore, OnlineStoreError } from './onlineStore';
import { Reply, RouteRequest, reply, unprocessable } from './replies';
import { attributeKeyColumn, groupColumnNames, notFoundGroup } from './responses';
import type { EmulatorState, StoredGroup } from './state';
import { validateOnlineAttributesBody } from './validation';

interface Wanted {
  group: StoredGroup;
  attribute: string;
  column: string;
  keyName: string;
}

export class OnlineAttributes {
  constructor(
    private readonly state: EmulatorState,
    private readonly store: OnlineStore,
    /** DuckDB files by batch-source `database` name. */
    private readonly duckdbFiles: Record<string, string>,
    private readonly log: (line: string) => void,
  ) {}

  async handle(request: RouteRequest): Promise<Reply> {
    const checked = validateOnlineAttributesBody(request.body);
    if (!checked.ok) return unprocessable(checked.detail);
    const body = checked.value;
    if (body.kind === 'service') return reply(404, `Service ${body.service} not found`);
    const keys = body.attribute_keys;

    const wanted: Wanted[] = [];
    for (const reference of body.attributes) {
      const [, name, version, attribute] = /^([A-Za-z0-9_]+)_v(\d+):([A-Za-z0-9_]+)$/.exec(reference) as RegExpExecArray;
      const group = this.state.getGroup(name, Number(version));
      if (!group) return notFoundGroup(name, Number(version));
      if (!groupColumnNames(group).includes(attribute)) return reply(404, `Attribute ${attribute} not found in ${name} version ${version}`);
      const key = group.definition.attribute_key as { name?: string; key?: string | null };
      const keyName = Object.keys(keys).find((given) => given === key.name || given === key.key);
      if (keyName === undefined) {
        return reply(400, `Attribute group ${name} version ${version} is keyed by ${key.name}, not ${Object.keys(keys).join(', ')}`);
      }
      wanted.push({ group, attribute, keyName, column: body.full_attribute_names ? reference : attribute });
    }

    const response: Record<string, unknown[]> = { ...keys };
    const byGroup = new Map<StoredGroup, Wanted[]>();
    for (const item of wanted) byGroup.set(item.group, [...(byGroup.get(item.group) ?? []), item]);
    for (const [group, items] of byGroup) {
      const ids = keys[items[0].keyName];
      let values: Record<string, unknown[]> | undefined;
      try {
        values = await this.valuesOf(
          group,
          ids,
          items.map((item) => item.attribute),
        );
      } catch (error) {
        if (!(error instanceof OnlineStoreError)) throw error;
        this.log(`get-online-attributes: ${error.message}`);
        return reply(503, `Online store unavailable for ${group.name}_v${group.version}: ${error.message}`);
      }
      for (const item of items) response[item.column] = values ? values[item.attribute] : ids.map(() => null);
    }
    return { status: 200, body: response };
  }

  /** Values from the synced table; undefined when the group is not synced anywhere the emulator reads. */
  private async valuesOf(group: StoredGroup, ids: string[], columns: string[]): Promise<Record<string, unknown[]> | undefined> {
    const source = group.batchSource;
    const file = source ? this.duckdbFiles[source.database] : undefined;
    if (!group.isPublished || !source || !file) {
      this.log(
        `get-online-attributes: ${group.name}_v${group.version} is not synced ` +
          `(published: ${group.isPublished}, batch source: ${source ? source.database : 'none'}, DuckDB file: ${file ?? 'none'}); answering nulls`,
      );
      return undefined;
    }
    return this.store.read({ file, source, keyColumn: attributeKeyColumn(group), ids, columns });
  }
}
