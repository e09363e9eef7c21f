/**
 * Property paths on a warehouse engine, in that warehouse's own layout: an entity past index 0,
 * a list inside an entity, nested fields of a self-describing event, camelCase keys (kept on
 * Snowflake, snake_case on BigQuery and Databricks), an index past the end (NULL, not an error),
 * and on BigQuery the 1.x loader's full-version columns coalesced with the major-version column.
 * A fractional value in a whole-number list rounds (half away from zero) on every warehouse.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { entityField, event, eventField, parseView } from '../../src/definition';
import { generateProject, writeProject } from '../../src/dbt';
import { runUntilCaughtUp } from '../../src/runner';
import type { WarehouseEngine } from '../support/warehouses/engine';
import { tempDir } from '../support/run';

const order = () => event('com.acme', 'order');
const view = parseView({
  name: 'paths',
  version: 1,
  attributeKey: { name: 'domain_userid' },
  attributes: [
    {
      name: 'second_sku',
      type: 'string',
      aggregation: 'last',
      events: [order()],
      property: entityField('com.acme', 'product', 1, '$.skuCode', 1),
    },
    {
      name: 'second_tag',
      type: 'string',
      aggregation: 'last',
      events: [order()],
      property: entityField('com.acme', 'product', 1, '$.tagList[1].labelName'),
    },
    {
      name: 'order_total',
      type: 'double',
      aggregation: 'max',
      events: [order()],
      property: eventField('com.acme', 'order', 1, '$.orderInfo.totalValue'),
    },
    {
      name: 'order_totals',
      type: 'int64_list',
      aggregation: 'unique_list',
      events: [order()],
      property: eventField('com.acme', 'order', 1, '$.orderInfo.totalValue'),
    },
    {
      name: 'second_item',
      type: 'string',
      aggregation: 'last',
      events: [order()],
      property: eventField('com.acme', 'order', 1, '$.orderInfo.lineItems[1].itemName'),
    },
  ],
});

const HEADER = [
  'app_id',
  'platform',
  'event',
  'event_id',
  'domain_userid',
  'collector_tstamp',
  'dvce_created_tstamp',
  'derived_tstamp',
  'load_tstamp',
  'event_vendor',
  'event_name',
  'event_format',
  'event_version',
  'contexts_com_acme_product_1_0_0',
  'unstruct_event_com_acme_order_1_0_0',
  'unstruct_event_com_acme_order_1_0_1',
];

const product = (items: Array<{ skuCode: string; tags: string[] }>) =>
  JSON.stringify(items.map((i) => ({ skuCode: i.skuCode, price: 1.5, tagList: i.tags.map((t) => ({ labelName: t })) })));
const orderJson = (total: number, items: string[]) =>
  JSON.stringify({ orderInfo: { totalValue: total, lineItems: items.map((itemName) => ({ itemName })) } });

/** u1 and u2 load on the first days (BigQuery: the 1.x loader's columns 1-0-0 and 1-0-1), u3 later (the major-version column). */
const EVENTS = [
  [
    'u1',
    '2025-01-02 10:00:00',
    '1-0-0',
    product([
      { skuCode: 'a', tags: ['x'] },
      { skuCode: 'b', tags: [] },
    ]),
    orderJson(10, ['p', 'q']),
    '',
  ],
  ['u1', '2025-01-02 11:00:00', '1-0-0', product([{ skuCode: 'c', tags: ['x', 'y'] }]), orderJson(4, ['p']), ''],
  ['u2', '2025-01-03 10:00:00', '1-0-1', product([{ skuCode: 'e', tags: ['z'] }]), '', orderJson(20.5, ['r', 's'])],
  [
    'u3',
    '2025-01-06 10:00:00',
    '1-0-1',
    product([
      { skuCode: 'f', tags: [] },
      { skuCode: 'g', tags: [] },
    ]),
    '',
    orderJson(7, ['t', 'u']),
  ],
];

const EXPECTED = [
  // last = the last non-null value: u1's last order has no second product and no second line item
  { domain_userid: 'u1', second_sku: 'b', second_tag: 'y', order_total: 10, order_totals: [4, 10], second_item: 'q' },
  { domain_userid: 'u2', second_sku: null, second_tag: null, order_total: 20.5, order_totals: [21], second_item: 's' },
  { domain_userid: 'u3', second_sku: 'g', second_tag: null, order_total: 7, order_totals: [7], second_item: 'u' },
];

/** A list cell as numbers (Snowflake's client gives an array as JSON text). */
function listOfNumbers(cell: unknown): number[] | null {
  if (cell === null) return null;
  const list = typeof cell === 'string' ? JSON.parse(cell) : cell;
  return (list as unknown[]).map(Number);
}

function csvLine(values: string[]): string {
  return values.map((v) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(',');
}

export function pathSuite(engine: WarehouseEngine, ns = 'paths'): void {
  describe(`property paths in the ${engine.target} layout (${engine.engineName})`, () => {
    test('entity index > 0, lists inside entities and events, camelCase keys, an index past the end, every loaded schema version', async () => {
      const work = tempDir(`paths-${engine.target}`);
      const rows = EVENTS.map(([user, ts, version, products, v100, v101], i) => {
        const load = ts.replace(/ .*/, ' 23:00:00');
        return csvLine([
          'paths',
          'web',
          'unstruct',
          `e${i}`,
          user,
          ts,
          ts,
          ts,
          load,
          'com.acme',
          'order',
          'jsonschema',
          version,
          products,
          v100,
          v101,
        ]);
      });
      const file = path.join(work, 'events.csv');
      fs.writeFileSync(file, [csvLine(HEADER), ...rows].join('\n') + '\n');
      await engine.loadEventsCsv(ns, [file]);
      const project = generateProject(view, {
        target: engine.target,
        vars: { snowplow__start_date: '2025-01-01', snowplow__mock_current_day: '2025-01-10', ...engine.sourceVars(ns) },
      });
      const projectDir = await writeProject(path.join(work, 'projects'), project);
      const run = await runUntilCaughtUp({ projectDir, connection: engine.connection(ns), log: () => undefined });
      expect(run.caughtUp).toBe(true);
      const table = await engine.readTable(ns, 'derived', project.tables.attributes, 'domain_userid');
      expect(
        table.map(({ updated_at: _, ...r }) => ({
          ...r,
          order_total: r.order_total === null ? null : Number(r.order_total),
          order_totals: listOfNumbers(r.order_totals),
        })),
      ).toEqual(EXPECTED);
    }, 1_800_000);
  });
}
