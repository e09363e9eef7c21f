/**
 * BatchAttributeView on DuckDB under Pulumi mocks: children (type, name, parent), ordering
 * (dependencies), the run's command and triggers, the registration's settings, and the Signals API
 * key kept out of every input.
 */
import * as path from 'node:path';
import { installSignalsMocks } from '../support/pulumiMocks';

installSignalsMocks();

// Imported after the mocks, as the SDK requires.
import type { ViewDefinition } from '../../src/component';
import { generateProject } from '../../src/dbt';
import { pageView, parseView } from '../../src/definition';
import { byName, MOCK_API_KEY, plainOccurrences, registrations, RUN_RESULT, value } from '../support/pulumiMocks';
import { build, COMPONENT_TYPE, duckdbArgs, tmp, view } from '../support/component';

// Per-test timeout of this file: it builds components under Pulumi's mock engine.
jest.setTimeout(3 * 60_000);

const DYNAMIC = (t: string) => `pulumi-nodejs:dynamic/signals-batch:${t}`;

describe('BatchAttributeView on DuckDB', () => {
  it('registers each child with the right type, name and parent', async () => {
    const { component, own } = await build('duck', duckdbArgs());
    const root = own.find((r) => r.type === COMPONENT_TYPE);
    expect(root?.name).toBe('duck');
    const children = own.filter((r) => r !== root).map((r) => [r.name, r.type, r.parent]);
    expect(children.sort()).toEqual(
      [
        ['duck-attribute-group', DYNAMIC('AttributeGroupRegistration'), root!.urn],
        ['duck-dbt-project', DYNAMIC('DbtProjectFiles'), root!.urn],
        ['duck-dbt-run', 'command:local:Command', root!.urn],
        ['duck-batch-source', DYNAMIC('BatchSourceRegistration'), root!.urn],
      ].sort(),
    );
    expect(component.schemas).toEqual([]);
    expect(component.grants).toEqual([]);
  });

  it('orders the children: files, then the run, then the view in Signals, then the batch source', async () => {
    await build('order', duckdbArgs());
    const urn = (n: string) => byName(n).urn;
    expect(byName('order-dbt-run').dependencies).toContain(urn('order-dbt-project'));
    // Nothing in Signals changes before the table it describes has changed.
    expect(byName('order-attribute-group').dependencies).toContain(urn('order-dbt-run'));
    expect(byName('order-batch-source').dependencies).toEqual(expect.arrayContaining([urn('order-dbt-run'), urn('order-attribute-group')]));
  });

  it('registers the view, writes the generated project and runs signals-batch run with triggers', async () => {
    const args = duckdbArgs({ dbt: { vars: { snowplow__start_date: '2025-01-01' }, threads: 2 } });
    const { component } = await build('gen', args);
    const project = generateProject(parseView(view()), { target: 'duckdb', vars: { snowplow__start_date: '2025-01-01' } });

    const group = byName('gen-attribute-group').inputs;
    expect(group.group).toMatchObject({ name: 'engagement', version: 2, owner: 'data@example.com', offline: true });
    expect(group.publish).toBe(false);

    const files = byName('gen-dbt-project').inputs;
    expect(files.dir).toBe(path.join(tmp, 'projects', 'engagement_2'));
    expect(files.files).toEqual(project.files);
    expect(files.deleteOnDestroy).toBe(false);
    expect(files.definitionHash).toBe(project.definitionHash);
    expect(files.rebuildOnDefinitionChange).toBe(false);

    const run = byName('gen-dbt-run').inputs;
    expect(run.create).toBe(
      `node bin/signals-batch.js run --json --project ${path.join(tmp, 'projects', 'engagement_2')} ` +
        `--duckdb ${path.join(tmp, 'warehouse.duckdb')} --schema signals --target-name dev --threads 2 --max-rounds 200`,
    );
    expect(run.dir).toBeUndefined();
    expect(run.triggers).toEqual([
      project.hash,
      '{"snowplow__start_date":"2025-01-01"}',
      `duckdb:${path.join(tmp, 'warehouse.duckdb')}/signals`,
    ]);
    expect(run.logging).toBe('stdoutAndStderr');

    const source = byName('gen-batch-source').inputs;
    expect(source).toMatchObject({
      attributeGroupName: 'engagement',
      attributeGroupVersion: 2,
      name: 'engagement_2_attributes',
      database: 'warehouse',
      schema: 'signals_derived',
      table: 'engagement_2_attributes',
      timestampField: 'updated_at',
      owner: 'data@example.com',
    });

    expect(await value(component.attributeTable)).toEqual({
      database: 'warehouse',
      schema: 'signals_derived',
      table: 'engagement_2_attributes',
    });
    expect(await value(component.batchSourceName)).toBe('engagement_2_attributes');
    expect(await value(component.attributeGroupVersion)).toBe(2);
    expect(await value(component.keyColumn)).toBe('domain_userid');
    const { totals, ...result } = RUN_RESULT;
    expect(await value(component.lastRun)).toEqual({ ...result, ...totals });
  });

  it("records paths inside the program's working directory relative to it, however they were given", async () => {
    const inside = (p: string) => path.join(process.cwd(), '.component-test', p);
    await build('rel', duckdbArgs({ projectDir: inside('projects'), warehouse: { duckdb: { path: inside('wh.duckdb') } } }));
    expect(byName('rel-dbt-project').inputs.dir).toBe('.component-test/projects/engagement_2');
    const run = byName('rel-dbt-run').inputs;
    expect(run.create).toContain('--project .component-test/projects/engagement_2 --duckdb .component-test/wh.duckdb --schema main');
    expect(run.triggers[2]).toBe('duckdb:.component-test/wh.duckdb/main');
    expect(JSON.stringify(registrations.filter((r) => r.name.startsWith('rel')).map((r) => r.inputs))).not.toContain(process.cwd());
  });

  it("passes DuckDB's memory limit to the run when one is given", async () => {
    await build('mem', duckdbArgs({ warehouse: { duckdb: { path: path.join(tmp, 'mem.duckdb'), memoryLimit: '6GB' } } }));
    expect(byName('mem-dbt-run').inputs.create).toContain('--schema main --duckdb-memory-limit 6GB');
  });

  it('quotes the command line for the shell (paths with spaces and quotes reach signals-batch intact)', async () => {
    const odd = path.join(tmp, "odd dir's projects");
    await build('quoted', duckdbArgs({ projectDir: odd }));
    const create: string = byName('quoted-dbt-run').inputs.create;
    const { spawnSync } = await import('node:child_process');
    // The database exists (run refuses a missing one) but the project does not: signals-batch answers with the exact path it was given.
    const fs = await import('node:fs');
    fs.mkdirSync(tmp, { recursive: true });
    if (!fs.existsSync(path.join(tmp, 'warehouse.duckdb'))) fs.writeFileSync(path.join(tmp, 'warehouse.duckdb'), '');
    // It runs in the program's working directory (no `dir`), as Pulumi runs it.
    const result = spawnSync('/bin/sh', ['-c', create], { encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${path.join(odd, 'engagement_2')} is not a generated dbt project`);
  });

  it('lets the project files accept a new definition under the same version when asked', async () => {
    await build('rebuild', duckdbArgs({ rebuildOnDefinitionChange: true }));
    expect(byName('rebuild-dbt-project').inputs.rebuildOnDefinitionChange).toBe(true);
  });

  it('uses the dynamic runner when asked', async () => {
    await build('dyn', duckdbArgs({ dbtRunner: 'dynamic' }));
    const run = byName('dyn-dbt-run');
    expect(run.type).toBe(DYNAMIC('DbtRun'));
    expect(run.inputs.command.slice(0, 5)).toEqual(['node', 'bin/signals-batch.js', 'run', '--json', '--project']);
    expect(run.inputs.cwd).toBeUndefined();
    expect(byName('dyn-batch-source').dependencies).toContain(run.urn);
  });

  it('registers no batch source when materialize is false', async () => {
    const { component } = await build('nomat', duckdbArgs({ materialize: false }));
    expect(registrations.some((r) => r.name === 'nomat-batch-source')).toBe(false);
    expect(component.batchSource).toBeUndefined();
    expect(await value(component.materialized)).toBe(false);
  });

  it('registers the attribute definitions hourly by default', async () => {
    await build(
      'defaults',
      duckdbArgs({
        view: view({
          ttl: 'P180D',
          attributes: [
            {
              name: 'page_views',
              type: 'int64',
              aggregation: 'counter',
              events: [pageView()],
              ttl: 'P30D',
              description: 'Page views, ever',
            },
          ],
        }),
      }),
    );
    const { group } = byName('defaults-attribute-group').inputs;
    expect(group).toMatchObject({
      refresh_rate: 'PT1H',
      ttl: 'P180D',
      offline: true,
      attributes: [{ name: 'page_views', ttl: 'P30D', description: 'Page views, ever' }],
    });
    expect(group).not.toHaveProperty('fields');
    expect(group).not.toHaveProperty('online');
  });

  it("registers the table's fields with the sync frequency asked for", async () => {
    await build('asfields', duckdbArgs({ registration: 'fields', syncFrequency: 'PT12H' }));
    const { group } = byName('asfields-attribute-group').inputs;
    expect(group).toMatchObject({ name: 'engagement', version: 2, refresh_rate: 'PT12H', offline: true, owner: 'data@example.com' });
    expect(group.fields).toEqual([
      { name: 'page_views', type: 'int64' },
      { name: 'last_country', type: 'string' },
    ]);
    expect(group).not.toHaveProperty('attributes');
  });

  it('does not ask for a rebuild when only descriptions change', () => {
    const described = view({ attributes: view().attributes.map((a) => ({ ...a, description: `${a.name}, explained` })) });
    const hash = (v: ViewDefinition) => generateProject(parseView(v), { target: 'duckdb' }).definitionHash;
    expect(hash(described)).toBe(hash(view()));
  });

  it('uses an explicit batch source name, timestamp field, description and owner', async () => {
    await build(
      'named',
      duckdbArgs({
        view: view({ owner: undefined }),
        owner: 'team@example.com',
        batchSourceName: 'eng_src',
        timestampField: 'synced_at',
        description: 'mine',
      }),
    );
    expect(byName('named-batch-source').inputs).toMatchObject({
      name: 'eng_src',
      timestampField: 'synced_at',
      description: 'mine',
      owner: 'team@example.com',
    });
    expect(byName('named-attribute-group').inputs.group.owner).toBe('team@example.com');
  });
});

describe('BatchAttributeView secrets', () => {
  it('never records the Signals API key: credentials stay in stack config', async () => {
    await build('cfg', duckdbArgs());
    expect(registrations.flatMap((r) => plainOccurrences(r.inputs, MOCK_API_KEY, r.name))).toEqual([]);
    expect(JSON.stringify(registrations.map((r) => r.inputs))).not.toContain(MOCK_API_KEY);
  });
});
