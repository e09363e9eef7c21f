/**
 * Pulumi dynamic provider: writes the files of a generated dbt project into a directory.
 *
 * Self-contained on purpose (design 6.3, pulumi-notes 2.3): the provider object is serialized into the
 * Pulumi state, so this file imports no local module and requires only Node built-ins, inside methods.
 *
 * - Inputs are the relative path -> content map and the directory, so `pulumi preview --diff` shows which
 *   files would change (`[diff: ~files]`, then one line per file).
 * - `diff` compares content hashes (sha256 over every path and content, the same as `generateProject`),
 *   and also looks at the disk: a project deleted or edited out of band is rewritten by the next `up`.
 * - Moving the project (`dir`) replaces the resource; the old directory is removed only when
 *   `deleteOnDestroy` was set.
 * - `read` (refresh) reports what is on disk, so out-of-band edits show as drift.
 * - dbt's own `target/` and `logs/` folders are never touched, except when the whole directory is deleted.
 */
import * as pulumi from '@pulumi/pulumi';

export interface DbtProjectFilesInputs {
  /** Absolute directory of the project (holding dbt_project.yml). */
  dir: string;
  /** Relative path (forward slashes) -> file content. */
  files: Record<string, string>;
  /** Remove the directory when the resource is deleted (default false: the files stay). */
  deleteOnDestroy?: boolean;
}

export interface DbtProjectFilesOutputs {
  dir: string;
  files: Record<string, string>;
  deleteOnDestroy: boolean;
  /** sha256 over every path and content (equal to `GeneratedProject.hash`). */
  hash: string;
  fileCount: number;
}

/** Pulumi's placeholder for values not known during preview. */
const UNKNOWN_VALUE = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';
/** Generated folders: rewritten whole, so files that are no longer generated disappear. */
const GENERATED_FOLDERS = ['models', 'macros'];

function projectHash(files: Record<string, string>): string {
  const { createHash } = require('node:crypto') as typeof import('node:crypto');
  const sorted = Object.entries(files).sort(([a], [b]) => a.localeCompare(b));
  return createHash('sha256')
    .update(sorted.map(([file, content]) => `${file}\0${content}`).join('\0'))
    .digest('hex');
}

/** Every file under the generated folders, plus the given top-level paths, as found on disk. */
function readProjectFromDisk(dir: string, expected: string[]): Record<string, string> | undefined {
  const fs = require('node:fs') as typeof import('node:fs');
  const path = require('node:path') as typeof import('node:path');
  if (!fs.existsSync(dir)) return undefined;
  const found: Record<string, string> = {};
  const walk = (relative: string) => {
    const absolute = path.join(dir, relative);
    if (!fs.existsSync(absolute)) return;
    for (const entry of fs.readdirSync(absolute, { withFileTypes: true })) {
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile() && !/\.tmp-\d+$/.test(entry.name)) found[child] = fs.readFileSync(path.join(dir, child), 'utf8');
    }
  };
  for (const folder of GENERATED_FOLDERS) walk(folder);
  for (const file of expected) {
    if (found[file] !== undefined || GENERATED_FOLDERS.some((folder) => file.startsWith(`${folder}/`))) continue;
    const absolute = path.join(dir, file);
    if (fs.existsSync(absolute) && fs.statSync(absolute).isFile()) found[file] = fs.readFileSync(absolute, 'utf8');
  }
  return Object.fromEntries(Object.entries(found).sort(([a], [b]) => a.localeCompare(b)));
}

/** True when the directory holds exactly `files` (for the generated folders) with the same contents. */
function diskMatches(dir: string, files: Record<string, string>): boolean {
  const onDisk = readProjectFromDisk(dir, Object.keys(files));
  if (!onDisk) return false;
  return projectHash(onDisk) === projectHash(files);
}

function writeFiles(dir: string, files: Record<string, string>): void {
  const fs = require('node:fs') as typeof import('node:fs');
  const path = require('node:path') as typeof import('node:path');
  fs.mkdirSync(dir, { recursive: true });
  for (const folder of GENERATED_FOLDERS) fs.rmSync(path.join(dir, folder), { recursive: true, force: true });
  for (const [file, content] of Object.entries(files)) {
    const target = path.join(dir, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const tmp = `${target}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, content);
    fs.renameSync(tmp, target);
  }
}

function outputsOf(inputs: DbtProjectFilesInputs): DbtProjectFilesOutputs {
  return {
    dir: inputs.dir,
    files: inputs.files,
    deleteOnDestroy: inputs.deleteOnDestroy === true,
    hash: projectHash(inputs.files),
    fileCount: Object.keys(inputs.files).length,
  };
}

/** The plain provider (tested directly); `DbtProjectFiles` below wraps it for Pulumi. */
export class DbtProjectFilesProvider implements pulumi.dynamic.ResourceProvider<DbtProjectFilesInputs, DbtProjectFilesOutputs> {
  async check(_olds: DbtProjectFilesInputs, news: DbtProjectFilesInputs): Promise<pulumi.dynamic.CheckResult<DbtProjectFilesInputs>> {
    const path = require('node:path') as typeof import('node:path');
    const failures: pulumi.dynamic.CheckFailure[] = [];
    if (news.dir !== UNKNOWN_VALUE && (typeof news.dir !== 'string' || !path.isAbsolute(news.dir))) {
      failures.push({ property: 'dir', reason: `dir must be an absolute path; got ${JSON.stringify(news.dir)}` });
    }
    const files = news.files as unknown;
    if (files !== UNKNOWN_VALUE) {
      if (!files || typeof files !== 'object' || Array.isArray(files) || Object.keys(files).length === 0) {
        failures.push({ property: 'files', reason: 'files must map relative paths to contents (at least one file)' });
      } else {
        for (const [file, content] of Object.entries(files as Record<string, unknown>)) {
          if (file.startsWith('/') || file.split('/').includes('..') || file.includes('\\')) {
            failures.push({ property: 'files', reason: `file path ${JSON.stringify(file)} must be relative, with forward slashes and no ".."` });
          }
          if (typeof content !== 'string' && content !== UNKNOWN_VALUE) {
            failures.push({ property: 'files', reason: `content of ${file} must be a string` });
          }
        }
      }
    }
    if (news.deleteOnDestroy !== undefined && typeof news.deleteOnDestroy !== 'boolean' && (news.deleteOnDestroy as unknown) !== UNKNOWN_VALUE) {
      failures.push({ property: 'deleteOnDestroy', reason: 'deleteOnDestroy must be true or false' });
    }
    if (failures.length > 0) return { failures };
    return { inputs: { dir: news.dir, files: news.files, deleteOnDestroy: news.deleteOnDestroy ?? false } };
  }

  async diff(_id: string, olds: DbtProjectFilesOutputs, news: DbtProjectFilesInputs): Promise<pulumi.dynamic.DiffResult> {
    const unknown = (news.dir as unknown) === UNKNOWN_VALUE || (news.files as unknown) === UNKNOWN_VALUE;
    if (unknown) return { changes: true, replaces: (news.dir as unknown) === UNKNOWN_VALUE ? ['dir'] : [] };
    const replaces = news.dir !== olds.dir ? ['dir'] : [];
    const contentChanged = projectHash(news.files) !== olds.hash;
    // Out-of-band edits or a deleted directory: rewrite (the display shows no input diff then).
    const diskDrift = !contentChanged && replaces.length === 0 && !diskMatches(news.dir, news.files);
    const changes = replaces.length > 0 || contentChanged || diskDrift || (news.deleteOnDestroy ?? false) !== olds.deleteOnDestroy;
    return { changes, replaces, deleteBeforeReplace: false };
  }

  async create(inputs: DbtProjectFilesInputs): Promise<pulumi.dynamic.CreateResult<DbtProjectFilesOutputs>> {
    writeFiles(inputs.dir, inputs.files);
    return { id: inputs.dir, outs: outputsOf(inputs) };
  }

  async update(_id: string, _olds: DbtProjectFilesOutputs, news: DbtProjectFilesInputs): Promise<pulumi.dynamic.UpdateResult<DbtProjectFilesOutputs>> {
    writeFiles(news.dir, news.files);
    return { outs: outputsOf(news) };
  }

  async read(id: string, props?: DbtProjectFilesOutputs): Promise<pulumi.dynamic.ReadResult<DbtProjectFilesOutputs>> {
    const dir = props?.dir ?? id;
    const onDisk = readProjectFromDisk(dir, Object.keys(props?.files ?? {}));
    if (!onDisk || Object.keys(onDisk).length === 0) return { id: '' };
    const deleteOnDestroy = props?.deleteOnDestroy ?? false;
    const outs = outputsOf({ dir, files: onDisk, deleteOnDestroy });
    return { id, props: outs, inputs: { dir, files: onDisk, deleteOnDestroy } as unknown as DbtProjectFilesOutputs };
  }

  async delete(_id: string, props: DbtProjectFilesOutputs): Promise<void> {
    if (!props.deleteOnDestroy) return;
    const fs = require('node:fs') as typeof import('node:fs');
    const path = require('node:path') as typeof import('node:path');
    // Only ever remove a directory that is (still) a dbt project.
    if (fs.existsSync(path.join(props.dir, 'dbt_project.yml'))) fs.rmSync(props.dir, { recursive: true, force: true });
  }
}

export interface DbtProjectFilesArgs {
  /** Absolute directory of the project (created if missing). */
  dir: pulumi.Input<string>;
  /** Relative path -> content, e.g. `generateProject(...).files`. */
  files: pulumi.Input<Record<string, string>>;
  /** Remove the directory on delete (default false: the project stays on disk). */
  deleteOnDestroy?: pulumi.Input<boolean>;
}

/** The files of a generated dbt project on disk; content changes update it in place, a new `dir` replaces it. */
export class DbtProjectFiles extends pulumi.dynamic.Resource {
  declare public readonly dir: pulumi.Output<string>;
  declare public readonly files: pulumi.Output<Record<string, string>>;
  declare public readonly deleteOnDestroy: pulumi.Output<boolean>;
  declare public readonly hash: pulumi.Output<string>;
  declare public readonly fileCount: pulumi.Output<number>;

  constructor(name: string, args: DbtProjectFilesArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      new DbtProjectFilesProvider(),
      name,
      { dir: args.dir, files: args.files, deleteOnDestroy: args.deleteOnDestroy, hash: undefined, fileCount: undefined },
      opts,
      'signals-batch',
      'DbtProjectFiles',
    );
  }
}
