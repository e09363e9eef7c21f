import {
  BatchSourceRegistrationInputs,
  BatchSourceRegistrationOutputs,
  BatchSourceRegistrationProvider,
} from '../../src/providers/batchSourceRegistration';
import { sampleGroup } from '../support/emulator';
import { ProviderTestContext, UNKNOWN, startProviderContext } from '../support/providers';

let ctx: ProviderTestContext;
let provider: BatchSourceRegistrationProvider;

beforeEach(async () => {
  ctx = await startProviderContext();
  provider = new BatchSourceRegistrationProvider();
  await ctx.client.upsertAttributeGroup(sampleGroup());
});
afterEach(async () => {
  await ctx.emulator.close();
  ctx.restoreEnv();
});

function sourceInputs(overrides: Partial<BatchSourceRegistrationInputs> = {}): BatchSourceRegistrationInputs {
  return {
    attributeGroupName: 'user_engagement',
    attributeGroupVersion: 1,
    name: 'user_engagement_1_attributes',
    database: 'warehouse',
    schema: 'main_derived',
    table: 'user_engagement_1_attributes',
    timestampField: 'updated_at',
    owner: 'owner@example.com',
    ...overrides,
  };
}

async function created(inputs = sourceInputs()) {
  const checked = await provider.check(inputs, inputs);
  expect(checked.failures).toBeUndefined();
  const result = await provider.create(checked.inputs as BatchSourceRegistrationInputs);
  return { id: result.id, outs: result.outs as BatchSourceRegistrationOutputs, inputs: checked.inputs as BatchSourceRegistrationInputs };
}

describe('BatchSourceRegistrationProvider', () => {
  it('materializes on create: registers the batch source and publishes the group', async () => {
    ctx.emulator.requests.length = 0;
    const { id, outs } = await created();
    expect(ctx.emulator.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /api/msc/v1/organizations/org-providers/credentials/v3/token',
      'GET /api/v1/registry/attribute_groups/user_engagement/versions/1',
      'PUT /api/v1/registry/attribute_groups/user_engagement/versions/1/batch_source',
      'POST /api/v1/engines/publish',
    ]);
    expect(id).toBe('user_engagement/1');
    expect(outs).toEqual({ ...sourceInputs(), published: true });
    const live = await ctx.client.getAttributeGroup('user_engagement', 1);
    expect(live?.is_published).toBe(true);
    expect(live?.batch_source).toEqual({
      name: 'user_engagement_1_attributes',
      database: 'warehouse',
      schema: 'main_derived',
      table: 'user_engagement_1_attributes',
      timestamp_field: 'updated_at',
      owner: 'owner@example.com',
    });
  });

  it('refuses to materialize a group that is not registered', async () => {
    await expect(created(sourceInputs({ attributeGroupVersion: 9 }))).rejects.toThrow(
      'Attribute group user_engagement version 9 is not registered in Signals; register it before materializing.',
    );
  });

  it('leaves nothing registered when publishing fails', async () => {
    ctx.emulator.faults.inject({ method: 'POST', path: 'engines/publish', status: 400, body: { detail: 'cannot publish now' } });
    await expect(created()).rejects.toThrow('Signals API call POST engines/publish failed with HTTP 400: cannot publish now.');
    expect((await ctx.client.getAttributeGroup('user_engagement', 1))?.batch_source).toBeNull();
  });

  it('says what Signals holds when publishing fails after the batch source was registered, and a retry of up finishes it', async () => {
    ctx.emulator.faults.inject({ method: 'POST', path: 'engines/publish', status: 503, retryAfter: 0, count: 4 });
    const error = (await created().catch((e: Error) => e)) as Error;
    expect(error.message).toBe(
      'Materializing attribute group user_engagement version 1 did not finish: the batch source was registered, then publishing failed: ' +
        'Signals API call POST engines/publish failed with HTTP 503: Injected fault: HTTP 503 (gave up after 4 attempts). ' +
        'The batch source registered by this step was removed again. ' +
        'Signals now: attribute group user_engagement version 1 is registered without a batch source and is not published, so Signals does not sync it. ' +
        'Run `pulumi up` again to finish: it registers the batch source and publishes the group.',
    );
    // `pulumi up` again: the resource was not created, so it is created again, and this time it finishes.
    const { outs } = await created();
    expect(outs.published).toBe(true);
    expect(await ctx.client.getAttributeGroup('user_engagement', 1)).toMatchObject({
      is_published: true,
      batch_source: { table: 'user_engagement_1_attributes' },
    });
  });

  it('records an update whose publish failed as unpublished, so the next up publishes whatever the program says', async () => {
    const { id, outs, inputs } = await created();
    ctx.emulator.faults.inject({ method: 'POST', path: 'engines/publish', status: 503, retryAfter: 0, count: 4 });
    const moved = { ...inputs, table: 'moved_attributes' };
    const error = (await provider.update(id, outs, moved).catch((e: Error) => e)) as Error & {
      id?: string;
      properties?: BatchSourceRegistrationOutputs;
    };
    expect(error.message).toMatch(/did not finish: the batch source was registered, then publishing failed: .*HTTP 503/);
    expect(error.message).toContain(
      'Signals now: attribute group user_engagement version 1 is registered with batch source warehouse.main_derived.moved_attributes',
    );
    expect(error.message).toContain('Run `pulumi up` again to finish');
    // Pulumi records these outputs (a partial update), and forces an update next time.
    expect(error.id).toBe(id);
    expect(error.properties).toEqual({ ...moved, published: false });
    // Even if the program went back to the old table, the recorded state differs: an update, which publishes.
    expect(await provider.diff(id, error.properties as BatchSourceRegistrationOutputs, inputs)).toMatchObject({
      changes: true,
      replaces: [],
    });
    const retried = await provider.update(id, error.properties as BatchSourceRegistrationOutputs, inputs);
    expect(retried.outs?.published).toBe(true);
    expect(await ctx.client.getAttributeGroup('user_engagement', 1)).toMatchObject({
      is_published: true,
      batch_source: { table: 'user_engagement_1_attributes' },
    });
  });

  it('reports no change for the same inputs', async () => {
    const { id, outs, inputs } = await created();
    expect(await provider.diff(id, outs, inputs)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
  });

  it('reports an in-place change for a batch source field', async () => {
    const { id, outs } = await created();
    expect(await provider.diff(id, outs, sourceInputs({ table: 'other_table' }))).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    expect((await provider.diff(id, outs, sourceInputs({ description: 'now described' }))).changes).toBe(true);
  });

  it('replaces the resource when the group version changes', async () => {
    const { id, outs } = await created();
    expect(await provider.diff(id, outs, sourceInputs({ attributeGroupVersion: 2 }))).toEqual({
      changes: true,
      replaces: ['attributeGroupVersion'],
      deleteBeforeReplace: false,
    });
    expect((await provider.diff(id, outs, sourceInputs({ attributeGroupName: UNKNOWN }))).replaces).toEqual(['attributeGroupName']);
  });

  it('updates in place and returns the full outputs', async () => {
    const { id, outs } = await created();
    const updated = await provider.update(id, outs, sourceInputs({ table: 'renamed_table', description: 'desc' }));
    expect(updated.outs).toEqual({ ...sourceInputs({ table: 'renamed_table', description: 'desc' }), published: true });
    expect((await ctx.client.getAttributeGroup('user_engagement', 1))?.batch_source).toMatchObject({
      table: 'renamed_table',
      description: 'desc',
    });
  });

  it('reads the live batch source: drift after an out-of-band change or unpublish', async () => {
    const { id, outs, inputs } = await created();
    expect((await provider.read(id, outs)).props).toEqual(outs);

    await ctx.client.putBatchSource('user_engagement', 1, {
      name: 'user_engagement_1_attributes',
      database: 'warehouse',
      wh_schema: 'main_derived',
      table: 'changed_elsewhere',
      timestamp_field: 'updated_at',
    });
    await ctx.client.unpublish('user_engagement', 1);
    const refreshed = await provider.read(id, outs);
    expect(refreshed.props).toMatchObject({ table: 'changed_elsewhere', published: false });
    expect(refreshed.props).not.toHaveProperty('owner');
    expect(refreshed.inputs).toMatchObject({ table: 'changed_elsewhere' });
    const diff = await provider.diff(id, refreshed.props as BatchSourceRegistrationOutputs, inputs);
    expect(diff).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  });

  it('reads a removed batch source as gone', async () => {
    const { id, outs } = await created();
    await ctx.client.unmaterialize('user_engagement', 1);
    expect(await provider.read(id, outs)).toEqual({ id: '' });
  });

  it('unmaterializes on delete and tolerates deleting twice, or after the group is gone', async () => {
    const { id, outs } = await created();
    await provider.delete(id, outs);
    expect(await ctx.client.getAttributeGroup('user_engagement', 1)).toMatchObject({ is_published: false, batch_source: null });
    await expect(provider.delete(id, outs)).resolves.toBeUndefined();
    await ctx.client.deleteAttributeGroup('user_engagement', 1);
    await expect(provider.delete(id, outs)).resolves.toBeUndefined();
  });

  it('unmaterializes through the fallbacks when the inferred paths do not exist', async () => {
    const { id, outs } = await created();
    ctx.emulator.faults.inject({ method: 'POST', path: 'engines/unpublish', status: 404, body: { detail: 'Not Found' } });
    ctx.emulator.faults.inject({ method: 'DELETE', path: /batch_source$/, status: 405, body: { detail: 'Method Not Allowed' } });
    await provider.delete(id, outs);
    expect(await ctx.client.getAttributeGroup('user_engagement', 1)).toMatchObject({ is_published: false, batch_source: null });
    expect(ctx.emulator.faults.pending()).toEqual([]);
  });

  it('retries a transient failure honouring Retry-After', async () => {
    ctx.emulator.faults.inject({ method: 'PUT', path: /batch_source$/, status: 503, retryAfter: 0 });
    const { outs } = await created();
    expect(outs.published).toBe(true);
  });

  it('checks every field and names the problem', async () => {
    const result = await provider.check(sourceInputs(), sourceInputs({ table: '', database: 'my.db', attributeGroupVersion: 1.5 }));
    expect(result.failures).toEqual([
      { property: 'database', reason: 'database must match ^[A-Za-z0-9_-]+$; got "my.db"' },
      { property: 'table', reason: 'table is required and must be a non-empty string' },
      { property: 'attributeGroupVersion', reason: 'attributeGroupVersion must be a positive integer; got 1.5' },
    ]);
  });

  it('accepts unknown values during preview and keeps only known fields', async () => {
    const result = await provider.check(sourceInputs(), sourceInputs({ table: UNKNOWN, database: UNKNOWN, description: undefined }));
    expect(result.failures).toBeUndefined();
    expect(result.inputs).toEqual(sourceInputs({ table: UNKNOWN, database: UNKNOWN }));
  });
});
