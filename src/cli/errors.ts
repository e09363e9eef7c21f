/**
 * The CLI's one error style: what failed, where, and what to do, as one paragraph on stderr
 * (and, with `--json`, as `{"error": ...}` on stdout). Errors of the layers below are turned
 * into that shape here, in one place.
 */
import { constants } from 'node:os';
import { ViewValidationError } from '../definition';
import { InvalidVarsError } from '../dbt/vars';
import { DbtRunError, RunInterruptedError, RunOptionsError } from '../runner';
import { SignalsError, SignalsInputError } from '../signals';
import { EventsLoadError } from '../warehouse/duckdbEvents';

/** An error meant for the CLI user: printed as one paragraph, exit code 1 (unless given), no stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Errors whose message is already written for the user (what, where, what to do). */
const USER_FACING = [ViewValidationError, InvalidVarsError, RunOptionsError, EventsLoadError, DbtRunError, SignalsError, SignalsInputError];

/**
 * `error` as a CliError with `context` before its message. Errors that may be our own bugs pass
 * through unchanged (their stack shows with --verbose) unless `anyError` says every error here is the user's.
 */
export function asCliError(error: unknown, context?: string, anyError = false): unknown {
  const prefixed = (message: string) => (context ? `${context}: ${message}` : message);
  if (error instanceof CliError) return context ? new CliError(prefixed(error.message), error.exitCode) : error;
  if (error instanceof RunInterruptedError) return new CliError(prefixed(error.message), 128 + signalNumber(error.signal));
  if (USER_FACING.some((type) => error instanceof type) || (anyError && error instanceof Error))
    return new CliError(prefixed((error as Error).message));
  return error;
}

/** Runs `work`, turning user-facing errors (or, with `anyError`, every error) into CliErrors. */
export async function cliStep<T>(work: () => Promise<T> | T, context?: string, anyError = false): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw asCliError(error, context, anyError);
  }
}

function signalNumber(signal: NodeJS.Signals): number {
  return constants.signals[signal] ?? 1;
}
