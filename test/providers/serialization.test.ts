import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import * as attributeGroupModule from '../../src/providers/attributeGroupRegistration';
import * as batchSourceModule from '../../src/providers/batchSourceRegistration';
import { sampleGroup } from '../emulator/fixtures';
import { ProviderTestContext, startProviderContext } from './support';

let ctx: ProviderTestContext;
let dir: string;

beforeEach(async () => {
  ctx = await startProviderContext();
  process.env.SNOWPLOW_SANDBOX_TOKEN = 'serialization-secret-sandbox-token';
  dir = mkdtempSync(join(tmpdir(), 'provider-serialization-'));
});
afterEach(async () => {
  await ctx.emulator.close();
  ctx.restoreEnv();
  rmSync(dir, { recursive: true, force: true });
});

/** Loads serialized provider code the way the dynamic-provider plugin does (fresh module, no closure). */
function load(serialized: pulumi.runtime.SerializedFunction, file: string): any {
  const path = join(dir, file);
  writeFileSync(path, serialized.text);
  return require(path)[serialized.exportName]();
}

function assertNoSecrets(text: string): void {
  for (const secret of [
    ctx.emulator.credentials.apiKey,
    ctx.emulator.credentials.apiKeyId,
    ctx.emulator.credentials.sandboxToken,
    'serialization-secret-sandbox-token',
    ctx.emulator.url,
  ]) {
    expect(text).not.toContain(secret);
  }
}

describe('provider serialization (what Pulumi stores as __provider)', () => {
  it('serializes AttributeGroupRegistrationProvider without secrets, and the serialized code works', async () => {
    const Provider = attributeGroupModule.AttributeGroupRegistrationProvider;
    const serialized = await pulumi.runtime.serializeFunction(() => new Provider());
    assertNoSecrets(serialized.text);
    // Same form as pulumi.dynamic.Resource: an instance captured with allowSecrets.
    const instance = new Provider();
    const asResourceDoes = await pulumi.runtime.serializeFunction(() => instance, { allowSecrets: true });
    expect(asResourceDoes.containsSecrets).toBe(false);
    assertNoSecrets(asResourceDoes.text);

    const provider = load(asResourceDoes, 'attribute-group-provider.js');
    const created = await provider.create({ group: sampleGroup(), publish: false });
    expect(created.id).toBe('user_engagement/1');
    expect((await ctx.client.getAttributeGroup('user_engagement', 1))?.name).toBe('user_engagement');
  });

  it('serializes BatchSourceRegistrationProvider without secrets, and the serialized code works', async () => {
    const Provider = batchSourceModule.BatchSourceRegistrationProvider;
    const serialized = await pulumi.runtime.serializeFunction(() => new Provider());
    assertNoSecrets(serialized.text);
    const instance = new Provider();
    const asResourceDoes = await pulumi.runtime.serializeFunction(() => instance, { allowSecrets: true });
    expect(asResourceDoes.containsSecrets).toBe(false);
    assertNoSecrets(asResourceDoes.text);

    await ctx.client.upsertAttributeGroup(sampleGroup());
    const provider = load(asResourceDoes, 'batch-source-provider.js');
    await provider.create({
      attributeGroupName: 'user_engagement',
      attributeGroupVersion: 1,
      name: 'src',
      database: 'db',
      schema: 'sch',
      table: 'tbl',
      timestampField: 'updated_at',
    });
    expect(await ctx.client.getAttributeGroup('user_engagement', 1)).toMatchObject({ is_published: true, batch_source: { table: 'tbl' } });
  });
});
