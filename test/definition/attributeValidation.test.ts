/**
 * The validation rules of a view definition for an attribute's own fields, with good and bad cases:
 * name patterns, the period, aggregation, property and type, and the default value. Messages name
 * the attribute and the field, e.g. `attribute "first_source": property: aggregation "first" needs a property`.
 */
import { atomic, eventField, periodDays, type Attribute } from '../../src/definition';
import { baseView, expectValid, messageOf, withAttribute } from '../support/definition';

describe('name patterns', () => {
  test.each(['first_source', 'FirstSource', '1st_source', 'select', 'a'.repeat(128)])('attribute name %j is accepted', (name) => {
    expectValid(withAttribute({ name }));
  });

  test.each(['first-source', 'first source', 'first.source', 'é', '', 'a'.repeat(129)])('attribute name %j is rejected', (name) => {
    const m = messageOf(withAttribute({ name }));
    expect(m).toContain(`attribute "${name}": name: attribute name must`);
  });

  test('view and attribute key names follow the same pattern', () => {
    expect(messageOf({ ...baseView(), name: 'my view' })).toContain('name: view name must match ^[A-Za-z0-9_]+$');
    expect(messageOf({ ...baseView(), attributeKey: { name: 'domain-userid' } })).toContain(
      'attributeKey.name: attribute key name must match',
    );
    expect(messageOf({ ...baseView(), version: 0 })).toContain('version: version must be 1 or more');
  });
});

describe('period: a whole number of days', () => {
  test.each([
    ['P7D', 7],
    ['P1W', 7],
    ['P2W', 14],
    ['PT48H', 2],
    ['P1D', 1],
    ['P1DT24H', 2],
    ['P7DT0H0M0S', 7],
  ])('%s is accepted (%d days)', (period, days) => {
    expectValid(withAttribute({ period }));
    expect(periodDays(period)).toBe(days);
  });

  test.each([
    ['PT12H', 'not a whole number of days'],
    ['PT36H', 'not a whole number of days'],
    ['P1DT1M', 'not a whole number of days'],
    ['P1M', 'not an ISO-8601 duration of days or weeks'],
    ['P1Y', 'not an ISO-8601 duration of days or weeks'],
    ['P0D', 'is zero'],
    ['PT0H', 'is zero'],
    ['7 days', 'not an ISO-8601 duration'],
    ['P', 'not an ISO-8601 duration'],
    ['-P1D', 'not an ISO-8601 duration'],
  ])('%s is rejected (%s)', (period, why) => {
    const m = messageOf(withAttribute({ period }));
    expect(m).toContain(`attribute "first_source": period: period "${period}"`);
    expect(m).toContain(why);
  });

  test('no period means lifetime', () => {
    expectValid(withAttribute({ period: undefined }));
  });
});

describe('aggregation, property and type', () => {
  const scalarTypes: Record<string, Attribute['type']> = {
    first: 'string',
    last: 'string',
    sum: 'double',
    mean: 'double',
    min: 'int64',
    max: 'float',
  };

  test.each(['first', 'last', 'sum', 'mean', 'min', 'max'] as const)('"%s" needs a property', (aggregation) => {
    const m = messageOf(withAttribute({ aggregation, type: scalarTypes[aggregation], property: undefined }));
    expect(m).toContain(`attribute "first_source": property: aggregation "${aggregation}" needs a property`);
  });

  test('"unique_list" needs a property', () => {
    const m = messageOf(withAttribute({ aggregation: 'unique_list', type: 'string_list', property: undefined }));
    expect(m).toContain('attribute "first_source": property: aggregation "unique_list" needs a property');
  });

  test('"counter" ignores a property and needs none', () => {
    expectValid(withAttribute({ aggregation: 'counter', type: 'int64', property: undefined }));
    expectValid(withAttribute({ aggregation: 'counter', type: 'int32', property: atomic('geo_country') }));
  });

  test('"counter" needs an int type', () => {
    for (const type of ['string', 'double', 'float', 'bool', 'int64_list'] as const) {
      expect(messageOf(withAttribute({ aggregation: 'counter', type }))).toContain(
        `attribute "first_source": type: aggregation "counter" needs an int type`,
      );
    }
  });

  test('"unique_list" needs a *_list type; the others a scalar type', () => {
    expect(messageOf(withAttribute({ aggregation: 'unique_list', type: 'string' }))).toContain(
      'attribute "first_source": type: aggregation "unique_list" needs a list type (e.g. string_list), not "string"',
    );
    for (const type of ['string_list', 'int64_list', 'bool_list'] as const)
      expectValid(withAttribute({ aggregation: 'unique_list', type }));
    expect(messageOf(withAttribute({ aggregation: 'first', type: 'string_list' }))).toContain(
      'type: aggregation "first" needs a scalar type, not "string_list"',
    );
    expect(messageOf(withAttribute({ aggregation: 'max', type: 'double_list', property: atomic('se_value') }))).toContain(
      'aggregation "max" needs a scalar type',
    );
  });

  test('"sum" and "mean" need a numeric type and a numeric property', () => {
    expect(messageOf(withAttribute({ aggregation: 'sum', type: 'string', property: atomic('se_value') }))).toContain(
      'type: aggregation "sum" needs a numeric type',
    );
    expect(messageOf(withAttribute({ aggregation: 'mean', type: 'double', property: atomic('geo_country') }))).toContain(
      'property: aggregation "mean" needs a numeric property; atomic column "geo_country" is string',
    );
    expectValid(withAttribute({ aggregation: 'sum', type: 'int64', property: atomic('tr_total') }));
    expectValid(withAttribute({ aggregation: 'mean', type: 'double', property: eventField('com.acme', 'checkout', 1, '$.total') }));
  });

  test('unknown types and aggregations are rejected with the allowed values', () => {
    expect(messageOf(withAttribute({ type: 'text' as never }))).toContain(
      'attribute "first_source": type: type must be one of bytes, string',
    );
    expect(messageOf(withAttribute({ aggregation: 'median' as never }))).toContain('aggregation: aggregation must be one of counter, sum');
  });
});

describe('default_value must fit the type', () => {
  test.each([
    ['string', 'direct'],
    ['int64', 2],
    ['int32', -5],
    ['double', 1.5],
    ['bool', false],
    ['string_list', []],
    ['string_list', ['a', 'b']],
    ['int64_list', [1, 2]],
  ] as const)('%s accepts %j', (type, defaultValue) => {
    const aggregation = type.endsWith('_list') ? 'unique_list' : type === 'string' ? 'first' : 'max';
    const property =
      type === 'bool' ? atomic('dvce_ismobile') : type === 'string' || type.endsWith('_list') ? atomic('geo_country') : atomic('se_value');
    expectValid(withAttribute({ type, aggregation, property, defaultValue: defaultValue as never }));
  });

  test.each([
    ['string', 3],
    ['string', ['a']],
    ['int64', 1.5],
    ['int64', '2'],
    ['int32', 2 ** 40],
    ['double', 'x'],
    ['bool', 'true'],
    ['string_list', 'a'],
    ['string_list', [1]],
    ['int64_list', [1.5]],
  ] as const)('%s rejects %j', (type, defaultValue) => {
    const aggregation = type.endsWith('_list') ? 'unique_list' : type === 'string' ? 'first' : 'max';
    const m = messageOf(withAttribute({ type, aggregation, defaultValue: defaultValue as never }));
    expect(m).toContain(
      `attribute "first_source": defaultValue: default value ${JSON.stringify(defaultValue)} does not fit type "${type}"`,
    );
  });
});
