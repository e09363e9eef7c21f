/**
 * A deterministic synthetic Snowplow events generator: atomic event rows as a CSV export holds
 * them (self-describing columns in full-version form, JSON as text), with the untidy parts of
 * real data on purpose — late loads, re-sent event_ids, NULL keys, events before the start date,
 * two vendors sharing an event name, quotes and `--` in values, several entities per event.
 * No dependencies: a seeded PRNG makes every run byte-identical for the same options.
 * Every event kind draws from the one seeded stream in a fixed order, so the kinds stay together
 * here; what they draw from is in catalogue.ts, the users in users.ts, the CSV form in csv.ts.
 */
import { Random } from './random';
import { DAY, formatTimestamp, parseDate, withOffset } from './time';
import { drawUsers, type User } from './users';
import { ACQUISITIONS, DUPLICATE_MARKER_COUNTRY, PAGES, PRODUCTS, SAMPLE_EVENT_COLUMNS, STRUCT_EVENTS, type EventRow } from './catalogue';

export interface SampleEventsOptions {
  /** PRNG seed (default 20250101). */
  seed?: number;
  /** Distinct users (domain_userid values; default 400). */
  users?: number;
  /** Days of event time from `startDate` (default 35). */
  days?: number;
  /** First day of event time, `YYYY-MM-DD` (default `2025-01-01`). */
  startDate?: string;
  /** Share of events loaded late: 1 to `maxLateDays` days after they happened (default 0.06). */
  lateFraction?: number;
  /** Longest load delay of a late event, in days (default 10). */
  maxLateDays?: number;
  /** Share of events re-sent with the same event_id and loaded again later (default 0.03). */
  duplicateFraction?: number;
  /** Longest delay between the first and a re-sent copy's load, in days (default 5). */
  maxDuplicateDelayDays?: number;
  /** Share of events without a domain_userid (default 0.02). */
  nullKeyFraction?: number;
  /** Share of sessions 1-3 days before `startDate` (default 0.03). */
  beforeStartFraction?: number;
  /** Share of users tracked by another app than `SAMPLE_APP_ID` (default 0.05). */
  otherAppFraction?: number;
}

const SNOWPLOW = 'com.snowplowanalytics.snowplow';
const ACME = 'com.acme';
const round2 = (x: number) => Math.round(x * 100) / 100;

/** The atomic columns that name an event's type. */
function eventType(event: string, vendor: string, name: string, version: string): EventRow {
  return { event, event_vendor: vendor, event_name: name, event_version: version };
}

/** Generate atomic event rows, sorted by load_tstamp then event_id. */
export function generateEvents(options: SampleEventsOptions = {}): EventRow[] {
  const o = {
    seed: options.seed ?? 20250101,
    users: options.users ?? 400,
    days: options.days ?? 35,
    startDate: options.startDate ?? '2025-01-01',
    lateFraction: options.lateFraction ?? 0.06,
    maxLateDays: options.maxLateDays ?? 10,
    duplicateFraction: options.duplicateFraction ?? 0.03,
    maxDuplicateDelayDays: options.maxDuplicateDelayDays ?? 5,
    nullKeyFraction: options.nullKeyFraction ?? 0.02,
    beforeStartFraction: options.beforeStartFraction ?? 0.03,
    otherAppFraction: options.otherAppFraction ?? 0.05,
  };
  if (o.users < 1 || o.days < 1) throw new Error('users and days must be 1 or more');
  if (o.maxLateDays < 1) throw new Error('maxLateDays must be 1 or more');
  const rng = new Random(o.seed);
  const start = parseDate(o.startDate);
  const rows: EventRow[] = [];

  const users = drawUsers(rng, o.users, o.otherAppFraction, start);

  for (const user of users) {
    const sessionCount = Math.min(14, 1 + Math.floor(-Math.log(1 - rng.next()) * 3));
    const starts: number[] = [];
    for (let s = 0; s < sessionCount; s++) {
      const day = rng.chance(o.beforeStartFraction) ? -rng.int(1, 3) : rng.int(0, o.days - 1);
      starts.push(start + day * DAY + rng.int(0, 86_399) * 1000 + rng.int(0, 999));
    }
    starts.sort((a, b) => a - b);
    starts.forEach((sessionStart, index) => emitSession(rng, o, start, user, index + 1, sessionStart, rows));
  }

  // Re-sent copies: the same event_id loaded again later (a different geo_country marks the copy).
  const originals = rows.length;
  for (let i = 0; i < originals; i++) {
    if (!rng.chance(o.duplicateFraction)) continue;
    const first = rows[i];
    const delay = rng.int(3_600_000, o.maxDuplicateDelayDays * DAY);
    const shift = (column: string) => formatTimestamp(Date.parse(`${String(first[column]).replace(' ', 'T')}Z`) + delay);
    rows.push({
      ...first,
      collector_tstamp: shift('collector_tstamp'),
      etl_tstamp: shift('etl_tstamp'),
      load_tstamp: shift('load_tstamp'),
      geo_country: DUPLICATE_MARKER_COUNTRY,
    });
  }

  rows.sort((a, b) => String(a.load_tstamp).localeCompare(String(b.load_tstamp)) || String(a.event_id).localeCompare(String(b.event_id)));
  return rows;
}

function emitSession(
  rng: Random,
  o: Required<SampleEventsOptions>,
  start: number,
  user: User,
  sessionIndex: number,
  sessionStart: number,
  rows: EventRow[],
): void {
  const sessionId = rng.uuid();
  const acquisition = rng.weighted(ACQUISITIONS);
  const yauaa = JSON.stringify([
    { deviceClass: user.device.deviceClass, operatingSystemName: user.device.os, agentName: user.device.agent, agentClass: 'Browser' },
  ]);
  const userEntity = user.userId
    ? JSON.stringify([{ plan: user.plan, member: user.member, tier: rng.int(1, 3), signupTime: user.signupTime }])
    : null;
  let t = sessionStart;

  const base = (): EventRow => {
    const row: EventRow = Object.fromEntries(SAMPLE_EVENT_COLUMNS.map((c) => [c, null]));
    Object.assign(row, {
      app_id: user.appId,
      platform: 'web',
      event_format: 'jsonschema',
      name_tracker: 'sp',
      v_tracker: 'js-3.24.0',
      v_collector: 'ssc-3.2.0-kinesis',
      v_etl: 'snowplow-enrich-kinesis-4.1.0',
      user_id: user.userId,
      user_ipaddress: `203.0.113.${rng.int(1, 254)}`,
      domain_userid: rng.chance(o.nullKeyFraction) ? null : user.domainUserid,
      domain_sessionidx: sessionIndex,
      domain_sessionid: sessionId,
      network_userid: user.networkUserid,
      geo_country: user.country[0],
      geo_city: user.country[1],
      geo_timezone: user.country[2],
      useragent: `Mozilla/5.0 (${user.device.os}) ${user.device.agent}`,
      br_lang: user.lang,
      dvce_ismobile: user.device.mobile,
      dvce_screenwidth: user.device.w,
      dvce_screenheight: user.device.h,
      contexts_nl_basjes_yauaa_context_1_0_0: yauaa,
      contexts_com_acme_user_1_0_0: userEntity,
    });
    return row;
  };

  const stamp = (row: EventRow, at: number) => {
    const created = at + user.clockSkew;
    const sent = created + (rng.chance(0.05) ? rng.int(60_000, 3_600_000) : rng.int(0, 2_000));
    const collector = at + (sent - created) + rng.int(50, 1_500);
    const derived = collector - (sent - created);
    const etl = collector + rng.int(60_000, 600_000);
    let load: number;
    if (derived < start && rng.chance(0.5)) {
      // a backlog: events from before the start date loaded on or after it
      load = start + rng.int(0, 86_399_000);
    } else if (rng.chance(o.lateFraction)) {
      load = collector + rng.int(1, o.maxLateDays) * DAY + rng.int(0, 86_399_000);
    } else {
      load = etl + rng.int(30_000, 1_800_000);
    }
    Object.assign(row, {
      dvce_created_tstamp: formatTimestamp(created),
      dvce_sent_tstamp: formatTimestamp(sent),
      collector_tstamp: formatTimestamp(collector),
      derived_tstamp: formatTimestamp(derived),
      etl_tstamp: formatTimestamp(etl),
      load_tstamp: formatTimestamp(Math.max(load, etl + 1)),
      event_id: rng.uuid(),
    });
    rows.push(row);
  };

  const cart = (): Array<{ sku: string; name: string; price: number; quantity: number }> =>
    Array.from({ length: rng.int(1, 3) }, () => {
      const [sku, name, price] = rng.pick(PRODUCTS);
      return { sku, name, price, quantity: rng.int(1, 4) };
    });

  if (user.errorsOnly) {
    for (let e = rng.int(1, 3); e > 0; e--) {
      const error = base();
      Object.assign(error, {
        ...eventType('unstruct', SNOWPLOW, 'application_error', '1-0-2'),
        unstruct_event_com_snowplowanalytics_snowplow_application_error_1_0_2: JSON.stringify({
          programmingLanguage: 'JAVASCRIPT',
          message: "TypeError: can't read 'id' -- of undefined",
        }),
      });
      stamp(error, t);
      t += rng.int(1, 60) * 1000;
    }
    return;
  }

  const pageViews = rng.int(1, 5);
  for (let v = 0; v < pageViews; v++) {
    const [pagePath, title] = rng.pick(PAGES);
    const page = (row: EventRow) =>
      Object.assign(row, {
        page_url: `https://shop.example.com${pagePath}`,
        page_title: title,
        page_urlscheme: 'https',
        page_urlhost: 'shop.example.com',
        page_urlpath: pagePath,
        page_referrer: v === 0 ? acquisition.referrer : 'https://shop.example.com/',
        refr_medium: v === 0 ? acquisition.refrMedium : 'internal',
        refr_source: v === 0 ? acquisition.refrSource : null,
        mkt_medium: v === 0 ? acquisition.medium : null,
        mkt_source: v === 0 ? acquisition.source : null,
        mkt_campaign: v === 0 ? acquisition.campaign : null,
      });

    const pv = page(base());
    Object.assign(pv, eventType('page_view', SNOWPLOW, 'page_view', '1-0-0'));
    if (rng.chance(0.4)) pv.contexts_com_acme_cart_1_0_0 = JSON.stringify(cart());
    stamp(pv, t);

    if (rng.chance(0.3)) {
      // com.acme's own page_view: same name as Snowplow's, another vendor
      const acme = page(base());
      Object.assign(acme, {
        ...eventType('unstruct', ACME, 'page_view', '1-0-0'),
        unstruct_event_com_acme_page_view_1_0_0: JSON.stringify({
          screen: pagePath,
          section: rng.pick(['catalog', 'content', "editor's pick"]),
        }),
      });
      stamp(acme, t + rng.int(100, 900));
    }

    const pings = rng.int(0, 4);
    for (let p = 1; p <= pings; p++) {
      const ping = page(base());
      Object.assign(ping, {
        ...eventType('page_ping', SNOWPLOW, 'page_ping', '1-0-0'),
        pp_xoffset_min: 0,
        pp_xoffset_max: rng.int(0, 40),
        pp_yoffset_min: rng.int(0, 200 * p),
        pp_yoffset_max: rng.int(200 * p, 1200 * p),
      });
      stamp(ping, t + p * 10_000 + rng.int(0, 999));
    }

    if (rng.chance(0.25)) {
      // an event no attribute of the sample view counts
      const click = page(base());
      Object.assign(click, {
        ...eventType('unstruct', SNOWPLOW, 'link_click', '1-0-1'),
        unstruct_event_com_snowplowanalytics_snowplow_link_click_1_0_1: JSON.stringify({
          targetUrl: 'https://shop.example.com/help',
          elementId: 'footer',
        }),
      });
      stamp(click, t + rng.int(10_000, 60_000));
    }

    if (rng.chance(0.2)) {
      const [category, action, label] = rng.pick(STRUCT_EVENTS);
      const se = page(base());
      Object.assign(se, {
        ...eventType('struct', 'com.google.analytics', 'event', '1-0-0'),
        se_category: category,
        se_action: action,
        se_label: label,
        se_property: rng.chance(0.5) ? 'hero' : null,
        se_value: rng.chance(0.1) ? null : rng.chance(0.2) ? rng.int(0, 1000) / 10 : rng.int(0, 100),
      });
      stamp(se, t + rng.int(1_000, 9_000));
    }
    t += rng.int(20, 300) * 1000 + rng.int(0, 999);
  }

  if (rng.chance(0.18)) {
    const version = rng.chance(0.3) ? '1-0-1' : '1-0-0';
    const suffix = version.replace(/-/g, '_');
    const items = cart();
    const total = round2(items.reduce((s, i) => s + i.price * i.quantity, 0));
    const orderId = `order-${rng.hex(8)}`;
    const checkout = base();
    Object.assign(checkout, {
      ...eventType('unstruct', ACME, 'checkout', version),
      [`contexts_com_acme_cart_${suffix}`]: JSON.stringify(items),
      [`unstruct_event_com_acme_checkout_${suffix}`]: JSON.stringify({
        orderId,
        total,
        currency: 'EUR',
        itemCount: items.reduce((s, i) => s + i.quantity, 0),
        coupon: rng.chance(0.3) ? "SAVE'10 -- now" : null,
        items: items.map((i) => ({ sku: i.sku, quantity: i.quantity })),
        // the shop's local time (UTC+5:30): its date and hour differ from UTC's near midnight
        placedAt: withOffset(t, 330),
        ...(version === '1-0-1' ? { express: rng.chance(0.5) } : {}),
      }),
    });
    stamp(checkout, t);
    const transaction = base();
    Object.assign(transaction, {
      ...eventType('transaction', SNOWPLOW, 'transaction', '1-0-0'),
      tr_orderid: orderId,
      tr_total: total,
      tr_tax: round2(total * 0.19),
      tr_currency: 'EUR',
    });
    stamp(transaction, t + rng.int(500, 3_000));
  }
}
