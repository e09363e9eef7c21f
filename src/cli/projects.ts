/**
 * Views in, dbt projects out: reading a view file, refusing view names that collide once
 * lower-cased (they would share a project directory and the warehouse tables), and writing
 * projects only after every one of them has been generated.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { caseCollisions, parseApiView, type View } from '../definition';
import { writeProject, type GeneratedProject } from '../dbt';
import { CliError, cliStep } from './errors';

/** The view of an API JSON file; errors name the file. */
export async function readView(file: string): Promise<View> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    throw new CliError(`cannot read view file ${file}: check the path given with --view`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new CliError(`${file} is not valid JSON: ${(e as Error).message}`);
  }
  return cliStep(() => parseApiView(json), file);
}

/** Names of the views whose projects are already in `outDir` (read from each project's signals_batch.json). */
async function generatedViewNames(outDir: string): Promise<Array<{ name: string; dir: string }>> {
  let entries: string[];
  try {
    entries = await fs.readdir(outDir);
  } catch {
    return [];
  }
  const found: Array<{ name: string; dir: string }> = [];
  for (const entry of entries.sort()) {
    const dir = path.join(outDir, entry);
    try {
      const manifest = JSON.parse(await fs.readFile(path.join(dir, 'signals_batch.json'), 'utf8')) as { view?: { name?: unknown } };
      if (typeof manifest.view?.name === 'string') found.push({ name: manifest.view.name, dir });
    } catch {
      // not a generated project
    }
  }
  return found;
}

/** Refuses views whose names differ only by case, among themselves or from projects already in `outDir`. */
export async function refuseCaseCollisions(views: readonly Pick<View, 'name'>[], outDir: string): Promise<void> {
  const among = caseCollisions(views.map((v) => v.name));
  if (among.length > 0) {
    const [a, b] = among[0];
    throw new CliError(
      `views "${a}" and "${b}" differ only by case: they would share one project directory and the same warehouse tables. ` +
        'Rename one (view names must differ ignoring case).',
    );
  }
  const existing = await generatedViewNames(outDir);
  for (const view of views) {
    const clash = existing.find((e) => e.name !== view.name && e.name.toLowerCase() === view.name.toLowerCase());
    if (clash) {
      throw new CliError(
        `view "${view.name}" differs only by case from view "${clash.name}", whose project is ${clash.dir}: they would share project directories and warehouse tables. ` +
          `Rename one (view names must differ ignoring case), or write to another output folder.`,
      );
    }
  }
}

/** Writes every project (all were generated before, so a failure to generate writes nothing). */
export async function writeProjects(outDir: string, projects: readonly GeneratedProject[]): Promise<string[]> {
  const dirs: string[] = [];
  for (const project of projects) dirs.push(await writeProject(outDir, project));
  return dirs;
}
