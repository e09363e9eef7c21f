/**
 * scripts/ensure-pulumi.sh gives each checkout its own plugin folder: two checkouts sharing one cache
 * never re-point each other's dynamic-provider plugin, while the version-keyed CLI stays shared.
 * Runs the real script against a scratch cache holding a stand-in CLI, so nothing is built.
 */
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../src/paths';

// Per-test timeout of this file: it runs the Pulumi installer script.
jest.setTimeout(3 * 60_000);

const PULUMI_VERSION = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')).dependencies['@pulumi/pulumi'];

let scratch: string;
let cache: string;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'ensure-pulumi-'));
  cache = join(scratch, 'cache');
  const shared = join(cache, `pulumi-${PULUMI_VERSION}`, 'bin');
  mkdirSync(shared, { recursive: true });
  writeFileSync(join(shared, 'pulumi'), `#!/bin/sh\necho v${PULUMI_VERSION}\n`);
  writeFileSync(join(shared, 'pulumi-resource-command'), '#!/bin/sh\nexit 0\n');
  chmodSync(join(shared, 'pulumi'), 0o755);
  chmodSync(join(shared, 'pulumi-resource-command'), 0o755);
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

/** A checkout: the real script, the package pin, and a dynamic-provider plugin of its own. */
function checkout(name: string): string {
  const root = join(scratch, name);
  mkdirSync(join(root, 'scripts'), { recursive: true });
  mkdirSync(join(root, 'node_modules', '@pulumi', 'pulumi'), { recursive: true });
  copyFileSync(join(packageRoot(), 'scripts', 'ensure-pulumi.sh'), join(root, 'scripts', 'ensure-pulumi.sh'));
  writeFileSync(join(root, 'package.json'), JSON.stringify({ dependencies: { '@pulumi/pulumi': PULUMI_VERSION } }));
  writeFileSync(join(root, 'node_modules', '@pulumi', 'pulumi', 'pulumi-resource-pulumi-nodejs'), `#!/bin/sh\necho ${name}\n`);
  return root;
}

function ensure(root: string): string {
  const out = execFileSync('bash', [join(root, 'scripts', 'ensure-pulumi.sh')], {
    env: { ...process.env, SIGNALS_BATCH_CACHE: cache, SIGNALS_BATCH_BUILD_PULUMI: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return out.toString().trim().split('\n').pop() as string;
}

const plugin = (bin: string) => realpathSync(join(bin, 'pulumi-resource-pulumi-nodejs'));

describe('ensure-pulumi.sh', () => {
  it("gives each checkout its own folder, so running one never re-points the other's dynamic-provider plugin", () => {
    const first = checkout('first');
    const second = checkout('second');
    const firstBin = ensure(first);
    const secondBin = ensure(second);
    expect(firstBin).not.toBe(secondBin);
    expect(plugin(firstBin)).toBe(realpathSync(join(first, 'node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs')));
    expect(plugin(secondBin)).toBe(realpathSync(join(second, 'node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs')));
    // Running either again changes nothing for the other, and gives the same folder.
    expect(ensure(first)).toBe(firstBin);
    expect(plugin(secondBin)).toBe(realpathSync(join(second, 'node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs')));
    // The shared, version-keyed folder holds no checkout's plugin.
    expect(existsSync(join(cache, `pulumi-${PULUMI_VERSION}`, 'bin', 'pulumi-resource-pulumi-nodejs'))).toBe(false);
  });

  it('shares the one CLI of the pinned version among checkouts (a hard link, not a copy) and keeps it runnable', () => {
    const firstBin = ensure(checkout('first'));
    const secondBin = ensure(checkout('second'));
    const shared = join(cache, `pulumi-${PULUMI_VERSION}`, 'bin', 'pulumi');
    expect(statSync(join(firstBin, 'pulumi')).ino).toBe(statSync(shared).ino);
    expect(statSync(join(secondBin, 'pulumi')).ino).toBe(statSync(shared).ino);
    expect(execFileSync(join(secondBin, 'pulumi')).toString().trim()).toBe(`v${PULUMI_VERSION}`);
    expect(realpathSync(join(firstBin, 'pulumi-resource-command'))).toBe(
      realpathSync(join(cache, `pulumi-${PULUMI_VERSION}`, 'bin', 'pulumi-resource-command')),
    );
  });
});
