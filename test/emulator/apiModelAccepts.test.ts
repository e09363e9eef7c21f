/**
 * The emulator accepts every 2026 feature of the Signals API's own model (SDK 0.4.10), and is not
 * limited to what this project's engine can compute.
 */
import {
  atomic,
  attribute,
  emulatorPerTest,
  entity,
  event,
  groupWith,
  pageView,
  sandboxApi,
  sampleBatchSource,
  sampleGroup,
} from '../support/emulator';

// Per-test timeout of this file: it starts an emulator per test.
jest.setTimeout(3 * 60_000);

const api = sandboxApi(emulatorPerTest());

describe('emulator accepts every feature of the 2026 API model', () => {
  it('accepts all 14 aggregations, time_unit on time_since_*, and every type including timestamp, dict and the _list forms', async () => {
    const aggregations = [
      ['counter', 'int64'],
      ['sum', 'double'],
      ['min', 'float'],
      ['max', 'int32'],
      ['mean', 'double'],
      ['first', 'string'],
      ['last', 'bytes'],
      ['unique_list', 'string_list'],
      ['most_frequent', 'string'],
      ['least_frequent', 'string'],
      ['category_count', 'dict'],
      ['approx_count_distinct', 'int64'],
      ['time_since_last', 'int64'],
      ['time_since_first', 'double'],
    ];
    const listTypes = ['bytes_list', 'int32_list', 'int64_list', 'double_list', 'float_list', 'bool_list', 'unix_timestamp_list'];
    const attributes = [
      ...aggregations.map(([aggregation, type], index) => ({
        name: `agg_${index}`,
        type,
        aggregation,
        events: [pageView],
        property: atomic('geo_country'),
        ...(aggregation.startsWith('time_since') ? { time_unit: ['s', 'min', 'h', 'd'][index % 4] } : {}),
      })),
      attribute({ name: 'last_seen', type: 'timestamp', aggregation: 'last', property: atomic('derived_tstamp') }),
      attribute({ name: 'seen_unix', type: 'unix_timestamp', aggregation: 'max', property: atomic('collector_tstamp') }),
      attribute({ name: 'is_mobile', type: 'bool', aggregation: 'last', property: atomic('dvce_ismobile') }),
      ...listTypes.map((type, index) =>
        attribute({ name: `list_${index}`, type, aggregation: 'unique_list', property: atomic('se_value') }),
      ),
    ];
    const created = await api('POST', 'registry/attribute_groups/', groupWith(attributes));
    expect(created.status).toBe(201);
    expect(created.body.attributes.map((a: { aggregation: string }) => a.aggregation)).toEqual(
      expect.arrayContaining(aggregations.map(([aggregation]) => aggregation)),
    );
  });

  it('accepts is null / is not null without a value, date_part on atomic *_tstamp, event and entity properties, and calculated properties', async () => {
    const attributes = [
      attribute({
        name: 'checkouts_with_coupon',
        criteria: {
          all: [
            { property: entity('$.coupon'), operator: 'is not null' },
            { property: atomic('user_id'), operator: 'is null' },
            { property: atomic('geo_country'), operator: 'in', value: ['NL', 'FR'] },
          ],
          any: [
            {
              property: { type: 'calculated', operation: 'sum', properties: [atomic('tr_total'), atomic('tr_tax')] },
              operator: '>',
              value: 10,
            },
          ],
        },
      }),
      attribute({
        name: 'active_hours',
        type: 'int64_list',
        aggregation: 'unique_list',
        property: atomic('derived_tstamp', { date_part: 'hour_of_day' }),
      }),
      attribute({
        name: 'purchase_weekday',
        type: 'int64',
        aggregation: 'most_frequent',
        property: event('$.paid_at', { date_part: 'day_of_week' }),
      }),
      attribute({
        name: 'checkout_months',
        type: 'dict',
        aggregation: 'category_count',
        property: entity('$.started_at', { date_part: 'month_of_year' }),
      }),
      attribute({
        name: 'full_location',
        type: 'string',
        aggregation: 'last',
        property: { type: 'calculated', operation: 'concat', properties: [atomic('geo_city'), atomic('geo_country')], separator: ', ' },
      }),
      attribute({
        name: 'any_id',
        type: 'string',
        aggregation: 'first',
        property: { type: 'calculated', operation: 'coalesce', properties: [atomic('user_id')] },
      }),
      ...['product', 'min', 'max'].map((operation) =>
        attribute({
          name: `calc_${operation}`,
          type: 'double',
          aggregation: 'max',
          property: { type: 'calculated', operation, properties: [atomic('tr_total'), atomic('ti_price')] },
        }),
      ),
    ];
    const created = await api('POST', 'registry/attribute_groups/', groupWith(attributes));
    expect(created.status).toBe(201);
    const stored = (await api('GET', 'registry/attribute_groups/user_engagement/versions/1')).body;
    expect(stored.attributes[0].criteria.all[0]).toEqual({ property: entity('$.coupon'), operator: 'is not null' });
    expect(stored.attributes[4].property).toMatchObject({ operation: 'concat', separator: ', ' });
  });

  it('accepts events: [] (every event), event_specification_id, attribute ttl and description, and the group fields of 0.4.10', async () => {
    const attributes = [
      attribute({ name: 'all_events', events: [], description: 'every event counts', ttl: 'P30D' }),
      attribute({ name: 'spec_events', events: [{ event_specification_id: 'a1b2c3' }], period: 'P7D' }),
      // The API accepts what the engine could not compute: no event name, `first` without a property.
      attribute({ name: 'vendor_only', type: 'string', aggregation: 'first', events: [{ vendor: 'com.acme' }] }),
    ];
    const group = groupWith(attributes, {
      ttl: 'P90D',
      refresh_rate: 'PT6H',
      backfill_since_tstamp: '2025-01-01T00:00:00Z',
      online: false,
      owner: `${'o'.repeat(243)}@example.com`,
      is_published: true,
      batch_source: { ...sampleBatchSource(), wh_schema: undefined, schema: 'analytics_derived' },
    });
    const created = await api('POST', 'registry/attribute_groups/', group);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      ttl: 'P90D',
      refresh_rate: 'PT6H',
      backfill_since_tstamp: '2025-01-01T00:00:00Z',
      is_published: true,
      batch_source: { schema: 'analytics_derived', timestamp_field: 'updated_at' },
    });
    expect(created.body.attributes[0]).toMatchObject({ events: [], ttl: 'P30D', description: 'every event counts' });
  });

  it('accepts a warehouse group listing fields, and a batch source PUT with schema or with the reference CLI key wh_schema', async () => {
    const warehouse = sampleGroup({
      name: 'warehouse_users',
      attributes: undefined,
      fields: [
        { name: 'lifetime_value', type: 'double', description: 'revenue so far' },
        { name: 'segments', type: 'dict' },
        { name: 'last_order_at', type: 'timestamp' },
      ],
    });
    expect((await api('POST', 'registry/attribute_groups/', warehouse)).status).toBe(201);
    const { wh_schema: schema, ...rest } = sampleBatchSource();
    const withSchema = await api('PUT', 'registry/attribute_groups/warehouse_users/versions/1/batch_source', { ...rest, schema });
    expect(withSchema.body.batch_source).toMatchObject({ schema: 'analytics_derived' });
    const withWhSchema = await api(
      'PUT',
      'registry/attribute_groups/warehouse_users/versions/1/batch_source',
      sampleBatchSource({ wh_schema: 'other' }),
    );
    expect(withWhSchema.body.batch_source).toMatchObject({ schema: 'other' });
  });

  it("takes an attribute property without a type as the model's union does (atomic, event, or entity when it has an index)", async () => {
    const untyped = [
      attribute({ name: 'country', type: 'string', aggregation: 'last', property: { name: 'geo_country' } }),
      attribute({
        name: 'total',
        type: 'double',
        aggregation: 'sum',
        property: { vendor: 'com.acme', name: 'purchase', major_version: 1, path: '$.total' },
      }),
      attribute({
        name: 'plan',
        type: 'string',
        aggregation: 'last',
        property: { vendor: 'com.acme', name: 'user', major_version: 1, path: '$.plan', index: 1 },
      }),
    ];
    const created = await api('POST', 'registry/attribute_groups/', groupWith(untyped));
    expect(created.status).toBe(201);
    expect(created.body.attributes.map((a: { property: { type: string } }) => a.property.type)).toEqual(['atomic', 'event', 'entity']);
    // A criterion's property is a discriminated union: there the type is required.
    const criterion = await api(
      'POST',
      'registry/attribute_groups/',
      groupWith([attribute({ criteria: { all: [{ property: { name: 'user_id' }, operator: 'is null' }] } })], { version: 2 }),
    );
    expect(criterion.body.detail).toEqual([
      {
        loc: ['body', 'attributes', 0, 'criteria', 'all', 0, 'property'],
        msg: "Unable to extract tag using discriminator 'type'",
        type: 'union_tag_not_found',
      },
    ]);
  });

  it('drops keys the model does not know, as pydantic does', async () => {
    const created = await api('POST', 'registry/attribute_groups/', sampleGroup({ defaultValue: 3, surprise: { nested: true } }));
    expect(created.status).toBe(201);
    expect(created.body).not.toHaveProperty('defaultValue');
    expect(created.body).not.toHaveProperty('surprise');
  });
});
