/** `signals-batch test-connection`: check the Signals credentials and the API health. */
import type { Command } from 'commander';
import { fetchHealth, SignalsError, SignalsInputError } from '../../signals';
import { CLI_ENV, SIGNALS_ENV, envFlag } from '../env';
import { CliError } from '../errors';
import { isVerbose, progress } from '../options';
import { createClient, withConnection, type ConnectionOptions } from '../signalsOptions';

export function registerTestConnection(program: Command): void {
  withConnection(
    program
      .command('test-connection')
      .description('Check the Signals credentials (an authenticated registry read) and the API health (GET /health-all)'),
  )
    .option('--check-auth', 'check the credentials (default)')
    .option('--no-check-auth', 'skip the credentials check')
    .option('--check-api', 'check GET {api-url}/health-all (default)')
    .option('--no-check-api', 'skip the API health check')
    .action(async (opts: ConnectionOptions, command: Command) => {
      await runTestConnection(opts, command);
    });
}

/** A `--check-x/--no-check-x` flag: command line first, then its environment variable, default on. */
function checkEnabled(command: Command, optionName: 'checkAuth' | 'checkApi'): boolean {
  const value = command.getOptionValue(optionName) as boolean | undefined;
  if (command.getOptionValueSource(optionName) === 'cli' && value !== undefined) return value;
  return envFlag(CLI_ENV[optionName]) ?? value ?? true;
}

async function runTestConnection(opts: ConnectionOptions, command: Command): Promise<void> {
  const checkAuth = checkEnabled(command, 'checkAuth');
  const checkApi = checkEnabled(command, 'checkApi');
  if (!checkAuth && !checkApi) throw new CliError('Nothing to test: both --no-check-auth and --no-check-api were given.');
  if (!opts.apiUrl) throw new CliError(`The Signals API URL is missing: pass --api-url or set ${SIGNALS_ENV.apiUrl}.`);
  const logger = isVerbose(command) ? (line: string) => progress(`[signals] ${line}`) : undefined;
  const failures: string[] = [];

  if (checkAuth) {
    try {
      const client = createClient(opts, command);
      const groups = await client.listAttributeGroups({ offline: true });
      process.stdout.write(`auth: ok (${groups.length} offline attribute group${groups.length === 1 ? '' : 's'} visible)\n`);
    } catch (error) {
      if (!(error instanceof SignalsError || error instanceof SignalsInputError || error instanceof CliError)) throw error;
      process.stdout.write('auth: FAILED\n');
      failures.push(`authentication check: ${error.message}`);
    }
  }
  if (checkApi) {
    try {
      const health = await fetchHealth({ apiUrl: opts.apiUrl, logger });
      const dependencies = Object.entries(health.dependencies ?? {});
      process.stdout.write(`api: ${health.status === 'ok' ? 'ok' : `FAILED (status ${health.status})`}\n`);
      for (const [name, status] of dependencies) process.stdout.write(`  ${name}: ${status}\n`);
      if (health.status !== 'ok') {
        const unhealthy = dependencies.filter(([, status]) => status !== 'ok').map(([name, status]) => `${name}: ${status}`);
        failures.push(`API check: health status is "${health.status}"${unhealthy.length ? ` (${unhealthy.join(', ')})` : ''}`);
      }
    } catch (error) {
      if (!(error instanceof SignalsError || error instanceof SignalsInputError)) throw error;
      process.stdout.write('api: FAILED\n');
      failures.push(`API check: ${error.message}`);
    }
  }
  if (failures.length > 0) throw new CliError(`Signals connection test failed. ${failures.join(' ')}`);
}
