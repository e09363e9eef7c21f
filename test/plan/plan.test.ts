/**
 * Planning: a view compiles into the source columns to project (deduplicated, readable unique
 * aliases), the union of events to keep, per-attribute matching and partial aggregates, and the
 * distinct window lengths.
 */
import {
  atomic,
  entityField,
  event,
  eventField,
  pagePing,
  pageView,
  parseView,
  structuredEvent,
  type Attribute,
} from '../../src/definition';
import { parsePath, planView, schemaColumnStem } from '../../src/plan';
import { sampleView } from '../../src/sample';

function viewOf(attributes: Attribute[], attributeKey: Record<string, unknown> = { name: 'domain_userid' }) {
  return parseView({ name: 'plan_test', version: 4, attributeKey, attributes });
}

const yauaa = (path: string, index = 0) => entityField('nl.basjes', 'yauaa_context', 1, path, index);

describe('names', () => {
  test('project name and key column', () => {
    const plan = planView(viewOf([{ name: 'n', type: 'int64', aggregation: 'counter', events: [pageView()] }]));
    expect(plan.project).toBe('plan_test_4');
    expect(plan).toMatchObject({ viewName: 'plan_test', viewVersion: 4, keyColumn: 'domain_userid' });
    expect(plan.keySource).toEqual({ alias: 'key_value', origin: 'atomic', column: 'domain_userid', kind: 'string', datePart: null });
  });

  test('upper case and leading digits give a valid dbt project name', () => {
    expect(planView(parseView({ ...sampleView(), name: 'Shop_Users' })).project).toBe('shop_users_1');
    expect(planView(parseView({ ...sampleView(), name: '2024_users' })).project).toBe('v_2024_users_1');
  });

  test('a key with its own column or property', () => {
    const byKey = planView(
      viewOf([{ name: 'n', type: 'int64', aggregation: 'counter', events: [pageView()] }], { name: 'customer', key: 'user_id' }),
    );
    expect(byKey.keyColumn).toBe('user_id');
    expect(byKey.keySource).toMatchObject({ origin: 'atomic', column: 'user_id' });
    const byProperty = planView(
      viewOf([{ name: 'n', type: 'int64', aggregation: 'counter', events: [pageView()] }], {
        name: 'customer_id',
        property: entityField('com.acme', 'customer', 1, '$.id'),
      }),
    );
    expect(byProperty.keyColumn).toBe('customer_id');
    expect(byProperty.keySource).toEqual({
      alias: 'key_value',
      origin: 'entity',
      column: 'contexts_com_acme_customer_1',
      index: 0,
      path: ['id'],
      kind: 'text',
      datePart: null,
    });
  });
});

describe('self-describing column names and paths', () => {
  test.each([
    ['nl.basjes', 'yauaa_context', 1, 'nl_basjes_yauaa_context_1'],
    ['com.acme', 'userContext', 2, 'com_acme_user_context_2'],
    ['com.acme-eu', 'check-out', 1, 'com_acme_eu_check_out_1'],
    [
      'com.snowplowanalytics.snowplow.ecommerce',
      'snowplow_ecommerce_action',
      1,
      'com_snowplowanalytics_snowplow_ecommerce_snowplow_ecommerce_action_1',
    ],
  ])('%s / %s / %d -> %s', (vendor, name, major, stem) => {
    expect(schemaColumnStem(vendor, name, major)).toBe(stem);
  });

  test.each([
    ['$.deviceClass', ['deviceClass']],
    ['$.a.b.c', ['a', 'b', 'c']],
    ['$.items[0].sku', ['items', 0, 'sku']],
    ['$.m[1][2]', ['m', 1, 2]],
    ['plain.path', ['plain', 'path']],
  ])('path %s', (path, parts) => {
    expect(parsePath(path)).toEqual(parts);
  });
});

describe('sources', () => {
  test('a property used several times is projected once; aliases are unique and readable', () => {
    const plan = planView(
      viewOf([
        { name: 'first_country', type: 'string', aggregation: 'first', events: [pageView()], property: atomic('geo_country') },
        { name: 'last_country', type: 'string', aggregation: 'last', events: [pageView()], property: atomic('geo_country') },
        {
          name: 'de_views',
          type: 'int64',
          aggregation: 'counter',
          events: [pageView()],
          criteria: { all: [{ property: atomic('geo_country'), operator: '=', value: 'DE' }] },
        },
        { name: 'first_class', type: 'string', aggregation: 'first', events: [pageView()], property: yauaa('$.deviceClass') },
        { name: 'second_class', type: 'string', aggregation: 'first', events: [pageView()], property: yauaa('$.deviceClass', 1) },
        {
          name: 'total',
          type: 'double',
          aggregation: 'sum',
          events: [event('com.acme', 'checkout')],
          property: eventField('com.acme', 'checkout', 1, '$.order.total'),
        },
        { name: 'dvce', type: 'string', aggregation: 'last', events: [pageView()], property: atomic('refr_device_tstamp') },
      ]),
    );
    expect(plan.sources).toEqual([
      { alias: 'p01_geo_country', origin: 'atomic', column: 'geo_country', kind: 'string', datePart: null },
      {
        alias: 'p02_device_class',
        origin: 'entity',
        column: 'contexts_nl_basjes_yauaa_context_1',
        index: 0,
        path: ['deviceClass'],
        kind: 'text',
        datePart: null,
      },
      {
        alias: 'p03_device_class',
        origin: 'entity',
        column: 'contexts_nl_basjes_yauaa_context_1',
        index: 1,
        path: ['deviceClass'],
        kind: 'text',
        datePart: null,
      },
      {
        alias: 'p04_total',
        origin: 'event',
        column: 'unstruct_event_com_acme_checkout_1',
        index: null,
        path: ['order', 'total'],
        kind: 'text',
        datePart: null,
      },
      // the API enum spells refr_device_tstamp; warehouses spell refr_dvce_tstamp
      { alias: 'p05_refr_dvce_tstamp', origin: 'atomic', column: 'refr_dvce_tstamp', kind: 'timestamp', datePart: null },
    ]);
    expect(plan.attributes.map((a) => a.source)).toEqual([
      'p01_geo_country',
      'p01_geo_country',
      null,
      'p02_device_class',
      'p03_device_class',
      'p04_total',
      'p05_refr_dvce_tstamp',
    ]);
    expect(plan.attributes[2].all).toEqual([{ source: 'p01_geo_country', operator: '=', value: 'DE' }]);
  });

  test('the sample view: every alias unique, valid as an identifier, at most 60 characters', () => {
    const plan = planView(parseView(sampleView()));
    const aliases = plan.sources.map((s) => s.alias);
    expect(new Set(aliases).size).toBe(aliases.length);
    for (const a of aliases) expect(a).toMatch(/^p\d{2}_[a-z0-9_]{1,56}$/);
    const kinds = new Set(plan.sources.map((s) => s.origin));
    expect([...kinds].sort()).toEqual(['atomic', 'calculated', 'entity', 'event']);
  });
});

describe('events', () => {
  test('the union of all attributes events, deduplicated and sorted', () => {
    const plan = planView(
      viewOf([
        { name: 'a', type: 'int64', aggregation: 'counter', events: [pageView(), pagePing()] },
        { name: 'b', type: 'int64', aggregation: 'counter', events: [pagePing(), structuredEvent()] },
        { name: 'c', type: 'int64', aggregation: 'counter', events: [event('com.acme', 'page_view', '1-0-0')] },
      ]),
    );
    expect(plan.events).toEqual([
      { vendor: 'com.acme', name: 'page_view', version: '1-0-0' },
      { vendor: 'com.google.analytics', name: 'event', version: '1-0-0' },
      { vendor: 'com.snowplowanalytics.snowplow', name: 'page_ping', version: '1-0-0' },
      { vendor: 'com.snowplowanalytics.snowplow', name: 'page_view', version: '1-0-0' },
    ]);
  });

  test('a versionless event covers the versioned events of the same vendor and name', () => {
    const plan = planView(
      viewOf([
        {
          name: 'a',
          type: 'int64',
          aggregation: 'counter',
          events: [event('com.acme', 'checkout', '1-0-0'), event('com.acme', 'checkout', '1-0-1')],
        },
        { name: 'b', type: 'int64', aggregation: 'counter', events: [event('com.acme', 'checkout')] },
        { name: 'c', type: 'int64', aggregation: 'counter', events: [event('com.other', 'checkout', '1-0-0')] },
      ]),
    );
    expect(plan.events).toEqual([
      { vendor: 'com.acme', name: 'checkout' },
      { vendor: 'com.other', name: 'checkout', version: '1-0-0' },
    ]);
    // each attribute still keeps its own events
    expect(plan.attributes[0].events).toHaveLength(2);
    expect(plan.attributes[1].events).toEqual([{ vendor: 'com.acme', name: 'checkout' }]);
  });
});

describe('attributes', () => {
  test('periods in days; distinct window lengths ascending; lifetime is null', () => {
    const a = (name: string, period?: string): Attribute => ({
      name,
      type: 'int64',
      aggregation: 'counter',
      events: [pageView()],
      ...(period ? { period } : {}),
    });
    const plan = planView(viewOf([a('w', 'P1W'), a('d', 'P7D'), a('h', 'PT48H'), a('l'), a('m', 'P30D')]));
    expect(plan.attributes.map((x) => x.periodDays)).toEqual([7, 7, 2, null, 30]);
    expect(plan.periods).toEqual([2, 7, 30]);
  });

  test('daily partial aggregates per aggregation: scalars that combine, or per-value rows', () => {
    const plan = planView(parseView(sampleView()));
    const parts = Object.fromEntries(plan.attributes.map((x) => [x.aggregation, x.dailyColumns.map((c) => c.part)]));
    expect(parts).toEqual({
      counter: ['count'],
      sum: ['sum'],
      mean: ['sum', 'n'],
      min: ['min'],
      max: ['max'],
      // the value and its (derived_tstamp, event_id) key, so a later day or event can win
      first: ['first', 'first_key'],
      last: ['last', 'last_key'],
      // the earliest or latest event time; the elapsed time is taken at the window end
      time_since_first: ['earliest'],
      time_since_last: ['latest'],
      // counted per value in daily_values, ranked or counted when the attribute is built
      unique_list: [],
      most_frequent: [],
      least_frequent: [],
      category_count: [],
      approx_count_distinct: [],
    });
    const valueSets = Object.fromEntries(plan.attributes.map((x) => [x.aggregation, x.valueSet]));
    expect(valueSets).toMatchObject({ unique_list: true, counter: false, first: false });
    expect(plan.hasValueSets).toBe(true);
    const mean = plan.attributes.find((x) => x.aggregation === 'mean')!;
    expect(mean.dailyColumns.map((c) => c.name)).toEqual([`${mean.name}__sum`, `${mean.name}__n`]);
  });

  test('value types, defaults and criteria groups', () => {
    const plan = planView(parseView(sampleView()));
    const byName = Object.fromEntries(plan.attributes.map((x) => [x.name, x]));
    expect(byName.page_views_lifetime).toMatchObject({ index: 0, source: null, valueType: 'number', defaultValue: null, periodDays: null });
    expect(byName.first_mkt_source).toMatchObject({ valueType: 'string', defaultValue: 'direct' });
    expect(byName.last_member_flag).toMatchObject({ valueType: 'boolean', defaultValue: false });
    expect(byName.countries_seen).toMatchObject({ valueType: 'string', type: 'string_list' });
    expect(byName.extreme_video_events_48h.all).toHaveLength(1);
    expect(byName.extreme_video_events_48h.any.map((c) => c.operator)).toEqual(['<', '>']);
    expect(plan.attributes.map((x) => x.index)).toEqual(plan.attributes.map((_, i) => i));
  });
});
