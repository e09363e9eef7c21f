/** Running the engine in a test: a scratch folder and the runner's progress lines. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** A new folder under the system's temp folder. */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `signals-batch-${prefix}-`));
}

/** Collect runner progress lines (shown only when a test fails, via the returned array). */
export function collectLog(): { lines: string[]; log: (line: string) => void } {
  const lines: string[] = [];
  return { lines, log: (line: string) => lines.push(line) };
}
