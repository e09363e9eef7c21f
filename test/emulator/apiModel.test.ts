/**
 * The emulator validates bodies with the Signals API's own model (SDK 0.4.10): it accepts every 2026
 * feature of that model, refuses what the model refuses with FastAPI's 422 body, and is not limited
 * to what this project's engine can compute.
 */
import { emulatorPerTest, http, sampleBatchSource, sampleGroup } from '../support/emulator';

// Per-test timeout of this file: it starts an emulator per test.
jest.setTimeout(3 * 60_000);

const emulator = emulatorPerTest();

const api = (method: string, path: string, body?: unknown) =>
  http(emulator().url, method, `/api/v1/${path}`, { token: emulator().credentials.sandboxToken, body });

const pageView = { vendor: 'com.snowplowanalytics.snowplow', name: 'page_view', version: '1-0-0' };
const atomic = (name: string, extra: Record<string, unknown> = {}) => ({ type: 'atomic', name, ...extra });
const entity = (path: string, extra: Record<string, unknown> = {}) => ({
  type: 'entity', vendor: 'com.acme', name: 'checkout', major_version: 1, path, index: 0, ...extra,
});
const event = (path: string, extra: Record<string, unknown> = {}) => ({
  type: 'event', vendor: 'com.acme', name: 'purchase', major_version: 2, path, ...extra,
});
const attribute = (overrides: Record<string, unknown>) => ({ name: 'a', type: 'int64', aggregation: 'counter', events: [pageView], ...overrides });
const groupWith = (attributes: Record<string, unknown>[], overrides: Record<string, unknown> = {}) =>
  sampleGroup({ attributes, ...overrides });

describe('emulator accepts every feature of the 2026 API model', () => {
  it('accepts all 14 aggregations, time_unit on time_since_*, and every type including timestamp, dict and the _list forms', async () => {
    const aggregations = [
      ['counter', 'int64'], ['sum', 'double'], ['min', 'float'], ['max', 'int32'], ['mean', 'double'], ['first', 'string'],
      ['last', 'bytes'], ['unique_list', 'string_list'], ['most_frequent', 'string'], ['least_frequent', 'string'],
      ['category_count', 'dict'], ['approx_count_distinct', 'int64'], ['time_since_last', 'int64'], ['time_since_first', 'double'],
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
      ...listTypes.map((type, index) => attribute({ name: `list_${index}`, type, aggregation: 'unique_list', property: atomic('se_value') })),
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
          any: [{ property: { type: 'calculated', operation: 'sum', properties: [atomic('tr_total'), atomic('tr_tax')] }, operator: '>', value: 10 }],
        },
      }),
      attribute({ name: 'active_hours', type: 'int64_list', aggregation: 'unique_list', property: atomic('derived_tstamp', { date_part: 'hour_of_day' }) }),
      attribute({ name: 'purchase_weekday', type: 'int64', aggregation: 'most_frequent', property: event('$.paid_at', { date_part: 'day_of_week' }) }),
      attribute({ name: 'checkout_months', type: 'dict', aggregation: 'category_count', property: entity('$.started_at', { date_part: 'month_of_year' }) }),
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
        attribute({ name: `calc_${operation}`, type: 'double', aggregation: 'max', property: { type: 'calculated', operation, properties: [atomic('tr_total'), atomic('ti_price')] } }),
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
    const withWhSchema = await api('PUT', 'registry/attribute_groups/warehouse_users/versions/1/batch_source', sampleBatchSource({ wh_schema: 'other' }));
    expect(withWhSchema.body.batch_source).toMatchObject({ schema: 'other' });
  });

  it("takes an attribute property without a type as the model's union does (atomic, event, or entity when it has an index)", async () => {
    const untyped = [
      attribute({ name: 'country', type: 'string', aggregation: 'last', property: { name: 'geo_country' } }),
      attribute({ name: 'total', type: 'double', aggregation: 'sum', property: { vendor: 'com.acme', name: 'purchase', major_version: 1, path: '$.total' } }),
      attribute({ name: 'plan', type: 'string', aggregation: 'last', property: { vendor: 'com.acme', name: 'user', major_version: 1, path: '$.plan', index: 1 } }),
    ];
    const created = await api('POST', 'registry/attribute_groups/', groupWith(untyped));
    expect(created.status).toBe(201);
    expect(created.body.attributes.map((a: { property: { type: string } }) => a.property.type)).toEqual(['atomic', 'event', 'entity']);
    // A criterion's property is a discriminated union: there the type is required.
    const criterion = await api('POST', 'registry/attribute_groups/', groupWith([attribute({ criteria: { all: [{ property: { name: 'user_id' }, operator: 'is null' }] } })], { version: 2 }));
    expect(criterion.body.detail).toEqual([
      { loc: ['body', 'attributes', 0, 'criteria', 'all', 0, 'property'], msg: "Unable to extract tag using discriminator 'type'", type: 'union_tag_not_found' },
    ]);
  });

  it('drops keys the model does not know, as pydantic does', async () => {
    const created = await api('POST', 'registry/attribute_groups/', sampleGroup({ defaultValue: 3, surprise: { nested: true } }));
    expect(created.status).toBe(201);
    expect(created.body).not.toHaveProperty('defaultValue');
    expect(created.body).not.toHaveProperty('surprise');
  });
});

describe('emulator refuses what the API model refuses, with FastAPI 422 detail', () => {
  const refusals: Array<[string, Record<string, unknown>, { loc: (string | number)[]; type: string; msg?: string }]> = [
    ['time_since_last without time_unit', groupWith([attribute({ aggregation: 'time_since_last' })]), { loc: ['attributes', 0, 'time_unit'], type: 'value_error' }],
    ['time_unit on counter', groupWith([attribute({ time_unit: 'h' })]), { loc: ['attributes', 0, 'time_unit'], type: 'value_error' }],
    ['an unknown time_unit', groupWith([attribute({ aggregation: 'time_since_first', time_unit: 'w' })]), { loc: ['attributes', 0, 'time_unit'], type: 'literal_error', msg: "Input should be 's', 'min', 'h' or 'd'" }],
    ['attribute ttl with a period', groupWith([attribute({ ttl: 'P1D', period: 'P7D' })]), { loc: ['attributes', 0, 'ttl'], type: 'value_error' }],
    ['a type the model lacks (timestamp_list)', groupWith([attribute({ type: 'timestamp_list' })]), { loc: ['attributes', 0, 'type'], type: 'literal_error' }],
    ['is null with a value', groupWith([attribute({ criteria: { all: [{ property: atomic('user_id'), operator: 'is null', value: 'x' }] } })]), { loc: ['attributes', 0, 'criteria', 'all', 0, 'value'], type: 'value_error' }],
    ['= without a value', groupWith([attribute({ criteria: { any: [{ property: atomic('user_id'), operator: '=' }] } })]), { loc: ['attributes', 0, 'criteria', 'any', 0, 'value'], type: 'value_error' }],
    ['an unknown operator', groupWith([attribute({ criteria: { all: [{ property: atomic('user_id'), operator: 'rlike', value: 'x' }] } })]), { loc: ['attributes', 0, 'criteria', 'all', 0, 'operator'], type: 'literal_error' }],
    ['date_part on an atomic column that is not a *_tstamp', groupWith([attribute({ property: atomic('geo_country', { date_part: 'hour_of_day' }) })]), { loc: ['attributes', 0, 'property', 'date_part'], type: 'value_error' }],
    ['an unknown date_part', groupWith([attribute({ property: event('$.at', { date_part: 'minute_of_hour' }) })]), { loc: ['attributes', 0, 'property', 'date_part'], type: 'literal_error' }],
    ['date_part on the attribute key', sampleGroup({ attribute_key: { name: 'u', property: atomic('derived_tstamp', { date_part: 'active_day' }) } }), { loc: ['attribute_key', 'property', 'date_part'], type: 'value_error' }],
    ['a calculated sum of one property', groupWith([attribute({ property: { type: 'calculated', operation: 'sum', properties: [atomic('tr_total')] } })]), { loc: ['attributes', 0, 'property', 'properties'], type: 'value_error' }],
    ['a separator outside concat', groupWith([attribute({ property: { type: 'calculated', operation: 'max', properties: [atomic('tr_total'), atomic('tr_tax')], separator: '-' } })]), { loc: ['attributes', 0, 'property', 'separator'], type: 'value_error' }],
    ['a separator over 16 characters', groupWith([attribute({ property: { type: 'calculated', operation: 'concat', properties: [atomic('geo_city'), atomic('geo_country')], separator: 's'.repeat(17) } })]), { loc: ['attributes', 0, 'property', 'separator'], type: 'string_too_long' }],
    ['a calculated property nested in another', groupWith([attribute({ property: { type: 'calculated', operation: 'coalesce', properties: [{ type: 'calculated', operation: 'coalesce', properties: [atomic('user_id')] }] } })]), { loc: ['attributes', 0, 'property', 'properties', 0], type: 'union_tag_invalid' }],
    ['51 calculated inputs', groupWith([attribute({ property: { type: 'calculated', operation: 'concat', properties: Array.from({ length: 51 }, () => atomic('geo_city')) } })]), { loc: ['attributes', 0, 'property', 'properties'], type: 'too_long' }],
    ['an unknown property type', groupWith([attribute({ property: { type: 'derived', name: 'x' } })]), { loc: ['attributes', 0, 'property'], type: 'union_tag_invalid' }],
    ['event_specification_id with a name', groupWith([attribute({ events: [{ event_specification_id: 'abc', name: 'page_view' }] })]), { loc: ['attributes', 0, 'events', 0, 'event_specification_id'], type: 'value_error' }],
    ['an atomic name outside the 0.4.10 enum', groupWith([attribute({ property: atomic('refr_device_tstamp') })]), { loc: ['attributes', 0, 'property', 'name'], type: 'literal_error' }],
    ['a malformed refresh_rate', sampleGroup({ refresh_rate: 'hourly' }), { loc: ['refresh_rate'], type: 'time_delta_parsing' }],
    ['an impossible backfill_since_tstamp', sampleGroup({ backfill_since_tstamp: '2025-02-30T00:00:00Z' }), { loc: ['backfill_since_tstamp'], type: 'datetime_from_date_parsing' }],
    ['fields and attributes together', sampleGroup({ fields: [{ name: 'x', type: 'string' }] }), { loc: ['fields'], type: 'value_error' }],
    ['a NUL in a description', sampleGroup({ description: 'a\u0000b' }), { loc: ['description'], type: 'string_pattern_mismatch' }],
  ];

  it.each(refusals)('refuses %s', async (_what, body, expected) => {
    const response = await api('POST', 'registry/attribute_groups/', body);
    expect(response.status).toBe(422);
    expect(response.body.detail).toContainEqual({ loc: ['body', ...expected.loc], type: expected.type, msg: expected.msg ?? expect.any(String) });
  });

  it('refuses a batch source without timestamp_field, and wh_schema that contradicts schema', async () => {
    await api('POST', 'registry/attribute_groups/', sampleGroup());
    const { timestamp_field: _dropped, ...withoutTimestamp } = sampleBatchSource();
    const missing = await api('PUT', 'registry/attribute_groups/user_engagement/versions/1/batch_source', withoutTimestamp);
    expect(missing).toMatchObject({ status: 422, body: { detail: [{ loc: ['body', 'timestamp_field'], msg: 'Field required', type: 'missing' }] } });
    const contradicting = await api('PUT', 'registry/attribute_groups/user_engagement/versions/1/batch_source', { ...sampleBatchSource(), schema: 'other' });
    expect(contradicting.status).toBe(422);
    expect(contradicting.body.detail[0].loc).toEqual(['body', 'wh_schema']);
  });

  it('refuses a publish link without a version, as AttributeGroupReference requires one', async () => {
    const response = await api('POST', 'engines/publish', { attribute_groups: [{ name: 'user_engagement' }] });
    expect(response).toMatchObject({ status: 422, body: { detail: [{ loc: ['body', 'attribute_groups', 0, 'version'], type: 'missing' }] } });
  });
});
