import * as pulumi from '@pulumi/pulumi';

// Per-test timeout of this file: it registers the dynamic resources under Pulumi's mock engine.
jest.setTimeout(3 * 60_000);

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}
const registered: Registered[] = [];

pulumi.runtime.setMocks(
  {
    newResource: (args) => {
      registered.push({ type: args.type, name: args.name, inputs: args.inputs });
      return { id: `${args.name}-id`, state: args.inputs };
    },
    call: () => ({}),
  },
  'signals-batch-test',
  'dev',
);

// Imported after setMocks, as the resources register on construction.
import attributeGroupModule = require('../../src/providers/attributeGroupRegistration');
import batchSourceModule = require('../../src/providers/batchSourceRegistration');
const { AttributeGroupRegistration } = attributeGroupModule;
const { BatchSourceRegistration } = batchSourceModule;

function value<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((v) => resolve(v)));
}

describe('dynamic resources under Pulumi mocks', () => {
  it('registers AttributeGroupRegistration with its typed args and a serialized provider', async () => {
    const group = { name: 'user_engagement', version: 1, owner: 'o@example.com', attribute_key: { name: 'domain_userid' }, attributes: [] };
    const resource = new AttributeGroupRegistration('engagement-group', { group, publish: true });
    expect(await value(resource.group)).toEqual(group);
    expect(await value(resource.publish)).toBe(true);
    const entry = registered.find((r) => r.name === 'engagement-group') as Registered;
    expect(entry.type).toBe('pulumi-nodejs:dynamic/signals-batch:AttributeGroupRegistration');
    expect(typeof entry.inputs.__provider).toBe('string');
  });

  it('registers BatchSourceRegistration with its typed args and a serialized provider', async () => {
    const resource = new BatchSourceRegistration('engagement-source', {
      attributeGroupName: 'user_engagement',
      attributeGroupVersion: 1,
      name: 'src',
      database: 'db',
      schema: pulumi.output('sch'),
      table: 'tbl',
      timestampField: 'updated_at',
    });
    expect(await value(resource.table)).toBe('tbl');
    expect(await value(resource.schema)).toBe('sch');
    const entry = registered.find((r) => r.name === 'engagement-source') as Registered;
    expect(entry.type).toBe('pulumi-nodejs:dynamic/signals-batch:BatchSourceRegistration');
    expect(entry.inputs).toMatchObject({ attributeGroupName: 'user_engagement', attributeGroupVersion: 1, database: 'db' });
    expect(typeof entry.inputs.__provider).toBe('string');
  });
});
