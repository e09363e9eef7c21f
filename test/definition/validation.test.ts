/**
 * Every validation rule of the view definition, with good and bad cases. Messages name the
 * attribute and the field, e.g. `attribute "first_source": property: aggregation "first" needs a property`.
 */
import {
  atomic,
  entityField,
  event,
  eventField,
  pageView,
  parseView,
  periodDays,
  validateView,
  ViewValidationError,
  type Attribute,
  type View,
} from '../../src/definition';

type Mutable = View & { attributes: Array<Attribute & Record<string, unknown>> };

/** A valid view with one attribute (`first_source`), to be broken one field at a time. */
function baseView(): Mutable {
  return {
    name: 'shop',
    version: 1,
    attributeKey: { name: 'domain_userid' },
    attributes: [{ name: 'first_source', type: 'string', aggregation: 'first', events: [pageView()], property: atomic('mkt_source') }],
  };
}

function withAttribute(attribute: Partial<Attribute> & Record<string, unknown>): Mutable {
  const v = baseView();
  v.attributes[0] = { ...v.attributes[0], ...attribute } as Mutable["attributes"][number];
  for (const [k, value] of Object.entries(attribute)) if (value === undefined) delete v.attributes[0][k];
  return v;
}

/** The error message of an invalid view (fails the test when the view is valid). */
function messageOf(input: unknown): string {
  try {
    parseView(input);
  } catch (e) {
    expect(e).toBeInstanceOf(ViewValidationError);
    return (e as Error).message;
  }
  throw new Error(`expected the view to be rejected: ${JSON.stringify(input)}`);
}

function expectValid(input: unknown): void {
  const r = validateView(input);
  expect(r.ok ? [] : r.issues).toEqual([]);
}

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
    expect(messageOf({ ...baseView(), attributeKey: { name: 'domain-userid' } })).toContain('attributeKey.name: attribute key name must match');
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
  const scalarTypes: Record<string, Attribute['type']> = { first: 'string', last: 'string', sum: 'double', mean: 'double', min: 'int64', max: 'float' };

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
      expect(messageOf(withAttribute({ aggregation: 'counter', type }))).toContain(`attribute "first_source": type: aggregation "counter" needs an int type`);
    }
  });

  test('"unique_list" needs a *_list type; the others a scalar type', () => {
    expect(messageOf(withAttribute({ aggregation: 'unique_list', type: 'string' }))).toContain(
      'attribute "first_source": type: aggregation "unique_list" needs a list type (e.g. string_list), not "string"',
    );
    for (const type of ['string_list', 'int64_list', 'bool_list'] as const) expectValid(withAttribute({ aggregation: 'unique_list', type }));
    expect(messageOf(withAttribute({ aggregation: 'first', type: 'string_list' }))).toContain('type: aggregation "first" needs a scalar type, not "string_list"');
    expect(messageOf(withAttribute({ aggregation: 'max', type: 'double_list', property: atomic('se_value') }))).toContain('aggregation "max" needs a scalar type');
  });

  test('"sum" and "mean" need a numeric type and a numeric property', () => {
    expect(messageOf(withAttribute({ aggregation: 'sum', type: 'string', property: atomic('se_value') }))).toContain('type: aggregation "sum" needs a numeric type');
    expect(messageOf(withAttribute({ aggregation: 'mean', type: 'double', property: atomic('geo_country') }))).toContain(
      'property: aggregation "mean" needs a numeric property; atomic column "geo_country" is string',
    );
    expectValid(withAttribute({ aggregation: 'sum', type: 'int64', property: atomic('tr_total') }));
    expectValid(withAttribute({ aggregation: 'mean', type: 'double', property: eventField('com.acme', 'checkout', 1, '$.total') }));
  });

  test('unknown types and aggregations are rejected with the allowed values', () => {
    expect(messageOf(withAttribute({ type: 'text' as never }))).toContain('attribute "first_source": type: type must be one of bytes, string');
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
    const property = type === 'bool' ? atomic('dvce_ismobile') : type === 'string' || type.endsWith('_list') ? atomic('geo_country') : atomic('se_value');
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
    expect(m).toContain(`attribute "first_source": defaultValue: default value ${JSON.stringify(defaultValue)} does not fit type "${type}"`);
  });
});

describe('attribute names are unique within a view', () => {
  test('the same name twice, also in another case, is rejected', () => {
    const v = baseView();
    v.attributes.push({ ...v.attributes[0] });
    expect(messageOf(v)).toContain('attribute "first_source": name: name is used twice in this view (attributes 0 and 1)');
    const w = baseView();
    w.attributes.push({ ...w.attributes[0], name: 'FIRST_SOURCE' });
    expect(messageOf(w)).toContain('attribute "FIRST_SOURCE": name: name is used twice');
  });

  test('an attribute may not take the key column name', () => {
    expect(messageOf(withAttribute({ name: 'domain_userid' }))).toContain('attribute "domain_userid": name: name equals the attribute key column "domain_userid"');
  });

  test('distinct names are fine', () => {
    const v = baseView();
    v.attributes.push({ ...v.attributes[0], name: 'first_source_2' });
    expectValid(v);
  });
});

describe('criteria', () => {
  const country = atomic('geo_country');
  const value = atomic('se_value');
  const criterion = (operator: string, v: unknown, property = country) => ({ property, operator, value: v });

  test.each([
    ['=', 'DE'],
    ['=', 3],
    ['=', true],
    ['!=', 'DE'],
    ['<', 3],
    ['>', 2.5],
    ['<=', 0],
    ['>=', -1],
    ['like', 'DE%'],
    ['like', 'plain text'],
    ['in', ['DE', 'FR']],
    ['in', [1, 2]],
  ])('%s with %j is accepted', (operator, v) => {
    expectValid(withAttribute({ criteria: { all: [criterion(operator, v, typeof v === 'number' ? value : country)] } as never }));
  });

  test.each([
    ['<', '3', 'operator "<" needs a number, got "3"'],
    ['>', true, 'operator ">" needs a number'],
    ['<=', [1], 'operator "<=" needs a number'],
    ['>=', 'x', 'operator ">=" needs a number'],
    ['in', 'DE', 'operator "in" needs a non-empty list, got "DE"'],
    ['in', [], 'operator "in" needs a non-empty list'],
    ['like', 3, 'operator "like" needs a string, got 3'],
    ['like', ['a'], 'operator "like" needs a string'],
    ['=', ['DE'], 'operator "=" needs a single value; use "in" for a list'],
    ['!=', ['DE'], 'operator "!=" needs a single value'],
    ['~', 'x', 'operator must be one of = != < > <= >= like in'],
  ])('%s with %j is rejected', (operator, v, message) => {
    const m = messageOf(withAttribute({ criteria: { any: [criterion('=', 'DE'), criterion(operator, v)] } as never }));
    expect(m).toContain(`attribute "first_source": criteria.any[1].`);
    expect(m).toContain(message);
  });

  test('"all" and "any" may both be present', () => {
    expectValid(withAttribute({ criteria: { all: [criterion('=', 'DE')], any: [criterion('<', 3, value), criterion('>', 90, value)] } as never }));
  });

  test('a criterion property is validated like any property', () => {
    const m = messageOf(withAttribute({ criteria: { all: [criterion('=', 'x', atomic('no_such_column'))] } as never }));
    expect(m).toContain('attribute "first_source": criteria.all[0].property.name: unknown atomic column "no_such_column"');
  });
});

describe('events', () => {
  test('an event needs a name and a vendor', () => {
    expect(messageOf(withAttribute({ events: [{ vendor: 'com.acme' } as never] }))).toContain('attribute "first_source": events[0].name: event needs a name');
    expect(messageOf(withAttribute({ events: [{ name: 'checkout' } as never] }))).toContain('attribute "first_source": events[0].vendor: event needs a vendor');
    expect(messageOf(withAttribute({ events: [{ vendor: '', name: 'checkout' }] }))).toContain('events[0].vendor');
  });

  test('vendor, name and version patterns', () => {
    expect(messageOf(withAttribute({ events: [event('com acme', 'checkout')] }))).toContain('events[0].vendor: vendor must match');
    expect(messageOf(withAttribute({ events: [event('com.acme', 'check.out')] }))).toContain('events[0].name: event name must match');
    expect(messageOf(withAttribute({ events: [event('com.acme', 'checkout', '1.0.0')] }))).toContain('events[0].version: version must be SchemaVer like 1-0-0');
  });

  test('a versionless event is fine (it matches every version)', () => {
    expectValid(withAttribute({ events: [event('com.acme', 'checkout')] }));
    expectValid(withAttribute({ events: [event('com.acme-eu', 'checkout_v2', '2-1-0'), pageView()] }));
  });

  test('an attribute needs at least one event', () => {
    expect(messageOf(withAttribute({ events: [] }))).toContain('attribute "first_source": events: an attribute needs at least one event');
  });
});

describe('attribute key', () => {
  test('the key column must be an atomic column unless the key has a property', () => {
    expect(messageOf({ ...baseView(), attributeKey: { name: 'customer' } })).toContain(
      'attributeKey.name: attribute key column "customer" is not an atomic column',
    );
    expect(messageOf({ ...baseView(), attributeKey: { name: 'customer', key: 'customer_id' } })).toContain(
      'attributeKey.key: attribute key column "customer_id" is not an atomic column',
    );
    expectValid({ ...baseView(), attributeKey: { name: 'customer', key: 'user_id' } });
    expectValid({ ...baseView(), attributeKey: { name: 'network_userid' } });
    expectValid({ ...baseView(), attributeKey: { name: 'customer', property: entityField('com.acme', 'customer', 1, '$.id') } });
  });
});

describe('properties', () => {
  test.each([
    [atomic('no_such_column'), 'property.name: unknown atomic column "no_such_column"'],
    [entityField('nl.basjes', 'yauaa_context', 0, '$.deviceClass'), 'property.majorVersion: major version must be 1 or more'],
    [entityField('nl.basjes', 'yauaa_context', 1.5, '$.deviceClass'), 'property.majorVersion: major version must be a whole number'],
    [entityField('nl.basjes', 'yauaa_context', 1, '$'), 'property.path: path must not be "$" alone'],
    [entityField('nl.basjes', 'yauaa_context', 1, "$['deviceClass']"), 'property.path: path must not be "$" alone nor use'],
    [entityField('nl.basjes', 'yauaa_context', 1, '$..deviceClass'), 'property.path: path "$..deviceClass" must be field names joined by dots'],
    [entityField('nl.basjes', 'yauaa_context', 1, '$.deviceClass', -1), 'property.index: index must be 0 or more'],
    [eventField('com.acme', 'check out', 1, '$.total'), 'property.name: schema name must match'],
    [{ type: 'column', name: 'x' }, 'property.type: property needs a type of "atomic", "event" or "entity"'],
  ])('%j is rejected', (property, message) => {
    expect(messageOf(withAttribute({ property: property as never }))).toContain(`attribute "first_source": ${message}`);
  });

  test.each([
    atomic('refr_device_tstamp'),
    eventField('com.acme', 'checkout', 1, '$.items[0].sku'),
    eventField('com.acme', 'checkout', 2, 'coupon'),
    entityField('nl.basjes', 'yauaa_context', 1, '$.deviceClass', 1),
  ])('%j is accepted', (property) => {
    expectValid(withAttribute({ property }));
  });
});

describe('errors', () => {
  test('every problem is reported at once, one line each, naming attribute and field', () => {
    const v = baseView();
    v.attributes.push({ name: 'visits', type: 'string', aggregation: 'counter', events: [pageView()], period: 'PT12H' });
    v.attributes[0] = { ...v.attributes[0], property: undefined } as never;
    delete v.attributes[0].property;
    let error: ViewValidationError | undefined;
    try {
      parseView(v);
    } catch (e) {
      error = e as ViewValidationError;
    }
    expect(error).toBeInstanceOf(ViewValidationError);
    expect(error!.issues).toHaveLength(3);
    expect(error!.message.split('\n')).toEqual([
      'invalid view "shop":',
      '  - attribute "first_source": property: aggregation "first" needs a property',
      '  - attribute "visits": period: period "PT12H" is not a whole number of days (windows are computed per day)',
      '  - attribute "visits": type: aggregation "counter" needs an int type (int32 or int64), not "string"',
    ]);
  });

  test('validateView reports issues without throwing', () => {
    const r = validateView(withAttribute({ period: 'P1M' }));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues).toEqual([{ path: ['attributes', 0, 'period'], message: expect.stringContaining('"P1M"') }]);
  });

  test('a view that is not an object is rejected, not crashed on', () => {
    expect(messageOf(null)).toContain('invalid view');
    expect(messageOf({})).toContain('attributeKey');
    expect(messageOf({ ...baseView(), attributes: [] })).toContain('attributes: a view needs at least one attribute');
  });
});
