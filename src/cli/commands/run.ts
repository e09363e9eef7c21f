/**
 * `signals-batch run`: run a generated project with dbt until it has caught up. Progress goes to
 * stderr; stdout is the result: a sentence, or with `--json` exactly one line of JSON.
 */
import { type Command, Option } from 'commander';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { redact } from '../../redact';
import { MAX_ROUNDS, MAX_THREADS, runResultJson, runUntilCaughtUp } from '../../runner';
import { addConnectionOptions, environmentSecrets, runTarget, type ConnectionOptions } from '../connections';
import { cliStep } from '../errors';
import { isVerbose, plainName, progress, varsJson, wholeNumber } from '../options';

interface RunCommandOptions extends ConnectionOptions {
  project: string;
  profile: string;
  vars?: Record<string, unknown>;
  fullRefresh?: boolean;
  allowRefresh?: boolean;
  targetName: string;
  threads?: number;
  maxRounds: number;
  json?: boolean;
}

export function registerRun(program: Command): void {
  const command = program
    .command('run')
    .description('Run a generated project with dbt until it has caught up with the newest loaded event')
    .addOption(new Option('--project <dir>', 'the generated project directory (<out>/<name>_<version>)').makeOptionMandatory());
  addConnectionOptions(command)
    .addOption(
      new Option('--schema <schema>', 'dbt target schema (BigQuery: dataset); tables land in <schema>_derived')
        .default('main')
        .argParser(plainName('identifier')),
    )
    .addOption(
      new Option('--profile <name>', "dbt profile name (as in the project's dbt_project.yml)")
        .default('signals_batch')
        .argParser(plainName('identifier')),
    )
    .addOption(new Option('--vars <json>', 'dbt variable overrides for this run (JSON object)').argParser(varsJson))
    .option('--full-refresh', 'rebuild from scratch (state is dropped only if allowed, see --allow-refresh)')
    .option('--allow-refresh', 'allow --full-refresh to drop accumulated tables (sets snowplow__allow_refresh)')
    .addOption(
      new Option('--target-name <name>', 'dbt target name (the dev target always allows refreshes)')
        .default('dev')
        .argParser(plainName('identifier')),
    )
    .addOption(
      new Option(
        '--threads <n>',
        `dbt threads (1-${MAX_THREADS}); default 1 on DuckDB (each statement already uses every core), else 4`,
      ).argParser(wholeNumber(1, MAX_THREADS)),
    )
    .addOption(
      new Option('--max-rounds <n>', `upper bound on dbt runs (1-${MAX_ROUNDS})`).default(200).argParser(wholeNumber(1, MAX_ROUNDS)),
    )
    .option('--json', 'print the result as one line of JSON on stdout (progress stays on stderr)')
    .action(async (opts: RunCommandOptions, cmd: Command) => {
      const vars = { ...(opts.vars ?? {}) };
      if (opts.allowRefresh) vars.snowplow__allow_refresh = true;
      const where = runTarget(opts);
      // With your own profiles, the profile's default target unless --target-name is given.
      const targetName = 'profilesDir' in where && cmd.getOptionValueSource('targetName') === 'default' ? undefined : opts.targetName;
      // Nothing the run prints or throws may echo a warehouse secret.
      const secrets = environmentSecrets();
      const summary = await cliStep(
        () =>
          runUntilCaughtUp({
            projectDir: opts.project,
            ...where,
            vars,
            fullRefresh: opts.fullRefresh,
            profile: opts.profile,
            targetName,
            threads: opts.threads,
            maxRounds: opts.maxRounds,
            verbose: isVerbose(cmd),
            log: (line) => progress(redact(line, secrets)),
          }).catch((error: unknown) => {
            if (error instanceof Error) error.message = redact(error.message, secrets);
            throw error;
          }),
        undefined,
        true,
      );
      const project = await projectName(opts.project);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(runResultJson(project, summary))}\n`);
      } else {
        process.stdout.write(
          `${summary.caughtUp ? 'caught up' : 'NOT caught up'} after ${summary.rounds} round(s) in ${summary.seconds.toFixed(1)}s; ` +
            `attribute table: ${'profilesDir' in where ? "<your target's schema>" : opts.schema}_derived.${project}_attributes\n`,
        );
      }
      if (!summary.caughtUp) process.exitCode = 1;
    });
}

/** The project's name as generated (`<name>_<version>`), else its directory name. */
async function projectName(projectDir: string): Promise<string> {
  try {
    const manifest = JSON.parse(await fs.readFile(path.join(projectDir, 'signals_batch.json'), 'utf8')) as { project?: unknown };
    if (typeof manifest.project === 'string') return manifest.project;
  } catch {
    // an older or hand-made project: fall back to the directory name
  }
  return path.basename(path.resolve(projectDir));
}
