/**
 * The quickstart program: one batch attribute view over the bundled sample events, computed in a
 * local DuckDB file and materialized in the Signals emulator.
 *
 * Run it with `npm run quickstart` (which starts the emulator, loads the sample events, and drives this
 * program through the Pulumi Automation API), or with the Pulumi CLI from the repository root
 * (`Pulumi.yaml` points here; needs `npm run build`, the `pulumi-language-nodejs` host, the stack
 * config below and a running emulator: `signals-batch emulator --duckdb .quickstart/warehouse.duckdb`).
 *
 * Stack config (project `signals-batch-quickstart`):
 * - `signals-batch:apiUrl`, `signals-batch:apiKeyId`, `signals-batch:orgId`, `signals-batch:consoleUrl`,
 *   secret `signals-batch:apiKey`: the Signals connection (the emulator's, here);
 * - `signals-batch-quickstart:warehouse` (default `.quickstart/warehouse.duckdb`): the DuckDB file;
 * - `signals-batch-quickstart:projectDir` (default `.quickstart/dbt`): where the dbt project is written;
 *   both relative to the repository root (the component records them relative to the program's
 *   working directory, so moving the checkout changes nothing);
 * - `signals-batch-quickstart:dbtRunner` (`command` or `dynamic`, default `command`);
 * - `signals-batch-quickstart:owner` (default `quickstart@example.com`);
 * - `signals-batch-quickstart:batchSourceDescription` (optional).
 *
 * In your own project, import from `signals-batch` instead of `../../src`.
 */
import * as pulumi from '@pulumi/pulumi';
import * as path from 'node:path';
import { BatchAttributeView } from '../../src';
import { packageRoot } from '../../src/paths';
import { sampleView } from '../../src/sample';

/** A path of the quickstart's config, relative to the repository root. */
const fromRoot = (given: string) => path.resolve(packageRoot(), given);

/** The sample events span 2025-01-01 .. 2025-02-04: windows (`P7D`...) are computed as of the day after. */
const QUICKSTART_CURRENT_DAY = '2025-02-05';

/** The program (a function, as the Pulumi CLI and the Automation API both run it); returns the stack outputs. */
export = async function quickstart(): Promise<Record<string, unknown>> {
  const config = new pulumi.Config();
  const runner = config.get('dbtRunner') ?? 'command';
  if (runner !== 'command' && runner !== 'dynamic') throw new pulumi.RunError(`dbtRunner must be "command" or "dynamic", not "${runner}"`);

  const view = new BatchAttributeView('quickstart', {
    view: sampleView(),
    owner: config.get('owner') ?? 'quickstart@example.com',
    warehouse: { duckdb: { path: fromRoot(config.get('warehouse') ?? '.quickstart/warehouse.duckdb'), schema: 'signals' } },
    projectDir: fromRoot(config.get('projectDir') ?? '.quickstart/dbt'),
    dbtRunner: runner,
    dbt: {
      vars: {
        snowplow__start_date: '2025-01-01',
        snowplow__app_id: ['web-shop'],
        snowplow__mock_current_day: QUICKSTART_CURRENT_DAY,
      },
    },
    description: config.get('batchSourceDescription'),
    // Sample data: when the sample view changes, rebuilding its tables from history takes seconds.
    rebuildOnDefinitionChange: true,
  });

  return {
    projectDir: view.projectDir,
    projectHash: view.projectHash,
    attributeTable: view.attributeTable,
    keyColumn: view.keyColumn,
    batchSourceName: view.batchSourceName,
    attributeGroupName: view.attributeGroupName,
    attributeGroupVersion: view.attributeGroupVersion,
    materialized: view.materialized,
    lastRun: view.lastRun,
  };
};
