/**
 * The Signals client's calls against the emulator: registering, materializing, reading back,
 * unmaterializing and deleting attribute groups, upserts, missing objects, a materialize that stops
 * halfway, and the fallbacks when an unpublish path does not exist.
 */
import { SignalsClient, SignalsHttpError, SignalsInputError, SignalsMaterializeError } from '../../src/signals';
import { sampleBatchSource, sampleGroup } from '../support/emulator';
import { apiCalls, bdpClient, caught, emulator, FAST_RETRY, signalsEmulatorPerTest } from '../support/signals';

// Per-test timeout of this file: it starts the emulator and exercises retries and timeouts.
jest.setTimeout(3 * 60_000);

signalsEmulatorPerTest();

describe('SignalsClient happy paths (BDP auth against the emulator)', () => {
  it('registers, materializes, reads back, unmaterializes and deletes a group', async () => {
    const client = bdpClient();

    const created = await client.upsertAttributeGroup(sampleGroup());
    expect(created.action).toBe('created');
    expect(created.group).toMatchObject({ name: 'user_engagement', version: 1, is_published: false, batch_source: null });

    const listed = await client.listAttributeGroups({ offline: true });
    expect(listed.map((group) => group.name)).toEqual(['user_engagement']);
    expect(await client.listAttributeGroups({ offline: false })).toEqual([]);

    const materialized = await client.materialize('user_engagement', 1, sampleBatchSource());
    expect(materialized.publish.status).toBe('published');
    const live = await client.getAttributeGroup('user_engagement', 1);
    expect(live?.is_published).toBe(true);
    expect(live?.batch_source).toMatchObject({
      database: 'warehouse',
      schema: 'analytics_derived',
      table: 'user_engagement_1_attributes',
      timestamp_field: 'updated_at',
    });

    const unmaterialized = await client.unmaterialize('user_engagement', 1);
    expect(unmaterialized.unpublish).toEqual({ status: 'unpublished', via: 'engines/unpublish' });
    expect(unmaterialized.batchSource).toEqual({ removed: true, via: 'delete' });
    const after = await client.getAttributeGroup('user_engagement', 1);
    expect(after).toMatchObject({ is_published: false, batch_source: null });

    expect(await client.deleteAttributeGroup('user_engagement', 1)).toEqual({ deleted: true });
    expect(await client.getAttributeGroup('user_engagement', 1)).toBeUndefined();
    expect(emulator.tokens.issued).toBe(1);
  });

  it('asks for warehouse property paths with property_syntax', async () => {
    const client = bdpClient();
    await client.upsertAttributeGroup(sampleGroup());
    const [group] = await client.listAttributeGroups({ offline: true, propertySyntax: 'snowflake' });
    const properties = (group.attributes as { property?: unknown }[]).map((attribute) => attribute.property);
    expect(properties).toEqual([undefined, 'geo_country', 'contexts_nl_basjes_yauaa_context_1[0]:operatingSystemName']);
    expect(apiCalls()).toContain('GET registry/attribute_groups/?offline=true&property_syntax=snowflake -> 200');
  });

  it('reads the health endpoint without a token', async () => {
    const client = bdpClient();
    expect(await client.health()).toEqual({ status: 'ok', dependencies: { storage: 'ok', feature_server: 'ok' } });
    expect(emulator.tokens.issued).toBe(0);
  });

  it('works with a sandbox token', async () => {
    const client = new SignalsClient({
      apiUrl: emulator.url,
      auth: { mode: 'sandbox', sandboxToken: emulator.credentials.sandboxToken },
      retry: FAST_RETRY,
    });
    await client.upsertAttributeGroup(sampleGroup());
    expect((await client.listAttributeGroups()).length).toBe(1);
    expect(emulator.tokens.issued).toBe(0);
  });
});

describe('SignalsClient upsert', () => {
  it('reads first and updates an existing group with PUT, keeping its batch source and publication', async () => {
    const client = bdpClient();
    await client.upsertAttributeGroup(sampleGroup());
    await client.materialize('user_engagement', 1, sampleBatchSource());
    emulator.requests.length = 0;

    const updated = await client.upsertAttributeGroup(sampleGroup({ description: 'changed' }));
    expect(updated.action).toBe('updated');
    expect(apiCalls()).toEqual([
      'GET registry/attribute_groups/user_engagement/versions/1 -> 200',
      'PUT registry/attribute_groups/user_engagement/versions/1 -> 200',
    ]);
    expect(updated.group).toMatchObject({ description: 'changed', is_published: true });
    expect(updated.group.batch_source).toMatchObject({ table: 'user_engagement_1_attributes' });
  });

  it('falls back to PUT when the POST answers 400 because the group appeared meanwhile', async () => {
    const client = bdpClient();
    await client.upsertAttributeGroup(sampleGroup());
    emulator.requests.length = 0;
    // The read-first GET misses the group once (as if it was created concurrently).
    emulator.faults.inject({ method: 'GET', path: 'registry/attribute_groups/user_engagement/versions/1', status: 404 });

    const result = await client.upsertAttributeGroup(sampleGroup({ description: 'second writer' }));
    expect(result.action).toBe('updated');
    expect(apiCalls()).toEqual([
      'GET registry/attribute_groups/user_engagement/versions/1 -> 404',
      'POST registry/attribute_groups/ -> 400',
      'GET registry/attribute_groups/user_engagement/versions/1 -> 200',
      'PUT registry/attribute_groups/user_engagement/versions/1 -> 200',
    ]);
    expect((await client.getAttributeGroup('user_engagement', 1))?.description).toBe('second writer');
  });

  it('reports a 422 with the call, the status and the API message', async () => {
    const client = bdpClient();
    const error = await caught(client.upsertAttributeGroup(sampleGroup({ name: 'bad name!' })));
    expect(error).toBeInstanceOf(SignalsHttpError);
    expect((error as SignalsHttpError).status).toBe(422);
    expect(error.message).toContain('POST registry/attribute_groups/');
    expect(error.message).toContain('HTTP 422');
    expect(error.message).toContain('body.name');
  });
});

describe('SignalsClient missing objects', () => {
  it('tolerates deleting a group that does not exist', async () => {
    const client = bdpClient();
    expect(await client.deleteAttributeGroup('never_registered', 3)).toEqual({ deleted: false });
  });

  it('unmaterializes a group that does not exist without error', async () => {
    const client = bdpClient();
    const result = await client.unmaterialize('never_registered', 1);
    expect(result.batchSource.removed).toBe(false);
  });

  it('refuses an invalid batch source before calling the API', async () => {
    const client = bdpClient();
    const error = await caught(client.putBatchSource('user_engagement', 1, sampleBatchSource({ table: '' })));
    expect(error).toBeInstanceOf(SignalsInputError);
    expect(error.message).toContain('table: table must not be empty');
    expect(emulator.requests).toEqual([]);
  });
});

describe('SignalsClient materialize that stops halfway', () => {
  it('says the batch source is registered but the group not published, and that materializing again finishes it', async () => {
    const client = bdpClient();
    await client.upsertAttributeGroup(sampleGroup());
    emulator.faults.inject({ method: 'POST', path: 'engines/publish', status: 503, count: 4 });
    const error = await caught(client.materialize('user_engagement', 1, sampleBatchSource()));
    expect(error).toBeInstanceOf(SignalsMaterializeError);
    expect((error as SignalsMaterializeError).published).toBe(false);
    expect(error.message).toMatch(
      /^Materializing attribute group user_engagement version 1 stopped halfway: the batch source was registered, then publishing failed: Signals API call POST engines\/publish failed with HTTP 503.*\(gave up after 4 attempts\)\. Signals now: attribute group user_engagement version 1 is registered with batch source \S+ and is not published, so Signals does not sync it\. Materializing again finishes it \(it is safe to repeat\)\.$/,
    );
    await client.materialize('user_engagement', 1, sampleBatchSource());
    expect((await client.getAttributeGroup('user_engagement', 1))?.is_published).toBe(true);
  });
});

describe('SignalsClient inferred unpublish paths', () => {
  it('falls back to is_published=false when engines/unpublish does not exist (405)', async () => {
    const client = bdpClient();
    await client.upsertAttributeGroup(sampleGroup());
    await client.materialize('user_engagement', 1, sampleBatchSource());
    emulator.faults.inject({ method: 'POST', path: 'engines/unpublish', status: 405, body: { detail: 'Method Not Allowed' } });

    expect(await client.unpublish('user_engagement', 1)).toEqual({ status: 'unpublished', via: 'is_published' });
    const live = await client.getAttributeGroup('user_engagement', 1);
    expect(live?.is_published).toBe(false);
    expect(live?.batch_source).toMatchObject({ table: 'user_engagement_1_attributes' });
  });

  it('falls back to re-registering without batch_source when DELETE batch_source does not exist (404)', async () => {
    const client = bdpClient();
    await client.upsertAttributeGroup(sampleGroup());
    await client.putBatchSource('user_engagement', 1, sampleBatchSource());
    emulator.faults.inject({ method: 'DELETE', path: /batch_source$/, status: 404, body: { detail: 'Not Found' } });

    expect(await client.removeBatchSource('user_engagement', 1)).toEqual({ removed: true, via: 'group-update' });
    expect((await client.getAttributeGroup('user_engagement', 1))?.batch_source).toBeNull();
  });
});
