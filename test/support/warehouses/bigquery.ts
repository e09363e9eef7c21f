/**
 * BigQuery on crucible-emulator (a local BigQuery REST API backed by DuckDB, GoogleSQL translated
 * by sqlglot; pinned in python/requirements/crucible.txt; its gaps filled, and events loaded, by
 * python/crucible_server.py), reached by dbt-bigquery through its
 * `api_endpoint` setting with a dummy OAuth token. Each namespace is a dataset prefix: models in
 * `<ns>_derived`..., events in `<ns>_atomic.events`, the events of the first load days in the 1.x
 * loader's full-version columns (a table migrated from that loader).
 */
import type { ChildProcess } from 'node:child_process';
import { ensurePythonEnv, pythonExecutable } from '../../../src/runner';
import * as path from 'node:path';
import { atomicKinds, freePort, runPythonJson, startProcess, stopProcess, SUPPORT_PYTHON, type Row, type WarehouseEngine } from './engine';

const PROJECT = 'signals-batch-test';

export class CrucibleBigqueryEngine implements WarehouseEngine {
  readonly target = 'bigquery' as const;
  readonly engineName = 'crucible-emulator';
  private server: ChildProcess | null = null;
  private port = 0;
  typeFiles: string[] = [];

  /** Rows loaded before this load_tstamp go to the 1.x loader's full-version columns. */
  constructor(private readonly legacyBefore: string | null = null) {}

  async start(): Promise<void> {
    await ensurePythonEnv('crucible', () => undefined);
    await ensurePythonEnv('bigquery', () => undefined);
    this.port = await freePort();
    // crucible with its gaps filled and a bulk insert for the loader (python/crucible_server.py)
    this.server = await startProcess(
      pythonExecutable('crucible'),
      [path.join(SUPPORT_PYTHON, 'crucible_server.py'), 'serve', '--dialect', 'bigquery', '--port', String(this.port)],
      /startup complete|Uvicorn running/,
    );
  }

  async stop(): Promise<void> {
    await stopProcess(this.server);
    this.server = null;
  }

  private endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  private settings(): string {
    return JSON.stringify({ project: PROJECT, endpoint: this.endpoint(), legacyBefore: this.legacyBefore });
  }

  connection(ns: string) {
    return {
      type: 'bigquery' as const,
      project: PROJECT,
      dataset: ns,
      extra: { method: 'oauth-secrets', token: 'local-emulator', api_endpoint: this.endpoint(), job_retries: 0 },
    };
  }

  sourceVars(ns: string): Record<string, unknown> {
    return { snowplow__atomic_schema: `${ns}_atomic` };
  }

  async loadEventsCsv(ns: string, files: string[]): Promise<number> {
    // the type files describe one dataset: a load of other files is typed from those files
    const typeFiles = files.every((f) => this.typeFiles.includes(f)) ? this.typeFiles : [];
    const args = ['load', this.settings(), `${ns}_atomic.events`, atomicKinds(), JSON.stringify(typeFiles), ...files];
    return ((await runPythonJson('bigquery', 'bigquery_client.py', args)) as { rows: number }).rows;
  }

  async readTable(ns: string, suffix: string, table: string, orderBy: string): Promise<Row[]> {
    return (await runPythonJson('bigquery', 'bigquery_client.py', [
      'query',
      this.settings(),
      `select * from \`${ns}_${suffix}\`.${table} order by ${orderBy}`,
    ])) as Row[];
  }
}
