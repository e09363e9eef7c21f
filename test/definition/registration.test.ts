/**
 * The bodies a view is registered under in Signals: the `attributes` form (the definitions) and the
 * `fields` form (the attribute table's columns), each with the group's sync frequency, ttl and
 * description and every attribute's ttl and description; both accepted by the API's own model.
 */
import { parseApiView, toApiGroup } from '../../src/definition';
import { attributeGroupSchema } from '../../src/emulator/apiModel';

const api = {
  name: 'shop',
  version: 2,
  attribute_key: { name: 'domain_userid' },
  owner: 'owner@example.com',
  description: 'What each shopper did',
  ttl: 'P180D',
  online: true,
  attributes: [
    { name: 'orders', type: 'int64', aggregation: 'counter', events: [], ttl: 'P90D', description: 'Orders placed, ever' },
    {
      name: 'countries_7d',
      type: 'string_list',
      aggregation: 'unique_list',
      events: [],
      period: 'P7D',
      property: { type: 'atomic', name: 'geo_country' },
    },
    { name: 'sources', type: 'dict', aggregation: 'category_count', events: [], property: { type: 'atomic', name: 'mkt_source' } },
  ],
};
const view = () => parseApiView(api);

describe('the attributes form (default)', () => {
  test('carries the definitions with their ttl and description, the group ttl and description, offline and a sync frequency', () => {
    const body = toApiGroup(view());
    expect(body).toMatchObject({
      name: 'shop',
      version: 2,
      offline: true,
      refresh_rate: 'PT1H',
      ttl: 'P180D',
      description: 'What each shopper did',
      owner: 'owner@example.com',
    });
    expect(body).not.toHaveProperty('online');
    expect(body).not.toHaveProperty('fields');
    expect((body.attributes as unknown[])[0]).toMatchObject({ name: 'orders', ttl: 'P90D', description: 'Orders placed, ever' });
    expect(attributeGroupSchema.safeParse(body).success).toBe(true);
  });

  test("sends the sync frequency asked for, else the view's own", () => {
    expect(toApiGroup(view(), { refreshRate: 'PT6H' }).refresh_rate).toBe('PT6H');
    expect(toApiGroup(parseApiView({ ...api, refresh_rate: 'P1D' })).refresh_rate).toBe('P1D');
    expect(toApiGroup(parseApiView({ ...api, refresh_rate: 'P1D' }), { refreshRate: 'P1D' }).refresh_rate).toBe('P1D');
  });

  test('refuses two different sync frequencies', () => {
    expect(() => toApiGroup(parseApiView({ ...api, refresh_rate: 'P1D' }), { refreshRate: 'PT6H' })).toThrow(
      "the sync frequency is given twice and differs (PT6H and the view's refreshRate P1D); give one",
    );
  });

  test("takes the owner given when the view has none, and keeps the view's own", () => {
    const { owner: _owner, ...ownerless } = api;
    expect(toApiGroup(parseApiView(ownerless), { owner: 'other@example.com' }).owner).toBe('other@example.com');
    expect(toApiGroup(view(), { owner: 'other@example.com' }).owner).toBe('owner@example.com');
  });
});

describe('the fields form', () => {
  test("lists the attribute table's value columns with their types and descriptions, offline, without attributes", () => {
    const body = toApiGroup(view(), { form: 'fields', refreshRate: 'P1D' });
    expect(body).not.toHaveProperty('attributes');
    expect(body).toMatchObject({
      name: 'shop',
      version: 2,
      offline: true,
      refresh_rate: 'P1D',
      ttl: 'P180D',
      description: 'What each shopper did',
      attribute_key: { name: 'domain_userid' },
    });
    expect(body.fields).toEqual([
      { name: 'orders', type: 'int64', description: 'Orders placed, ever' },
      { name: 'countries_7d', type: 'string_list' },
      { name: 'sources', type: 'dict' },
    ]);
    expect(attributeGroupSchema.safeParse(body).success).toBe(true);
  });
});
