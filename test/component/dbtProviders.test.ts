/**
 * The two dynamic providers the component owns, tested directly (no Pulumi engine):
 * DbtProjectFiles (files on disk, hash diff, drift, delete only when asked) and DbtRun
 * (runs on create/update, triggers replace, secrets never in outputs or errors).
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { DbtProjectFilesProvider, type DbtProjectFilesInputs, type DbtProjectFilesOutputs } from '../../src/providers/dbtProjectFiles';
import { DbtRunProvider, type DbtRunInputs, type DbtRunOutputs } from '../../src/providers/dbtRun';

// Per-test timeout of this file: it runs the providers, which start dbt commands.
jest.setTimeout(3 * 60_000);

const UNKNOWN = pulumi.runtime.unknownValue;
let dir: string;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'signals-batch-providers-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const files = (extra: Record<string, string> = {}) => ({
  'dbt_project.yml': 'name: p\n',
  'models/derived/p_attributes.sql': 'select 1\n',
  'macros/m.sql': '{% macro m() %}{% endmacro %}\n',
  ...extra,
});

describe('DbtProjectFilesProvider', () => {
  const provider = new DbtProjectFilesProvider();

  async function created(inputs: DbtProjectFilesInputs) {
    const checked = await provider.check(inputs, inputs);
    expect(checked.failures).toBeUndefined();
    const result = await provider.create(checked.inputs as DbtProjectFilesInputs);
    return { id: result.id, outs: result.outs as DbtProjectFilesOutputs };
  }

  it('writes the files and reports their hash', async () => {
    const project = path.join(dir, 'p_1');
    const { id, outs } = await created({ dir: project, files: files() });
    expect(id).toBe(project);
    expect(await fs.readFile(path.join(project, 'models/derived/p_attributes.sql'), 'utf8')).toBe('select 1\n');
    expect(outs.fileCount).toBe(3);
    expect(outs.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(outs.deleteOnDestroy).toBe(false);
  });

  it('gives the same hash as generateProject', async () => {
    const { generateProject } = await import('../../src/dbt');
    const { parseView, pageView, domainUserid } = await import('../../src/definition');
    const project = generateProject(
      parseView({
        name: 'h',
        owner: 'a@b.c',
        attributeKey: domainUserid,
        attributes: [{ name: 'n', type: 'int64', aggregation: 'counter', events: [pageView()] }],
      }),
      { target: 'duckdb' },
    );
    const { outs } = await created({ dir: path.join(dir, 'h_1'), files: project.files });
    expect(outs.hash).toBe(project.hash);
  });

  it('diffs on content, replaces on a new directory, and notices out-of-band edits on disk', async () => {
    const project = path.join(dir, 'p_1');
    const { id, outs } = await created({ dir: project, files: files() });
    expect(await provider.diff(id, outs, { dir: project, files: files(), deleteOnDestroy: false })).toMatchObject({
      changes: false,
      replaces: [],
    });
    expect(await provider.diff(id, outs, { dir: project, files: files({ 'models/new.sql': 'x' }), deleteOnDestroy: false })).toMatchObject({
      changes: true,
      replaces: [],
    });
    expect(await provider.diff(id, outs, { dir: path.join(dir, 'elsewhere'), files: files(), deleteOnDestroy: false })).toMatchObject({
      changes: true,
      replaces: ['dir'],
    });
    await fs.writeFile(path.join(project, 'models/derived/p_attributes.sql'), 'select 2\n');
    expect(await provider.diff(id, outs, { dir: project, files: files(), deleteOnDestroy: false })).toMatchObject({ changes: true });
    await fs.rm(project, { recursive: true });
    expect(await provider.diff(id, outs, { dir: project, files: files(), deleteOnDestroy: false })).toMatchObject({ changes: true });
  });

  it('tolerates unknown values during preview', async () => {
    const checked = await provider.check({} as DbtProjectFilesInputs, {
      dir: UNKNOWN,
      files: UNKNOWN as unknown as Record<string, string>,
    });
    expect(checked.failures).toBeUndefined();
  });

  it("accepts a directory relative to the program's working directory, and rejects escaping file paths", async () => {
    expect((await provider.check({} as DbtProjectFilesInputs, { dir: 'dbt/p_1', files: files() })).failures).toBeUndefined();
    const checked = await provider.check({} as DbtProjectFilesInputs, { dir: '', files: { '../x': 'y' } });
    expect(checked.failures?.map((f) => f.property).sort()).toEqual(['dir', 'files']);
  });

  describe('a new definition under the same directory (the view changed, its version did not)', () => {
    const project = () => path.join(dir, 'p_1');
    const inputs = (definitionHash: string, extra: Partial<DbtProjectFilesInputs> = {}): DbtProjectFilesInputs => ({
      dir: project(),
      files: files({ 'signals_batch.json': `{"definitionHash": "${definitionHash}"}\n` }),
      definitionHash,
      ...extra,
    });

    it('is refused at check, naming both ways on', async () => {
      const old = (await provider.check({} as DbtProjectFilesInputs, inputs('aaaa'))).inputs as DbtProjectFilesInputs;
      const checked = await provider.check(old, inputs('bbbb'));
      expect(checked.failures).toHaveLength(1);
      expect(checked.failures?.[0].property).toBe('definitionHash');
      expect(checked.failures?.[0].reason).toMatch(/changed under the same version.*rebuilt from the whole event history/);
      expect(checked.failures?.[0].reason).toMatch(/a new version/);
      expect(checked.failures?.[0].reason).toMatch(/rebuildOnDefinitionChange: true/);
    });

    it('when allowed, rebuilds from history from that update on, and says so in the preview of that change only', async () => {
      const first = await provider.check({} as DbtProjectFilesInputs, inputs('aaaa', { rebuildOnDefinitionChange: true }));
      const { id, outs } = await created(first.inputs as DbtProjectFilesInputs);
      expect(outs.rebuildFromHistory).toBe(false);

      const changed = (await provider.check(first.inputs as DbtProjectFilesInputs, inputs('bbbb', { rebuildOnDefinitionChange: true })))
        .inputs as DbtProjectFilesInputs;
      expect(changed.rebuildFromHistory).toBe(true);
      expect(changed.rebuildNotice).toMatch(
        /will be rebuilt from the whole event history \(a dbt full refresh\) before the view is updated in Signals/,
      );
      expect(await provider.diff(id, outs, changed)).toMatchObject({ changes: true, replaces: [] });
      const updated = (await provider.update(id, outs, changed)).outs as DbtProjectFilesOutputs;
      expect(updated.rebuildFromHistory).toBe(true);
      // The notice is an input only: a deployment that keeps these outputs does not repeat it.
      expect(updated).not.toHaveProperty('rebuildNotice');

      const again = (await provider.check(changed, inputs('bbbb', { rebuildOnDefinitionChange: true }))).inputs as DbtProjectFilesInputs;
      expect(again.rebuildNotice).toBeUndefined();
      expect(await provider.diff(id, updated, again)).toMatchObject({ changes: false });
      // A later change that keeps the definition builds incrementally again.
      const varsOnly = (
        await provider.check(again, {
          ...inputs('bbbb', { rebuildOnDefinitionChange: true }),
          files: { ...again.files, 'dbt_project.yml': 'name: p2\n' },
        })
      ).inputs as DbtProjectFilesInputs;
      expect(varsOnly.rebuildFromHistory).toBe(false);
    });

    it('is no rebuild when the directory changes too (a new version is a new project)', async () => {
      const old = (await provider.check({} as DbtProjectFilesInputs, inputs('aaaa'))).inputs as DbtProjectFilesInputs;
      const checked = await provider.check(old, { ...inputs('bbbb'), dir: path.join(dir, 'p_2') });
      expect(checked.failures).toBeUndefined();
      expect(checked.inputs?.rebuildFromHistory).toBe(false);
    });
  });

  it('update removes files no longer generated and keeps dbt target/', async () => {
    const project = path.join(dir, 'p_1');
    const { id, outs } = await created({ dir: project, files: files({ 'models/old.sql': 'old' }) });
    await fs.mkdir(path.join(project, 'target'));
    await fs.writeFile(path.join(project, 'target/run_results.json'), '{}');
    const updated = await provider.update(id, outs, { dir: project, files: files(), deleteOnDestroy: false });
    expect(updated.outs?.fileCount).toBe(3);
    await expect(fs.access(path.join(project, 'models/old.sql'))).rejects.toThrow();
    await expect(fs.access(path.join(project, 'target/run_results.json'))).resolves.toBeUndefined();
  });

  it('read reports drift on disk and a vanished project', async () => {
    const project = path.join(dir, 'p_1');
    const { id, outs } = await created({ dir: project, files: files() });
    expect((await provider.read(id, outs)).props).toEqual(outs);
    await fs.writeFile(path.join(project, 'models/derived/p_attributes.sql'), 'edited\n');
    const drifted = await provider.read(id, outs);
    expect(drifted.props?.files['models/derived/p_attributes.sql']).toBe('edited\n');
    expect(drifted.props?.hash).not.toBe(outs.hash);
    await fs.rm(project, { recursive: true });
    expect((await provider.read(id, outs)).id).toBe('');
  });

  it('delete keeps the directory unless asked', async () => {
    const kept = await created({ dir: path.join(dir, 'kept'), files: files() });
    await provider.delete(kept.id, kept.outs);
    await expect(fs.access(path.join(dir, 'kept', 'dbt_project.yml'))).resolves.toBeUndefined();
    const removed = await created({ dir: path.join(dir, 'removed'), files: files(), deleteOnDestroy: true });
    await provider.delete(removed.id, removed.outs);
    await expect(fs.access(path.join(dir, 'removed'))).rejects.toThrow();
  });

  it('serializes without requiring any file by a relative path (this package is captured by value)', async () => {
    const text = await pulumi.runtime.serializeFunction(() => new DbtProjectFilesProvider(), { allowSecrets: false });
    expect(text.text).not.toMatch(/require\("\.\.?\//);
  });
});

describe('DbtRunProvider', () => {
  const provider = new DbtRunProvider();
  const SECRET = 'super-secret-password-123';
  const node = process.execPath;

  async function created(inputs: DbtRunInputs) {
    const checked = await provider.check(inputs, inputs);
    expect(checked.failures).toBeUndefined();
    const result = await provider.create(checked.inputs as DbtRunInputs);
    return { id: result.id, outs: result.outs as DbtRunOutputs, inputs: checked.inputs as DbtRunInputs };
  }

  it('runs the command with the secret environment and keeps the secret out of the outputs', async () => {
    const script = `process.stderr.write('round 1: using ' + process.env.DBT_PW + '\\n'); console.log('done ' + process.env.DBT_PW.length)`;
    const { outs } = await created({ command: [node, '-e', script], cwd: dir, environment: { DBT_PW: SECRET }, triggers: ['h1'] });
    expect(outs.stdout).toBe(`done ${SECRET.length}\n`);
    expect(outs.stderr).toBe('round 1: using [secret]');
    expect(outs.environmentKeys).toEqual(['DBT_PW']);
    expect(JSON.stringify(outs)).not.toContain(SECRET);
  });

  it('fails with the last lines of output, secrets scrubbed', async () => {
    const inputs = {
      command: [node, '-e', `console.error('bad password ' + process.env.DBT_PW); process.exit(3)`],
      cwd: dir,
      environment: { DBT_PW: SECRET },
    };
    const checked = (await provider.check(inputs, inputs)).inputs as DbtRunInputs;
    const error = await provider.create(checked).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/failed \(exit 3\)/);
    expect((error as Error).message).toContain('bad password [secret]');
    expect((error as Error).message).not.toContain(SECRET);
  });

  it('replaces on new triggers, updates on a new command or environment names, nothing otherwise', async () => {
    const { id, outs, inputs } = await created({ command: [node, '-e', '1'], cwd: dir, environment: { A: 'x' }, triggers: ['h1', '{}'] });
    const again = (await provider.check(inputs, { ...inputs })).inputs as DbtRunInputs;
    expect(await provider.diff(id, outs, again)).toMatchObject({ changes: false, replaces: [] });
    expect(await provider.diff(id, outs, { ...again, environment: { A: 'rotated' } })).toMatchObject({ changes: false });
    expect(await provider.diff(id, outs, { ...again, triggers: ['h2', '{}'] })).toMatchObject({ changes: true, replaces: ['triggers'] });
    expect(await provider.diff(id, outs, { ...again, command: [node, '-e', '2'] })).toMatchObject({ changes: true, replaces: [] });
    expect(await provider.diff(id, outs, { ...again, environment: { A: 'x', B: 'y' } })).toMatchObject({ changes: true, replaces: [] });
    expect(await provider.diff(id, outs, { ...again, triggers: [UNKNOWN] })).toMatchObject({ changes: true, replaces: ['triggers'] });
  });

  it('checks its inputs', async () => {
    const checked = await provider.check({} as DbtRunInputs, { command: [] as string[], cwd: '', environment: { 'BAD-NAME': 'x' } });
    expect(checked.failures?.map((f) => f.property).sort()).toEqual(['command', 'cwd', 'environment']);
  });

  it('serializes without requiring any file by a relative path (this package is captured by value)', async () => {
    const text = await pulumi.runtime.serializeFunction(() => new DbtRunProvider(), { allowSecrets: false });
    expect(text.text).not.toMatch(/require\("\.\.?\//);
  });
});
