/**
 * What `npm pack` publishes: the built library and CLI, the templates the generator reads, the Python
 * and shell files the runner starts, README and LICENSE; no tests, sources, stack files or CI.
 */
import { spawnSync } from 'node:child_process';
import { packageRoot } from '../../src/paths';

// Per-test timeout of this file: it starts npm.
jest.setTimeout(3 * 60_000);

const PUBLISHED = [
  /^dist\/.+\.(js|js\.map|d\.ts)$/,
  /^bin\/signals-batch\.js$/,
  /^templates\/.+/,
  /^python\/dbt_worker\.py$/,
  /^python\/requirements\/(duckdb|snowflake|bigquery|databricks|spark)\.txt$/,
  /^scripts\/(setup-python|ensure-pulumi)\.sh$/,
  /^(README\.md|LICENSE|package\.json)$/,
];

function packedFiles(): string[] {
  const npm = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: packageRoot(), encoding: 'utf8' });
  if (npm.status !== 0) throw new Error(`npm pack --dry-run failed:\n${npm.stderr}`);
  return (JSON.parse(npm.stdout) as Array<{ files: Array<{ path: string }> }>)[0].files.map((f) => f.path);
}

describe('the published package', () => {
  it('holds only the built code, templates, the scripts it runs, README and LICENSE', () => {
    const files = packedFiles();
    expect(files.filter((file) => !PUBLISHED.some((pattern) => pattern.test(file)))).toEqual([]);
    expect(files).toEqual(
      expect.arrayContaining([
        'dist/index.js',
        'dist/index.d.ts',
        'dist/cli/main.js',
        'bin/signals-batch.js',
        'python/dbt_worker.py',
        'README.md',
        'LICENSE',
      ]),
    );
    expect(files.some((file) => file.startsWith('templates/project/'))).toBe(true);
  });
});
