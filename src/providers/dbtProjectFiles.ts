/**
 * Pulumi dynamic provider: writes the files of a generated dbt project into a directory.
 *
 * - Inputs are the relative path -> content map and the directory, so `pulumi preview --diff` shows which
 *   files would change (`[diff: ~files]`, then one line per file). A relative directory is relative to
 *   the program's working directory (where Pulumi runs the providers), so moving the checkout changes
 *   nothing.
 * - `diff` compares content hashes (the generator's `projectHash`) and also looks at the disk: a project
 *   deleted or edited out of band is rewritten by the next `up`.
 * - A new definition under the same directory (the view changed without a new version) means the
 *   tables were built from another definition: `check` refuses it, naming the fix, unless
 *   `rebuildOnDefinitionChange` allows it. Then `rebuildFromHistory` is true from that update on (the
 *   component's dbt run rebuilds the tables: a full refresh), and `rebuildNotice` says so during the
 *   preview of that one change (it is an input only: Pulumi previews an update's outputs as its
 *   inputs, while a deployment that leaves the project alone keeps the outputs of the last update).
 * - Moving the project (`dir`) replaces the resource; the old directory is removed only when
 *   `deleteOnDestroy` was set. `read` (refresh) reports what is on disk, so out-of-band edits show as drift.
 * - dbt's own `target/` and `logs/` folders are never touched, except when the whole directory is deleted.
 */
import * as pulumi from '@pulumi/pulumi';
import { GENERATED_FOLDERS, projectHash, writeProjectFiles } from '../dbt/files';
import { UNKNOWN_VALUE, containsUnknown } from './values';
import { type ResourceOutputs, propertiesWithOutputs } from './resourceOutputs';

export interface DbtProjectFilesInputs {
  /** Directory of the project (holding dbt_project.yml); relative to the program's working directory unless absolute. */
  dir: string;
  /** Relative path (forward slashes) -> file content. */
  files: Record<string, string>;
  /** Remove the directory when the resource is deleted (default false: the files stay). */
  deleteOnDestroy?: boolean;
  /** What the tables are computed from (the generator's definition hash); a change under the same `dir` means a rebuild. */
  definitionHash?: string;
  /** Accept a new `definitionHash` under the same `dir` (the tables are then rebuilt from history). Default false. */
  rebuildOnDefinitionChange?: boolean;
  /** Set by `check`: the tables of this definition are (re)built from history. */
  rebuildFromHistory?: boolean;
  /** Set by `check` when this change rebuilds the tables: what will happen, in a sentence. Never an output. */
  rebuildNotice?: string;
}

export interface DbtProjectFilesOutputs {
  dir: string;
  files: Record<string, string>;
  deleteOnDestroy: boolean;
  definitionHash?: string;
  rebuildOnDefinitionChange: boolean;
  /** True when the last update changed the definition under the same directory (a rebuild from history). */
  rebuildFromHistory: boolean;
  /** sha256 over every path and content (equal to `GeneratedProject.hash`). */
  hash: string;
  fileCount: number;
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
  return onDisk !== undefined && projectHash(onDisk) === projectHash(files);
}

/** The outputs of a write (`rebuildNotice` is left out: it belongs to the preview of one change). */
function outputsOf(inputs: DbtProjectFilesInputs): DbtProjectFilesOutputs {
  return {
    dir: inputs.dir,
    files: inputs.files,
    deleteOnDestroy: inputs.deleteOnDestroy === true,
    ...(inputs.definitionHash ? { definitionHash: inputs.definitionHash } : {}),
    rebuildOnDefinitionChange: inputs.rebuildOnDefinitionChange === true,
    rebuildFromHistory: inputs.rebuildFromHistory === true,
    hash: projectHash(inputs.files),
    fileCount: Object.keys(inputs.files).length,
  };
}

function fileFailures(files: unknown): string[] {
  if (!files || typeof files !== 'object' || Array.isArray(files) || Object.keys(files).length === 0) {
    return ['files must map relative paths to contents (at least one file)'];
  }
  const reasons: string[] = [];
  for (const [file, content] of Object.entries(files as Record<string, unknown>)) {
    if (file.startsWith('/') || file.split('/').includes('..') || file.includes('\\')) {
      reasons.push(`file path ${JSON.stringify(file)} must be relative, with forward slashes and no ".."`);
    }
    if (typeof content !== 'string' && content !== UNKNOWN_VALUE) reasons.push(`content of ${file} must be a string`);
  }
  return reasons;
}

/** The failure (or the rebuild) a new definition under the same directory calls for. */
function definitionChange(
  olds: Partial<DbtProjectFilesInputs>,
  news: DbtProjectFilesInputs,
): { rebuild: boolean; notice?: string; failure?: string } {
  const before = olds?.definitionHash;
  const after = news.definitionHash;
  if (!before || !after || containsUnknown(after) || containsUnknown(news.dir) || olds.dir !== news.dir || before === after) {
    // An update that keeps the definition builds incrementally; a deployment that leaves the files alone
    // keeps the outputs of the last update, so a rebuild that was interrupted is retried as one.
    return { rebuild: false };
  }
  // The project's directory is named `<view>_<version>`.
  const project = news.dir.split(/[\\/]/).filter(Boolean).pop();
  if (news.rebuildOnDefinitionChange === true) {
    return {
      rebuild: true,
      notice:
        `the definition of ${project} (project ${news.dir}) changed under the same version: its tables will be rebuilt ` +
        'from the whole event history (a dbt full refresh) before the view is updated in Signals',
    };
  }
  return {
    rebuild: false,
    failure:
      `the definition of ${project} (project ${news.dir}) changed under the same version, so its tables (built from the old ` +
      'definition) would have to be rebuilt from the whole event history. Either give the view a new version ' +
      '(a new attribute group, dbt project and table next to the current ones), or set ' +
      '`rebuildOnDefinitionChange: true` on the BatchAttributeView: `pulumi up` then rebuilds the tables ' +
      '(a full refresh) before Signals is updated.',
  };
}

/** The plain provider (tested directly); `DbtProjectFiles` below wraps it for Pulumi. */
export class DbtProjectFilesProvider implements pulumi.dynamic.ResourceProvider<DbtProjectFilesInputs, DbtProjectFilesOutputs> {
  async check(olds: DbtProjectFilesInputs, news: DbtProjectFilesInputs): Promise<pulumi.dynamic.CheckResult<DbtProjectFilesInputs>> {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    if (!containsUnknown(news.dir) && (typeof news.dir !== 'string' || news.dir.trim() === '' || news.dir.includes('\0'))) {
      failures.push({ property: 'dir', reason: `dir must be a directory path; got ${JSON.stringify(news.dir)}` });
    }
    if (!containsUnknown(news.files)) failures.push(...fileFailures(news.files).map((reason) => ({ property: 'files', reason })));
    for (const flag of ['deleteOnDestroy', 'rebuildOnDefinitionChange'] as const) {
      const value = news[flag] as unknown;
      if (value !== undefined && typeof value !== 'boolean' && !containsUnknown(value)) {
        failures.push({ property: flag, reason: `${flag} must be true or false` });
      }
    }
    const change = definitionChange(olds, news);
    if (change.failure) failures.push({ property: 'definitionHash', reason: change.failure });
    if (failures.length > 0) return { failures };
    return {
      inputs: {
        dir: news.dir,
        files: news.files,
        deleteOnDestroy: news.deleteOnDestroy ?? false,
        ...(news.definitionHash !== undefined ? { definitionHash: news.definitionHash } : {}),
        rebuildOnDefinitionChange: news.rebuildOnDefinitionChange ?? false,
        rebuildFromHistory: change.rebuild,
        ...(change.notice ? { rebuildNotice: change.notice } : {}),
      },
    };
  }

  async diff(_id: string, olds: DbtProjectFilesOutputs, news: DbtProjectFilesInputs): Promise<pulumi.dynamic.DiffResult> {
    if (containsUnknown(news.dir) || containsUnknown(news.files)) {
      return { changes: true, replaces: containsUnknown(news.dir) ? ['dir'] : [] };
    }
    const replaces = news.dir !== olds.dir ? ['dir'] : [];
    const contentChanged = projectHash(news.files) !== olds.hash;
    // Out-of-band edits or a deleted directory: rewrite (the display shows no input diff then).
    const diskDrift = !contentChanged && replaces.length === 0 && !diskMatches(news.dir, news.files);
    // The rebuild flags only matter together with a content change, so they alone change nothing.
    const changes = replaces.length > 0 || contentChanged || diskDrift || (news.deleteOnDestroy ?? false) !== olds.deleteOnDestroy;
    return { changes, replaces, deleteBeforeReplace: false };
  }

  async create(inputs: DbtProjectFilesInputs): Promise<pulumi.dynamic.CreateResult<DbtProjectFilesOutputs>> {
    await writeProjectFiles(inputs.dir, inputs.files);
    return { id: inputs.dir, outs: outputsOf(inputs) };
  }

  async update(
    _id: string,
    _olds: DbtProjectFilesOutputs,
    news: DbtProjectFilesInputs,
  ): Promise<pulumi.dynamic.UpdateResult<DbtProjectFilesOutputs>> {
    await writeProjectFiles(news.dir, news.files);
    return { outs: outputsOf(news) };
  }

  async read(id: string, props?: DbtProjectFilesOutputs): Promise<pulumi.dynamic.ReadResult<DbtProjectFilesOutputs>> {
    const dir = props?.dir ?? id;
    const onDisk = readProjectFromDisk(dir, Object.keys(props?.files ?? {}));
    if (!onDisk || Object.keys(onDisk).length === 0) return { id: '' };
    const inputs: DbtProjectFilesInputs = {
      dir,
      files: onDisk,
      deleteOnDestroy: props?.deleteOnDestroy ?? false,
      ...(props?.definitionHash ? { definitionHash: props.definitionHash } : {}),
      rebuildOnDefinitionChange: props?.rebuildOnDefinitionChange ?? false,
      rebuildFromHistory: props?.rebuildFromHistory ?? false,
    };
    return { id, props: outputsOf(inputs), inputs: inputs as unknown as DbtProjectFilesOutputs };
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
  /** Directory of the project (created if missing); relative to the program's working directory unless absolute. */
  dir: pulumi.Input<string>;
  /** Relative path -> content, e.g. `generateProject(...).files`. */
  files: pulumi.Input<Record<string, string>>;
  /** Remove the directory on delete (default false: the project stays on disk). */
  deleteOnDestroy?: pulumi.Input<boolean>;
  /** The generator's definition hash (`GeneratedProject.definitionHash`): a new one under the same `dir` needs a rebuild. */
  definitionHash?: pulumi.Input<string>;
  /** Accept a new definition under the same `dir`; `rebuildFromHistory` then says to rebuild. Default false: refused at check. */
  rebuildOnDefinitionChange?: pulumi.Input<boolean>;
}

/** What the resource shows: its outputs, and during a preview that rebuilds the tables, what will happen. */
type DbtProjectFilesState = DbtProjectFilesOutputs & Pick<DbtProjectFilesInputs, 'rebuildNotice'>;

export interface DbtProjectFiles extends ResourceOutputs<DbtProjectFilesState> {}

/** The files of a generated dbt project on disk; content changes update it in place, a new `dir` replaces it. */
export class DbtProjectFiles extends pulumi.dynamic.Resource {
  constructor(name: string, args: DbtProjectFilesArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      new DbtProjectFilesProvider(),
      name,
      propertiesWithOutputs<DbtProjectFilesState>(args, {
        dir: true,
        files: true,
        deleteOnDestroy: true,
        definitionHash: true,
        rebuildOnDefinitionChange: true,
        rebuildFromHistory: true,
        rebuildNotice: true,
        hash: true,
        fileCount: true,
      }),
      opts,
      'signals-batch',
      'DbtProjectFiles',
    );
  }
}
