/**
 * The `signals-batch` commands that change or check what Signals holds: materialize (or sync),
 * register, unmaterialize and test-connection, against the emulator.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliInProcess as cli } from '../support/cli';
import { sampleBatchSource, sampleGroup } from '../support/emulator';
import { bdp, client, emulator, group, repo, sandbox, signalsCliPerTest } from '../support/signalsCli';

// Per-test timeout of this file: it starts the CLI and the emulator as processes.
jest.setTimeout(3 * 60_000);

signalsCliPerTest();

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

    const run = await cli(
      'sync',
      '--database',
      'my-project',
      '--schema',
      'attrs',
      '--table',
      'custom_table',
      '--timestamp-field',
      'synced_at',
      '--verbose',
    );
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
    expect(run.stderr).toContain(
      'Invalid batch source for user_engagement version 1: database: database must not be empty; wh_schema: wh_schema must not be empty.',
    );
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
    expect(await client.getAttributeGroup('user_engagement', 1)).toBeUndefined();
  });
});

describe('signals-batch register', () => {
  const viewFile = (group: Record<string, unknown> = sampleGroup()) => {
    const file = join(repo, '..', 'view.json');
    writeFileSync(file, JSON.stringify(group));
    return file;
  };

  it("registers the attribute definitions hourly by default, then the same view as the table's fields, daily", async () => {
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
    [
      '--sync-frequency',
      'PT2H',
      "option '--sync-frequency <duration>' argument 'PT2H' is invalid. Allowed choices are PT1H, PT6H, PT12H, P1D.",
    ],
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
    const run = await cli(
      'test-connection',
      '--api-url',
      emulator.url,
      '--console-url',
      emulator.consoleUrl,
      '--api-key',
      'wrong-secret-key',
      '--api-key-id',
      'wrong-key-id',
      '--org-id',
      'org-cli',
    );
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
