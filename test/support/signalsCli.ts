/**
 * The `signals-batch` Signals commands in tests: for each test an emulator with known BDP
 * credentials, a sandbox client to it, a scratch repository path and no SNOWPLOW_* settings from
 * the environment; and the command-line options that reach the emulator.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type EmulatorHandle } from '../../src/emulator';
import { SignalsClient } from '../../src/signals';

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

/** The running test's emulator, a sandbox client to it, and its scratch repository path (see `signalsCliPerTest`). */
export let emulator: EmulatorHandle;
export let client: SignalsClient;
export let repo: string;
const savedEnv: Record<string, string | undefined> = {};

/** Before each test of the file: clears the SNOWPLOW_* settings and starts the emulator; after it, undoes both. */
export function signalsCliPerTest(): void {
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
}

export const sandbox = () => ['--api-url', emulator.url, '--auth-mode', 'sandbox', '--sandbox-token', emulator.credentials.sandboxToken];
export const bdp = () => [
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
export const group = ['--attribute-group-name', 'user_engagement', '--attribute-group-version', '1'];
