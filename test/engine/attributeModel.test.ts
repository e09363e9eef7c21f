/**
 * The 2026 attribute model, computed in batch: each aggregation, operator, date part and
 * calculated property on a handful of events whose expected values are worked out by hand here.
 */
import * as path from 'node:path';
import {
  atomic,
  calculated,
  datePart,
  entityField,
  event,
  eventField,
  pagePing,
  pageView,
  parseView,
  type EventSpec,
} from '../../src/definition';
import { generateProject, writeProject } from '../../src/dbt';
import { runUntilCaughtUp } from '../../src/runner';
import { writeEventsCsv, type EventRow } from '../../src/sample';
import { loadEventsCsv } from '../../src/warehouse/duckdbEvents';
import { queryDuckdb } from '../support/duckdb';
import { collectLog, tempDir } from '../support/run';
import { type Row } from '../support/tables';

// Per-test timeout of this file: it runs dbt, several times per test: minutes on a busy 2-core machine.
jest.setTimeout(10 * 60_000);

const checkout = (): EventSpec => event('com.acme', 'checkout', '1-0-0');
const signupTime = entityField('com.acme', 'user', 1, '$.signupTime');
const placedAt = eventField('com.acme', 'checkout', 1, '$.placedAt');
const cartPrice = (index: number) => entityField('com.acme', 'cart', 1, '$.price', index);

const view = parseView({
  name: 'model_2026',
  attributeKey: { name: 'domain_userid' },
  attributes: [
    { name: 'top_country', type: 'string', aggregation: 'most_frequent', events: [pageView()], property: atomic('geo_country') },
    { name: 'rare_country', type: 'string', aggregation: 'least_frequent', events: [pageView()], property: atomic('geo_country') },
    { name: 'country_views', type: 'dict', aggregation: 'category_count', events: [pageView()], property: atomic('geo_country') },
    { name: 'countries', type: 'int64', aggregation: 'approx_count_distinct', events: [pageView()], property: atomic('geo_country') },
    { name: 'hours_since_view', type: 'int64', aggregation: 'time_since_last', events: [pageView()], timeUnit: 'h', defaultValue: -1 },
    { name: 'minutes_since_first_event', type: 'int64', aggregation: 'time_since_first', events: [], timeUnit: 'min', period: 'P7D' },
    { name: 'events_of_any_kind', type: 'int64', aggregation: 'counter', events: [] },
    {
      name: 'views_without_source',
      type: 'int64',
      aggregation: 'counter',
      events: [pageView()],
      criteria: { all: [{ property: atomic('mkt_source'), operator: 'is null' }] },
    },
    {
      name: 'views_with_source',
      type: 'int64',
      aggregation: 'counter',
      events: [pageView()],
      criteria: { all: [{ property: atomic('mkt_source'), operator: 'is not null' }] },
    },
    {
      name: 'usual_hour',
      type: 'int64',
      aggregation: 'most_frequent',
      events: [pageView()],
      property: datePart(atomic('derived_tstamp'), 'hour_of_day'),
    },
    {
      name: 'weekdays',
      type: 'int64_list',
      aggregation: 'unique_list',
      events: [pageView()],
      property: datePart(atomic('derived_tstamp'), 'day_of_week'),
    },
    { name: 'signup_month', type: 'int32', aggregation: 'min', events: [pageView()], property: datePart(signupTime, 'month_of_year') },
    {
      name: 'order_days',
      type: 'string_list',
      aggregation: 'unique_list',
      events: [checkout()],
      property: datePart(placedAt, 'active_day'),
    },
    {
      name: 'active_weeks',
      type: 'int64',
      aggregation: 'approx_count_distinct',
      events: [pageView()],
      property: datePart(atomic('derived_tstamp'), 'active_week'),
    },
    {
      name: 'views_by_month',
      type: 'dict',
      aggregation: 'category_count',
      events: [pageView()],
      property: datePart(atomic('derived_tstamp'), 'active_month'),
    },
    {
      name: 'afternoon_orders',
      type: 'int64',
      aggregation: 'counter',
      events: [checkout()],
      criteria: { all: [{ property: datePart(placedAt, 'hour_of_day'), operator: '>=', value: 12 }] },
    },
    {
      name: 'last_place',
      type: 'string',
      aggregation: 'last',
      events: [pageView()],
      property: calculated.concat([atomic('geo_country'), atomic('geo_city')], ' / '),
    },
    {
      name: 'revenue_with_tax',
      type: 'double',
      aggregation: 'sum',
      events: [checkout()],
      property: calculated.sum([atomic('tr_total'), atomic('tr_tax')]),
    },
    {
      name: 'largest_line',
      type: 'double',
      aggregation: 'max',
      events: [checkout()],
      property: calculated.product([cartPrice(0), entityField('com.acme', 'cart', 1, '$.quantity', 0)]),
    },
    {
      name: 'cheaper_of_two',
      type: 'double',
      aggregation: 'min',
      events: [checkout()],
      property: calculated.min([cartPrice(0), cartPrice(1)]),
    },
    {
      name: 'dearer_of_two',
      type: 'double',
      aggregation: 'max',
      events: [checkout()],
      property: calculated.max([cartPrice(0), cartPrice(1)]),
    },
    {
      name: 'source_or_referrer',
      type: 'string_list',
      aggregation: 'unique_list',
      events: [pageView()],
      property: calculated.coalesce([atomic('mkt_source'), atomic('refr_source')]),
    },
    { name: 'first_view_at', type: 'timestamp', aggregation: 'first', events: [pageView()], property: atomic('derived_tstamp') },
  ],
});

let sequence = 0;
function eventRow(user: string, at: string, spec: EventSpec, fields: EventRow = {}): EventRow {
  sequence += 1;
  return {
    app_id: 'web',
    event_id: `00000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`,
    event_vendor: spec.vendor,
    event_name: spec.name,
    event_version: spec.version ?? '1-0-0',
    domain_userid: user,
    derived_tstamp: at,
    dvce_created_tstamp: at,
    load_tstamp: at,
    geo_country: null,
    geo_city: null,
    mkt_source: null,
    refr_source: null,
    tr_total: null,
    tr_tax: null,
    contexts_com_acme_user_1_0_0: null,
    contexts_com_acme_cart_1_0_0: null,
    unstruct_event_com_acme_checkout_1_0_0: null,
    ...fields,
  };
}

const EVENTS: EventRow[] = [
  // ana: DE twice, FR and US once each (a tie for the fewest, broken by the latest view: US)
  eventRow('ana', '2025-01-03 10:00:00', pageView(), { geo_country: 'DE', geo_city: 'Berlin', refr_source: 'Google' }),
  eventRow('ana', '2025-01-04 10:30:00', pageView(), { geo_country: 'FR', geo_city: 'Paris', mkt_source: 'newsletter' }),
  eventRow('ana', '2025-01-05 11:00:00', pageView(), { geo_country: 'DE', geo_city: 'Berlin' }),
  eventRow('ana', '2025-01-06 10:15:00', pageView(), {
    geo_country: 'US',
    geo_city: null,
    // 23:30 at UTC-2 is 01:30 UTC on 1 April
    contexts_com_acme_user_1_0_0: JSON.stringify([{ signupTime: '2024-03-31T23:30:00-02:00' }]),
  }),
  eventRow('ana', '2025-01-07 09:00:00', pagePing()),
  // ana orders twice: placedAt carries an offset, so its day and hour are taken in UTC
  eventRow('ana', '2025-01-06 13:00:00', checkout(), {
    tr_total: 100,
    tr_tax: 19,
    unstruct_event_com_acme_checkout_1_0_0: JSON.stringify({ placedAt: '2025-01-06T14:00:00+01:00' }),
    contexts_com_acme_cart_1_0_0: JSON.stringify([{ price: 20, quantity: 3 }, { price: 35.5 }]),
  }),
  eventRow('ana', '2025-01-07 01:00:00', checkout(), {
    tr_total: 10,
    tr_tax: null,
    // 09:30 at UTC+5 is 04:30 UTC
    unstruct_event_com_acme_checkout_1_0_0: JSON.stringify({ placedAt: '2025-01-07T09:30:00+05:00' }),
    contexts_com_acme_cart_1_0_0: JSON.stringify([{ price: 4, quantity: 2 }]),
  }),
  // bob only pings: no page view, so the page-view aggregations are empty for him
  eventRow('bob', '2024-12-20 08:00:00', pagePing()),
  eventRow('bob', '2025-01-08 08:00:00', pagePing()),
];

const work = tempDir('attribute-model');
const database = path.join(work, 'warehouse.duckdb');
let rows: Map<string, Row>;

beforeAll(async () => {
  await writeEventsCsv(EVENTS, path.join(work, 'events.csv'));
  await loadEventsCsv([path.join(work, 'events.csv')], { database });
  const project = generateProject(view, {
    target: 'duckdb',
    vars: { snowplow__start_date: '2024-12-01', snowplow__mock_current_day: '2025-01-10' },
  });
  const projectDir = await writeProject(path.join(work, 'projects'), project);
  const { log } = collectLog();
  await runUntilCaughtUp({ projectDir, connection: { type: 'duckdb', path: database }, log });
  const table = await queryDuckdb(database, `select * from main_derived.${project.tables.attributes}`);
  rows = new Map(table.map((r) => [String(r.domain_userid), r]));
});

const ana = () => rows.get('ana')!;
const bob = () => rows.get('bob')!;

describe('values and categories', () => {
  test('most_frequent takes the value with the most events; least_frequent breaks a tie by the latest event', () => {
    expect(ana()).toMatchObject({ top_country: 'DE', rare_country: 'US' });
  });
  test('category_count maps each value to its events; approx_count_distinct counts the values exactly', () => {
    expect(normalizeMap(ana().country_views)).toEqual({ DE: 2, FR: 1, US: 1 });
    expect(Number(ana().countries)).toBe(3);
  });
  test('with no matching event: NULL values, an empty count is 0, a dict is NULL', () => {
    expect(bob()).toMatchObject({ top_country: null, rare_country: null, country_views: null });
    expect(Number(bob().countries)).toBe(0);
  });
});

describe('time since an event, measured at the end of the window (2025-01-10 00:00 UTC)', () => {
  test('time_since_last in hours from the last page view (2025-01-06 10:15)', () => {
    expect(Number(ana().hours_since_view)).toBe(85);
  });
  test('time_since_first in minutes from the first event of any kind in the last 7 days (2025-01-03 10:00)', () => {
    expect(Number(ana().minutes_since_first_event)).toBe(9480);
    // bob's ping of 2024-12-20 is outside the window: only 2025-01-08 08:00 counts
    expect(Number(bob().minutes_since_first_event)).toBe(2400);
  });
  test('no matching event takes the default', () => {
    expect(Number(bob().hours_since_view)).toBe(-1);
  });
});

describe('events: [] counts every event', () => {
  test('page views, pings and checkouts alike', () => {
    expect(Number(ana().events_of_any_kind)).toBe(7);
    expect(Number(bob().events_of_any_kind)).toBe(2);
  });
});

describe('is null and is not null test the value itself', () => {
  test('three page views without a marketing source, one with', () => {
    expect(Number(ana().views_without_source)).toBe(3);
    expect(Number(ana().views_with_source)).toBe(1);
  });
});

describe('date parts, in UTC', () => {
  test('hour of day and ISO weekday (Monday 1 to Sunday 7) of atomic timestamps', () => {
    expect(Number(ana().usual_hour)).toBe(10);
    expect(ana().weekdays).toEqual(['1', '5', '6', '7']);
  });
  test('month of an entity timestamp with an offset is the UTC month', () => {
    expect(Number(ana().signup_month)).toBe(4);
  });
  test('active day and hour of an event timestamp with an offset', () => {
    expect(ana().order_days).toEqual(['2025-01-06', '2025-01-07']);
    expect(Number(ana().afternoon_orders)).toBe(1);
  });
  test('active week (its Monday) and active month (its first day)', () => {
    // 3-5 January fall in the week of Monday 30 December 2024, 6 January starts the next one
    expect(Number(ana().active_weeks)).toBe(2);
    expect(normalizeMap(ana().views_by_month)).toEqual({ '2025-01-01': 4 });
  });
});

describe('calculated properties', () => {
  test('concat joins the non-null values with the separator', () => {
    expect(ana().last_place).toBe('US');
  });
  test('sum is NULL when an input is NULL, so the second order adds nothing', () => {
    expect(Number(ana().revenue_with_tax)).toBe(119);
  });
  test('product, min and max per event', () => {
    expect(Number(ana().largest_line)).toBe(60);
    // the second order has one cart line: min and max of it and a missing one are NULL
    expect(Number(ana().cheaper_of_two)).toBe(20);
    expect(Number(ana().dearer_of_two)).toBe(35.5);
  });
  test('coalesce takes the first non-null input', () => {
    expect(ana().source_or_referrer).toEqual(['Google', 'newsletter']);
  });
});

describe('the timestamp type', () => {
  test('first of a timestamp property is a UTC timestamp', () => {
    expect(String(ana().first_view_at)).toMatch(/^2025-01-03[ T]10:00:00/);
  });
});

/** A DuckDB MAP as read through JSON: either an object or a list of {key, value} entries. */
function normalizeMap(value: unknown): Record<string, number> | null {
  if (value === null || value === undefined) return null;
  const entries = Array.isArray(value)
    ? value.map((e: { key: string; value: unknown }) => [e.key, e.value])
    : Object.entries(value as object);
  return Object.fromEntries(entries.map(([k, v]) => [String(k), Number(v)]));
}
