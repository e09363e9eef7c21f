/**
 * BatchAttributeView through the REAL Pulumi engine (Automation API, inline program, local `file://`
 * backend, passphrase secrets) against the Signals emulator with DuckDB and real dbt:
 * preview with field diffs, up, idempotent second up, in-place update, replacement on a version
 * change, refresh showing drift after out-of-band changes, destroy unmaterializing.
 *
 * Needs the Pulumi CLI: `bash scripts/ensure-pulumi.sh` finds or builds it (this test runs it too).
 * A missing CLI fails this suite with the fix; it is never skipped.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { EngineEvent, OpType, Stack } from '@pulumi/pulumi/automation';
import { emulatorStackConfig, ensurePulumiCli, findCommandPlugin, localStack } from '../../examples/quickstart/pulumiCli';
import { BatchAttributeView } from '../../src/component';
import { atomic, domainUserid, pagePing, pageView, type View } from '../../src/definition';
import { startEmulator, type EmulatorHandle } from '../../src/emulator';
import { generateEvents, writeEventsCsv } from '../../src/sample';
import { SignalsClient } from '../../src/signals';
import { loadEventsCsv } from '../../src/warehouse/duckdbEvents';
import { queryDuckdb } from '../support/duckdb';

// Per-test timeout of this file: it the real Pulumi engine deploys, updates and destroys stacks that run dbt.
jest.setTimeout(45 * 60_000);

const PASSPHRASE = 'e2e-test-passphrase';
const API_KEY = 'e2e-api-key-0123456789abcdef';

interface Settings {
  version: number;
  description: string;
  syncFrequency?: 'PT1H' | 'P1D';
  registration?: 'attributes' | 'fields';
}

let dir: string;
let warehouse: string;
let projectsDir: string;
let emulator: EmulatorHandle;
let client: SignalsClient;
let stack: Stack;
let runner: 'command' | 'dynamic';
const settings: Settings = { version: 1, description: 'first description' };

function view(version: number): View {
  return {
    name: 'e2e_users',
    version,
    owner: 'e2e@example.com',
    attributeKey: domainUserid,
    attributes: [
      { name: 'page_views', type: 'int64', aggregation: 'counter', events: [pageView()] },
      { name: 'last_country', type: 'string', aggregation: 'last', events: [pageView(), pagePing()], property: atomic('geo_country') },
    ],
  };
}

async function program(): Promise<Record<string, unknown>> {
  const component = new BatchAttributeView('e2e', {
    view: view(settings.version),
    warehouse: { duckdb: { path: warehouse, schema: 'signals' } },
    projectDir: projectsDir,
    dbtRunner: runner,
    description: settings.description,
    syncFrequency: settings.syncFrequency,
    registration: settings.registration,
    dbt: { vars: { snowplow__start_date: '2025-01-01', snowplow__mock_current_day: '2025-01-15' } },
  });
  return {
    attributeTable: component.attributeTable,
    projectDir: component.projectDir,
    projectHash: component.projectHash,
    batchSourceName: component.batchSourceName,
    attributeGroupName: component.attributeGroupName,
    attributeGroupVersion: component.attributeGroupVersion,
    lastRun: component.lastRun,
  };
}

/** The step events of one operation, by resource name. */
function collector() {
  const events: EngineEvent[] = [];
  const steps = () =>
    events
      .map((e) => e.resourcePreEvent?.metadata)
      .filter((m): m is NonNullable<typeof m> => !!m)
      .map((m) => ({
        name: m.urn.split('::').pop() as string,
        op: m.op,
        keys: m.keys ?? [],
        changed: changedInputs(m.old?.inputs, m.new?.inputs),
      }));
  /** The main step of a resource (`replace` rather than its `create-replacement`/`delete-replaced` companions). */
  const op = (name: string) => {
    const mine = steps().filter((s) => s.name === name);
    return mine.find((s) => s.op === 'replace') ?? mine.find((s) => s.op !== 'create-replacement' && s.op !== 'delete-replaced') ?? mine[0];
  };
  /** Resources whose outputs changed (a refresh that found drift), with the changed keys. */
  const drifted = () =>
    Object.fromEntries(
      events
        .map((e) => e.resOutputsEvent?.metadata)
        .filter((m): m is NonNullable<typeof m> => !!m)
        .map((m) => [m.urn.split('::').pop() as string, changedInputs(m.old?.outputs, m.new?.outputs)] as const)
        .filter(([, keys]) => keys.length > 0),
    );
  return { onEvent: (e: EngineEvent) => events.push(e), steps, op, drifted };
}

/** Input keys whose values differ (what the CLI's `[diff: ~x]` shows for dynamic resources). */
function changedInputs(old: Record<string, unknown> | undefined, now: Record<string, unknown> | undefined): string[] {
  if (!old || !now) return [];
  const keys = new Set([...Object.keys(old), ...Object.keys(now)].filter((k) => !k.startsWith('__')));
  return [...keys].filter((k) => JSON.stringify(old[k]) !== JSON.stringify(now[k])).sort();
}

/** Resource name -> its main operation. */
async function filesUnder(root: string, keep: (file: string) => boolean): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fs.readdir(root, { withFileTypes: true, recursive: true })) {
    const file = path.join(entry.parentPath ?? (entry as unknown as { path: string }).path, entry.name);
    if (entry.isFile() && keep(file) && !file.includes(`${path.sep}plugins${path.sep}`)) out.push(file);
  }
  return out;
}

const opsOf = (c: ReturnType<typeof collector>) =>
  Object.fromEntries([...new Set(c.steps().map((s) => s.name))].map((n) => [n, c.op(n)?.op as OpType]));

beforeAll(async () => {
  // Fails the whole suite, with the fix, when no Pulumi CLI can be found or built.
  const cli = await ensurePulumiCli((line) => process.stderr.write(`${line}\n`));
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'signals-batch-e2e-'));
  runner = findCommandPlugin(cli.binDir, [path.join(dir, 'pulumi-home')]) ? 'command' : 'dynamic';
  if (runner === 'dynamic') {
    process.stderr.write(
      'e2e: pulumi-resource-command (the @pulumi/command 1.2.1 plugin) is not installed: the dbt run uses dbtRunner "dynamic"\n',
    );
  }
  warehouse = path.join(dir, 'warehouse.duckdb');
  projectsDir = path.join(dir, 'dbt');
  const events = path.join(dir, 'events.csv');
  await writeEventsCsv(generateEvents({ users: 25, days: 14 }), events);
  await loadEventsCsv([events], { database: warehouse });

  emulator = await startEmulator({ credentials: { apiKey: API_KEY }, duckdbFiles: { warehouse } });
  client = new SignalsClient({
    apiUrl: emulator.url,
    auth: { mode: 'sandbox', sandboxToken: emulator.credentials.sandboxToken },
  });
  stack = await localStack({
    cli,
    projectName: 'signals-batch-e2e',
    stackName: 'e2e',
    program,
    stateDir: dir,
    passphrase: PASSPHRASE,
    config: emulatorStackConfig(emulator),
  });
  // The first time on a machine, ensure-pulumi builds the CLI from Go modules (minutes).
}, 45 * 60_000);

afterAll(async () => {
  await emulator?.close();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

describe('BatchAttributeView with the real Pulumi engine', () => {
  it('previews the creation of every child', async () => {
    const c = collector();
    const preview = await stack.preview({ onEvent: c.onEvent });
    expect(preview.changeSummary).toMatchObject({ create: 6 });
    expect(opsOf(c)).toMatchObject({
      e2e: 'create',
      'e2e-attribute-group': 'create',
      'e2e-dbt-project': 'create',
      'e2e-dbt-run': 'create',
      'e2e-batch-source': 'create',
    });
    // Preview changes nothing.
    expect(await client.listAttributeGroups()).toEqual([]);
  });

  it('up registers the view, runs dbt and materializes the table', async () => {
    const up = await stack.up();
    expect(up.summary.result).toBe('succeeded');
    expect(up.summary.resourceChanges).toMatchObject({ create: 6 });
    const outputs = Object.fromEntries(Object.entries(up.outputs).map(([k, v]) => [k, v.value]));
    expect(outputs.attributeTable).toEqual({ database: 'warehouse', schema: 'signals_derived', table: 'e2e_users_1_attributes' });
    expect(outputs.lastRun).toMatchObject({ caughtUp: true });
    expect((outputs.lastRun as { newEvents: number }).newEvents).toBeGreaterThan(0);

    const group = await client.getAttributeGroup('e2e_users', 1);
    expect(group).toMatchObject({ is_published: true, offline: true });
    expect(group?.batch_source).toMatchObject({
      name: 'e2e_users_1_attributes',
      database: 'warehouse',
      schema: 'signals_derived',
      table: 'e2e_users_1_attributes',
      timestamp_field: 'updated_at',
      description: 'first description',
    });

    // Signals serves what dbt computed.
    const rows = await queryDuckdb(
      warehouse,
      'select domain_userid, page_views, last_country from signals_derived.e2e_users_1_attributes order by page_views desc, domain_userid limit 3',
    );
    expect(rows.length).toBe(3);
    const ids = rows.map((r) => String(r.domain_userid));
    const online = await client.getOnlineAttributes({
      attribute_keys: { domain_userid: ids },
      attributes: ['e2e_users_v1:page_views', 'e2e_users_v1:last_country'],
    });
    expect(online.page_views).toEqual(rows.map((r) => Number(r.page_views)));
    expect(online.last_country).toEqual(rows.map((r) => r.last_country));
  });

  it('keeps credentials out of the state and the stack config in plain text', async () => {
    // The files as stored (exportStack would decrypt the secrets).
    const stored = await filesUnder(dir, (f) => f.endsWith('.json') || f.endsWith('.yaml'));
    expect(stored.some((f) => f.includes(`${path.sep}stacks${path.sep}`))).toBe(true);
    for (const file of stored) expect(await fs.readFile(file, 'utf8')).not.toContain(API_KEY);
  });

  it('a second up changes nothing', async () => {
    const up = await stack.up({ expectNoChanges: true });
    expect(Object.keys(up.summary.resourceChanges ?? {})).toEqual(['same']);
  });

  it('a description change previews as a field diff and updates the batch source in place', async () => {
    settings.description = 'second description';
    const c = collector();
    const preview = await stack.preview({ onEvent: c.onEvent, diff: true });
    expect(preview.changeSummary).toMatchObject({ update: 1, same: 5 });
    expect(c.op('e2e-batch-source')).toMatchObject({ op: 'update', changed: ['description'] });
    expect(preview.stdout).toMatch(/~ description\s*:\s*"first description" => "second description"/);

    const up = await stack.up();
    expect(up.summary.resourceChanges).toMatchObject({ update: 1 });
    expect((await client.getAttributeGroup('e2e_users', 1))?.batch_source).toMatchObject({ description: 'second description' });
    expect((await client.getAttributeGroup('e2e_users', 1))?.is_published).toBe(true);
  });

  it('a sync frequency change previews as a field diff of the attribute group and updates it in place', async () => {
    settings.syncFrequency = 'P1D';
    const c = collector();
    const preview = await stack.preview({ onEvent: c.onEvent, diff: true });
    expect(preview.changeSummary).toMatchObject({ update: 1, same: 5 });
    expect(c.op('e2e-attribute-group')).toMatchObject({ op: 'update', changed: ['syncFrequency'] });
    expect(preview.stdout).toMatch(/~ syncFrequency\s*:\s*"PT1H" => "P1D"/);

    await stack.up();
    expect(await client.getAttributeGroup('e2e_users', 1)).toMatchObject({ refresh_rate: 'P1D', is_published: true });
  });

  it("the fields form previews as a change of form and registers the table's columns, keeping the materialization", async () => {
    settings.registration = 'fields';
    const c = collector();
    const preview = await stack.preview({ onEvent: c.onEvent });
    expect(preview.changeSummary).toMatchObject({ update: 1, same: 5 });
    expect(c.op('e2e-attribute-group')).toMatchObject({ op: 'update', changed: ['attributes', 'fields', 'registration'] });

    await stack.up();
    const live = await client.getAttributeGroup('e2e_users', 1);
    expect(live).toMatchObject({
      offline: true,
      is_published: true,
      fields: [
        { name: 'page_views', type: 'int64' },
        { name: 'last_country', type: 'string' },
      ],
    });
    expect(live?.attributes ?? undefined).toBeUndefined();
    expect(live?.batch_source).toMatchObject({ table: 'e2e_users_1_attributes' });
    await stack.up({ expectNoChanges: true });
  });

  it('a version change replaces the registration, the project, the run and the batch source', async () => {
    settings.version = 2;
    const c = collector();
    const preview = await stack.preview({ onEvent: c.onEvent });
    const ops = opsOf(c);
    expect(ops['e2e-attribute-group']).toBe('replace');
    expect(ops['e2e-batch-source']).toBe('replace');
    expect(ops['e2e-dbt-project']).toBe('replace');
    expect(ops['e2e-dbt-run']).toBe('replace');
    expect(c.op('e2e-batch-source')?.changed).toEqual(expect.arrayContaining(['attributeGroupVersion', 'name', 'table']));
    expect(preview.changeSummary).toMatchObject({ replace: 4 });

    const up = await stack.up();
    expect(up.summary.result).toBe('succeeded');
    expect(up.outputs.attributeTable.value).toEqual({ database: 'warehouse', schema: 'signals_derived', table: 'e2e_users_2_attributes' });
    const groups = await client.listAttributeGroups();
    expect(groups.map((g) => `${g.name}/${g.version}/${g.is_published}`)).toEqual(['e2e_users/2/true']);
    expect((await client.getAttributeGroup('e2e_users', 2))?.batch_source).toMatchObject({ table: 'e2e_users_2_attributes' });
    const count = await queryDuckdb(warehouse, 'select count(*) as n from signals_derived.e2e_users_2_attributes');
    expect(Number(count[0].n)).toBeGreaterThan(0);
  });

  it('refresh reports drift after out-of-band changes, and up repairs it', async () => {
    // Someone edits the batch source in Signals and a generated file on disk.
    await client.putBatchSource('e2e_users', 2, {
      name: 'e2e_users_2_attributes',
      database: 'warehouse',
      wh_schema: 'signals_derived',
      table: 'e2e_users_2_attributes',
      timestamp_field: 'updated_at',
      description: 'edited by hand',
      owner: 'e2e@example.com',
    });
    const projectDir = path.join(projectsDir, 'e2e_users_2');
    await fs.appendFile(path.join(projectDir, 'dbt_project.yml'), '# edited by hand\n');

    const c = collector();
    const refresh = await stack.refresh({ onEvent: c.onEvent, runProgram: true });
    expect(refresh.summary.resourceChanges).toMatchObject({ update: 2 });
    const drift = c.drifted();
    expect(drift['e2e-batch-source']).toEqual(['description']);
    expect(drift['e2e-dbt-project']).toEqual(['files', 'hash']);
    expect(drift['e2e-dbt-run']).toBeUndefined();

    const p = collector();
    await stack.preview({ onEvent: p.onEvent });
    expect(p.op('e2e-batch-source')).toMatchObject({ op: 'update', changed: ['description'] });
    expect(p.op('e2e-dbt-project')).toMatchObject({ op: 'update', changed: ['files'] });

    await stack.up();
    expect((await client.getAttributeGroup('e2e_users', 2))?.batch_source).toMatchObject({ description: 'second description' });
    expect(await fs.readFile(path.join(projectDir, 'dbt_project.yml'), 'utf8')).not.toContain('edited by hand');
    await stack.up({ expectNoChanges: true });
  });

  it('destroy unmaterializes and unregisters, and keeps the tables and the project', async () => {
    const result = await stack.destroy({ runProgram: true });
    expect(result.summary.resourceChanges).toMatchObject({ delete: 6 });
    expect(await client.listAttributeGroups()).toEqual([]);
    const count = await queryDuckdb(warehouse, 'select count(*) as n from signals_derived.e2e_users_2_attributes');
    expect(Number(count[0].n)).toBeGreaterThan(0);
    await expect(fs.access(path.join(projectsDir, 'e2e_users_2', 'dbt_project.yml'))).resolves.toBeUndefined();
  });
});
