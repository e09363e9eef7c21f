/**
 * The Signals client in tests: an emulator with known BDP credentials started for each test, a
 * client that logs in to it with them, and what the API was asked.
 */
import { startEmulator, type EmulatorHandle, type EmulatorOptions } from '../../src/emulator';
import { SignalsClient, type SignalsClientOptions } from '../../src/signals';

export const FAST_RETRY = { maxRetries: 3, baseDelayMs: 5, maxDelayMs: 20 };

/** The emulator of the running test (see `signalsEmulatorPerTest`). */
export let emulator: EmulatorHandle;

/** Starts an emulator with known BDP credentials before each test of the file and closes it after. */
export function signalsEmulatorPerTest(): void {
  beforeEach(async () => {
    emulator = await startEmulator({ credentials: { apiKey: 'test-api-key-secret', apiKeyId: 'test-key-id', orgId: 'org-1' } });
  });
  afterEach(async () => {
    await emulator.close();
  });
}

/** Closes the running test's emulator and starts another with `options` in its place. */
export async function restartEmulator(options: EmulatorOptions): Promise<void> {
  await emulator.close();
  emulator = await startEmulator(options);
}

export function bdpClient(overrides: Partial<SignalsClientOptions> = {}): SignalsClient {
  return new SignalsClient({
    apiUrl: emulator.url,
    auth: {
      mode: 'bdp',
      apiKey: emulator.credentials.apiKey,
      apiKeyId: emulator.credentials.apiKeyId,
      orgId: emulator.credentials.orgId,
      consoleUrl: emulator.consoleUrl,
    },
    retry: FAST_RETRY,
    ...overrides,
  });
}

/** Requests to the API (not the token endpoint), as `METHOD path -> status`. */
export function apiCalls(): string[] {
  return emulator.requests
    .filter((request) => request.path.startsWith('/api/v1/'))
    .map((request) => `${request.method} ${request.path.replace('/api/v1/', '')} -> ${request.status}`);
}

export async function caught(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}
