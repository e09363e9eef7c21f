/**
 * Paths as the component records them. Pulumi keeps every input in the state, and runs the providers
 * and the dbt command in the program's working directory: a path inside that directory is recorded
 * relative to it, so the same program run from another checkout (a CI runner) changes nothing.
 */
import * as path from 'node:path';
import { packageRoot } from '../paths';

/**
 * A path the user gave, as it is recorded: relative to `cwd` when it lies inside it (however it was
 * given), otherwise as given (normalized).
 */
export function portablePath(given: string, cwd: string = process.cwd()): string {
  const absolute = path.resolve(cwd, given);
  const relative = path.relative(cwd, absolute);
  const inside = relative === '' || (!relative.startsWith(`..${path.sep}`) && relative !== '..' && !path.isAbsolute(relative));
  if (inside) return relative === '' ? '.' : relative.split(path.sep).join('/');
  return path.isAbsolute(given) ? path.normalize(given) : relative.split(path.sep).join('/');
}

/**
 * The `signals-batch` command's script, relative to `cwd`: inside the program's `node_modules` (or
 * above it, in a workspace), or in this checkout when the program is this package's own.
 */
export function cliScript(cwd: string = process.cwd()): string {
  return path.relative(cwd, path.join(packageRoot(), 'bin', 'signals-batch.js')).split(path.sep).join('/');
}
