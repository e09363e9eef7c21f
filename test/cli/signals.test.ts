import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import { cliInProcess as cli } from '../support/cli';
import { EmulatorHandle, startEmulator } from '../../src/emulator';
import { SignalsClient } from '../../src/signals';
import { TARGETS } from '../../src/dbt';
import { sampleBatchSource, sampleGroup } from '../support/emulator';

// Per-test timeout of this file: it starts the CLI and the emulator as processes.
jest.setTimeout(3 * 60_000);

const SIGNALS_ENV_NAMES = [
  'SNOWPLOW_API_URL',
  'SNOWPLOW_API_KEY',
  'SNOWPLOW_API_KEY_ID',
  'SNOWPLOW_ORG_ID',
  'SNOWPLOW_AUTH_MODE',
  'SNOWPLOW_SANDBOX_TOKEN',
  'SNOWPLOW_CONSOLE_URL',
  'SNOWPLOW_REPO_PATH',
  'SNOWPLOW_TARGET_TYPE',
  'SNOWPLOW_ATTRIBUTE_GROUP_NAME',
  'SNOWPLOW_ATTRIBUTE_GROUP_VERSION',
  'SNOWPLOW_VERBOSE',
  'SNOWPLOW_CHECK_AUTH',
  'SNOWPLOW_CHECK_API',
];

let emulator: EmulatorHandle;
let client: SignalsClient;
let repo: string;
const savedEnv: Record<string, string | undefined> = {};

beforeEach(async () => {
  for (const name of SIGNALS_ENV_NAMES) {
    savedEnv[name] = process.env[name];
    delete process.env[name];
  }
  emulator = await startEmulator({ credentials: { apiKey: 'cli-test-api-key', apiKeyId: 'cli-test-key-id', orgId: 'org-cli' } });
  client = new SignalsClient({ apiUrl: emulator.url, auth: { mode: 'sandbox', sandboxToken: emulator.credentials.sandboxToken } });
  repo = join(mkdtempSync(join(tmpdir(), 'signals-cli-')), 'repo');
});
afterEach(async () => {
  await emulator.close();
  rmSync(join(repo, '..'), { recursive: true, force: true });
  for (const name of SIGNALS_ENV_NAMES) {
    if (savedEnv[name] === undefined) delete process.env[name];
    else process.env[name] = savedEnv[name];
  }
  process.exitCode = undefined;
});

const sandbox = () => ['--api-url', emulator.url, '--auth-mode', 'sandbox', '--sandbox-token', emulator.credentials.sandboxToken];
const bdp = () => [
  '--api-url',
  emulator.url,
  '--console-url',
  emulator.consoleUrl,
  '--api-key',
  emulator.credentials.apiKey,
  '--api-key-id',
  emulator.credentials.apiKeyId,
  '--org-id',
  emulator.credentials.orgId,
];
const group = ['--attribute-group-name', 'user_engagement', '--attribute-group-version', '1'];

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
    expect(run.stderr).toContain(`option '--target-type <target>' argument 'oracle' is invalid. Allowed choices are ${TARGETS.join(', ')}.`);
    expect(emulator.requests).toEqual([]);
    expect(existsSync(repo)).toBe(false);
  });

  it('names a missing group version', async () => {
    await client.upsertAttributeGroup(sampleGroup());
    const run = await cli('init', ...sandbox(), '--repo-path', repo, '--target-type', 'duckdb', '--attribute-group-name', 'user_engagement', '--attribute-group-version', '7');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('No offline attribute group user_engagement version 7 in Signals.');
  });
});

describe('signals-batch materialize / sync', () => {
  it('registers the batch source from the init config and publishes the group', async () => {
    await client.upsertAttributeGroup(sampleGroup());
    expect((await cli('init', ...sandbox(), '--repo-path', repo, '--target-type', 'duckdb')).code).toBe(0);
    const configPath = join(repo, 'user_engagement_1', 'configs', 'batch_source_config.json');
    const config = JSON.parse(readFileSync(configPath, 'utf8'));
    writeFileSync(configPath, JSON.stringify({ ...config, database: 'warehouse', wh_schema: 'main_derived' }));

    const run = await cli('materialize', ...sandbox(), ...group, '--repo-path', repo);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      'materialized user_engagement v1: batch source user_engagement_1_attributes = ' +
        'warehouse.main_derived.user_engagement_1_attributes (timestamp updated_at); publish: published\n',
    );
    const live = await client.getAttributeGroup('user_engagement', 1);
    expect(live?.is_published).toBe(true);
    expect(live?.batch_source).toMatchObject({ database: 'warehouse', schema: 'main_derived', table: 'user_engagement_1_attributes' });
  });

  it('works as sync with options overriding the config file, and credentials from the environment', async () => {
    await client.upsertAttributeGroup(sampleGroup());
    process.env.SNOWPLOW_API_URL = emulator.url;
    process.env.SNOWPLOW_CONSOLE_URL = emulator.consoleUrl;
    process.env.SNOWPLOW_API_KEY = emulator.credentials.apiKey;
    process.env.SNOWPLOW_API_KEY_ID = emulator.credentials.apiKeyId;
    process.env.SNOWPLOW_ORG_ID = emulator.credentials.orgId;
    process.env.SNOWPLOW_ATTRIBUTE_GROUP_NAME = 'user_engagement';
    process.env.SNOWPLOW_ATTRIBUTE_GROUP_VERSION = '1';

    const run = await cli('sync', '--database', 'my-project', '--schema', 'attrs', '--table', 'custom_table', '--timestamp-field', 'synced_at', '--verbose');
    expect(run.code).toBe(0);
    expect((await client.getAttributeGroup('user_engagement', 1))?.batch_source).toMatchObject({
      name: 'user_engagement_1_attributes',
      database: 'my-project',
      table: 'custom_table',
      timestamp_field: 'synced_at',
    });
    // Verbose output shows the HTTP calls but never a credential.
    expect(run.stderr).toContain('[signals] PUT registry/attribute_groups/user_engagement/versions/1/batch_source -> HTTP 200');
    for (const secret of [emulator.credentials.apiKey, emulator.credentials.apiKeyId]) {
      expect(run.stdout + run.stderr).not.toContain(secret);
    }
  });

  it('refuses an incomplete batch source before calling Signals', async () => {
    await client.upsertAttributeGroup(sampleGroup());
    await cli('init', ...sandbox(), '--repo-path', repo, '--target-type', 'duckdb');
    emulator.requests.length = 0;

    const run = await cli('materialize', ...sandbox(), ...group, '--repo-path', repo);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Invalid batch source for user_engagement version 1: database: database must not be empty; wh_schema: wh_schema must not be empty.');
    expect(run.stderr).toContain(`Fix ${join(repo, 'user_engagement_1', 'configs', 'batch_source_config.json')}`);
    expect(emulator.requests).toEqual([]);
  });

  it('requires the group name and version', async () => {
    const run = await cli('materialize', ...sandbox(), '--database', 'd', '--schema', 's', '--table', 't');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Missing --attribute-group-name (SNOWPLOW_ATTRIBUTE_GROUP_NAME) and --attribute-group-version');
  });

  it('says when the group is not registered', async () => {
    const run = await cli('materialize', ...sandbox(), ...group, '--database', 'd', '--schema', 's', '--table', 't');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Attribute group user_engagement version 1 is not registered in Signals');
    expect((await client.getAttributeGroup('user_engagement', 1))).toBeUndefined();
  });
});

describe('signals-batch register', () => {
  const viewFile = (group: Record<string, unknown> = sampleGroup()) => {
    const file = join(repo, '..', 'view.json');
    writeFileSync(file, JSON.stringify(group));
    return file;
  };

  it('registers the attribute definitions hourly by default, then the same view as the table\'s fields, daily', async () => {
    const file = viewFile();
    const first = await cli('register', ...sandbox(), '--view', file);
    expect(first).toMatchObject({ code: 0, stdout: 'created user_engagement v1 (attributes, sync PT1H)\n' });
    let live = await client.getAttributeGroup('user_engagement', 1);
    expect(live).toMatchObject({ refresh_rate: 'PT1H', offline: true, description: 'Engagement of each user', is_published: false });
    expect(live?.attributes).toHaveLength(3);

    const second = await cli('register', ...sandbox(), '--view', file, '--registration', 'fields', '--sync-frequency', 'P1D');
    expect(second).toMatchObject({ code: 0, stdout: 'updated user_engagement v1 (fields, sync P1D)\n' });
    live = await client.getAttributeGroup('user_engagement', 1);
    expect(live).toMatchObject({ refresh_rate: 'P1D', offline: true });
    expect(live?.fields).toEqual([
      { name: 'page_views_7d', type: 'int64' },
      { name: 'last_country', type: 'string' },
      { name: 'last_os', type: 'string' },
    ]);
    expect(live?.attributes ?? undefined).toBeUndefined();
  });

  it.each([
    ['--sync-frequency', 'PT2H', "option '--sync-frequency <duration>' argument 'PT2H' is invalid. Allowed choices are PT1H, PT6H, PT12H, P1D."],
    ['--registration', 'columns', "option '--registration <form>' argument 'columns' is invalid. Allowed choices are attributes, fields."],
  ])('refuses %s %s as a usage error before calling Signals', async (option, value, message) => {
    const run = await cli('register', ...sandbox(), '--view', viewFile(), option, value);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(emulator.requests).toEqual([]);
  });

  it('refuses a view without an owner, and sync frequencies that disagree, before calling Signals', async () => {
    const { owner: _owner, ...ownerless } = sampleGroup();
    const noOwner = await cli('register', ...sandbox(), '--view', viewFile(ownerless));
    expect(noOwner.code).toBe(1);
    expect(noOwner.stderr).toContain('the view has no owner; pass --owner <email>');
    const twice = await cli('register', ...sandbox(), '--view', viewFile(sampleGroup({ refresh_rate: 'PT6H' })), '--sync-frequency', 'P1D');
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain("the sync frequency is given twice and differs (P1D and the view's refreshRate PT6H); give one");
    expect(emulator.requests).toEqual([]);
  });
});

describe('signals-batch unmaterialize', () => {
  it('unpublishes and removes the batch source (verbose via SNOWPLOW_VERBOSE), and is fine when run twice', async () => {
    await client.upsertAttributeGroup(sampleGroup());
    await client.materialize('user_engagement', 1, sampleBatchSource());

    process.env.SNOWPLOW_VERBOSE = 'true';
    const run = await cli('unmaterialize', ...sandbox(), ...group);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('[signals] POST engines/unpublish -> HTTP 200');
    expect(run.stdout).toBe('unmaterialized user_engagement v1: unpublished (engines/unpublish); batch source removed (delete)\n');
    expect(await client.getAttributeGroup('user_engagement', 1)).toMatchObject({ is_published: false, batch_source: null });

    const again = await cli('unmaterialize', ...sandbox(), ...group);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('nothing to unpublish');
    expect(again.stdout).toContain('no batch source to remove');
  });
});

describe('signals-batch test-connection', () => {
  it('passes both checks against a healthy emulator', async () => {
    await client.upsertAttributeGroup(sampleGroup());
    const run = await cli('test-connection', ...bdp());
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('auth: ok (1 offline attribute group visible)\napi: ok\n  storage: ok\n  feature_server: ok\n');
  });

  it('fails with exit code 1 on wrong credentials without printing them', async () => {
    const run = await cli('test-connection', '--api-url', emulator.url, '--console-url', emulator.consoleUrl, '--api-key', 'wrong-secret-key', '--api-key-id', 'wrong-key-id', '--org-id', 'org-cli');
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('auth: FAILED');
    expect(run.stdout).toContain('api: ok');
    expect(run.stderr).toContain('Signals connection test failed. authentication check: Signals authentication failed');
    expect(run.stdout + run.stderr).not.toContain('wrong-secret-key');
  });

  it('checks only the API health with --no-check-auth (no credentials needed) and reports an unhealthy dependency', async () => {
    emulator.setHealth({ status: 'degraded', dependencies: { storage: 'ok', feature_server: 'down' } });
    const run = await cli('test-connection', '--api-url', emulator.url, '--no-check-auth');
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('api: FAILED (status degraded)\n  storage: ok\n  feature_server: down\n');
    expect(run.stderr).toContain('API check: health status is "degraded" (feature_server: down)');
    expect(emulator.tokens.issued).toBe(0);
  });

  it('honours SNOWPLOW_CHECK_API=false and SNOWPLOW_VERBOSE=false, and refuses to check nothing', async () => {
    process.env.SNOWPLOW_CHECK_API = 'false';
    process.env.SNOWPLOW_VERBOSE = 'false';
    const authOnly = await cli('test-connection', ...sandbox());
    expect(authOnly.code).toBe(0);
    expect(authOnly.stderr).toBe('');
    expect(authOnly.stdout).toBe('auth: ok (0 offline attribute groups visible)\n');
    const nothing = await cli('test-connection', ...sandbox(), '--no-check-auth', '--no-check-api');
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toContain('Nothing to test');
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
      const running = main(['node', 'signals-batch', 'emulator', '--port', '0', '--state', statePath, '--sandbox-token', 'chosen-sandbox-token']);
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
