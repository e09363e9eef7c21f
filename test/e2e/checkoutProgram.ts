/**
 * A Pulumi program run from a checkout of this package, as a CI runner would: started with the
 * checkout as its working directory (`node <checkout>/build/test/e2e/checkoutProgram.js <up|preview>`),
 * it deploys one view whose project and warehouse live inside the checkout, given as relative paths,
 * with its state outside the checkout. It prints one JSON line: the operation's change summary.
 *
 * Environment: CHECKOUT_PULUMI_BIN (the folder holding `pulumi`), CHECKOUT_STATE (state folder),
 * CHECKOUT_API_URL, CHECKOUT_CONSOLE_URL, CHECKOUT_API_KEY_ID, CHECKOUT_ORG_ID, CHECKOUT_API_KEY,
 * CHECKOUT_RUNNER (`command` or `dynamic`).
 */
import * as path from 'node:path';
import { PulumiCommand } from '@pulumi/pulumi/automation';
import { localStack } from '../../examples/quickstart/pulumiCli';
import { BatchAttributeView } from '../../src/component';
import { domainUserid, pageView } from '../../src/definition';

function need(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

async function main(operation: string): Promise<void> {
  const binDir = need('CHECKOUT_PULUMI_BIN');
  const command = await PulumiCommand.get({ root: path.dirname(binDir) });
  const stack = await localStack({
    cli: { binDir, command },
    projectName: 'signals-batch-checkout',
    stackName: 'ci',
    stateDir: need('CHECKOUT_STATE'),
    passphrase: 'checkout-passphrase',
    config: {
      'signals-batch:apiUrl': { value: need('CHECKOUT_API_URL') },
      'signals-batch:consoleUrl': { value: need('CHECKOUT_CONSOLE_URL') },
      'signals-batch:apiKeyId': { value: need('CHECKOUT_API_KEY_ID') },
      'signals-batch:orgId': { value: need('CHECKOUT_ORG_ID') },
      'signals-batch:apiKey': { value: need('CHECKOUT_API_KEY'), secret: true },
    },
    program: async () => {
      const view = new BatchAttributeView('checkout', {
        view: {
          name: 'checkout_users',
          owner: 'ci@example.com',
          attributeKey: domainUserid,
          attributes: [{ name: 'page_views', type: 'int64', aggregation: 'counter', events: [pageView()] }],
        },
        warehouse: { duckdb: { path: 'work/warehouse.duckdb' } },
        projectDir: 'work/dbt',
        dbtRunner: need('CHECKOUT_RUNNER') as 'command' | 'dynamic',
        dbt: { vars: { snowplow__start_date: '2025-01-01', snowplow__mock_current_day: '2025-01-15' } },
      });
      return { projectDir: view.projectDir, attributeTable: view.attributeTable, lastRun: view.lastRun };
    },
  });
  const log = (line: string) => process.stderr.write(line);
  const result =
    operation === 'up'
      ? (await stack.up({ onOutput: log })).summary.resourceChanges
      : (await stack.preview({ onOutput: log })).changeSummary;
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main(process.argv[2] ?? 'preview').catch((error: Error) => {
  process.stderr.write(`checkout program failed: ${error.message}\n`);
  process.exitCode = 1;
});
