/**
 * What Pulumi stores as `__provider`: the provider object serialized with everything it reaches (the
 * Signals client by value, packages such as axios by `require`). Each serialized provider is loaded in
 * a fresh node process the way the dynamic-provider plugin loads it (`require-from-string`, in the
 * program's directory) and must work there against the emulator; the text holds no secret and no path
 * of this checkout.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { packageRoot } from '../../src/paths';
import { AttributeGroupRegistrationProvider } from '../../src/providers/attributeGroupRegistration';
import { BatchSourceRegistrationProvider } from '../../src/providers/batchSourceRegistration';
import { DbtProjectFilesProvider } from '../../src/providers/dbtProjectFiles';
import { DbtRunProvider } from '../../src/providers/dbtRun';
import { sampleGroup } from '../support/emulator';
import { PROVIDER_ENV_NAMES, ProviderTestContext, startProviderContext } from '../support/providers';

// Per-test timeout of this file: it loads serialized providers in fresh Node processes.
jest.setTimeout(3 * 60_000);

let ctx: ProviderTestContext;
let dir: string;

beforeEach(async () => {
  ctx = await startProviderContext();
  dir = mkdtempSync(join(tmpdir(), 'provider-serialization-'));
});
afterEach(async () => {
  await ctx.emulator.close();
  ctx.restoreEnv();
  rmSync(dir, { recursive: true, force: true });
});

/** Serializes a provider instance exactly as `pulumi.dynamic.Resource` does. */
async function serialize(provider: object): Promise<pulumi.runtime.SerializedFunction> {
  const serialized = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
  expect(serialized.containsSecrets).toBe(false);
  for (const secret of [
    ctx.emulator.credentials.apiKey,
    ctx.emulator.credentials.apiKeyId,
    ctx.emulator.credentials.sandboxToken,
    ctx.emulator.url,
  ]) {
    expect(serialized.text).not.toContain(secret);
  }
  expect(serialized.text).not.toContain(packageRoot());
  return serialized;
}

/**
 * Loads the serialized provider in a new node process in the package's directory (as the plugin does
 * in the program's), calls `method` with `args`, and resolves with its JSON result.
 */
async function callInFreshProcess(serialized: pulumi.runtime.SerializedFunction, method: string, args: unknown[]): Promise<unknown> {
  const file = join(dir, 'provider.js');
  writeFileSync(file, serialized.text);
  const script = `
    const text = require('fs').readFileSync(${JSON.stringify(file)}, 'utf8');
    const provider = require('require-from-string')(text)[${JSON.stringify(serialized.exportName)}]();
    provider[${JSON.stringify(method)}](...${JSON.stringify(args)})
      .then((result) => process.stdout.write(JSON.stringify(result ?? null)), (error) => { process.stderr.write(String(error.message)); process.exit(1); });`;
  const env = Object.fromEntries(
    PROVIDER_ENV_NAMES.filter((name) => process.env[name] !== undefined).map((name) => [name, process.env[name] as string]),
  );
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script], { cwd: packageRoot(), env: { PATH: process.env.PATH ?? '', ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('close', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`the serialized provider failed (exit ${code}): ${err}`)),
    );
  });
}

describe('provider serialization (what Pulumi stores as __provider)', () => {
  it('AttributeGroupRegistrationProvider, serialized, registers a group from a fresh process', async () => {
    const serialized = await serialize(new AttributeGroupRegistrationProvider());
    const created = (await callInFreshProcess(serialized, 'create', [{ group: sampleGroup(), publish: false }])) as { id: string };
    expect(created.id).toBe('user_engagement/1');
    expect((await ctx.client.getAttributeGroup('user_engagement', 1))?.name).toBe('user_engagement');
  });

  it('BatchSourceRegistrationProvider, serialized, materializes a group from a fresh process', async () => {
    await ctx.client.upsertAttributeGroup(sampleGroup());
    const serialized = await serialize(new BatchSourceRegistrationProvider());
    const inputs = {
      attributeGroupName: 'user_engagement',
      attributeGroupVersion: 1,
      name: 'src',
      database: 'db',
      schema: 'sch',
      table: 'tbl',
      timestampField: 'updated_at',
    };
    const created = (await callInFreshProcess(serialized, 'create', [inputs])) as { outs: { published: boolean } };
    expect(created.outs.published).toBe(true);
    expect(await ctx.client.getAttributeGroup('user_engagement', 1)).toMatchObject({ is_published: true, batch_source: { table: 'tbl' } });
  });

  it('DbtProjectFilesProvider, serialized, writes a project from a fresh process', async () => {
    const serialized = await serialize(new DbtProjectFilesProvider());
    const project = join(dir, 'p_1');
    const created = (await callInFreshProcess(serialized, 'create', [{ dir: project, files: { 'dbt_project.yml': 'name: p\n' } }])) as {
      outs: { hash: string };
    };
    expect(created.outs.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(readFileSync(join(project, 'dbt_project.yml'), 'utf8')).toBe('name: p\n');
  });

  it('DbtRunProvider, serialized, runs a command from a fresh process', async () => {
    const serialized = await serialize(new DbtRunProvider());
    const created = (await callInFreshProcess(serialized, 'create', [{ command: [process.execPath, '-e', 'console.log(42)'] }])) as {
      outs: { stdout: string };
    };
    expect(created.outs.stdout).toBe('42\n');
  });
});
