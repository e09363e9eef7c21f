/**
 * The `signals-batch` command: the engine (generate, load-events, run) and the Signals
 * commands (init, materialize/sync, unmaterialize, test-connection, emulator).
 */
import { Command, CommanderError } from 'commander';
import { registerEngineCommands } from './commands/engine';
import { registerSignalsCommands } from './commands/signals';
import { CliError } from './errors';

export function buildProgram(): Command {
  const program = new Command('signals-batch')
    .description('Declare Snowplow Signals batch attribute views; compute them incrementally with dbt; materialize them in Signals.')
    .showHelpAfterError()
    .exitOverride();
  registerEngineCommands(program);
  registerSignalsCommands(program);
  return program;
}

/** Run the CLI; resolves to the exit code. Errors print as one paragraph on stderr. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    const verbose = argv.includes('--verbose') || argv.includes('-v');
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`signals-batch: ${message}\n`);
    if (verbose && err instanceof Error && !(err instanceof CliError) && err.stack) process.stderr.write(`${err.stack}\n`);
    return 1;
  }
}
