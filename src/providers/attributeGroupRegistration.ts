/**
 * Pulumi dynamic provider: registers a batch attribute group (a view version) in the Signals registry.
 *
 * Inputs: the definition (`group`) and, each as its own input so `pulumi preview` names what changed, the
 * registration form (`attributes` or `fields`), `syncFrequency` (sent as `refresh_rate`), `ttl`,
 * `description`, and the `attributes` or `fields`; `check` splits a whole body into them.
 *
 * Lifecycle: create/update upsert the group through the Signals client (`is_published` and
 * `batch_source` are carried over from the live group, so re-registering never unmaterializes it); a
 * name or version change replaces the resource; read returns the live registry state (drift); delete
 * unpublishes when needed and deletes the version, tolerating 404.
 *
 * Pulumi serializes this provider, with what it imports, into the state: it keeps nothing from the
 * program and reads the Signals connection when a method runs (see `signalsConnection.ts`).
 */
import * as pulumi from '@pulumi/pulumi';
import { SIGNALS_NAME_PATTERN } from '../definition/batchSource';
import { REFRESH_RATES, type RegistrationForm } from '../definition/model';
import { type AttributeGroupResponse, toGroupInput } from '../signals/groups';
import { SignalsResourceProvider } from './signalsConnection';
import { UNKNOWN_VALUE, canonicalJson, containsUnknown } from './values';
import { type ResourceOutputs, propertiesWithOutputs } from './resourceOutputs';

/** The attribute group in the Signals API's JSON input form (snake_case, as `toApiGroup` returns it). */
export type AttributeGroupJson = Record<string, unknown> & { name: string; version?: number };

/**
 * The registration settings a change of which is an in-place update, each its own input so that
 * `pulumi preview` names the one that changed (`[diff: ~syncFrequency]`, `~attributes`), and the body
 * field it is sent as.
 */
const SETTINGS = {
  registration: undefined,
  syncFrequency: 'refresh_rate',
  ttl: 'ttl',
  description: 'description',
  attributes: 'attributes',
  fields: 'fields',
} as const;
type Setting = keyof typeof SETTINGS;

export interface AttributeGroupRegistrationInputs {
  /**
   * The group definition, API JSON form. `check` moves the settings below out of it into their own
   * inputs; `is_published` and `batch_source` in it are ignored.
   */
  group: AttributeGroupJson;
  /** `attributes` (the definitions) or `fields` (the table's columns); derived from `group` when absent. */
  registration?: RegistrationForm;
  /** `refresh_rate`: `PT1H`, `PT6H`, `PT12H` or `P1D`. */
  syncFrequency?: string;
  /** The group's `ttl` (ISO-8601 duration). */
  ttl?: string;
  /** The group's `description`. */
  description?: string;
  /** The attribute definitions (form `attributes`), each with its own `ttl` and `description`. */
  attributes?: unknown[];
  /** The table's columns (form `fields`): `{name, type, description?}`. */
  fields?: unknown[];
  /** Publish the group when registering. Default false (materialization publishes). */
  publish?: boolean;
}

export interface AttributeGroupRegistrationOutputs extends Omit<AttributeGroupRegistrationInputs, 'publish'> {
  /** Group name and version (copied from `group`, the replace keys). */
  name: string;
  version: number;
  /** The definition as registered (or as found live by a refresh, when it drifted), without the settings. */
  group: AttributeGroupJson;
  publish: boolean;
  /** Live publication flag after the last operation. */
  isPublished: boolean;
  /** `{name}_v{version}` (the API's `full_name`). */
  fullName: string;
}

type Registration = Omit<AttributeGroupRegistrationInputs, 'publish'>;

/** A whole body split into the definition and its settings (inputs that already are split stay so). */
export function splitGroup(inputs: Registration): Registration {
  const group: Record<string, unknown> = { ...inputs.group };
  const split: Record<string, unknown> = {};
  for (const [setting, field] of Object.entries(SETTINGS) as Array<[Setting, string | undefined]>) {
    const value = inputs[setting] ?? (field ? group[field] : undefined);
    if (field) delete group[field];
    if (value !== undefined && value !== null) split[setting] = value;
  }
  if (split.registration === undefined) split.registration = split.fields !== undefined ? 'fields' : 'attributes';
  return { group: group as AttributeGroupJson, ...split };
}

/** The body the settings and the definition make together (the inverse of `splitGroup`). */
export function joinGroup(inputs: Registration): AttributeGroupJson {
  const { group, ...settings } = splitGroup(inputs);
  const body: Record<string, unknown> = { ...group };
  for (const [setting, field] of Object.entries(SETTINGS) as Array<[Setting, string | undefined]>) {
    const value = settings[setting];
    if (field && value !== undefined) body[field] = value;
  }
  return body as AttributeGroupJson;
}

/** Registry fields owned by other operations, never compared nor sent from the definition. */
const NOT_DEFINITION_FIELDS = ['is_published', 'batch_source'];

/** The body to register: definition and settings joined, without the fields other operations own. */
function definitionOf(inputs: Registration): AttributeGroupJson {
  const group = joinGroup(inputs);
  const copy: Record<string, unknown> = { ...group };
  for (const field of NOT_DEFINITION_FIELDS) delete copy[field];
  return { ...copy, version: group.version ?? 1 } as AttributeGroupJson;
}

/** Every field of `desired` has the same value in `live` (extra live fields, e.g. API defaults, are ignored). */
function liveMatches(desired: unknown, live: unknown): boolean {
  if (Array.isArray(desired)) {
    return Array.isArray(live) && desired.length === live.length && desired.every((item, i) => liveMatches(item, live[i]));
  }
  if (desired && typeof desired === 'object') {
    if (!live || typeof live !== 'object' || Array.isArray(live)) return false;
    return Object.entries(desired).every(([key, value]) =>
      value === null || value === undefined ? true : liveMatches(value, (live as Record<string, unknown>)[key]),
    );
  }
  return desired === live;
}

/** The failures of a group definition (values unknown during preview are let through). */
function groupFailures(news: AttributeGroupRegistrationInputs): pulumi.dynamic.CheckFailure[] {
  const group = news.group as Record<string, unknown> | undefined;
  if (!group || typeof group !== 'object' || Array.isArray(group)) {
    return [{ property: 'group', reason: 'group must be the attribute group as an object (API JSON form)' }];
  }
  const failures: pulumi.dynamic.CheckFailure[] = [];
  const fail = (reason: string) => failures.push({ property: 'group', reason });
  const known = (value: unknown) => value !== undefined && !containsUnknown(value);
  const validName = (value: unknown) => typeof value === 'string' && SIGNALS_NAME_PATTERN.test(value) && value.length <= 128;
  if (group.name === undefined) fail('group.name is required');
  else if (known(group.name) && !validName(group.name)) {
    fail(`group.name must match ${SIGNALS_NAME_PATTERN.source} (1-128 characters); got ${JSON.stringify(group.name)}`);
  }
  if (known(group.version) && (!Number.isInteger(group.version) || (group.version as number) < 1)) {
    fail(`group.version must be a positive integer; got ${JSON.stringify(group.version)}`);
  }
  if (group.owner === undefined || (known(group.owner) && (typeof group.owner !== 'string' || group.owner === ''))) {
    fail("group.owner is required (the owner's email address)");
  }
  const key = group.attribute_key as Record<string, unknown> | undefined;
  if (known(key) && (!key || typeof key !== 'object' || !validName(key.name))) {
    fail(`group.attribute_key.name must match ${SIGNALS_NAME_PATTERN.source}`);
  }
  const registration = news.registration ?? (news.fields !== undefined || group.fields !== undefined ? 'fields' : 'attributes');
  const attributes = news.attributes ?? group.attributes;
  const fields = news.fields ?? group.fields;
  if (known(registration) && registration !== 'attributes' && registration !== 'fields') {
    failures.push({
      property: 'registration',
      reason: `registration must be "attributes" or "fields"; got ${JSON.stringify(registration)}`,
    });
  } else if (registration === 'attributes') {
    if (known(attributes) && (!Array.isArray(attributes) || attributes.length === 0))
      fail('group.attributes must list at least one attribute');
    if (fields !== undefined) fail('the attributes registration lists attributes, not fields');
  } else if (registration === 'fields') {
    if (known(fields) && (!Array.isArray(fields) || fields.length === 0)) {
      failures.push({ property: 'fields', reason: 'the fields registration needs at least one field (a column of the table)' });
    }
    if (attributes !== undefined) fail("the fields registration lists the table's columns, not attributes");
  }
  const syncFrequency = news.syncFrequency ?? group.refresh_rate;
  if (known(syncFrequency) && !(REFRESH_RATES as readonly unknown[]).includes(syncFrequency)) {
    failures.push({
      property: 'syncFrequency',
      reason: `syncFrequency must be one of ${REFRESH_RATES.join(', ')}; got ${JSON.stringify(syncFrequency)}`,
    });
  }
  if (known(news.publish) && news.publish !== undefined && typeof news.publish !== 'boolean') {
    failures.push({ property: 'publish', reason: 'publish must be true or false' });
  }
  return failures;
}

/** The plain provider (tested directly); `AttributeGroupRegistration` below wraps it for Pulumi. */
export class AttributeGroupRegistrationProvider
  extends SignalsResourceProvider
  implements pulumi.dynamic.ResourceProvider<AttributeGroupRegistrationInputs, AttributeGroupRegistrationOutputs>
{
  async check(
    _olds: AttributeGroupRegistrationInputs,
    news: AttributeGroupRegistrationInputs,
  ): Promise<pulumi.dynamic.CheckResult<AttributeGroupRegistrationInputs>> {
    if ((news.group as unknown) === UNKNOWN_VALUE) return { inputs: news };
    const failures = groupFailures(news);
    if (failures.length > 0) return { failures };
    return { inputs: { ...splitGroup(news), publish: news.publish ?? false } };
  }

  async diff(
    _id: string,
    olds: AttributeGroupRegistrationOutputs,
    news: AttributeGroupRegistrationInputs,
  ): Promise<pulumi.dynamic.DiffResult> {
    const newGroup = (news.group ?? {}) as AttributeGroupJson;
    const newVersion = newGroup.version ?? 1;
    const replaces =
      containsUnknown(newGroup.name) || newGroup.name !== olds.name || containsUnknown(newVersion) || newVersion !== olds.version
        ? ['group']
        : [];
    const publish = news.publish ?? false;
    const changed =
      replaces.length > 0 ||
      containsUnknown(news) ||
      canonicalJson(definitionOf(news)) !== canonicalJson(definitionOf(olds)) ||
      publish !== (olds.publish ?? false) ||
      (publish && olds.isPublished === false);
    return { changes: changed, replaces, deleteBeforeReplace: false };
  }

  async create(inputs: AttributeGroupRegistrationInputs): Promise<pulumi.dynamic.CreateResult<AttributeGroupRegistrationOutputs>> {
    const outs = await this.register(inputs);
    return { id: `${outs.name}/${outs.version}`, outs };
  }

  async update(
    _id: string,
    _olds: AttributeGroupRegistrationOutputs,
    news: AttributeGroupRegistrationInputs,
  ): Promise<pulumi.dynamic.UpdateResult<AttributeGroupRegistrationOutputs>> {
    return { outs: await this.register(news) };
  }

  async read(id: string, props?: AttributeGroupRegistrationOutputs): Promise<pulumi.dynamic.ReadResult<AttributeGroupRegistrationOutputs>> {
    const [idName, idVersion] = id.split('/');
    const name = props?.name ?? idName;
    const version = props?.version ?? Number(idVersion);
    const live = await this.api().getAttributeGroup(name, version);
    if (!live) return { id: '' };
    const liveDefinition = definitionOf({ group: toGroupInput(live) as AttributeGroupJson });
    // Keep the recorded definition while every field it sets still holds; otherwise report the live one.
    const recorded = props?.group ? splitGroup(props) : undefined;
    const registration = recorded && liveMatches(definitionOf(recorded), liveDefinition) ? recorded : splitGroup({ group: liveDefinition });
    const publish = props?.publish ?? false;
    const outs = outputsOf(name, version, registration, publish, live);
    return { id, props: outs, inputs: { ...registration, publish } as unknown as AttributeGroupRegistrationOutputs };
  }

  async delete(_id: string, props: AttributeGroupRegistrationOutputs): Promise<void> {
    const api = this.api();
    const live = await api.getAttributeGroup(props.name, props.version);
    if (!live) return;
    if (live.is_published) await api.unpublish(props.name, props.version);
    await api.deleteAttributeGroup(props.name, props.version);
  }

  /** Upsert (GET, then POST or PUT keeping the live publication and batch source). */
  private async register(inputs: AttributeGroupRegistrationInputs): Promise<AttributeGroupRegistrationOutputs> {
    const definition = definitionOf(inputs);
    const publish = inputs.publish ?? false;
    // Publishing is only ever added here; the live flag (set by materialization) is kept otherwise.
    const { group } = await this.api().upsertAttributeGroup(definition, publish ? { publish } : {});
    return outputsOf(definition.name, definition.version as number, splitGroup(inputs), publish, group);
  }
}

function outputsOf(
  name: string,
  version: number,
  registration: Registration,
  publish: boolean,
  live: AttributeGroupResponse,
): AttributeGroupRegistrationOutputs {
  return { ...registration, name, version, publish, isPublished: live.is_published === true, fullName: `${name}_v${version}` };
}

export interface AttributeGroupRegistrationArgs {
  /**
   * The attribute group in the Signals API's JSON input form (e.g. `toApiGroup(view)`): `name`, `version`,
   * `owner`, `attribute_key`, `refresh_rate`, `attributes` or `fields`, ... (checked by the provider's `check`,
   * which keeps `refresh_rate`, `ttl`, `description`, `attributes` and `fields` as inputs of their own).
   */
  group: pulumi.Input<Record<string, unknown>>;
  /** Publish the group when registering. Default false: materialization (BatchSourceRegistration) publishes. */
  publish?: pulumi.Input<boolean>;
}

export interface AttributeGroupRegistration extends ResourceOutputs<AttributeGroupRegistrationOutputs> {}

/**
 * A batch attribute group registered in Signals. Changing the group's name or version replaces it; any
 * other definition change updates it in place. Credentials: stack config `signals-batch:*` or the
 * `SNOWPLOW_*` environment variables (see `SIGNALS_CONFIG_KEYS` and `SIGNALS_ENV`).
 */
export class AttributeGroupRegistration extends pulumi.dynamic.Resource {
  constructor(name: string, args: AttributeGroupRegistrationArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      new AttributeGroupRegistrationProvider(),
      name,
      propertiesWithOutputs<AttributeGroupRegistrationOutputs>(args, {
        name: true,
        version: true,
        group: true,
        publish: true,
        isPublished: true,
        fullName: true,
        registration: true,
        syncFrequency: true,
        ttl: true,
        description: true,
        attributes: true,
        fields: true,
      }),
      opts,
      'signals-batch',
      'AttributeGroupRegistration',
    );
  }
}
