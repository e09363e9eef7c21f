/**
 * Rows read per model, from DuckDB's profiler. dbt gives no hook for per-query profiling
 * without editing the generated project, so right after a run each model's compiled SELECT
 * (target/compiled/...) is replayed once with `enable_profiling = 'json'` and materialized
 * into a temporary table, as dbt does. The scratch tables the models read (run_limits,
 * days_to_process, ...) still hold this run's values, so the replay reads what the run read;
 * the exceptions are noted in the report (run_limits re-reads the manifest, which now includes
 * this run, so its replay sees an empty load window).
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface ModelProfile {
  model: string;
  /** dbt's own execution time of the model in the run (seconds). */
  dbtSeconds: number;
  /** Rows scanned by the replay, in total and per table read. */
  rowsScanned: number;
  rowsScannedByTable: Record<string, number>;
  /** Rows the model produced (the replay's result). */
  rowsProduced: number;
  /** DuckDB's peak buffer memory during the replay (bytes). */
  peakBufferBytes: number;
}

interface ProfileNode {
  operator_type?: string;
  operator_rows_scanned?: number;
  extra_info?: Record<string, unknown>;
  children?: ProfileNode[];
  [k: string]: unknown;
}

interface RunResults {
  results: Array<{ unique_id: string; status: string; execution_time: number }>;
}

/** Per model of the last dbt invocation: dbt's time for it, in execution order. */
export async function modelTimings(projectDir: string): Promise<Array<{ model: string; seconds: number }>> {
  const results = JSON.parse(await fs.readFile(path.join(projectDir, 'target', 'run_results.json'), 'utf8')) as RunResults;
  return results.results
    .filter((r) => r.unique_id.startsWith('model.'))
    .map((r) => ({ model: r.unique_id.split('.').pop()!, seconds: r.execution_time }));
}

async function findCompiled(dir: string, file: string): Promise<string | null> {
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      const found = await findCompiled(full, file);
      if (found) return found;
    } else if (entry.name === file) {
      return full;
    }
  }
  return null;
}

function tableScans(node: ProfileNode, into: Record<string, number>): void {
  if (node.operator_type === 'TABLE_SCAN') {
    const table = String(node.extra_info?.Table ?? node.extra_info?.Function ?? 'unknown');
    // "<catalog>.<schema>.<table>": the catalog is the database file's name, not informative
    const name = table.split('.').slice(-2).join('.');
    into[name] = (into[name] ?? 0) + Number(node.operator_rows_scanned ?? 0);
  }
  for (const child of node.children ?? []) tableScans(child, into);
}

/** Replay every model of the last run with profiling; returns one entry per model. */
export async function profileLastRun(database: string, projectDir: string): Promise<ModelProfile[]> {
  const timings = await modelTimings(projectDir);
  const compiledRoot = path.join(projectDir, 'target', 'compiled');
  const output = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'bench-profile-')), 'profile.json');
  const instance = await DuckDBInstance.create(database);
  const conn = await instance.connect();
  const profiles: ModelProfile[] = [];
  try {
    for (const { model, seconds } of timings) {
      const file = await findCompiled(compiledRoot, `${model}.sql`);
      if (!file) continue;
      const sql = await fs.readFile(file, 'utf8');
      await conn.run(`pragma enable_profiling = 'json'`);
      await conn.run(`pragma profiling_coverage = 'ALL'`);
      await conn.run(`pragma profiling_output = '${output.replace(/'/g, "''")}'`);
      await conn.run(`create or replace temp table bench_replay as (\n${sql}\n)`);
      await conn.run('pragma disable_profiling');
      const root = JSON.parse(await fs.readFile(output, 'utf8')) as ProfileNode;
      const byTable: Record<string, number> = {};
      tableScans(root, byTable);
      const produced = Number((await conn.runAndReadAll('select count(*) from bench_replay')).getRows()[0][0]);
      await conn.run('drop table bench_replay');
      profiles.push({
        model,
        dbtSeconds: seconds,
        rowsScanned: Number(root.cumulative_rows_scanned ?? Object.values(byTable).reduce((a, b) => a + b, 0)),
        rowsScannedByTable: byTable,
        rowsProduced: produced,
        peakBufferBytes: Number(root.system_peak_buffer_memory ?? 0),
      });
    }
  } finally {
    conn.closeSync();
    instance.closeSync();
    await fs.rm(path.dirname(output), { recursive: true, force: true });
  }
  return profiles;
}
