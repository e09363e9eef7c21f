/**
 * The emulator's registry: attribute groups (per name and version) and attribute keys, in memory and,
 * when a state file is given, persisted after every change by writing a temporary file and renaming it
 * over the old one (atomic on POSIX file systems).
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { BatchSourceModel } from '../definition/batchSource';

export interface StoredGroup {
  name: string;
  version: number;
  /** The definition exactly as registered (input form, without `is_published`/`batch_source`). */
  definition: Record<string, unknown>;
  isPublished: boolean;
  batchSource: BatchSourceModel | null;
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

export class EmulatorState {
  private readonly groups = new Map<string, StoredGroup>();
  private readonly keys = new Map<string, StoredKey>();

  constructor(private readonly statePath?: string) {
    if (statePath && existsSync(statePath)) this.load(statePath);
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
    this.persist();
    return structuredClone(copy);
  }

  /** Applies `change` to a stored group (e.g. an out-of-band edit in a test); undefined when missing. */
  updateGroup(name: string, version: number, change: (group: StoredGroup) => void): StoredGroup | undefined {
    const stored = this.groups.get(groupKey(name, version));
    if (!stored) return undefined;
    change(stored);
    this.persist();
    return structuredClone(stored);
  }

  deleteGroup(name: string, version: number): boolean {
    const deleted = this.groups.delete(groupKey(name, version));
    if (deleted) this.persist();
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
    this.persist();
    return structuredClone(key);
  }

  deleteKey(name: string): boolean {
    const deleted = this.keys.delete(name);
    if (deleted) this.persist();
    return deleted;
  }

  /** A deep copy of everything (what the state file holds). */
  snapshot(): { attributeGroups: StoredGroup[]; attributeKeys: StoredKey[] } {
    return structuredClone({ attributeGroups: this.listGroups(), attributeKeys: this.listKeys() });
  }

  private load(path: string): void {
    let parsed: Partial<StateFile>;
    try {
      parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<StateFile>;
    } catch (error) {
      throw new Error(`Cannot read the emulator state file ${path}: ${(error as Error).message}`);
    }
    if (parsed.format !== 'signals-emulator-state' || parsed.formatVersion !== 1) {
      throw new Error(`${path} is not a Signals emulator state file (format signals-emulator-state, version 1).`);
    }
    for (const group of parsed.attributeGroups ?? []) this.groups.set(groupKey(group.name, group.version), group);
    for (const key of parsed.attributeKeys ?? []) this.keys.set(key.name, key);
  }

  private persist(): void {
    if (!this.statePath) return;
    const file: StateFile = {
      format: 'signals-emulator-state',
      formatVersion: 1,
      attributeGroups: this.listGroups(),
      attributeKeys: this.listKeys(),
    };
    mkdirSync(dirname(this.statePath), { recursive: true });
    const temporary = `${this.statePath}.${process.pid}.${Date.now()}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
    renameSync(temporary, this.statePath);
  }
}

function groupKey(name: string, version: number): string {
  return `${name}\u0000${version}`;
}
