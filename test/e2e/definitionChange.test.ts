/**
 * A view whose definition changes under the same version, through the REAL Pulumi engine (Automation
 * API, inline program) with real dbt on DuckDB and the Signals emulator:
 * - not allowed: `preview` and `up` stop before anything changes, naming the two ways on;
 * - allowed (`rebuildOnDefinitionChange`): `preview` warns that the tables will be rebuilt from history,
 *   `up` rebuilds them, then updates the view in Signals (after the run), and a second `up` changes nothing.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { EngineEvent, Stack } from '@pulumi/pulumi/automation';
import { emulatorStackConfig, ensurePulumiCli, findCommandPlugin, localStack } from '../../examples/quickstart/pulumiCli';
import { BatchAttributeView } from '../../src/component';
import { domainUserid, pagePing, pageView, type Attribute } from '../../src/definition';
import { startEmulator, type EmulatorHandle } from '../../src/emulator';
import { generateEvents, writeEventsCsv } from '../../src/sample';
import { SignalsClient } from '../../src/signals';
import { loadEventsCsv } from '../../src/warehouse/duckdbEvents';
import { queryDuckdb } from '../support/duckdb';

// Per-test timeout of this file: it the real Pulumi engine deploys, updates and destroys stacks that run dbt.
jest.setTimeout(45 * 60_000);

const API_KEY = 'definition-change-api-key-42';
const VIEWS: Attribute = { name: 'page_views', type: 'int64', aggregation: 'counter', events: [pageView()] };
const PINGS: Attribute = { name: 'page_pings', type: 'int64', aggregation: 'counter', events: [pagePing()] };

let dir: string;
let warehouse: string;
let emulator: EmulatorHandle;
let client: SignalsClient;
let stack: Stack;
let runner: 'command' | 'dynamic';
const settings: { attributes: Attribute[]; rebuild: boolean } = { attributes: [VIEWS], rebuild: false };

async function program(): Promise<Record<string, unknown>> {
  const view = new BatchAttributeView('defchange', {
    view: { name: 'defchange_users', version: 1, owner: 'e2e@example.com', attributeKey: domainUserid, attributes: settings.attributes },
    warehouse: { duckdb: { path: warehouse } },
    projectDir: path.join(dir, 'dbt'),
    dbtRunner: runner,
    rebuildOnDefinitionChange: settings.rebuild,
    dbt: { vars: { snowplow__start_date: '2025-01-01', snowplow__mock_current_day: '2025-01-15' } },
  });
  return { lastRun: view.lastRun };
}

const liveAttributes = async () =>
  ((await client.getAttributeGroup('defchange_users', 1))?.attributes as { name: string }[]).map((a) => a.name);
const tableColumns = async () =>
  (
    await queryDuckdb(
      warehouse,
      "select column_name from information_schema.columns where table_schema = 'main_derived' and table_name = 'defchange_users_1_attributes' order by ordinal_position",
    )
  ).map((row) => String(row.column_name));

beforeAll(async () => {
  const cli = await ensurePulumiCli(() => undefined);
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'signals-batch-defchange-'));
  runner = findCommandPlugin(cli.binDir, [path.join(dir, 'pulumi-home')]) ? 'command' : 'dynamic';
  warehouse = path.join(dir, 'warehouse.duckdb');
  const events = path.join(dir, 'events.csv');
  await writeEventsCsv(generateEvents({ users: 12, days: 14 }), events);
  await loadEventsCsv([events], { database: warehouse });
  emulator = await startEmulator({ credentials: { apiKey: API_KEY } });
  client = new SignalsClient({ apiUrl: emulator.url, auth: { mode: 'sandbox', sandboxToken: emulator.credentials.sandboxToken } });
  stack = await localStack({
    cli,
    projectName: 'signals-batch-defchange',
    stackName: 'e2e',
    program,
    stateDir: dir,
    passphrase: 'defchange',
    config: emulatorStackConfig(emulator),
  });
  expect((await stack.up()).summary.result).toBe('succeeded');
}, 45 * 60_000);

afterAll(async () => {
  await emulator?.close();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

describe('a definition change under the same version', () => {
  it('is refused by preview and up before anything changes, naming both ways on', async () => {
    settings.attributes = [VIEWS, PINGS];
    const columns = await tableColumns();
    for (const operation of [() => stack.preview(), () => stack.up()]) {
      const error = (await operation().catch((e: Error) => e)) as Error;
      expect(error).toBeInstanceOf(Error);
      expect(error.message).toMatch(
        /changed under the same version, so its tables \(built from the old definition\) would have to be rebuilt from the whole event history/,
      );
      expect(error.message).toMatch(/give the view a new version/);
      expect(error.message).toMatch(/rebuildOnDefinitionChange: true/);
      expect(await liveAttributes()).toEqual(['page_views']);
      expect(await tableColumns()).toEqual(columns);
    }
  });

  it('when allowed, is announced by preview as a rebuild from history, and preview changes nothing', async () => {
    settings.rebuild = true;
    const events: EngineEvent[] = [];
    const preview = await stack.preview({ onEvent: (e) => events.push(e), diff: true });
    const warnings = events
      .map((e) => e.diagnosticEvent)
      .filter((d) => d?.severity === 'warning')
      .map((d) => d?.message ?? '');
    expect(
      warnings.some((w) =>
        /will be rebuilt from the whole event history \(a dbt full refresh\) before the view is updated in Signals/.test(w),
      ),
    ).toBe(true);
    const ops = Object.fromEntries(
      events
        .map((e) => e.resourcePreEvent?.metadata)
        .filter((m) => !!m && m.op !== 'create-replacement' && m.op !== 'delete-replaced')
        .map((m) => [m!.urn.split('::').pop(), m!.op]),
    );
    expect(ops).toMatchObject({ 'defchange-dbt-project': 'update', 'defchange-dbt-run': 'replace', 'defchange-attribute-group': 'update' });
    expect(preview.changeSummary).toMatchObject({ update: 2, replace: 1 });
    expect(await liveAttributes()).toEqual(['page_views']);
    expect(await tableColumns()).not.toContain('page_pings');
  });

  it('up rebuilds the tables from history, then updates the view in Signals', async () => {
    const events: EngineEvent[] = [];
    const up = await stack.up({ onEvent: (e) => events.push(e) });
    expect(up.summary.result).toBe('succeeded');
    expect(await tableColumns()).toContain('page_pings');
    const pings = await queryDuckdb(warehouse, 'select sum(page_pings) as n from main_derived.defchange_users_1_attributes');
    expect(Number(pings[0].n)).toBeGreaterThan(0);
    expect(await liveAttributes()).toEqual(['page_views', 'page_pings']);
    expect(up.outputs.lastRun.value).toMatchObject({ caughtUp: true });
    // Signals changed only after the table: the group's step finished after the run's.
    const finished = events.map((e) => e.resOutputsEvent?.metadata.urn.split('::').pop()).filter((n): n is string => !!n);
    expect(finished.indexOf('defchange-attribute-group')).toBeGreaterThan(finished.indexOf('defchange-dbt-run'));
  });

  it('a second up changes nothing and announces no rebuild', async () => {
    const events: EngineEvent[] = [];
    await stack.preview({ onEvent: (e) => events.push(e), expectNoChanges: true });
    const warnings = events
      .map((e) => e.diagnosticEvent)
      .filter((d) => d?.severity === 'warning')
      .map((d) => d?.message ?? '');
    expect(warnings.filter((w) => /rebuil/.test(w))).toEqual([]);
    const up = await stack.up({ expectNoChanges: true });
    expect(Object.keys(up.summary.resourceChanges ?? {})).toEqual(['same']);
  });
});
