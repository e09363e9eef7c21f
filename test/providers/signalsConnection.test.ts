/**
 * The registration providers talk to Signals as the CLI does, through the same client: the same
 * settings (stack config first, then the `SNOWPLOW_*` variables), the same retry bound, the same
 * batch source rules as the API's schema.
 */
import { validateBatchSourceConfig } from '../../src/definition/batchSource';
import { AttributeGroupRegistrationProvider } from '../../src/providers/attributeGroupRegistration';
import { BatchSourceRegistrationProvider, type BatchSourceRegistrationInputs } from '../../src/providers/batchSourceRegistration';
import { DEFAULT_RETRY_POLICY, SIGNALS_CONFIG_KEYS, SIGNALS_ENV } from '../../src/signals';
import { sampleGroup } from '../support/emulator';
import { PROVIDER_ENV_NAMES, ProviderTestContext, configRequest, startProviderContext } from '../support/providers';

let ctx: ProviderTestContext;

beforeEach(async () => {
  ctx = await startProviderContext();
});
afterEach(async () => {
  await ctx.emulator.close();
  ctx.restoreEnv();
});

const created = async (provider: AttributeGroupRegistrationProvider) => {
  const checked = await provider.check({ group: sampleGroup() }, { group: sampleGroup() });
  return provider.create(checked.inputs as never);
};

describe("the providers' Signals connection", () => {
  it('reads the sandbox mode from the same variables as the CLI', async () => {
    for (const name of PROVIDER_ENV_NAMES) delete process.env[name];
    process.env[SIGNALS_ENV.apiUrl] = ctx.emulator.url;
    process.env[SIGNALS_ENV.authMode] = 'sandbox';
    process.env[SIGNALS_ENV.sandboxToken] = ctx.emulator.credentials.sandboxToken;
    expect((await created(new AttributeGroupRegistrationProvider())).id).toBe('user_engagement/1');
    expect(ctx.emulator.tokens.issued).toBe(0);
  });

  it('prefers the stack config to the environment, setting by setting', async () => {
    process.env[SIGNALS_ENV.apiUrl] = 'http://127.0.0.1:9';
    const provider = new AttributeGroupRegistrationProvider();
    await provider.configure(configRequest({ [SIGNALS_CONFIG_KEYS.apiUrl]: ctx.emulator.url }));
    // The API URL comes from the config; the BDP credentials still from the environment.
    expect((await created(provider)).id).toBe('user_engagement/1');
    expect(ctx.emulator.tokens.issued).toBe(1);
  });

  it('names each missing setting by its stack config key and its variable, and never a value', async () => {
    for (const name of PROVIDER_ENV_NAMES) delete process.env[name];
    process.env[SIGNALS_ENV.apiKey] = 'a-key-that-must-not-show';
    const error = await created(new AttributeGroupRegistrationProvider()).catch((e: Error) => e);
    expect((error as Error).message).toBe(
      'The Signals connection is not configured: set signals-batch:apiUrl or SNOWPLOW_API_URL, ' +
        'signals-batch:apiKeyId or SNOWPLOW_API_KEY_ID, signals-batch:orgId or SNOWPLOW_ORG_ID.',
    );
  });

  it("gives up on a failing API after the client's retry bound, naming the call", async () => {
    ctx.emulator.faults.inject({ method: 'POST', path: 'registry/attribute_groups/', status: 503, retryAfter: 0, count: 10 });
    ctx.emulator.requests.length = 0;
    const error = await created(new AttributeGroupRegistrationProvider()).catch((e: Error) => e);
    const attempts = DEFAULT_RETRY_POLICY.maxRetries + 1;
    expect((error as Error).message).toBe(
      `Signals API call POST registry/attribute_groups/ failed with HTTP 503: Injected fault: HTTP 503 (gave up after ${attempts} attempts).`,
    );
    expect(ctx.emulator.requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/registry/attribute_groups/')).toHaveLength(
      attempts,
    );
  });
});

describe("the batch source provider's check", () => {
  const valid: BatchSourceRegistrationInputs = {
    attributeGroupName: 'g',
    attributeGroupVersion: 1,
    name: 'g_1_attributes',
    database: 'analytics',
    schema: 'main_derived',
    table: 'g_1_attributes',
    timestampField: 'updated_at',
  };
  const samples: Array<Partial<BatchSourceRegistrationInputs>> = [
    {},
    { database: 'my-project-123' },
    { database: 'my.db' },
    { database: '' },
    { name: 'with space' },
    { name: 'x'.repeat(128) },
    { name: 'x'.repeat(129) },
    { table: 'Table_1' },
    { table: 'a-b' },
    { schema: 'sch$' },
    { timestampField: '' },
  ];

  it.each(samples)('accepts exactly what the Signals API schema accepts: %j', async (change) => {
    const inputs = { ...valid, ...change };
    const providerAccepts = (await new BatchSourceRegistrationProvider().check(inputs, inputs)).failures === undefined;
    const apiAccepts = validateBatchSourceConfig({
      name: inputs.name,
      database: inputs.database,
      wh_schema: inputs.schema,
      table: inputs.table,
      timestamp_field: inputs.timestampField,
    }).ok;
    expect(providerAccepts).toBe(apiAccepts);
  });
});
