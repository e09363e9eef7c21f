/**
 * The registry endpoints (attribute groups, batch sources, attribute keys, publish/unpublish) over the
 * emulator state: 400 when creating what exists or deleting what is published, 404 for what is missing,
 * 422 for a body the API's model refuses.
 */
import type { ApiAttributeGroup } from './apiModel';
import { WAREHOUSE_SYNTAXES, WarehouseSyntax, renderGroupProperties } from './propertySyntax';
import { Reply, RouteRequest, reply, unprocessable } from './replies';
import { groupResponse, keyResponse, notFoundGroup } from './responses';
import type { EmulatorState, StoredGroup } from './state';
import { ValidationDetail, validateAttributeKeyBody, validateBatchSourceBody, validateGroupBody, validatePublishBody } from './validation';

const published = (what: string) => reply(400, `${what} is published; unpublish it first`);

export class Registry {
  constructor(private readonly state: EmulatorState) {}

  listGroups(request: RouteRequest): Reply {
    const offlineParam = request.query.get('offline');
    const syntaxParam = request.query.get('property_syntax');
    const problems: ValidationDetail[] = [];
    if (offlineParam !== null && !['true', 'false'].includes(offlineParam.toLowerCase())) {
      problems.push({ loc: ['query', 'offline'], msg: 'Input should be a valid boolean', type: 'bool_parsing' });
    }
    if (syntaxParam !== null && !WAREHOUSE_SYNTAXES.includes(syntaxParam as WarehouseSyntax)) {
      problems.push({
        loc: ['query', 'property_syntax'],
        msg: `Input should be ${WAREHOUSE_SYNTAXES.map((s) => `'${s}'`).join(', ')}`,
        type: 'enum',
      });
    }
    if (problems.length > 0) return unprocessable(problems);
    const offline = offlineParam === null ? undefined : offlineParam.toLowerCase() === 'true';
    const groups = this.state
      .listGroups()
      .filter((group) => offline === undefined || (group.definition.offline === true) === offline)
      .map((group) => groupResponse(group))
      .map((body) => (syntaxParam ? renderGroupProperties(body, syntaxParam as WarehouseSyntax) : body));
    return { status: 200, body: groups };
  }

  createGroup(request: RouteRequest): Reply {
    const checked = validateGroupBody(request.body);
    if (!checked.ok) return unprocessable(checked.detail);
    const stored = storedGroupOf(checked.value);
    if (this.state.getGroup(stored.name, stored.version)) {
      return reply(400, `Attribute group ${stored.name} version ${stored.version} already exists`);
    }
    return { status: 201, body: groupResponse(this.state.putGroup(stored)) };
  }

  latestGroup(name: string): Reply {
    const group = this.state.latestGroup(name);
    return group ? { status: 200, body: groupResponse(group) } : notFoundGroup(name);
  }

  groupVersions(name: string): Reply {
    const versions = this.state.listGroups().filter((group) => group.name === name);
    return versions.length > 0 ? { status: 200, body: versions.map(groupResponse) } : notFoundGroup(name);
  }

  getGroup(name: string, version: number): Reply {
    const group = this.state.getGroup(name, version);
    return group ? { status: 200, body: groupResponse(group) } : notFoundGroup(name, version);
  }

  /** PUT replaces the object: fields not sent take their defaults, as with any pydantic model. */
  updateGroup(request: RouteRequest, name: string, version: number): Reply {
    const checked = validateGroupBody(request.body);
    if (!checked.ok) return unprocessable(checked.detail);
    const stored = storedGroupOf(checked.value);
    const mismatch: ValidationDetail[] = [];
    if (stored.name !== name) mismatch.push({ loc: ['body', 'name'], msg: `name must equal the path's ${name}`, type: 'value_error' });
    if (stored.version !== version) {
      mismatch.push({ loc: ['body', 'version'], msg: `version must equal the path's ${version}`, type: 'value_error' });
    }
    if (mismatch.length > 0) return unprocessable(mismatch);
    if (!this.state.getGroup(name, version)) return notFoundGroup(name, version);
    return { status: 200, body: groupResponse(this.state.putGroup(stored)) };
  }

  deleteGroup(name: string, version: number): Reply {
    const group = this.state.getGroup(name, version);
    if (!group) return notFoundGroup(name, version);
    if (group.isPublished) return published(`Attribute group ${name} version ${version}`);
    this.state.deleteGroup(name, version);
    return { status: 200, body: {} };
  }

  putBatchSource(request: RouteRequest, name: string, version: number): Reply {
    const checked = validateBatchSourceBody(request.body);
    if (!checked.ok) return unprocessable(checked.detail);
    const group = this.state.getGroup(name, version);
    if (!group) return notFoundGroup(name, version);
    if (group.definition.offline !== true) {
      return reply(400, `Attribute group ${name} version ${version} is not offline; only batch groups have a batch source`);
    }
    const updated = this.state.updateGroup(name, version, (stored) => {
      stored.batchSource = checked.value;
    }) as StoredGroup;
    return { status: 200, body: groupResponse(updated) };
  }

  deleteBatchSource(name: string, version: number): Reply {
    const group = this.state.getGroup(name, version);
    if (!group) return notFoundGroup(name, version);
    if (!group.batchSource) return reply(404, `Attribute group ${name} version ${version} has no batch source`);
    if (group.isPublished) return published(`Attribute group ${name} version ${version}`);
    const updated = this.state.updateGroup(name, version, (stored) => {
      stored.batchSource = null;
    }) as StoredGroup;
    return { status: 200, body: groupResponse(updated) };
  }

  listKeys(): Reply {
    return { status: 200, body: this.state.listKeys().map(keyResponse) };
  }

  createKey(request: RouteRequest): Reply {
    const checked = validateAttributeKeyBody(request.body);
    if (!checked.ok) return unprocessable(checked.detail);
    const { is_published: isPublished, ...definition } = checked.value;
    if (this.state.getKey(definition.name)) return reply(400, `Attribute key ${definition.name} already exists`);
    const stored = this.state.putKey({ name: definition.name, definition, isPublished: isPublished ?? false });
    return { status: 201, body: keyResponse(stored) };
  }

  getKey(name: string): Reply {
    const key = this.state.getKey(name);
    return key ? { status: 200, body: keyResponse(key) } : reply(404, `Attribute key ${name} not found`);
  }

  updateKey(request: RouteRequest, name: string): Reply {
    const checked = validateAttributeKeyBody(request.body);
    if (!checked.ok) return unprocessable(checked.detail);
    if (checked.value.name !== name) {
      return unprocessable([{ loc: ['body', 'name'], msg: `name must equal the path's ${name}`, type: 'value_error' }]);
    }
    if (!this.state.getKey(name)) return reply(404, `Attribute key ${name} not found`);
    const { is_published: isPublished, ...definition } = checked.value;
    return { status: 200, body: keyResponse(this.state.putKey({ name, definition, isPublished: isPublished ?? false })) };
  }

  deleteKey(name: string): Reply {
    const key = this.state.getKey(name);
    if (!key) return reply(404, `Attribute key ${name} not found`);
    if (key.isPublished) return published(`Attribute key ${name}`);
    this.state.deleteKey(name);
    return { status: 200, body: {} };
  }

  /** `engines/publish` and `engines/unpublish`: every named object must exist; nothing changes otherwise. */
  setPublished(request: RouteRequest, publish: boolean): Reply {
    const checked = validatePublishBody(request.body);
    if (!checked.ok) return unprocessable(checked.detail);
    const links = checked.value;
    // The emulator keeps no services, interventions, event logs or agentic decisions.
    for (const [list, what] of [
      [links.services, 'Service'],
      [links.event_logs, 'Event log'],
      [links.agentic_decisions, 'Agentic decision'],
    ] as const) {
      for (const item of list ?? []) return reply(404, `${what} ${item.name} not found`);
    }
    for (const item of links.interventions ?? []) return reply(404, `Intervention ${item.name} version ${item.version} not found`);
    for (const link of links.attribute_groups ?? []) {
      if (!this.state.getGroup(link.name, link.version)) return notFoundGroup(link.name, link.version);
    }
    for (const link of links.attribute_keys ?? []) {
      if (!this.state.getKey(link.name)) return reply(404, `Attribute key ${link.name} not found`);
    }
    let changed = 0;
    for (const link of links.attribute_groups ?? []) {
      this.state.updateGroup(link.name, link.version, (group) => {
        if (group.isPublished !== publish) changed += 1;
        group.isPublished = publish;
      });
    }
    for (const link of links.attribute_keys ?? []) {
      const key = this.state.getKey(link.name);
      if (key && key.isPublished !== publish) {
        changed += 1;
        this.state.putKey({ ...key, isPublished: publish });
      }
    }
    const verb = publish ? 'publish' : 'unpublish';
    return { status: 200, body: { status: changed > 0 ? `${verb}ed` : `nothing to ${verb}` } };
  }
}

/** A validated body as stored: the definition without `is_published`/`batch_source`, version defaulted. */
function storedGroupOf(body: ApiAttributeGroup): StoredGroup {
  const { is_published: isPublished, batch_source: batchSource, ...definition } = body;
  const version = definition.version ?? 1;
  return {
    name: definition.name,
    version,
    definition: { ...definition, version },
    isPublished: isPublished ?? false,
    batchSource: batchSource ?? null,
  };
}
