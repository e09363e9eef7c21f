/**
 * Static checks of the SQL a target's run compiled: every model parses in sqlglot's dialect of
 * that warehouse, and no other warehouse's syntax leaks in.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Target } from '../../src/dbt';
import { runPythonJson } from '../support/warehouses/engine';

/** The compiled model files of a project that dbt has run. */
export function compiledModels(projectDir: string): string[] {
  const root = path.join(projectDir, 'target', 'compiled');
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.sql')) out.push(full);
    }
  };
  if (fs.existsSync(root)) walk(root);
  return out.sort();
}

const SQLGLOT_DIALECT: Record<Target, string> = {
  duckdb: 'duckdb',
  snowflake: 'snowflake',
  bigquery: 'bigquery',
  databricks: 'databricks',
};

export function sqlSuite(target: Target, projectDir: () => string): void {
  describe(`compiled ${target} SQL`, () => {
    test(`every compiled model parses as ${target} (sqlglot) and holds no other warehouse's syntax`, async () => {
      const files = compiledModels(projectDir());
      expect(files.length).toBeGreaterThanOrEqual(10);
      const result = (await runPythonJson('sqlglot', 'sql_check.py', [SQLGLOT_DIALECT[target], ...files])) as {
        parsed: number;
        problems: string[];
      };
      expect(result.problems).toEqual([]);
      expect(result.parsed).toBe(files.length);
    }, 300_000);
  });
}
