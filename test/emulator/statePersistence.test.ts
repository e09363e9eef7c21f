/**
 * The state file stays atomic but cheap: changes within the write window are coalesced into one
 * write (so a large group's repeated PUTs do not each rewrite the file), pending changes are written
 * on close, the registry survives a restart, and a file that is not a state file is refused.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmulatorHandle, startEmulator } from '../../src/emulator';
import { http, sampleBatchSource, sampleGroup } from '../support/emulator';

// Per-test timeout of this file: it starts emulators over thousands of stored attributes.
jest.setTimeout(3 * 60_000);

let emulator: EmulatorHandle | undefined;
let workDir: string;
beforeEach(() => {
  workDir = mkdtempSync(join(tmpdir(), 'signals-emulator-state-'));
});
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
  rmSync(workDir, { recursive: true, force: true });
});

function api(handle: EmulatorHandle, method: string, path: string, body?: unknown) {
  return http(handle.url, method, `/api/v1/${path}`, { token: handle.credentials.sandboxToken, body });
}

/** About 2 MB of group: 2,000 attributes with long descriptions. */
function largeGroup(description: string): Record<string, unknown> {
  const attributes = Array.from({ length: 2000 }, (_, index) => ({
    name: `attribute_${index}`,
    description: `${description} ${'d'.repeat(900)}`,
    type: 'int64',
    aggregation: 'counter',
    events: [{ vendor: 'com.snowplowanalytics.snowplow', name: 'page_view' }],
    period: 'P7D',
  }));
  return sampleGroup({ description, attributes });
}

describe('emulator state file', () => {
  it("coalesces a large group's repeated PUTs into one write, written on close, and the state survives a restart", async () => {
    const statePath = join(workDir, 'state.json');
    emulator = await startEmulator({ statePath, stateWriteDelayMs: 60_000 });
    expect((await api(emulator, 'POST', 'registry/attribute_groups/', largeGroup('revision 0'))).status).toBe(201);
    const puts = 15;
    for (let revision = 1; revision <= puts; revision += 1) {
      const put = await api(emulator, 'PUT', 'registry/attribute_groups/user_engagement/versions/1', largeGroup(`revision ${revision}`));
      expect(put.status).toBe(200);
    }
    // Within the window no request paid for a state write.
    expect(emulator.state.writes).toBe(0);
    expect(existsSync(statePath)).toBe(false);

    await emulator.close();
    expect(emulator.state.writes).toBe(1);
    expect(readdirSync(workDir)).toEqual(['state.json']);

    emulator = await startEmulator({ statePath });
    const reloaded = await api(emulator, 'GET', 'registry/attribute_groups/user_engagement/versions/1');
    expect(reloaded.body.description).toBe(`revision ${puts}`);
    expect(reloaded.body.attributes).toHaveLength(2000);
  }, 120_000);

  it('writes changes after the window without waiting for close, replacing the file whole', async () => {
    const statePath = join(workDir, 'nested', 'state.json');
    emulator = await startEmulator({ statePath, stateWriteDelayMs: 20 });
    await api(emulator, 'POST', 'registry/attribute_groups/', sampleGroup());
    const deadline = Date.now() + 10_000;
    while (!existsSync(statePath) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(JSON.parse(readFileSync(statePath, 'utf8')).attributeGroups.map((group: { name: string }) => group.name)).toEqual([
      'user_engagement',
    ]);

    for (let version = 2; version <= 6; version += 1) await api(emulator, 'POST', 'registry/attribute_groups/', sampleGroup({ version }));
    await emulator.state.flush();
    const saved = JSON.parse(readFileSync(statePath, 'utf8'));
    expect(saved.attributeGroups.map((group: { version: number }) => group.version)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(readdirSync(join(workDir, 'nested'))).toEqual(['state.json']);
  });
});

describe('emulator state file', () => {
  it('persists the registry atomically and reloads it on start', async () => {
    const statePath = join(workDir, 'nested', 'state.json');
    emulator = await startEmulator({ statePath });
    await api(emulator, 'POST', 'registry/attribute_groups/', sampleGroup());
    await api(emulator, 'PUT', 'registry/attribute_groups/user_engagement/versions/1/batch_source', sampleBatchSource());
    await emulator.state.flush();
    expect(readdirSync(join(workDir, 'nested'))).toEqual(['state.json']);
    const saved = JSON.parse(readFileSync(statePath, 'utf8'));
    expect(saved.attributeGroups[0]).toMatchObject({ name: 'user_engagement', batchSource: { schema: 'analytics_derived' } });
    await emulator.close();

    emulator = await startEmulator({ statePath });
    const reloaded = await api(emulator, 'GET', 'registry/attribute_groups/user_engagement/versions/1');
    expect(reloaded.body.batch_source).toMatchObject({ table: 'user_engagement_1_attributes' });
  });

  it('refuses a file that is not an emulator state file', async () => {
    const statePath = join(workDir, 'other.json');
    writeFileSync(statePath, '{"hello": 1}');
    await expect(startEmulator({ statePath })).rejects.toThrow('is not a Signals emulator state file');
  });
});
