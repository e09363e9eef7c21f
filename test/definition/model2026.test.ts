/**
 * The rules of the 2026 attribute model, good and bad, in both forms: new aggregations and their
 * types and time unit, `is null` / `is not null`, date parts, calculated properties, attribute ttl,
 * refresh rate, the timestamp and dict types. Messages name the attribute and the field.
 */
import {
  atomic,
  calculated,
  datePart,
  entityField,
  eventField,
  pageView,
  parseApiView,
  parseView,
  toApiView,
  type Attribute,
} from '../../src/definition';
import { refusal } from '../support/definition';

function viewWith(attribute: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'shop',
    attributeKey: { name: 'domain_userid' },
    attributes: [{ name: 'a', events: [pageView()], ...attribute }],
    ...extra,
  };
}
const refused = (attribute: Record<string, unknown>, extra?: Record<string, unknown>) =>
  refusal(() => parseView(viewWith(attribute, extra)));
const accepted = (attribute: Record<string, unknown>, extra?: Record<string, unknown>) => parseView(viewWith(attribute, extra));
const country = atomic('geo_country');

describe('the new aggregations', () => {
  test.each([
    ['most_frequent', 'string', country],
    ['least_frequent', 'string', country],
    ['most_frequent', 'int64', datePart(atomic('derived_tstamp'), 'hour_of_day')],
    ['category_count', 'dict', country],
    ['approx_count_distinct', 'int64', country],
  ] as const)('%s of type %s is accepted', (aggregation, type, property) => {
    expect(accepted({ aggregation, type, property }).attributes[0]).toMatchObject({ aggregation, type });
  });

  test.each(['most_frequent', 'least_frequent', 'category_count', 'approx_count_distinct'] as const)(
    '%s needs a property',
    (aggregation) => {
      expect(refused({ aggregation, type: aggregation === 'category_count' ? 'dict' : 'int64' })).toContain(
        `attribute "a": property: aggregation "${aggregation}" needs a property`,
      );
    },
  );

  test('category_count needs the dict type, and dict is for category_count only', () => {
    expect(refused({ aggregation: 'category_count', type: 'string', property: country })).toContain(
      'attribute "a": type: aggregation "category_count" needs the dict type, not "string"',
    );
    expect(refused({ aggregation: 'last', type: 'dict', property: country })).toContain(
      'attribute "a": type: aggregation "last" needs a scalar type, not "dict"',
    );
  });

  test('approx_count_distinct and time_since_* need an int type', () => {
    expect(refused({ aggregation: 'approx_count_distinct', type: 'double', property: country })).toContain(
      'type: aggregation "approx_count_distinct" needs an int type',
    );
    expect(refused({ aggregation: 'time_since_last', type: 'string', timeUnit: 'h' })).toContain(
      'type: aggregation "time_since_last" needs an int type',
    );
  });

  test('time_since_* need a time_unit, ignore a property, and no other aggregation takes a unit', () => {
    expect(accepted({ aggregation: 'time_since_last', type: 'int64', timeUnit: 'min', property: country }).attributes[0].timeUnit).toBe(
      'min',
    );
    expect(refused({ aggregation: 'time_since_first', type: 'int64' })).toContain(
      'attribute "a": timeUnit: aggregation "time_since_first" needs a time_unit (s, min, h or d)',
    );
    expect(refused({ aggregation: 'counter', type: 'int64', timeUnit: 'd' })).toContain(
      'attribute "a": timeUnit: time_unit is only for time_since_last and time_since_first, not "counter"',
    );
    expect(refused({ aggregation: 'time_since_last', type: 'int64', timeUnit: 'week' })).toContain(
      'timeUnit: time_unit must be one of s, min, h, d',
    );
  });
});

describe('is null and is not null', () => {
  test('take no value', () => {
    for (const operator of ['is null', 'is not null']) {
      accepted({ aggregation: 'counter', type: 'int64', criteria: { all: [{ property: country, operator }] } });
      expect(
        refused({ aggregation: 'counter', type: 'int64', criteria: { all: [{ property: country, operator, value: 'DE' }] } }),
      ).toContain(`attribute "a": criteria.all[0].value: operator "${operator}" takes no value; remove it`);
    }
  });
  test('every other operator needs a value', () => {
    expect(refused({ aggregation: 'counter', type: 'int64', criteria: { any: [{ property: country, operator: '=' }] } })).toContain(
      'criteria.any[0].value: operator "=" needs a value',
    );
  });
});

describe('date parts', () => {
  test.each(['hour_of_day', 'day_of_week', 'month_of_year', 'active_day', 'active_week', 'active_month'] as const)(
    '%s on event, entity and atomic timestamps',
    (part) => {
      for (const property of [
        eventField('com.acme', 'checkout', 1, '$.placedAt'),
        entityField('com.acme', 'user', 1, '$.signupTime'),
        atomic('derived_tstamp'),
      ]) {
        accepted({ aggregation: 'last', type: 'string', property: datePart(property, part) });
      }
    },
  );
  test('not on an atomic column that is not a timestamp, not on the attribute key, and only the six parts', () => {
    expect(refused({ aggregation: 'last', type: 'string', property: datePart(country, 'active_day') })).toContain(
      'attribute "a": property.datePart: date_part needs a timestamp; atomic column "geo_country" is string',
    );
    expect(
      refusal(() =>
        parseView({
          ...viewWith({ aggregation: 'counter', type: 'int64' }),
          attributeKey: { name: 'signup', property: datePart(entityField('com.acme', 'user', 1, '$.id'), 'active_day') },
        }),
      ),
    ).toContain('attributeKey.property: an attribute key is read from one event or entity field, not calculated nor a date part');
    expect(refused({ aggregation: 'last', type: 'string', property: { ...atomic('derived_tstamp'), datePart: 'quarter' } })).toContain(
      'date_part must be one of hour_of_day',
    );
  });
});

describe('calculated properties', () => {
  const a = atomic('tr_total');
  const b = atomic('tr_tax');
  test.each([
    calculated.concat([country, atomic('geo_city')], ' / '),
    calculated.sum([a, b]),
    calculated.product([a, b]),
    calculated.min([a, b]),
    calculated.max([a, b]),
    calculated.coalesce([country]),
  ])('%j is accepted', (property) => {
    accepted({ aggregation: 'last', type: 'string', property });
  });

  test('all but coalesce need two properties; 50 at most; flat; separator only for concat, 16 characters at most', () => {
    expect(refused({ aggregation: 'last', type: 'double', property: calculated.sum([a]) })).toContain(
      'property.properties: operation "sum" needs at least 2 properties (only coalesce takes 1)',
    );
    expect(refused({ aggregation: 'last', type: 'double', property: calculated.sum(Array(51).fill(a)) })).toContain(
      'a calculated property takes at most 50 properties',
    );
    expect(
      refused({
        aggregation: 'last',
        type: 'double',
        property: { type: 'calculated', operation: 'sum', properties: [a, calculated.sum([a, b])] },
      }),
    ).toContain('it is flat: no calculated inside');
    expect(refused({ aggregation: 'last', type: 'double', property: { ...calculated.sum([a, b]), separator: '-' } })).toContain(
      'property.separator: separator is only for concat, not "sum"',
    );
    expect(refused({ aggregation: 'last', type: 'string', property: calculated.concat([a, b], 'x'.repeat(17)) })).toContain(
      'separator must be at most 16 characters',
    );
  });

  test('a calculated property may be a criterion', () => {
    accepted({
      aggregation: 'counter',
      type: 'int64',
      criteria: { all: [{ property: calculated.sum([a, b]), operator: '>', value: 100 }] },
    });
  });
});

describe('timestamp type, attribute ttl, refresh rate', () => {
  test('a timestamp default is an ISO-8601 timestamp', () => {
    accepted({ aggregation: 'first', type: 'timestamp', property: atomic('derived_tstamp'), defaultValue: '2025-01-01T00:00:00Z' });
    expect(refused({ aggregation: 'first', type: 'timestamp', property: atomic('derived_tstamp'), defaultValue: 'yesterday' })).toContain(
      'does not fit type "timestamp" (an ISO-8601 timestamp such as 2025-01-02T03:04:05Z)',
    );
  });
  test('a dict attribute has no default', () => {
    expect(refused({ aggregation: 'category_count', type: 'dict', property: country, defaultValue: 'x' })).toContain(
      'a dict attribute has no default value',
    );
  });
  test('ttl only on lifetime attributes, as an ISO-8601 duration', () => {
    accepted({ aggregation: 'counter', type: 'int64', ttl: 'P30D' });
    expect(refused({ aggregation: 'counter', type: 'int64', ttl: 'P30D', period: 'P7D' })).toContain(
      'attribute "a": ttl: ttl is only for lifetime attributes (no period)',
    );
    expect(refused({ aggregation: 'counter', type: 'int64', ttl: '30 days' })).toContain('ttl "30 days" is not an ISO-8601 duration');
  });
  test('refresh rate is one of the sync frequencies Signals offers', () => {
    expect(accepted({ aggregation: 'counter', type: 'int64' }, { refreshRate: 'PT6H' }).refreshRate).toBe('PT6H');
    expect(refusal(() => parseView(viewWith({ aggregation: 'counter', type: 'int64' }, { refreshRate: 'PT2H' })))).toContain(
      'refresh_rate must be one of PT1H, PT6H, PT12H, P1D',
    );
  });
});

describe('the API JSON form', () => {
  const api = {
    name: 'shop',
    version: 1,
    attribute_key: { name: 'domain_userid' },
    refresh_rate: 'P1D',
    attributes: [
      { name: 'hours_since', type: 'int64', aggregation: 'time_since_last', time_unit: 'h', events: [], ttl: 'P90D' },
      {
        name: 'usual_hour',
        type: 'int64',
        aggregation: 'most_frequent',
        events: [pageView()],
        property: { type: 'atomic', name: 'derived_tstamp', date_part: 'hour_of_day' },
      },
      {
        name: 'no_source',
        type: 'int64',
        aggregation: 'counter',
        events: [pageView()],
        criteria: {
          all: [
            {
              property: { type: 'calculated', operation: 'coalesce', properties: [{ type: 'atomic', name: 'mkt_source' }] },
              operator: 'is null',
            },
          ],
        },
      },
    ],
  };

  test('reads snake_case names and writes them back; online is not sent', () => {
    const view = parseApiView(api);
    expect(view.refreshRate).toBe('P1D');
    const attributes = view.attributes as Attribute[];
    expect(attributes[0]).toMatchObject({ timeUnit: 'h', ttl: 'P90D', events: [] });
    expect(attributes[1].property).toEqual({ type: 'atomic', name: 'derived_tstamp', datePart: 'hour_of_day' });
    const body = toApiView(view);
    expect(body).toMatchObject({ refresh_rate: 'P1D', offline: true });
    expect(body).not.toHaveProperty('online');
    expect((body.attributes as Array<Record<string, unknown>>)[1].property).toEqual({
      type: 'atomic',
      name: 'derived_tstamp',
      date_part: 'hour_of_day',
    });
    expect(parseApiView(body)).toEqual({ ...view, offline: true });
  });

  test('the older spelling refr_device_tstamp is read as refr_dvce_tstamp', () => {
    const view = parseView(viewWith({ aggregation: 'last', type: 'timestamp', property: atomic('refr_device_tstamp') }));
    expect(view.attributes[0].property).toEqual({ type: 'atomic', name: 'refr_dvce_tstamp' });
  });
});

describe('group and key ttl', () => {
  test('are ISO-8601 durations, refused before anything is registered', () => {
    expect(accepted({ aggregation: 'counter', type: 'int64' }, { ttl: 'P365D' }).ttl).toBe('P365D');
    expect(refusal(() => parseView(viewWith({ aggregation: 'counter', type: 'int64' }, { ttl: 'a year' })))).toContain(
      'ttl: ttl "a year" is not an ISO-8601 duration (e.g. P365D, P12W)',
    );
    expect(
      refusal(() => parseView(viewWith({ aggregation: 'counter', type: 'int64' }, { attributeKey: { name: 'domain_userid', ttl: '5' } }))),
    ).toContain('attributeKey.ttl: ttl "5" is not an ISO-8601 duration');
  });
});
