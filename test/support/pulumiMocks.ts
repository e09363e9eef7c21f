/**
 * Pulumi mocks for component tests: records every registration with its type, name, parent URN,
 * dependencies and raw inputs (secrets still wrapped), and answers with the inputs plus a few outputs.
 */
import * as pulumi from '@pulumi/pulumi';

export interface Registration {
  type: string;
  name: string;
  urn: string;
  parent: string;
  dependencies: string[];
  provider: string;
  custom: boolean;
  retainOnDelete: boolean;
  /** Inputs as the engine would receive them (secrets are `{4dabf18193072939515e22adb298388d: ..., value}`). */
  inputs: Record<string, any>;
}

export const SECRET_SIG_KEY = '4dabf18193072939515e22adb298388d';

export const registrations: Registration[] = [];

/** What the mocked dbt runs print (`signals-batch run --json`). */
export const RUN_RESULT = {
  project: 'x',
  caughtUp: true,
  rounds: 2,
  seconds: 3.5,
  processedThrough: '2025-02-01 00:00:00',
  newestLoadTstamp: '2025-02-01 00:00:00',
  totals: { newEvents: 150, datesRecomputed: 32, datesSkipped: 1, keysRecomputed: 18 },
};

function outputsFor(type: string, name: string, inputs: Record<string, any>): Record<string, any> {
  if (type === 'snowflake:index/schema:Schema') {
    return { ...inputs, fullyQualifiedName: `"${inputs.database}"."${inputs.name}"` };
  }
  if (type.endsWith(':AttributeGroupRegistration')) {
    return {
      ...inputs,
      name: inputs.group?.name,
      version: inputs.group?.version,
      isPublished: false,
      fullName: `${inputs.group?.name}_v${inputs.group?.version}`,
    };
  }
  if (type.endsWith(':DbtProjectFiles')) {
    return { ...inputs, rebuildFromHistory: false, hash: 'mock-hash', fileCount: Object.keys(inputs.files ?? {}).length };
  }
  if (type.endsWith(':BatchSourceRegistration')) return { ...inputs, published: true };
  if (type === 'command:local:Command' || type.endsWith(':DbtRun')) {
    return { ...inputs, stdout: `${JSON.stringify(RUN_RESULT)}\n`, stderr: 'round 1: ...\nround 2: ...\n' };
  }
  return { ...inputs };
}

let installed = false;

/** Install the mocks once per test file (before constructing anything). */
export function installMocks(config: Record<string, string> = {}, secretKeys: string[] = []): void {
  if (installed) return;
  installed = true;
  pulumi.runtime.setAllConfig(config, secretKeys);
  pulumi.runtime.setMocks(
    {
      newResource(args: pulumi.runtime.MockResourceArgs) {
        return { id: args.custom ? `${args.name}-id` : undefined, state: outputsFor(args.type, args.name, args.inputs) };
      },
      call(args: pulumi.runtime.MockCallArgs) {
        return args.inputs;
      },
    },
    'signals-batch-test',
    'test',
    false,
  );
  const monitor = (pulumi.runtime as unknown as { getMonitor(): any }).getMonitor();
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, callback: (err: unknown, res: any) => void) => {
    const record: Registration = {
      type: req.getType(),
      name: req.getName(),
      urn: '',
      parent: req.getParent(),
      dependencies: req.getDependenciesList(),
      provider: req.getProvider(),
      custom: req.getCustom(),
      retainOnDelete: req.getRetainondelete() === true,
      inputs: req.getObject()?.toJavaScript() ?? {},
    };
    registrations.push(record);
    return original(req, (err: unknown, res: any) => {
      if (res) record.urn = res.getUrn();
      callback(err, res);
    });
  };
}

/** The Signals API key of `installSignalsMocks`: a test asserts it never appears in plain text. */
export const MOCK_API_KEY = 'mock-api-key-value';

/** Install the mocks with Signals credentials in stack config, the API key as a secret. */
export function installSignalsMocks(): void {
  installMocks(
    {
      'signals-batch:apiUrl': 'http://127.0.0.1:1',
      'signals-batch:apiKey': MOCK_API_KEY,
      'signals-batch:apiKeyId': 'mock-key-id',
      'signals-batch:orgId': 'mock-org',
    },
    ['signals-batch:apiKey'],
  );
}

/** Resolve an Output (mocks: values are known). */
export function value<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((v) => resolve(v)));
}

/** Wait until every registration started so far has been recorded. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}

export function byName(name: string): Registration {
  const found = registrations.find((r) => r.name === name);
  if (!found) throw new Error(`no resource named ${name}; have ${registrations.map((r) => r.name).join(', ')}`);
  return found;
}

/** Every place `needle` appears in `value` outside a secret wrapper. */
export function plainOccurrences(value: unknown, needle: string, where = ''): string[] {
  if (typeof value === 'string') return value.includes(needle) ? [where || '(root)'] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => plainOccurrences(v, needle, `${where}[${i}]`));
  if (value && typeof value === 'object') {
    if ((value as Record<string, unknown>)[SECRET_SIG_KEY] !== undefined) return [];
    return Object.entries(value).flatMap(([k, v]) => plainOccurrences(v, needle, where ? `${where}.${k}` : k));
  }
  return [];
}
