/** `signals-batch emulator`: a local Signals API (loopback) until interrupted; prints the URL and credentials. */
import { type Command, Option } from 'commander';
import * as path from 'node:path';
import { duckdbFilesFromPaths, startEmulator } from '../../emulator';
import { SIGNALS_ENV } from '../env';
import { CliError } from '../errors';
import { isVerbose, progress, wholeNumber } from '../options';

interface EmulatorCommandOptions {
  port: number;
  host: string;
  state?: string;
  duckdb: string[];
  apiKey?: string;
  apiKeyId?: string;
  orgId?: string;
  sandboxToken?: string;
  tokenTtl: number;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function registerEmulator(program: Command): void {
  program
    .command('emulator')
    .description('Run a local Signals API emulator (loopback) until interrupted; prints the URL and credentials to use')
    .addOption(new Option('--port <port>', 'TCP port (0 picks a free one)').default(0).argParser(wholeNumber(0, 65535)))
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--state <file>', 'persist the registry to this JSON file (loaded at start when present)')
    .option('--duckdb <file>', 'DuckDB file answering get-online-attributes; database name = file stem (repeatable)', collect, [])
    .option('--api-key <key>', 'API key to accept (default: generated)')
    .option('--api-key-id <id>', 'API key id to accept (default: generated)')
    .option('--org-id <id>', 'organization id to accept (default: generated)')
    .option('--sandbox-token <token>', 'sandbox token to accept (default: generated)')
    .addOption(new Option('--token-ttl <seconds>', 'lifetime of issued access tokens').default(3600).argParser(wholeNumber(1, 31_536_000)))
    .action(async (opts: EmulatorCommandOptions, command: Command) => {
      await runEmulator(opts, isVerbose(command));
    });
}

async function runEmulator(opts: EmulatorCommandOptions, verbose: boolean): Promise<void> {
  let duckdbFiles: Record<string, string>;
  try {
    duckdbFiles = duckdbFilesFromPaths(opts.duckdb);
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  let emulator;
  try {
    emulator = await startEmulator({
      port: opts.port,
      host: opts.host,
      statePath: opts.state,
      duckdbFiles,
      tokenTtlSeconds: opts.tokenTtl,
      credentials: { apiKey: opts.apiKey, apiKeyId: opts.apiKeyId, orgId: opts.orgId, sandboxToken: opts.sandboxToken },
      logger: verbose ? (line) => progress(`[emulator] ${line}`) : undefined,
    });
  } catch (error) {
    throw new CliError(`Cannot start the Signals emulator: ${(error as Error).message}`);
  }
  // Credentials generated here are emulator-only and meant to be copied; ones the user chose are not echoed.
  const shown = (value: string, given: string | undefined, option: string) => (given ? `<as given with ${option}>` : value);
  const { credentials } = emulator;
  const lines = [
    `Signals emulator listening on ${emulator.url}`,
    '',
    'BDP auth:',
    `  export ${SIGNALS_ENV.apiUrl}=${emulator.url}`,
    `  export ${SIGNALS_ENV.consoleUrl}=${emulator.consoleUrl}`,
    `  export ${SIGNALS_ENV.authMode}=bdp`,
    `  export ${SIGNALS_ENV.apiKey}=${shown(credentials.apiKey, opts.apiKey, '--api-key')}`,
    `  export ${SIGNALS_ENV.apiKeyId}=${shown(credentials.apiKeyId, opts.apiKeyId, '--api-key-id')}`,
    `  export ${SIGNALS_ENV.orgId}=${credentials.orgId}`,
    'Sandbox auth:',
    `  export ${SIGNALS_ENV.apiUrl}=${emulator.url}`,
    `  export ${SIGNALS_ENV.authMode}=sandbox`,
    `  export ${SIGNALS_ENV.sandboxToken}=${shown(credentials.sandboxToken, opts.sandboxToken, '--sandbox-token')}`,
    '',
    `Control plane (/_emulator/faults, /_emulator/state): header X-Emulator-Control-Token: ${emulator.controlToken}`,
    `State: ${opts.state ? path.resolve(opts.state) : 'in memory'}`,
    `DuckDB files: ${
      Object.keys(duckdbFiles).length
        ? Object.entries(duckdbFiles)
            .map(([db, file]) => `${db} -> ${file}`)
            .join(', ')
        : 'none'
    }`,
    'Press Ctrl+C to stop.',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  await new Promise<void>((resolveStop) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolveStop();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await emulator.close();
  process.stdout.write('Signals emulator stopped.\n');
}
