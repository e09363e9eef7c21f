/**
 * Option parsing shared by the commands: every value is parsed and checked by commander itself
 * (`argParser` + `InvalidArgumentError`, `choices`), so a bad option stops the command before
 * it reads, writes or calls anything.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import * as fs from 'node:fs';
import { dialectFor, TARGETS, type Target } from '../dbt';
import { checkVarOverrides } from '../dbt/vars';
import { DUCKDB_MEMORY_LIMIT_FORM, duckdbMemoryLimitProblem, duckdbPathProblem, NAME_RULES } from '../runner';
import { CLI_ENV, envFlag } from './env';
import { CliError } from './errors';

/** Targets with an implemented dialect: the only ones help offers (derived, so new dialects appear). */
export function implementedTargets(): Target[] {
  return TARGETS.filter((target) => {
    try {
      dialectFor(target);
      return true;
    } catch {
      return false;
    }
  });
}

/** A whole number from `min` to `max`. */
export function wholeNumber(min: number, max: number) {
  return (raw: string): number => {
    const value = Number(raw.trim());
    if (!/^\s*-?\d+\s*$/.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
      throw new InvalidArgumentError(`Use a whole number from ${min} to ${max}.`);
    }
    return value;
  };
}

/** A name matching one of the runner's name rules (no quote, brace or line break can pass). */
export function plainName(rule: keyof typeof NAME_RULES) {
  return (raw: string): string => {
    if (!NAME_RULES[rule].pattern.test(raw)) throw new InvalidArgumentError(`Use ${NAME_RULES[rule].says}.`);
    return raw;
  };
}

/** A JSON object of dbt variables, checked against the project's variables. */
export function varsJson(raw: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    throw new InvalidArgumentError(
      `It is not valid JSON (${(error as Error).message}); pass an object such as '{"snowplow__start_date": "2025-01-01"}'.`,
    );
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new InvalidArgumentError('It must be a JSON object of dbt variables.');
  try {
    checkVarOverrides(value as Record<string, unknown>);
  } catch (error) {
    throw new InvalidArgumentError(`${(error as Error).message}.`);
  }
  return value as Record<string, unknown>;
}

/** A DuckDB memory limit such as `2GB`. */
export function duckdbMemoryLimit(raw: string): string {
  if (duckdbMemoryLimitProblem(raw)) throw new InvalidArgumentError(`Use ${DUCKDB_MEMORY_LIMIT_FORM}.`);
  return raw;
}

/** A DuckDB database file that already exists (a typo must not create an empty database). */
export function existingDuckdbFile(raw: string): string {
  const problem = duckdbPathProblem(raw);
  if (problem) throw new InvalidArgumentError(`${problem}.`);
  if (!fs.existsSync(raw))
    throw new InvalidArgumentError(
      `No such file: ${raw}. Give the database holding the events (load them with signals-batch load-events).`,
    );
  if (!fs.statSync(raw).isFile()) throw new InvalidArgumentError(`${raw} is not a file.`);
  return raw;
}

/**
 * `--target`, and the reference CLI's `--target-type` as a hidden alias. Commands that generate SQL
 * offer only the implemented targets; `env` adds the reference CLI's variable.
 */
export function addTargetOptions(
  command: Command,
  description: string,
  options: { defaultValue?: Target; env?: boolean; anyTarget?: boolean } = {},
): Command {
  const targets = options.anyTarget ? [...TARGETS] : implementedTargets();
  const target = new Option('-t, --target <target>', description).choices(targets);
  if (options.defaultValue) target.default(options.defaultValue);
  if (options.env) target.env(CLI_ENV.target);
  return command
    .addOption(target)
    .addOption(new Option('--target-type <target>', 'alias of --target (the reference CLI name)').choices(targets).hideHelp());
}

/** The target chosen with `--target` or `--target-type` (given on the command line, it wins over the environment and defaults). */
export function chosenTarget(command: Command): Target | undefined {
  const target = command.getOptionValue('target') as Target | undefined;
  const alias = command.getOptionValue('targetType') as Target | undefined;
  if (alias === undefined) return target;
  if (command.getOptionValueSource('target') === 'cli' && target !== alias) {
    throw new CliError(
      `--target ${target} and --target-type ${alias} disagree; give one of them (--target-type is the reference CLI's name for --target).`,
    );
  }
  return alias;
}

/** `--verbose` (a program-level option) or SNOWPLOW_VERBOSE. */
export function isVerbose(command: Command): boolean {
  return Boolean(command.optsWithGlobals().verbose) || envFlag(CLI_ENV.verbose) === true;
}

/** Progress and details: always stderr, so stdout stays the command's result. */
export function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}
