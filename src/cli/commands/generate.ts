/** `signals-batch generate`: write the dbt project of one or more views (API JSON). */
import { type Command, Option } from 'commander';
import type { View } from '../../definition';
import { generateProject, resolveVars } from '../../dbt';
import { CliError, cliStep } from '../errors';
import { addTargetOptions, chosenTarget, isVerbose, plainName, progress, varsJson } from '../options';
import { readView, refuseCaseCollisions, writeProjects } from '../projects';

interface GenerateOptions {
  view: string[];
  out: string;
  vars?: Record<string, unknown>;
  profile: string;
}

export function registerGenerate(program: Command): void {
  const command = program
    .command('generate')
    .description('Write the dbt project of each view (Signals API JSON) to <out>/<name>_<version>/; prints each project directory')
    .addOption(
      new Option('--view <file...>', 'view definition, Signals API JSON (snake_case); repeat for several views').makeOptionMandatory(),
    )
    .addOption(new Option('--out <dir>', 'directory to write the projects into').makeOptionMandatory())
    .addOption(new Option('--vars <json>', 'dbt variable defaults to write into dbt_project.yml (JSON object)').argParser(varsJson))
    .addOption(new Option('--profile <name>', 'dbt profile name').default('signals_batch').argParser(plainName('identifier')));
  addTargetOptions(command, 'warehouse the SQL is written for', { defaultValue: 'duckdb' }).action(
    async (opts: GenerateOptions, cmd: Command) => {
      const target = chosenTarget(cmd) ?? 'duckdb';
      const views: View[] = [];
      for (const file of opts.view) views.push(await readView(file));
      const projects = await cliStep(() => {
        resolveVars(opts.vars);
        return views.map((view) => {
          try {
            return generateProject(view, { target, vars: opts.vars, profile: opts.profile });
          } catch (error) {
            throw new CliError(`cannot generate the project of view "${view.name}": ${(error as Error).message}`);
          }
        });
      });
      await refuseCaseCollisions(views, opts.out);
      const dirs = await writeProjects(opts.out, projects);
      for (const [i, dir] of dirs.entries()) {
        process.stdout.write(`${dir}\n`);
        const project = projects[i];
        if (isVerbose(cmd)) {
          progress(
            `wrote ${Object.keys(project.files).length} files (hash ${project.hash.slice(0, 12)}); attribute table: <schema>_derived.${project.tables.attributes}`,
          );
        }
      }
    },
  );
}
