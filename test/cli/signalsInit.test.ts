/**
 * `signals-batch init` writes the dbt project of each offline attribute group in Signals, and
 * `signals-batch emulator` serves a local Signals API to try the commands against.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import { cliInProcess as cli } from '../support/cli';
import { SignalsClient } from '../../src/signals';
import { TARGETS } from '../../src/dbt';
import { sampleBatchSource, sampleGroup } from '../support/emulator';
import { bdp, client, emulator, group, repo, sandbox, signalsCliPerTest } from '../support/signalsCli';

// Per-test timeout of this file: it starts the CLI and the emulator as processes.
jest.setTimeout(3 * 60_000);

signalsCliPerTest();

describe('signals-batch init', () => {
  it('writes the dbt project of the latest version of each offline group, with a batch source config', async () => {
    await client.upsertAttributeGroup(sampleGroup());
    await client.upsertAttributeGroup(sampleGroup({ version: 2 }));
    await client.upsertAttributeGroup(sampleGroup({ name: 'streamed', offline: false }));

    const run = await cli('init', ...bdp(), '--repo-path', repo, '--target-type', 'duckdb');
    expect(run).toMatchObject({ code: 0 });
    expect(run.stdout.trim()).toBe(join(repo, 'user_engagement_2'));
    expect(readdirSync(repo)).toEqual(['user_engagement_2']);
    expect(existsSync(join(repo, 'user_engagement_2', 'dbt_project.yml'))).toBe(true);
    const config = JSON.parse(readFileSync(join(repo, 'user_engagement_2', 'configs', 'batch_source_config.json'), 'utf8'));
    expect(config).toEqual({
      name: 'user_engagement_2_attributes',
      database: '',
      wh_schema: '',
      table: 'user_engagement_2_attributes',
      timestamp_field: 'updated_at',
      description: 'Table containing attributes for user_engagement_2 attribute group',
      owner: 'owner@example.com',
    });
    expect(run.stderr).toContain('fill in database and wh_schema');
    expect(emulator.requests.map((r) => `${r.method} ${r.path}`)).toContain('GET /api/v1/registry/attribute_groups/?offline=true');
  });

  it('writes only the version asked for, and keeps a config the user already filled in', async () => {
    await client.upsertAttributeGroup(sampleGroup());
    await client.upsertAttributeGroup(sampleGroup({ version: 2 }));
    const configPath = join(repo, 'user_engagement_1', 'configs', 'batch_source_config.json');
    const first = await cli('init', ...sandbox(), '--repo-path', repo, '--target-type', 'snowflake', ...group);
    expect(first.code).toBe(0);
    // --target-type picks the generator's dialect.
    const manifest = JSON.parse(readFileSync(join(repo, 'user_engagement_1', 'signals_batch.json'), 'utf8'));
    expect(manifest).toMatchObject({ project: 'user_engagement_1', target: 'snowflake' });
    writeFileSync(configPath, JSON.stringify(sampleBatchSource()));

    const again = await cli('init', ...sandbox(), '--repo-path', repo, '--target-type', 'duckdb', ...group);
    expect(again.code).toBe(0);
    expect(readdirSync(repo)).toEqual(['user_engagement_1']);
    expect(JSON.parse(readFileSync(configPath, 'utf8'))).toEqual(sampleBatchSource());
    expect(again.stderr).toContain('kept the existing');
  });

  it('fails clearly and writes nothing when Signals has no offline group', async () => {
    const run = await cli('init', ...sandbox(), '--repo-path', repo, '--target-type', 'duckdb');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('No attribute groups available');
    expect(existsSync(repo)).toBe(false);
  });

  it('refuses an unknown target type (a usage error, exit 2) before calling Signals, offering only implemented targets', async () => {
    const run = await cli('init', ...sandbox(), '--repo-path', repo, '--target-type', 'oracle');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `option '--target-type <target>' argument 'oracle' is invalid. Allowed choices are ${TARGETS.join(', ')}.`,
    );
    expect(emulator.requests).toEqual([]);
    expect(existsSync(repo)).toBe(false);
  });

  it('names a missing group version', async () => {
    await client.upsertAttributeGroup(sampleGroup());
    const run = await cli(
      'init',
      ...sandbox(),
      '--repo-path',
      repo,
      '--target-type',
      'duckdb',
      '--attribute-group-name',
      'user_engagement',
      '--attribute-group-version',
      '7',
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('No offline attribute group user_engagement version 7 in Signals.');
  });
});

describe('signals-batch emulator', () => {
  it('serves the API, prints the credentials to use, persists state and stops on SIGINT', async () => {
    const statePath = join(repo, '..', 'state.json');
    const stdout: string[] = [];
    const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout.push(String(chunk));
      return true;
    });
    // Other SIGINT listeners (the test runner's) must not see the simulated Ctrl+C.
    const foreignListeners = process.listeners('SIGINT');
    for (const listener of foreignListeners) process.off('SIGINT', listener);
    try {
      const running = main([
        'node',
        'signals-batch',
        'emulator',
        '--port',
        '0',
        '--state',
        statePath,
        '--sandbox-token',
        'chosen-sandbox-token',
      ]);
      const printed = await waitFor(() => stdout.join('').includes('Press Ctrl+C') && stdout.join(''));
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(printed)?.[1] as string;
      const apiKey = /SNOWPLOW_API_KEY=(\S+)/.exec(printed)?.[1] as string;
      const apiKeyId = /SNOWPLOW_API_KEY_ID=(\S+)/.exec(printed)?.[1] as string;
      const orgId = /SNOWPLOW_ORG_ID=(\S+)/.exec(printed)?.[1] as string;
      expect(printed).toContain('SNOWPLOW_SANDBOX_TOKEN=<as given with --sandbox-token>');
      expect(printed).not.toContain('chosen-sandbox-token');

      // The printed BDP credentials work, and so does the chosen sandbox token.
      const bdpClient = new SignalsClient({ apiUrl: url, auth: { mode: 'bdp', apiKey, apiKeyId, orgId, consoleUrl: url } });
      await bdpClient.upsertAttributeGroup(sampleGroup());
      const sandboxClient = new SignalsClient({ apiUrl: url, auth: { mode: 'sandbox', sandboxToken: 'chosen-sandbox-token' } });
      expect((await sandboxClient.listAttributeGroups()).map((g) => g.name)).toEqual(['user_engagement']);

      process.emit('SIGINT');
      expect(await running).toBe(0);
      expect(stdout.join('')).toContain('Signals emulator stopped.');
      expect(JSON.parse(readFileSync(statePath, 'utf8')).attributeGroups[0].name).toBe('user_engagement');
      await expect(fetch(`${url}/health-all`)).rejects.toThrow();
    } finally {
      for (const listener of foreignListeners) process.on('SIGINT', listener);
      out.mockRestore();
    }
  });

  it('refuses a bad port (a usage error, exit 2)', async () => {
    const run = await cli('emulator', '--port', 'eighty');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("option '--port <port>' argument 'eighty' is invalid. Use a whole number from 0 to 65535.");
  });
});

async function waitFor<T>(probe: () => T | false, timeoutMs = 5000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error('timed out waiting for the CLI');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
