/**
 * Pulumi dynamic provider: materializes a batch attribute group in Signals, i.e. registers the
 * attribute table as the group's batch source and publishes the group so Signals syncs it into its online
 * store; deleting the resource unmaterializes (unpublish, then remove the batch source; 404 tolerated).
 *
 * Diff: the group name/version replace the resource; the batch source fields update it in place, so
 * `pulumi preview` shows e.g. `[diff: ~table]`. Read (refresh) reports the live batch source and whether
 * the group is still published. When publishing fails after the batch source was registered, the error
 * says what Signals holds and that `pulumi up` finishes it; the next `up` does.
 *
 * Pulumi serializes this provider, with what it imports, into the state: it keeps nothing from the
 * program and reads the Signals connection when a method runs (see `signalsConnection.ts`).
 */
import * as pulumi from '@pulumi/pulumi';
import { BATCH_SOURCE_DATABASE_PATTERN, SIGNALS_NAME_PATTERN } from '../definition/batchSource';
import type { SignalsApi } from '../signals/api';
import { SignalsMaterializeError } from '../signals/errors';
import { SignalsResourceProvider } from './signalsConnection';
import { containsUnknown } from './values';
import { type ResourceOutputs, propertiesWithOutputs } from './resourceOutputs';

export interface BatchSourceRegistrationInputs {
  /** The attribute group (and version) the table belongs to. Changing either replaces the resource. */
  attributeGroupName: string;
  attributeGroupVersion: number;
  /** Batch source name (`^[A-Za-z0-9_]+$`). */
  name: string;
  /** Warehouse database (`^[A-Za-z0-9_-]+$`; DuckDB: the file stem; BigQuery: the project). */
  database: string;
  /** Warehouse schema of the table (sent as `wh_schema`). */
  schema: string;
  table: string;
  /** Column Signals uses to sync only changed rows (e.g. `updated_at`). */
  timestampField: string;
  description?: string;
  owner?: string;
}

export interface BatchSourceRegistrationOutputs extends BatchSourceRegistrationInputs {
  /** Whether the group was published (synced) when last created, updated or refreshed. */
  published: boolean;
}

/** Fields updated in place; order is the order of `pulumi preview` messages. */
const SOURCE_FIELDS = ['name', 'database', 'schema', 'table', 'timestampField', 'description', 'owner'] as const;
const REPLACE_FIELDS = ['attributeGroupName', 'attributeGroupVersion'] as const;
const FINISH_HINT = 'Run `pulumi up` again to finish: it registers the batch source and publishes the group.';

/** The PUT body (`wh_schema`, snake_case; empty optional fields left out). */
function batchSourceBody(inputs: BatchSourceRegistrationInputs) {
  return {
    name: inputs.name,
    database: inputs.database,
    wh_schema: inputs.schema,
    table: inputs.table,
    timestamp_field: inputs.timestampField,
    ...(inputs.description ? { description: inputs.description } : {}),
    ...(inputs.owner ? { owner: inputs.owner } : {}),
  };
}

/** The failures of the inputs (values unknown during preview are let through). */
function inputFailures(news: BatchSourceRegistrationInputs): pulumi.dynamic.CheckFailure[] {
  const failures: pulumi.dynamic.CheckFailure[] = [];
  const known = (value: unknown) => !containsUnknown(value);
  const pattern = (property: keyof BatchSourceRegistrationInputs, regex: RegExp, max = 128) => {
    const value = news[property];
    if (!known(value)) return;
    if (typeof value !== 'string' || value === '') {
      failures.push({ property, reason: `${property} is required and must be a non-empty string` });
    } else if (!regex.test(value) || value.length > max) {
      failures.push({ property, reason: `${property} must match ${regex.source}; got ${JSON.stringify(value)}` });
    }
  };
  pattern('attributeGroupName', SIGNALS_NAME_PATTERN);
  pattern('name', SIGNALS_NAME_PATTERN);
  pattern('database', BATCH_SOURCE_DATABASE_PATTERN, Number.MAX_SAFE_INTEGER);
  pattern('schema', SIGNALS_NAME_PATTERN);
  pattern('table', SIGNALS_NAME_PATTERN);
  pattern('timestampField', SIGNALS_NAME_PATTERN);
  const version = news.attributeGroupVersion;
  if (known(version) && (!Number.isInteger(version) || version < 1)) {
    failures.push({
      property: 'attributeGroupVersion',
      reason: `attributeGroupVersion must be a positive integer; got ${JSON.stringify(version)}`,
    });
  }
  for (const property of ['description', 'owner'] as const) {
    const value = news[property];
    if (value !== undefined && value !== null && known(value) && typeof value !== 'string') {
      failures.push({ property, reason: `${property} must be a string` });
    }
  }
  return failures;
}

/** The plain provider (tested directly); `BatchSourceRegistration` below wraps it for Pulumi. */
export class BatchSourceRegistrationProvider
  extends SignalsResourceProvider
  implements pulumi.dynamic.ResourceProvider<BatchSourceRegistrationInputs, BatchSourceRegistrationOutputs>
{
  async check(
    _olds: BatchSourceRegistrationInputs,
    news: BatchSourceRegistrationInputs,
  ): Promise<pulumi.dynamic.CheckResult<BatchSourceRegistrationInputs>> {
    const failures = inputFailures(news);
    if (failures.length > 0) return { failures };
    const inputs: Record<string, unknown> = {};
    for (const field of [...REPLACE_FIELDS, ...SOURCE_FIELDS]) {
      if (news[field] !== undefined && news[field] !== null) inputs[field] = news[field];
    }
    return { inputs: inputs as unknown as BatchSourceRegistrationInputs };
  }

  async diff(_id: string, olds: BatchSourceRegistrationOutputs, news: BatchSourceRegistrationInputs): Promise<pulumi.dynamic.DiffResult> {
    const differs = (field: keyof BatchSourceRegistrationInputs) =>
      containsUnknown(news[field]) || (news[field] ?? '') !== (olds[field] ?? '');
    const replaces = REPLACE_FIELDS.filter(differs);
    const changed = SOURCE_FIELDS.filter(differs);
    // A group left unpublished (a failed publish, or an unpublish seen by refresh) is published again.
    const republish = olds.published === false;
    return { changes: replaces.length > 0 || changed.length > 0 || republish, replaces: [...replaces], deleteBeforeReplace: false };
  }

  async create(inputs: BatchSourceRegistrationInputs): Promise<pulumi.dynamic.CreateResult<BatchSourceRegistrationOutputs>> {
    const api = this.api();
    const { attributeGroupName: name, attributeGroupVersion: version } = inputs;
    const group = await api.getAttributeGroup(name, version);
    if (!group) {
      throw new Error(`Attribute group ${name} version ${version} is not registered in Signals; register it before materializing.`);
    }
    try {
      await api.materialize(name, version, batchSourceBody(inputs));
    } catch (error) {
      if (!(error instanceof SignalsMaterializeError)) throw error;
      // Leave nothing half-registered: remove the batch source this step added.
      let undone = '';
      if (!group.batch_source) {
        undone = await api.removeBatchSource(name, version).then(
          () => ' The batch source registered by this step was removed again.',
          (removal: Error) => ` Removing that batch source again failed too (${removal.message}).`,
        );
      }
      throw await halfwayError(api, inputs, error, undone);
    }
    return { id: `${name}/${version}`, outs: { ...inputs, published: true } };
  }

  async update(
    id: string,
    _olds: BatchSourceRegistrationOutputs,
    news: BatchSourceRegistrationInputs,
  ): Promise<pulumi.dynamic.UpdateResult<BatchSourceRegistrationOutputs>> {
    const api = this.api();
    try {
      await api.materialize(news.attributeGroupName, news.attributeGroupVersion, batchSourceBody(news));
    } catch (error) {
      if (!(error instanceof SignalsMaterializeError)) throw error;
      // Record the new batch source as unpublished, so the next `up` publishes it whatever the program says.
      throw Object.assign(await halfwayError(api, news, error, ''), {
        id,
        properties: { ...news, published: false },
        reasons: ['the batch source is registered but the group is not published'],
      });
    }
    return { outs: { ...news, published: true } };
  }

  async read(id: string, props?: BatchSourceRegistrationOutputs): Promise<pulumi.dynamic.ReadResult<BatchSourceRegistrationOutputs>> {
    const [idName, idVersion] = id.split('/');
    const name = props?.attributeGroupName ?? idName;
    const version = props?.attributeGroupVersion ?? Number(idVersion);
    const group = await this.api().getAttributeGroup(name, version);
    const source = group?.batch_source;
    if (!group || !source) return { id: '' };
    const live: BatchSourceRegistrationInputs = {
      attributeGroupName: name,
      attributeGroupVersion: version,
      name: String(source.name),
      database: String(source.database),
      schema: String(source.schema ?? source.wh_schema),
      table: String(source.table),
      timestampField: String(source.timestamp_field),
    };
    if (source.description) live.description = String(source.description);
    if (source.owner) live.owner = String(source.owner);
    return { id, props: { ...live, published: group.is_published === true }, inputs: live as BatchSourceRegistrationOutputs };
  }

  async delete(_id: string, props: BatchSourceRegistrationOutputs): Promise<void> {
    await this.api().unmaterialize(props.attributeGroupName, props.attributeGroupVersion);
  }
}

/** The error of a materialization that stopped after the batch source was registered: what Signals holds, how to finish. */
async function halfwayError(
  api: SignalsApi,
  inputs: BatchSourceRegistrationInputs,
  error: SignalsMaterializeError,
  undone: string,
): Promise<Error> {
  const { attributeGroupName: name, attributeGroupVersion: version } = inputs;
  const now = await api.materializationState(name, version);
  return new Error(
    `Materializing attribute group ${name} version ${version} did not finish: the batch source was registered, ` +
      `then publishing failed: ${error.cause.message}${undone} Signals now: ${now.description}. ${FINISH_HINT}`,
  );
}

export interface BatchSourceRegistrationArgs {
  attributeGroupName: pulumi.Input<string>;
  attributeGroupVersion: pulumi.Input<number>;
  name: pulumi.Input<string>;
  database: pulumi.Input<string>;
  schema: pulumi.Input<string>;
  table: pulumi.Input<string>;
  timestampField: pulumi.Input<string>;
  description?: pulumi.Input<string>;
  owner?: pulumi.Input<string>;
}

export interface BatchSourceRegistration extends ResourceOutputs<BatchSourceRegistrationOutputs> {}

/**
 * The attribute table registered as a group's batch source, with the group published (materialized).
 * Credentials: stack config `signals-batch:*` or the `SNOWPLOW_*` environment variables (see
 * `SIGNALS_CONFIG_KEYS` and `SIGNALS_ENV`).
 */
export class BatchSourceRegistration extends pulumi.dynamic.Resource {
  constructor(name: string, args: BatchSourceRegistrationArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      new BatchSourceRegistrationProvider(),
      name,
      propertiesWithOutputs<BatchSourceRegistrationOutputs>(args, {
        attributeGroupName: true,
        attributeGroupVersion: true,
        name: true,
        database: true,
        schema: true,
        table: true,
        timestampField: true,
        description: true,
        owner: true,
        published: true,
      }),
      opts,
      'signals-batch',
      'BatchSourceRegistration',
    );
  }
}
