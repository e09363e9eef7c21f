/**
 * Unknown keys are errors naming the nearest valid key, in both forms and at every level; they
 * are never silently dropped (a misspelt default would otherwise be lost).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { nearestName, parseApiView, parseView, pageView } from '../../src/definition';
import { refusal as errorOf } from '../support/definition';

const apiView = () => JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'views', 'shop_view.api.json'), 'utf8'));

describe('unknown keys in the API JSON', () => {
  test('defaultValue (the camelCase name) is refused with a hint at default_value', () => {
    const view = apiView();
    view.attributes[0].defaultValue = 0;
    expect(errorOf(() => parseApiView(view))).toContain(
      `attribute "${view.attributes[0].name}": unknown key "defaultValue" (did you mean "default_value"?)`,
    );
  });

  test('default is refused with a hint at default_value', () => {
    const view = apiView();
    view.attributes[1].default = 'x';
    expect(errorOf(() => parseApiView(view))).toContain('unknown key "default" (did you mean "default_value"?)');
  });

  test('keys deep inside are named with their path: a criterion, a property, an event, the attribute key', () => {
    const view = apiView();
    view.attributes[0].criteria = {
      all: [{ property: { type: 'atomic', name: 'page_url', index: 0 }, operator: 'like', value: '%a%', operater: '=' }],
    };
    view.attributes[0].events[0].verison = '1-0-0';
    view.attribute_key.keys = 'domain_userid';
    const message = errorOf(() => parseApiView(view));
    expect(message).toContain('criteria.all[0]: unknown key "operater" (did you mean "operator"?)');
    expect(message).toContain('criteria.all[0].property: unknown key "index"');
    expect(message).toContain('events[0]: unknown key "verison" (did you mean "version"?)');
    expect(message).toContain('attribute_key: unknown key "keys" (did you mean "key"?)');
  });

  test('a batch_source says why it is not part of a view instead of guessing a name', () => {
    const view = apiView();
    view.batch_source = { name: 'x' };
    expect(errorOf(() => parseApiView(view))).toContain('unknown key "batch_source": the batch source is registered by materialize');
  });

  test("the API's own is_published flags are accepted and not kept in the view", () => {
    const view = apiView();
    view.is_published = true;
    view.attribute_key.is_published = false;
    const parsed = parseApiView(view) as unknown as Record<string, unknown>;
    expect(parsed.isPublished).toBeUndefined();
    expect((parsed.attributeKey as Record<string, unknown>).isPublished).toBeUndefined();
  });
});

describe('unknown keys in the TypeScript (camelCase) arguments', () => {
  const base = { name: 'shop', version: 1, attributeKey: { name: 'domain_userid' } };

  test('default_value (the API name) and default are refused with a hint at defaultValue', () => {
    const message = errorOf(() =>
      parseView({
        ...base,
        attributes: [
          { name: 'views', type: 'int64', aggregation: 'counter', events: [pageView()], default_value: 0 },
          { name: 'pings', type: 'int64', aggregation: 'counter', events: [pageView()], default: 0 },
        ],
      }),
    );
    expect(message).toContain('attribute "views": unknown key "default_value" (did you mean "defaultValue"?)');
    expect(message).toContain('attribute "pings": unknown key "default" (did you mean "defaultValue"?)');
  });

  test('a key with no near valid name lists the valid keys', () => {
    const message = errorOf(() =>
      parseView({ ...base, colour: 'blue', attributes: [{ name: 'views', type: 'int64', aggregation: 'counter', events: [pageView()] }] }),
    );
    expect(message).toMatch(/unknown key "colour" \(valid: name, version, attributeKey, attributes, owner/);
  });
});

describe('the nearest valid name', () => {
  test.each([
    ['defaultValue', ['default_value', 'description'], 'default_value'],
    ['default', ['default_value', 'description', 'period'], 'default_value'],
    ['snowplow__strat_date', ['snowplow__start_date', 'snowplow__app_id'], 'snowplow__start_date'],
    ['ATTRIBUTE_KEY', ['attribute_key', 'attributes'], 'attribute_key'],
    ['colour', ['name', 'version'], undefined],
  ])('%s -> %s', (given, valid, expected) => {
    expect(nearestName(given, valid)).toBe(expected);
  });
});
