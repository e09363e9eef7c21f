/**
 * View names that collide once lower-cased (`CaseView`, `caseview`) would write the same project
 * directory and the same warehouse tables: refused wherever two views meet, before anything is written.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startEmulator, type EmulatorHandle } from '../../src/emulator';
import { SignalsClient } from '../../src/signals';
import { sampleGroup } from '../support/emulator';
import { cliInProcess as cli, packageRoot } from '../support/cli';

// Per-test timeout of this file: it starts the CLI as a process per test.
jest.setTimeout(3 * 60_000);

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'signals-batch-names-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** A view file: the shop fixture under another name. */
function viewFile(name: string): string {
  const view = JSON.parse(fs.readFileSync(path.join(packageRoot, 'test', 'fixtures', 'views', 'shop_view.api.json'), 'utf8'));
  const file = path.join(work, `${name}-${Math.random().toString(36).slice(2)}.json`);
  fs.writeFileSync(file, JSON.stringify({ ...view, name }));
  return file;
}

/** Every file under `dir` with its content. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else files[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return files;
}

describe('generate', () => {
  test('refuses a view whose name differs only by case from one already generated in --out, changing nothing', async () => {
    const out = path.join(work, 'out-existing');
    expect((await cli('generate', '--view', viewFile('CaseView'), '--out', out)).code).toBe(0);
    const before = snapshot(out);
    const r = await cli('generate', '--view', viewFile('caseview'), '--out', out);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `view "caseview" differs only by case from view "CaseView", whose project is ${path.join(out, 'caseview_3')}`,
    );
    expect(r.stderr).toContain('Rename one (view names must differ ignoring case)');
    expect(snapshot(out)).toEqual(before);
  });

  test('regenerating the same view (same name, same case) is fine', async () => {
    const out = path.join(work, 'out-same');
    const file = viewFile('CaseView');
    expect((await cli('generate', '--view', file, '--out', out)).code).toBe(0);
    expect((await cli('generate', '--view', file, '--out', out)).code).toBe(0);
  });

  test('refuses two views in one call whose names differ only by case, writing nothing', async () => {
    const out = path.join(work, 'out-pair');
    const r = await cli('generate', '--view', viewFile('CaseView'), '--view', viewFile('caseview'), '--out', out);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('views "CaseView" and "caseview" differ only by case');
    expect(fs.existsSync(out)).toBe(false);
  });

  test('several distinct views in one call are all written', async () => {
    const out = path.join(work, 'out-several');
    const r = await cli('generate', '--view', viewFile('first_view'), '--view', viewFile('second_view'), '--out', out);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([path.join(out, 'first_view_3'), path.join(out, 'second_view_3')]);
  });
});

describe('init', () => {
  let emulator: EmulatorHandle;
  beforeAll(async () => {
    emulator = await startEmulator({});
  });
  afterAll(async () => emulator.close());

  test('refuses groups in Signals whose names differ only by case, before writing any project', async () => {
    const client = new SignalsClient({ apiUrl: emulator.url, auth: { mode: 'sandbox', sandboxToken: emulator.credentials.sandboxToken } });
    await client.upsertAttributeGroup(sampleGroup({ name: 'CaseView' }));
    await client.upsertAttributeGroup(sampleGroup({ name: 'caseview' }));
    const repo = path.join(work, 'repo');
    const r = await cli(
      'init',
      '--api-url',
      emulator.url,
      '--auth-mode',
      'sandbox',
      '--sandbox-token',
      emulator.credentials.sandboxToken,
      '--repo-path',
      repo,
      '--target',
      'duckdb',
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/views "(CaseView|caseview)" and "(CaseView|caseview)" differ only by case/);
    expect(fs.existsSync(repo)).toBe(false);
  });
});
