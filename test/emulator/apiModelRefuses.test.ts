/**
 * The emulator validates bodies with the Signals API's own model (SDK 0.4.10): it refuses what the
 * model refuses, with FastAPI's 422 body.
 */
import { atomic, attribute, emulatorPerTest, event, groupWith, sandboxApi, sampleBatchSource, sampleGroup } from '../support/emulator';

// Per-test timeout of this file: it starts an emulator per test.
jest.setTimeout(3 * 60_000);

const api = sandboxApi(emulatorPerTest());

describe('emulator refuses what the API model refuses, with FastAPI 422 detail', () => {
  const refusals: Array<[string, Record<string, unknown>, { loc: (string | number)[]; type: string; msg?: string }]> = [
    [
      'time_since_last without time_unit',
      groupWith([attribute({ aggregation: 'time_since_last' })]),
      { loc: ['attributes', 0, 'time_unit'], type: 'value_error' },
    ],
    ['time_unit on counter', groupWith([attribute({ time_unit: 'h' })]), { loc: ['attributes', 0, 'time_unit'], type: 'value_error' }],
    [
      'an unknown time_unit',
      groupWith([attribute({ aggregation: 'time_since_first', time_unit: 'w' })]),
      { loc: ['attributes', 0, 'time_unit'], type: 'literal_error', msg: "Input should be 's', 'min', 'h' or 'd'" },
    ],
    [
      'attribute ttl with a period',
      groupWith([attribute({ ttl: 'P1D', period: 'P7D' })]),
      { loc: ['attributes', 0, 'ttl'], type: 'value_error' },
    ],
    [
      'a type the model lacks (timestamp_list)',
      groupWith([attribute({ type: 'timestamp_list' })]),
      { loc: ['attributes', 0, 'type'], type: 'literal_error' },
    ],
    [
      'is null with a value',
      groupWith([attribute({ criteria: { all: [{ property: atomic('user_id'), operator: 'is null', value: 'x' }] } })]),
      { loc: ['attributes', 0, 'criteria', 'all', 0, 'value'], type: 'value_error' },
    ],
    [
      '= without a value',
      groupWith([attribute({ criteria: { any: [{ property: atomic('user_id'), operator: '=' }] } })]),
      { loc: ['attributes', 0, 'criteria', 'any', 0, 'value'], type: 'value_error' },
    ],
    [
      'an unknown operator',
      groupWith([attribute({ criteria: { all: [{ property: atomic('user_id'), operator: 'rlike', value: 'x' }] } })]),
      { loc: ['attributes', 0, 'criteria', 'all', 0, 'operator'], type: 'literal_error' },
    ],
    [
      'date_part on an atomic column that is not a *_tstamp',
      groupWith([attribute({ property: atomic('geo_country', { date_part: 'hour_of_day' }) })]),
      { loc: ['attributes', 0, 'property', 'date_part'], type: 'value_error' },
    ],
    [
      'an unknown date_part',
      groupWith([attribute({ property: event('$.at', { date_part: 'minute_of_hour' }) })]),
      { loc: ['attributes', 0, 'property', 'date_part'], type: 'literal_error' },
    ],
    [
      'date_part on the attribute key',
      sampleGroup({ attribute_key: { name: 'u', property: atomic('derived_tstamp', { date_part: 'active_day' }) } }),
      { loc: ['attribute_key', 'property', 'date_part'], type: 'value_error' },
    ],
    [
      'a calculated sum of one property',
      groupWith([attribute({ property: { type: 'calculated', operation: 'sum', properties: [atomic('tr_total')] } })]),
      { loc: ['attributes', 0, 'property', 'properties'], type: 'value_error' },
    ],
    [
      'a separator outside concat',
      groupWith([
        attribute({
          property: { type: 'calculated', operation: 'max', properties: [atomic('tr_total'), atomic('tr_tax')], separator: '-' },
        }),
      ]),
      { loc: ['attributes', 0, 'property', 'separator'], type: 'value_error' },
    ],
    [
      'a separator over 16 characters',
      groupWith([
        attribute({
          property: {
            type: 'calculated',
            operation: 'concat',
            properties: [atomic('geo_city'), atomic('geo_country')],
            separator: 's'.repeat(17),
          },
        }),
      ]),
      { loc: ['attributes', 0, 'property', 'separator'], type: 'string_too_long' },
    ],
    [
      'a calculated property nested in another',
      groupWith([
        attribute({
          property: {
            type: 'calculated',
            operation: 'coalesce',
            properties: [{ type: 'calculated', operation: 'coalesce', properties: [atomic('user_id')] }],
          },
        }),
      ]),
      { loc: ['attributes', 0, 'property', 'properties', 0], type: 'union_tag_invalid' },
    ],
    [
      '51 calculated inputs',
      groupWith([
        attribute({
          property: { type: 'calculated', operation: 'concat', properties: Array.from({ length: 51 }, () => atomic('geo_city')) },
        }),
      ]),
      { loc: ['attributes', 0, 'property', 'properties'], type: 'too_long' },
    ],
    [
      'an unknown property type',
      groupWith([attribute({ property: { type: 'derived', name: 'x' } })]),
      { loc: ['attributes', 0, 'property'], type: 'union_tag_invalid' },
    ],
    [
      'event_specification_id with a name',
      groupWith([attribute({ events: [{ event_specification_id: 'abc', name: 'page_view' }] })]),
      { loc: ['attributes', 0, 'events', 0, 'event_specification_id'], type: 'value_error' },
    ],
    [
      'an atomic name outside the 0.4.10 enum',
      groupWith([attribute({ property: atomic('refr_device_tstamp') })]),
      { loc: ['attributes', 0, 'property', 'name'], type: 'literal_error' },
    ],
    ['a malformed refresh_rate', sampleGroup({ refresh_rate: 'hourly' }), { loc: ['refresh_rate'], type: 'time_delta_parsing' }],
    [
      'an impossible backfill_since_tstamp',
      sampleGroup({ backfill_since_tstamp: '2025-02-30T00:00:00Z' }),
      { loc: ['backfill_since_tstamp'], type: 'datetime_from_date_parsing' },
    ],
    ['fields and attributes together', sampleGroup({ fields: [{ name: 'x', type: 'string' }] }), { loc: ['fields'], type: 'value_error' }],
    ['a NUL in a description', sampleGroup({ description: 'a\u0000b' }), { loc: ['description'], type: 'string_pattern_mismatch' }],
  ];

  it.each(refusals)('refuses %s', async (_what, body, expected) => {
    const response = await api('POST', 'registry/attribute_groups/', body);
    expect(response.status).toBe(422);
    expect(response.body.detail).toContainEqual({
      loc: ['body', ...expected.loc],
      type: expected.type,
      msg: expected.msg ?? expect.any(String),
    });
  });

  it('refuses a batch source without timestamp_field, and wh_schema that contradicts schema', async () => {
    await api('POST', 'registry/attribute_groups/', sampleGroup());
    const { timestamp_field: _dropped, ...withoutTimestamp } = sampleBatchSource();
    const missing = await api('PUT', 'registry/attribute_groups/user_engagement/versions/1/batch_source', withoutTimestamp);
    expect(missing).toMatchObject({
      status: 422,
      body: { detail: [{ loc: ['body', 'timestamp_field'], msg: 'Field required', type: 'missing' }] },
    });
    const contradicting = await api('PUT', 'registry/attribute_groups/user_engagement/versions/1/batch_source', {
      ...sampleBatchSource(),
      schema: 'other',
    });
    expect(contradicting.status).toBe(422);
    expect(contradicting.body.detail[0].loc).toEqual(['body', 'wh_schema']);
  });

  it('refuses a publish link without a version, as AttributeGroupReference requires one', async () => {
    const response = await api('POST', 'engines/publish', { attribute_groups: [{ name: 'user_engagement' }] });
    expect(response).toMatchObject({
      status: 422,
      body: { detail: [{ loc: ['body', 'attribute_groups', 0, 'version'], type: 'missing' }] },
    });
  });
});
