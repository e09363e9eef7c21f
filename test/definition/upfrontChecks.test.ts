/**
 * Values that used to pass validation and fail only when dbt ran are refused up front, with the
 * attribute, the field and the allowed range in the message.
 */
import { caseCollisions, MAX_PERIOD_DAYS, pageView, parseView, periodDays } from '../../src/definition';
import { refusal } from '../support/definition';

const errorOf = (input: unknown) => refusal(() => parseView(input));

const view = (attribute: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  name: 'shop',
  version: 1,
  attributeKey: { name: 'domain_userid' },
  attributes: [{ name: 'value', type: 'int32', aggregation: 'counter', events: [pageView()], ...attribute }],
  ...extra,
});

describe('defaults must fit their type', () => {
  test('an int32 default of 2147483648 is refused, naming the range', () => {
    expect(errorOf(view({ defaultValue: 2147483648 }))).toContain(
      'attribute "value": defaultValue: default value 2147483648 does not fit type "int32" (a whole number from -2147483648 to 2147483647)',
    );
    expect(errorOf(view({ defaultValue: -2147483649 }))).toContain('does not fit type "int32"');
  });

  test('the int32 bounds themselves are accepted', () => {
    expect(() => parseView(view({ defaultValue: 2147483647 }))).not.toThrow();
    expect(() => parseView(view({ defaultValue: -2147483648 }))).not.toThrow();
  });

  test('a float default of 1e300 is refused; as a double it is fine', () => {
    const float = { type: 'float', aggregation: 'max', property: { type: 'atomic', name: 'se_value' } };
    expect(errorOf(view({ ...float, defaultValue: 1e300 }))).toContain(
      'default value 1e+300 does not fit type "float" (a number within ±3.4028234663852886e+38)',
    );
    expect(() => parseView(view({ ...float, type: 'double', defaultValue: 1e300 }))).not.toThrow();
    expect(() => parseView(view({ ...float, defaultValue: 3.4e38 }))).not.toThrow();
  });

  test('list defaults are checked element by element', () => {
    const list = { type: 'int32_list', aggregation: 'unique_list', property: { type: 'atomic', name: 'se_value' } };
    expect(errorOf(view({ ...list, defaultValue: [1, 2147483648] }))).toContain(
      'does not fit type "int32_list" (a list of a whole number from -2147483648 to 2147483647)',
    );
  });
});

describe('NUL characters are refused in every text value', () => {
  test('in a criterion value, naming the criterion', () => {
    const criteria = { all: [{ property: { type: 'atomic', name: 'page_url' }, operator: '=', value: 'a\u0000b' }] };
    expect(errorOf(view({ criteria }))).toContain('attribute "value": criteria.all[0].value: contains a NUL character');
  });

  test('in an in-list item, a like pattern, a default, a description and the owner', () => {
    const criteria = {
      all: [{ property: { type: 'atomic', name: 'page_url' }, operator: 'in', value: ['ok', 'x\u0000'] }],
      any: [{ property: { type: 'atomic', name: 'page_title' }, operator: 'like', value: '%\u0000%' }],
    };
    const message = errorOf(
      view(
        {
          criteria,
          type: 'string',
          aggregation: 'last',
          property: { type: 'atomic', name: 'page_title' },
          defaultValue: 'n\u0000',
          description: 'd\u0000',
        },
        { owner: 'o\u0000@example.com' },
      ),
    );
    for (const field of ['criteria.all[0].value[1]', 'criteria.any[0].value', 'defaultValue', 'description'])
      expect(message).toContain(`attribute "value": ${field}: contains a NUL character`);
    expect(message).toContain('owner: contains a NUL character');
  });

  test('a value with braces, quotes or dollars is ordinary text and accepted', () => {
    const criteria = {
      all: [{ property: { type: 'atomic', name: 'page_title' }, operator: '=', value: "{{ x }} {% y %} {# z #} 'q' $$ --" }],
    };
    expect(() => parseView(view({ criteria }))).not.toThrow();
  });
});

describe('periods are bounded', () => {
  test('P99999999999D is refused, saying the bound', () => {
    expect(errorOf(view({ period: 'P99999999999D' }))).toContain(
      `period "P99999999999D" is 99999999999 days; at most ${MAX_PERIOD_DAYS} days (100 years) is supported`,
    );
  });

  test('100 years is still a period', () => {
    expect(periodDays(`P${MAX_PERIOD_DAYS}D`)).toBe(MAX_PERIOD_DAYS);
    expect(() => periodDays(`P${MAX_PERIOD_DAYS + 1}D`)).toThrow(/at most/);
  });
});

describe('view names that collide once lower-cased', () => {
  test('are found in pairs; the same name twice is no collision', () => {
    expect(caseCollisions(['CaseView', 'other', 'caseview', 'CaseView'])).toEqual([['CaseView', 'caseview']]);
    expect(caseCollisions(['a', 'a', 'b'])).toEqual([]);
  });
});
