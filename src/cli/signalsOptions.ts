/**
 * What the Signals commands share: the connection options (environment names from the Signals
 * client's one map), the group selection options, and the client built from them.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { clientOptionsFromSettings, SignalsClient, type SignalsConnectionSettings } from '../signals';
import { CLI_ENV, SIGNALS_ENV } from './env';
import { CliError, cliStep } from './errors';
import { addTargetOptions, isVerbose, progress } from './options';

export type ConnectionOptions = SignalsConnectionSettings;

export interface SelectionOptions {
  repoPath?: string;
  attributeGroupName?: string;
  attributeGroupVersion?: number;
}

/** `--attribute-group-version`: a positive whole number. */
function groupVersion(raw: string): number {
  if (!/^\s*\d+\s*$/.test(raw) || Number(raw) < 1 || !Number.isSafeInteger(Number(raw))) {
    throw new InvalidArgumentError('Use a positive whole number (the group version in Signals).');
  }
  return Number(raw);
}

export function withConnection(command: Command): Command {
  return command
    .addOption(new Option('--api-url <url>', 'Signals API URL').env(SIGNALS_ENV.apiUrl))
    .addOption(new Option('--api-key <key>', 'API key (BDP auth)').env(SIGNALS_ENV.apiKey))
    .addOption(new Option('--api-key-id <id>', 'API key id (BDP auth)').env(SIGNALS_ENV.apiKeyId))
    .addOption(new Option('--org-id <id>', 'organization id (BDP auth)').env(SIGNALS_ENV.orgId))
    .addOption(new Option('--auth-mode <mode>', 'how to authenticate').choices(['bdp', 'sandbox']).env(SIGNALS_ENV.authMode).default('bdp'))
    .addOption(new Option('--sandbox-token <token>', 'sandbox token (sandbox auth)').env(SIGNALS_ENV.sandboxToken))
    .addOption(
      new Option('--console-url <url>', 'console URL for the BDP token exchange (default https://console.snowplowanalytics.com)').env(
        SIGNALS_ENV.consoleUrl,
      ),
    );
}

export function withSelection(command: Command, target: { required: boolean }): Command {
  command
    .addOption(new Option('--repo-path <dir>', 'folder holding one dbt project per attribute group').env(CLI_ENV.repoPath))
    .addOption(new Option('--attribute-group-name <name>', 'attribute group name').env(CLI_ENV.attributeGroupName))
    .addOption(
      new Option('--attribute-group-version <version>', 'attribute group version')
        .env(CLI_ENV.attributeGroupVersion)
        .argParser(groupVersion),
    );
  // Only `init` writes SQL; the others merely accept the reference CLI's option.
  return target.required
    ? addTargetOptions(command, 'warehouse the projects are written for', { env: true })
    : addTargetOptions(command, 'warehouse (accepted for the reference CLI; not needed)', { env: true, anyTarget: true });
}

/** Options of a command about one attribute group in Signals: the connection and the group's selection. */
export type GroupCommandOptions = ConnectionOptions & SelectionOptions;

/** A command about one attribute group in Signals: the connection options and the group selection. */
export function groupCommand(command: Command, target: { required: boolean }): Command {
  return withSelection(withConnection(command), target);
}

export function createClient(opts: ConnectionOptions, command: Command): SignalsClient {
  const settings: SignalsConnectionSettings = {
    apiUrl: opts.apiUrl,
    apiKey: opts.apiKey,
    apiKeyId: opts.apiKeyId,
    orgId: opts.orgId,
    authMode: opts.authMode,
    sandboxToken: opts.sandboxToken,
    consoleUrl: opts.consoleUrl,
  };
  const logger = isVerbose(command) ? (line: string) => progress(`[signals] ${line}`) : undefined;
  try {
    return new SignalsClient(clientOptionsFromSettings(settings, { logger }));
  } catch (error) {
    throw asUserError(error);
  }
}

function asUserError(error: unknown): unknown {
  return error instanceof Error ? new CliError(error.message) : error;
}

/** A Signals call; client and input errors become CLI errors (their messages never hold a credential). */
export function signalsCall<T>(run: () => Promise<T>): Promise<T> {
  return cliStep(run);
}

export function requireGroup(opts: SelectionOptions): { name: string; version: number } {
  const missing = [
    !opts.attributeGroupName && `--attribute-group-name (${CLI_ENV.attributeGroupName})`,
    opts.attributeGroupVersion === undefined && `--attribute-group-version (${CLI_ENV.attributeGroupVersion})`,
  ].filter(Boolean);
  if (missing.length > 0) throw new CliError(`Missing ${missing.join(' and ')}: say which attribute group.`);
  return { name: opts.attributeGroupName as string, version: opts.attributeGroupVersion as number };
}
