/**
 * The emulator's registry: attribute groups (per name and version) and attribute keys, in memory and,
 * when a state file is given, persisted.
 *
 * Persistence is atomic and cheap: a change only marks the registry dirty; the file is written at most
 * once per `writeDelayMs` (changes in between are coalesced into one write), asynchronously, to a
 * temporary file renamed over the old one (atomic on POSIX file systems), and `close()` writes what is
 * still pending. A process killed without `close()` keeps the last file written, whole.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ApiBatchSource } from './apiModel';

export interface StoredGroup {
  name: string;
  version: number;
  /** The definition as registered (input form, without `is_published`/`batch_source`). */
  definition: Record<string, unknown>;
  isPublished: boolean;
  batchSource: ApiBatchSource | null;
}

export interface StoredKey {
  name: string;
  definition: Record<string, unknown>;
  isPublished: boolean;
}

interface StateFile {
  format: 'signals-emulator-state';
  formatVersion: 1;
  attributeGroups: StoredGroup[];
  attributeKeys: StoredKey[];
}

/** Default coalescing window for state-file writes. */
export const DEFAULT_STATE_WRITE_DELAY_MS = 200;

export class EmulatorState {
  private readonly groups = new Map<string, StoredGroup>();
  private readonly keys = new Map<string, StoredKey>();
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  private writeCount = 0;
  private writeSequence = 0;

  constructor(
    private readonly statePath?: string,
    private readonly writeDelayMs: number = DEFAULT_STATE_WRITE_DELAY_MS,
    private readonly log: (line: string) => void = () => undefined,
  ) {
    if (statePath && existsSync(statePath)) this.load(statePath);
  }

  /** State-file writes done since start (a measure of coalescing). */
  get writes(): number {
    return this.writeCount;
  }

  /** Every stored group, sorted by name then version. */
  listGroups(): StoredGroup[] {
    return [...this.groups.values()].sort((a, b) => a.name.localeCompare(b.name) || a.version - b.version);
  }

  getGroup(name: string, version: number): StoredGroup | undefined {
    return this.groups.get(groupKey(name, version));
  }

  latestGroup(name: string): StoredGroup | undefined {
    return this.listGroups()
      .filter((group) => group.name === name)
      .at(-1);
  }

  /** Inserts or replaces a group (the HTTP layer decides whether that is allowed). */
  putGroup(group: StoredGroup): StoredGroup {
    const copy = structuredClone(group);
    this.groups.set(groupKey(group.name, group.version), copy);
    this.changed();
    return structuredClone(copy);
  }

  /** Applies `change` to a stored group (e.g. an out-of-band edit in a test); undefined when missing. */
  updateGroup(name: string, version: number, change: (group: StoredGroup) => void): StoredGroup | undefined {
    const stored = this.groups.get(groupKey(name, version));
    if (!stored) return undefined;
    change(stored);
    this.changed();
    return structuredClone(stored);
  }

  deleteGroup(name: string, version: number): boolean {
    const deleted = this.groups.delete(groupKey(name, version));
    if (deleted) this.changed();
    return deleted;
  }

  listKeys(): StoredKey[] {
    return [...this.keys.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  getKey(name: string): StoredKey | undefined {
    return this.keys.get(name);
  }

  putKey(key: StoredKey): StoredKey {
    this.keys.set(key.name, structuredClone(key));
    this.changed();
    return structuredClone(key);
  }

  deleteKey(name: string): boolean {
    const deleted = this.keys.delete(name);
    if (deleted) this.changed();
    return deleted;
  }

  /** A deep copy of everything (what the state file holds). */
  snapshot(): { attributeGroups: StoredGroup[]; attributeKeys: StoredKey[] } {
    return structuredClone({ attributeGroups: this.listGroups(), attributeKeys: this.listKeys() });
  }

  /** Writes pending changes now; resolves once the file holds every change made before the call. */
  async flush(): Promise<void> {
    for (;;) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      if (!this.writing) break;
      await this.writing.catch(() => undefined);
    }
    if (this.dirty) await this.write();
  }

  /** Flushes and stops scheduling writes. */
  async close(): Promise<void> {
    await this.flush();
  }

  private changed(): void {
    if (!this.statePath) return;
    this.dirty = true;
    if (!this.timer && !this.writing) this.schedule();
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.dirty && !this.writing) this.write().catch(() => undefined);
    }, this.writeDelayMs);
    this.timer.unref();
  }

  private async write(): Promise<void> {
    const path = this.statePath as string;
    this.dirty = false;
    const file: StateFile = {
      format: 'signals-emulator-state',
      formatVersion: 1,
      attributeGroups: this.listGroups(),
      attributeKeys: this.listKeys(),
    };
    const text = `${JSON.stringify(file)}\n`;
    const temporary = `${path}.${process.pid}.${(this.writeSequence += 1)}.tmp`;
    const work = (async () => {
      try {
        await mkdir(dirname(path), { recursive: true });
        await writeFile(temporary, text, { mode: 0o600 });
        await rename(temporary, path);
        this.writeCount += 1;
      } catch (error) {
        this.dirty = true;
        await rm(temporary, { force: true });
        this.log(`cannot write the emulator state file ${path}: ${(error as Error).message}`);
        throw error;
      }
    })();
    this.writing = work;
    let written = false;
    try {
      await work;
      written = true;
    } finally {
      this.writing = undefined;
      // Changes made while writing get their own (coalesced) write; after a failure, the next change or
      // flush() tries again.
      if (written && this.dirty && !this.timer) this.schedule();
    }
  }

  private load(path: string): void {
    let parsed: Partial<StateFile>;
    try {
      parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<StateFile>;
    } catch (error) {
      throw new Error(`Cannot read the emulator state file ${path}: ${(error as Error).message}`, { cause: error });
    }
    if (parsed.format !== 'signals-emulator-state' || parsed.formatVersion !== 1) {
      throw new Error(`${path} is not a Signals emulator state file (format signals-emulator-state, version 1).`);
    }
    for (const group of parsed.attributeGroups ?? []) this.groups.set(groupKey(group.name, group.version), group);
    for (const key of parsed.attributeKeys ?? []) this.keys.set(key.name, key);
  }
}

function groupKey(name: string, version: number): string {
  return `${name}\u0000${version}`;
}
