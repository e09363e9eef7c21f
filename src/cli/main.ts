/**
 * The `signals-batch` command: the engine (generate, load-events, run) and the Signals commands
 * (init, register, materialize/sync, unmaterialize, test-connection, emulator), one file each under
 * commands/. Errors print as one paragraph on stderr; with `--json` also as `{"error": ...}` on stdout.
 */
import { Command, CommanderError } from 'commander';
import { registerEmulator } from './commands/emulator';
import { registerGenerate } from './commands/generate';
import { registerInit } from './commands/init';
import { registerLoadEvents } from './commands/loadEvents';
import { registerMaterialize } from './commands/materialize';
import { registerRegister } from './commands/register';
import { registerRun } from './commands/run';
import { registerTestConnection } from './commands/testConnection';
import { registerUnmaterialize } from './commands/unmaterialize';
import { CliError } from './errors';

const NAME = 'signals-batch';

export function buildProgram(): Command {
  const program = new Command(NAME)
    .description('Declare Snowplow Signals batch attribute views; compute them incrementally with dbt; materialize them in Signals.')
    .option('-v, --verbose', 'show details: dbt output, every Signals call (never a credential); also SNOWPLOW_VERBOSE=true')
    .configureOutput({ outputError: (text, write) => write(`${NAME}: ${text.replace(/^error: /, '')}`) })
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  for (const register of [
    registerGenerate,
    registerLoadEvents,
    registerRun,
    registerInit,
    registerRegister,
    registerMaterialize,
    registerUnmaterialize,
    registerTestConnection,
    registerEmulator,
  ]) {
    register(program);
  }
  return program;
}

/** `--json` was asked for (before any `--`): failures then also print `{"error": ...}` on stdout. */
function wantsJson(argv: string[]): boolean {
  const args = argv.slice(2);
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).includes('--json');
}

/** Run the CLI; resolves to the exit code (2 for a usage error, 128+n when stopped by signal n). */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.exitCode === 0) return 0;
      // commander has printed the error (and the usage hint) on stderr already.
      if (wantsJson(argv)) process.stdout.write(`${JSON.stringify({ error: err.message.replace(/^error: /, '') })}\n`);
      return 2;
    }
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`${NAME}: ${message}\n`);
    const verbose = Boolean(program.opts().verbose) || argv.includes('--verbose') || argv.includes('-v');
    if (verbose && err instanceof Error && !(err instanceof CliError) && err.stack) process.stderr.write(`${err.stack}\n`);
    if (wantsJson(argv)) process.stdout.write(`${JSON.stringify({ error: message })}\n`);
    return err instanceof CliError ? err.exitCode : 1;
  }
}
