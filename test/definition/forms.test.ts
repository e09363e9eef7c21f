/**
 * The two forms of a view: TypeScript camelCase args and the Signals API's
 * snake_case JSON parse into one model; errors use the names of the form they came in; the API
 * form round-trips losslessly.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  keyColumnName,
  parseApiView,
  parseView,
  projectName,
  toApiView,
  validateApiView,
  ViewValidationError,
  type View,
} from '../../src/definition';
import { sampleView } from '../../src/sample';

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'views', name), 'utf8')) as Record<string, unknown>;

function errorOf(parse: () => unknown): ViewValidationError {
  try {
    parse();
  } catch (e) {
    expect(e).toBeInstanceOf(ViewValidationError);
    return e as ViewValidationError;
  }
  throw new Error('expected a ViewValidationError');
}

describe('API JSON form (snake_case)', () => {
  test('the fixture parses into the camelCase model', () => {
    const view = parseApiView(fixture('shop_view.api.json'));
    expect(view.attributeKey).toEqual({ name: 'domain_userid' });
    expect(keyColumnName(view)).toBe('domain_userid');
    expect(projectName(view)).toBe('shop_user_features_3');
    expect(view.attributes).toHaveLength(8);
    expect(view.attributes[1]).toMatchObject({ name: 'first_source', defaultValue: 'direct' });
    expect(view.attributes[2].property).toEqual({
      type: 'entity',
      vendor: 'nl.basjes',
      name: 'yauaa_context',
      majorVersion: 1,
      path: '$.deviceClass',
      index: 0,
    });
    expect(view.attributes[3].events).toEqual([{ vendor: 'com.acme', name: 'checkout' }]);
    expect(view.attributes[3].criteria?.all).toHaveLength(1);
    expect(view.attributes[3].criteria?.any).toHaveLength(2);
  });

  test('round trip: toApiView(parseApiView(x)) keeps every field of x, adding only the API defaults', () => {
    const x = fixture('shop_view.api.json');
    const back = toApiView(parseApiView(x));
    // online is deprecated by the API and not sent
    expect(back).toEqual({ ...x, offline: true });
    // and it is a fixed point
    expect(toApiView(parseApiView(back))).toEqual(back);
  });

  test('round trip through the API form keeps the sample view (every feature) intact', () => {
    const view = parseView(sampleView());
    const json = JSON.parse(JSON.stringify(toApiView(view))) as Record<string, unknown>;
    expect(JSON.stringify(json)).not.toMatch(/majorVersion|defaultValue|attributeKey/);
    expect(JSON.stringify(json)).toMatch(/"major_version":1/);
    expect(parseApiView(json)).toEqual({ ...view, offline: true });
  });

  test('null members (the API omits None) are ignored; entity index defaults to 0', () => {
    const x = fixture('shop_view.api.json') as { attributes: Array<Record<string, unknown>> } & Record<string, unknown>;
    const withNulls = {
      ...x,
      ttl: null,
      attribute_key: { name: 'domain_userid', description: null, key: null, property: null },
      attributes: x.attributes.map((a) => ({ criteria: null, period: null, default_value: null, ...a })),
    };
    const view = parseApiView(withNulls);
    expect(view.ttl).toBeUndefined();
    expect(view.attributes[0].criteria).toBeUndefined();
    const noIndex = JSON.parse(JSON.stringify(x)) as typeof x;
    delete (noIndex.attributes[2].property as Record<string, unknown>).index;
    expect(parseApiView(noIndex).attributes[2].property).toMatchObject({ index: 0 });
  });

  test('errors name fields in snake_case and the attribute', () => {
    const shape = fixture('shop_view.api.json') as { attributes: Array<Record<string, unknown>> };
    (shape.attributes[2].property as Record<string, unknown>).major_version = 0;
    const e1 = errorOf(() => parseApiView(shape));
    expect(e1.message).toContain('attribute "last_device_class": property.major_version: major version must be 1 or more');
    const rule = fixture('shop_view.api.json') as { attributes: Array<Record<string, unknown>> };
    rule.attributes[1].default_value = 42;
    const e2 = errorOf(() => parseApiView(rule));
    expect(e2.message).toContain('attribute "first_source": default_value: default value 42 does not fit type "string"');
    for (const e of [e1, e2]) expect(e.message).not.toMatch(/defaultValue|majorVersion/);
    const r = validateApiView(rule);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues.map((i) => i.path.join('.'))).toEqual(['attributes.1.default_value']);
  });

  test('the invalid fixture is rejected with the documented message', () => {
    const e = errorOf(() => parseApiView(fixture('invalid_first_without_property.api.json')));
    expect(e.message).toBe('invalid view "broken_view":\n  - attribute "first_source": property: aggregation "first" needs a property');
  });

  test('camelCase keys are not the API form', () => {
    const x = fixture('shop_view.api.json');
    const { attribute_key: key, ...rest } = x;
    const e = errorOf(() => parseApiView({ ...rest, attributeKey: key }));
    expect(e.message).toContain('attribute_key');
  });
});

describe('TypeScript form (camelCase)', () => {
  test('the sample view parses and errors use camelCase names', () => {
    const view: View = parseView(sampleView());
    expect(view.attributes.length).toBeGreaterThanOrEqual(12);
    const bad = sampleView();
    bad.attributes[7] = { ...bad.attributes[7], defaultValue: 1 };
    const e = errorOf(() => parseView(bad));
    expect(e.message).toContain('attribute "first_mkt_source": defaultValue: default value 1 does not fit type "string"');
  });

  test('snake_case keys are not the TypeScript form', () => {
    const { attributeKey, ...rest } = sampleView();
    const e = errorOf(() => parseView({ ...rest, attribute_key: attributeKey }));
    expect(e.message).toContain('attributeKey');
  });

  test('both forms of the same view give the same model', () => {
    const fromApi = parseApiView(fixture('shop_view.api.json'));
    const camel = JSON.parse(
      JSON.stringify(fixture('shop_view.api.json'))
        .replace(/"attribute_key"/g, '"attributeKey"')
        .replace(/"major_version"/g, '"majorVersion"')
        .replace(/"default_value"/g, '"defaultValue"'),
    ) as unknown;
    expect(parseView(camel)).toEqual(fromApi);
  });
});
