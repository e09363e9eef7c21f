import {
  AttributeGroupRegistrationInputs,
  AttributeGroupRegistrationOutputs,
  AttributeGroupRegistrationProvider,
  splitGroup,
} from '../../src/providers/attributeGroupRegistration';
import { parseApiView, toApiGroup, type GroupRegistrationOptions } from '../../src/definition';
import { sampleBatchSource, sampleGroup } from '../support/emulator';
import { PROVIDER_ENV_NAMES, ProviderTestContext, UNKNOWN, configRequest, startProviderContext } from '../support/providers';

let ctx: ProviderTestContext;
let provider: AttributeGroupRegistrationProvider;

beforeEach(async () => {
  ctx = await startProviderContext();
  provider = new AttributeGroupRegistrationProvider();
});
afterEach(async () => {
  await ctx.emulator.close();
  ctx.restoreEnv();
});

/** check() then create(), as the engine does. */
async function created(inputs: AttributeGroupRegistrationInputs) {
  const checked = await provider.check(inputs, inputs);
  expect(checked.failures).toBeUndefined();
  const result = await provider.create(checked.inputs as AttributeGroupRegistrationInputs);
  return {
    id: result.id,
    outs: result.outs as AttributeGroupRegistrationOutputs,
    inputs: checked.inputs as AttributeGroupRegistrationInputs,
  };
}

describe('AttributeGroupRegistrationProvider', () => {
  it('creates the group in the registry and returns its outputs', async () => {
    const { id, outs } = await created({ group: sampleGroup() });
    expect(id).toBe('user_engagement/1');
    const { attributes, description, ...definition } = sampleGroup();
    expect(outs).toEqual({
      name: 'user_engagement',
      version: 1,
      // The settings are inputs of their own, so a preview names the one that changed.
      group: definition,
      registration: 'attributes',
      attributes,
      description,
      publish: false,
      isPublished: false,
      fullName: 'user_engagement_v1',
    });
    const live = await ctx.client.getAttributeGroup('user_engagement', 1);
    expect(live).toMatchObject({ description: 'Engagement of each user', offline: true, is_published: false });
    // BDP auth went through the console token endpoint.
    expect(ctx.emulator.tokens.issued).toBe(1);
  });

  it('publishes on create when asked', async () => {
    const { outs } = await created({ group: sampleGroup(), publish: true });
    expect(outs.isPublished).toBe(true);
    expect((await ctx.client.getAttributeGroup('user_engagement', 1))?.is_published).toBe(true);
  });

  it('reports no change for the same definition', async () => {
    const { id, outs, inputs } = await created({ group: sampleGroup() });
    const checked = (await provider.check(inputs, { group: sampleGroup() })).inputs as AttributeGroupRegistrationInputs;
    expect(await provider.diff(id, outs, checked)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
  });

  it('reports an in-place change for a definition field', async () => {
    const { id, outs } = await created({ group: sampleGroup() });
    const diff = await provider.diff(id, outs, { group: sampleGroup({ description: 'new words' }), publish: false });
    expect(diff).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    const attributes = sampleGroup().attributes as Record<string, unknown>[];
    const periodChange = await provider.diff(id, outs, {
      group: sampleGroup({ attributes: [{ ...attributes[0], period: 'P30D' }, ...attributes.slice(1)] }),
    });
    expect(periodChange.changes).toBe(true);
    expect(periodChange.replaces).toEqual([]);
  });

  it('replaces the resource when the version or the name changes', async () => {
    const { id, outs } = await created({ group: sampleGroup() });
    expect(await provider.diff(id, outs, { group: sampleGroup({ version: 2 }) })).toEqual({
      changes: true,
      replaces: ['group'],
      deleteBeforeReplace: false,
    });
    expect((await provider.diff(id, outs, { group: sampleGroup({ name: 'renamed' }) })).replaces).toEqual(['group']);
  });

  it('treats unknown preview values as possible changes', async () => {
    const { id, outs } = await created({ group: sampleGroup() });
    expect(await provider.diff(id, outs, { group: sampleGroup({ description: UNKNOWN }) })).toMatchObject({ changes: true, replaces: [] });
    expect((await provider.diff(id, outs, { group: sampleGroup({ version: UNKNOWN }) })).replaces).toEqual(['group']);
  });

  it('updates in place and returns the full outputs, keeping the materialization', async () => {
    const { id, outs } = await created({ group: sampleGroup() });
    await ctx.client.materialize('user_engagement', 1, sampleBatchSource());

    const updated = await provider.update(id, outs, { group: sampleGroup({ description: 'updated' }), publish: false });
    expect(updated.outs).toEqual({
      name: 'user_engagement',
      version: 1,
      ...splitGroup({ group: sampleGroup({ description: 'updated' }) }),
      publish: false,
      isPublished: true,
      fullName: 'user_engagement_v1',
    });
    const live = await ctx.client.getAttributeGroup('user_engagement', 1);
    expect(live?.description).toBe('updated');
    expect(live?.is_published).toBe(true);
    expect(live?.batch_source).toMatchObject({ table: 'user_engagement_1_attributes' });
  });

  it('reads the live registry: no drift when untouched, drift after an out-of-band change', async () => {
    const { id, outs, inputs } = await created({ group: sampleGroup() });

    const untouched = await provider.read(id, outs);
    expect(untouched.id).toBe(id);
    expect(untouched.props).toEqual(outs);

    const changedElsewhere = sampleGroup({ description: 'edited in the console', owner: 'someone@example.com' });
    await ctx.client.upsertAttributeGroup(changedElsewhere);
    const refreshed = await provider.read(id, outs);
    expect(refreshed.props).toMatchObject({ description: 'edited in the console', group: { owner: 'someone@example.com' } });
    expect(refreshed.inputs).toMatchObject({ description: 'edited in the console' });
    // The next `up` sees the difference with the program and updates the group back.
    const diff = await provider.diff(id, refreshed.props as AttributeGroupRegistrationOutputs, inputs);
    expect(diff).toMatchObject({ changes: true, replaces: [] });
  });

  it('reads a group deleted out of band as gone', async () => {
    const { id, outs } = await created({ group: sampleGroup() });
    await ctx.client.deleteAttributeGroup('user_engagement', 1);
    expect(await provider.read(id, outs)).toEqual({ id: '' });
  });

  it('deletes the group, unpublishing it first, and tolerates deleting twice', async () => {
    const { id, outs } = await created({ group: sampleGroup(), publish: true });
    await provider.delete(id, outs);
    expect(await ctx.client.getAttributeGroup('user_engagement', 1)).toBeUndefined();
    await expect(provider.delete(id, outs)).resolves.toBeUndefined();
  });

  it('checks the definition and names what is wrong', async () => {
    const noOwner = sampleGroup();
    delete noOwner.owner;
    const result = await provider.check(
      { group: sampleGroup() },
      { ...{ group: { ...noOwner, name: 'bad-name', version: 0, attributes: [] } } },
    );
    expect(result.failures?.map((failure) => failure.reason)).toEqual([
      'group.name must match ^[A-Za-z0-9_]+$ (1-128 characters); got "bad-name"',
      'group.version must be a positive integer; got 0',
      "group.owner is required (the owner's email address)",
      'group.attributes must list at least one attribute',
    ]);
  });

  it('accepts unknown values during preview', async () => {
    expect((await provider.check({ group: sampleGroup() }, { group: UNKNOWN as never })).failures).toBeUndefined();
    const partlyUnknown = await provider.check({ group: sampleGroup() }, { group: sampleGroup({ name: UNKNOWN, owner: UNKNOWN }) });
    expect(partlyUnknown.failures).toBeUndefined();
  });

  it('reads credentials from the provider configuration (stack config) when the environment has none', async () => {
    for (const name of PROVIDER_ENV_NAMES) delete process.env[name];
    await expect(created({ group: sampleGroup() })).rejects.toThrow(
      'The Signals connection is not configured: set signals-batch:apiUrl or SNOWPLOW_API_URL, signals-batch:apiKey or SNOWPLOW_API_KEY',
    );
    await provider.configure(
      configRequest({
        'signals-batch:apiUrl': ctx.emulator.url,
        'signals-batch:authMode': 'sandbox',
        'signals-batch:sandboxToken': ctx.emulator.credentials.sandboxToken,
      }),
    );
    const { outs } = await created({ group: sampleGroup() });
    expect(outs.name).toBe('user_engagement');
    expect(ctx.emulator.tokens.issued).toBe(0);
  });

  it('reports API errors with the call and message but never the credentials', async () => {
    process.env.SNOWPLOW_API_KEY = 'a-wrong-api-key';
    const error = await created({ group: sampleGroup() }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(
      /Signals authentication failed: GET \/api\/msc\/v1\/organizations\/org-providers\/credentials\/v3\/token \(console token exchange\) at .* answered HTTP 401/,
    );
    expect((error as Error).message).not.toContain('a-wrong-api-key');
  });

  describe('registration settings', () => {
    /** The body the component registers for the sample view. */
    const body = (options: GroupRegistrationOptions = {}, edit: (group: Record<string, unknown>) => void = () => undefined) => {
      const group = sampleGroup();
      edit(group);
      return toApiGroup(parseApiView(group), options) as AttributeGroupRegistrationInputs['group'];
    };
    const checked = async (group: AttributeGroupRegistrationInputs['group']) => {
      const result = await provider.check({ group }, { group });
      expect(result.failures).toBeUndefined();
      return result.inputs as AttributeGroupRegistrationInputs;
    };
    /** The inputs whose values differ: what `pulumi preview` lists as `[diff: ~...]`. */
    const changedInputs = (olds: object, news: object) => {
      const a = olds as Record<string, unknown>;
      const b = news as Record<string, unknown>;
      const keys = new Set([...Object.keys(a), ...Object.keys(b)].filter((key) => key !== 'publish'));
      return [...keys].filter((key) => JSON.stringify(a[key]) !== JSON.stringify(b[key])).sort();
    };

    it('keeps the sync frequency, ttl, description and the attributes or fields as inputs of their own', async () => {
      const inputs = await checked(body({ refreshRate: 'PT6H' }, (group) => (group.ttl = 'P90D')));
      expect(inputs).toMatchObject({
        registration: 'attributes',
        syncFrequency: 'PT6H',
        ttl: 'P90D',
        description: 'Engagement of each user',
        publish: false,
      });
      expect(inputs.attributes).toHaveLength(3);
      expect(Object.keys(inputs.group).sort()).toEqual(['attribute_key', 'name', 'offline', 'owner', 'version']);
      const fields = await checked(body({ form: 'fields' }));
      expect(fields).toMatchObject({ registration: 'fields', syncFrequency: 'PT1H' });
      expect(fields.attributes).toBeUndefined();
      expect(fields.fields).toEqual([
        { name: 'page_views_7d', type: 'int64' },
        { name: 'last_country', type: 'string' },
        { name: 'last_os', type: 'string' },
      ]);
    });

    it.each([
      ['syncFrequency', body({ refreshRate: 'P1D' })],
      ['ttl', body({}, (group) => (group.ttl = 'P30D'))],
      ['description', body({}, (group) => (group.description = 'new words'))],
      ['attributes', body({}, (group) => ((group.attributes as Record<string, unknown>[])[1].ttl = 'P14D'))],
      ['attributes', body({}, (group) => ((group.attributes as Record<string, unknown>[])[1].description = 'where they were last seen'))],
    ])('shows a change of %s as that input changing, in place', async (input, changed) => {
      const { id, outs, inputs } = await created({ group: body() });
      const news = await checked(changed);
      expect(changedInputs(inputs, news)).toEqual([input]);
      expect(await provider.diff(id, outs, news)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    });

    it('shows a change of form as registration, attributes and fields changing, in place', async () => {
      const { id, outs, inputs } = await created({ group: body() });
      const news = await checked(body({ form: 'fields' }));
      expect(changedInputs(inputs, news)).toEqual(['attributes', 'fields', 'registration']);
      expect(await provider.diff(id, outs, news)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    });

    it('sees no change in a group registered before the settings were inputs of their own', async () => {
      const { id, outs } = await created({ group: body() });
      const before = { ...outs, group: body() } as AttributeGroupRegistrationOutputs;
      for (const key of ['registration', 'syncFrequency', 'description', 'attributes'] as const) delete before[key];
      expect((await provider.diff(id, before, await checked(body()))).changes).toBe(false);
    });

    it('registers both forms through the emulator, and updates one into the other', async () => {
      const { id, outs } = await created({ group: body({ refreshRate: 'PT12H' }) });
      let live = await ctx.client.getAttributeGroup('user_engagement', 1);
      expect(live).toMatchObject({ refresh_rate: 'PT12H', offline: true });
      expect(live?.attributes).toHaveLength(3);

      const news = await checked(body({ form: 'fields', refreshRate: 'P1D' }));
      const updated = await provider.update(id, outs, news);
      expect(updated.outs).toMatchObject({ registration: 'fields', syncFrequency: 'P1D' });
      live = await ctx.client.getAttributeGroup('user_engagement', 1);
      expect(live).toMatchObject({ refresh_rate: 'P1D', offline: true, fields: news.fields });
      expect(live?.attributes ?? undefined).toBeUndefined();
      // Read back, the fields group is what was registered: no drift.
      expect((await provider.read(id, updated.outs)).props).toEqual(updated.outs);
    });

    it('refuses a sync frequency Signals does not offer, and forms that mix attributes and fields', async () => {
      const group = body();
      const bad = await provider.check({ group }, { group: { ...group, refresh_rate: 'PT2H' } });
      expect(bad.failures).toEqual([
        { property: 'syncFrequency', reason: 'syncFrequency must be one of PT1H, PT6H, PT12H, P1D; got "PT2H"' },
      ]);
      const mixed = await provider.check({ group }, { group, registration: 'fields' });
      expect(mixed.failures?.map((f) => f.reason)).toEqual(["the fields registration lists the table's columns, not attributes"]);
      const empty = await provider.check({ group }, { group: body({ form: 'fields' }), fields: [] });
      expect(empty.failures).toEqual([
        { property: 'fields', reason: 'the fields registration needs at least one field (a column of the table)' },
      ]);
    });
  });
});
