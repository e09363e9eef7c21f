/**
 * Paths as the component records them. Pulumi keeps every input in the state, and runs the providers
 * and the dbt command in the program's working directory: a path inside that directory, or inside the
 * Pulumi project (where `Pulumi.yaml` is), is recorded relative to the working directory, so the same
 * program run from another checkout (a CI runner) changes nothing.
 */
import * as pulumi from '@pulumi/pulumi';
import * as path from 'node:path';
import { packageRoot } from '../paths';

/** The folders whose paths are recorded relatively: the working directory and the Pulumi project's. */
function checkoutFolders(cwd: string): string[] {
  const projectRoot = pulumi.runtime.getRootDirectory();
  return projectRoot ? [cwd, path.resolve(projectRoot)] : [cwd];
}

const isInside = (folder: string, absolute: string) => {
  const relative = path.relative(folder, absolute);
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
};

/**
 * A path the user gave, as it is recorded: relative to `cwd` when it lies inside one of `folders`
 * (however it was given), otherwise as given (normalized).
 */
export function portablePath(given: string, cwd: string = process.cwd(), folders: string[] = checkoutFolders(cwd)): string {
  const absolute = path.resolve(cwd, given);
  if (!folders.some((folder) => isInside(folder, absolute)) && path.isAbsolute(given)) return path.normalize(given);
  const relative = path.relative(cwd, absolute);
  return relative === '' ? '.' : relative.split(path.sep).join('/');
}

/**
 * The `signals-batch` command's script, relative to `cwd`: inside the program's `node_modules` (or
 * above it, in a workspace), or in this checkout when the program is this package's own.
 */
export function cliScript(cwd: string = process.cwd()): string {
  return path
    .relative(cwd, path.join(packageRoot(), 'bin', 'signals-batch.js'))
    .split(path.sep)
    .join('/');
}
