/**
 * The validation rules of a view definition across attributes and for what they select, with good
 * and bad cases: unique names, criteria, events, the attribute key and properties; and how the
 * errors are reported, all at once, naming the attribute and the field.
 */
import { atomic, entityField, event, eventField, pageView, parseView, validateView, ViewValidationError } from '../../src/definition';
import { baseView, expectValid, messageOf, withAttribute } from '../support/definition';

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
    expect(messageOf(withAttribute({ name: 'domain_userid' }))).toContain(
      'attribute "domain_userid": name: name equals the attribute key column "domain_userid"',
    );
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
    ['~', 'x', 'operator must be one of "=", "!=", "<", ">", "<=", ">=", "like", "in", "is null", "is not null"'],
  ])('%s with %j is rejected', (operator, v, message) => {
    const m = messageOf(withAttribute({ criteria: { any: [criterion('=', 'DE'), criterion(operator, v)] } as never }));
    expect(m).toContain(`attribute "first_source": criteria.any[1].`);
    expect(m).toContain(message);
  });

  test('"all" and "any" may both be present', () => {
    expectValid(
      withAttribute({ criteria: { all: [criterion('=', 'DE')], any: [criterion('<', 3, value), criterion('>', 90, value)] } as never }),
    );
  });

  test('a criterion property is validated like any property', () => {
    const m = messageOf(withAttribute({ criteria: { all: [criterion('=', 'x', atomic('no_such_column'))] } as never }));
    expect(m).toContain('attribute "first_source": criteria.all[0].property.name: unknown atomic column "no_such_column"');
  });
});

describe('events', () => {
  test('an event needs a name and a vendor', () => {
    expect(messageOf(withAttribute({ events: [{ vendor: 'com.acme' } as never] }))).toContain(
      'attribute "first_source": events[0].name: event needs a name',
    );
    expect(messageOf(withAttribute({ events: [{ name: 'checkout' } as never] }))).toContain(
      'attribute "first_source": events[0].vendor: event needs a vendor',
    );
    expect(messageOf(withAttribute({ events: [{ vendor: '', name: 'checkout' }] }))).toContain('events[0].vendor');
  });

  test('vendor, name and version patterns', () => {
    expect(messageOf(withAttribute({ events: [event('com acme', 'checkout')] }))).toContain('events[0].vendor: vendor must match');
    expect(messageOf(withAttribute({ events: [event('com.acme', 'check.out')] }))).toContain('events[0].name: event name must match');
    expect(messageOf(withAttribute({ events: [event('com.acme', 'checkout', '1.0.0')] }))).toContain(
      'events[0].version: version must be SchemaVer like 1-0-0',
    );
  });

  test('a versionless event is fine (it matches every version)', () => {
    expectValid(withAttribute({ events: [event('com.acme', 'checkout')] }));
    expectValid(withAttribute({ events: [event('com.acme-eu', 'checkout_v2', '2-1-0'), pageView()] }));
  });

  test('an empty event list means every event', () => {
    expectValid(withAttribute({ events: [] }));
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
    [
      entityField('nl.basjes', 'yauaa_context', 1, '$..deviceClass'),
      'property.path: path "$..deviceClass" must be field names joined by dots',
    ],
    [entityField('nl.basjes', 'yauaa_context', 1, '$.deviceClass', -1), 'property.index: index must be 0 or more'],
    [eventField('com.acme', 'check out', 1, '$.total'), 'property.name: schema name must match'],
    [{ type: 'column', name: 'x' }, 'property.type: property needs a type of "atomic", "event", "entity" or "calculated"'],
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
