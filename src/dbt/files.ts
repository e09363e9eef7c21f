/**
 * A generated project's files on disk: their content hash, and writing them into a directory.
 * Used by `generateProject`/`writeProject` and by the component's `DbtProjectFiles` resource.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/** Folders the generator owns whole: rewritten on every write, so files no longer generated disappear. */
export const GENERATED_FOLDERS: readonly string[] = ['models', 'macros'];

/** sha256 over every relative path and content (in path order): equal files, equal hash. */
export function projectHash(files: Record<string, string>): string {
  const sorted = Object.entries(files).sort(([a], [b]) => a.localeCompare(b));
  return createHash('sha256')
    .update(sorted.map(([file, content]) => `${file}\0${content}`).join('\0'))
    .digest('hex');
}

/**
 * Write `files` (relative path -> content) into `dir`: the generated folders are replaced whole, each
 * file is written to a temporary name and renamed, and anything else (dbt's `target/`, `logs/`) is kept.
 */
export async function writeProjectFiles(dir: string, files: Record<string, string>): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  for (const folder of GENERATED_FOLDERS) await fs.rm(path.join(dir, folder), { recursive: true, force: true });
  for (const [file, content] of Object.entries(files)) {
    const target = path.join(dir, file);
    await fs.mkdir(path.dirname(target), { recursive: true });
    const tmp = `${target}.tmp-${process.pid}`;
    await fs.writeFile(tmp, content);
    await fs.rename(tmp, target);
  }
}
