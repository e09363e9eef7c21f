import * as fs from 'node:fs';
import * as path from 'node:path';

let cached: string | undefined;

/** The package's root folder (holding package.json and templates/), from source or from dist/. */
export function packageRoot(): string {
  if (cached) return cached;
  let dir = __dirname;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'signals-batch') return (cached = dir);
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the signals-batch package root above ${__dirname}`);
    dir = parent;
  }
}
