/**
 * Snowflake on fakesnow (server mode, pinned in python/requirements/fakesnow.txt), reached by
 * dbt-snowflake over HTTP with host/port/protocol. The emulator gaps filled for it are listed in
 * python/fakesnow_server.py.
 */
import type { ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { ensurePythonEnv, pythonExecutable } from '../../../src/runner';
import { atomicKinds, freePort, runPythonJson, startProcess, stopProcess, SUPPORT_PYTHON, type Row, type WarehouseEngine } from './engine';

export class FakesnowEngine implements WarehouseEngine {
  readonly target = 'snowflake' as const;
  readonly engineName = 'fakesnow';
  private server: ChildProcess | null = null;
  private port = 0;

  async start(): Promise<void> {
    await ensurePythonEnv('fakesnow', () => undefined);
    await ensurePythonEnv('snowflake', () => undefined);
    this.port = await freePort();
    this.server = await startProcess(
      pythonExecutable('fakesnow'),
      [path.join(SUPPORT_PYTHON, 'fakesnow_server.py'), String(this.port)],
      /listening/,
      {
        PYTHONPATH: SUPPORT_PYTHON,
      },
    );
  }

  async stop(): Promise<void> {
    await stopProcess(this.server);
    this.server = null;
  }

  private settings(ns: string): string {
    return JSON.stringify({ host: '127.0.0.1', port: this.port, database: ns.toUpperCase() });
  }

  connection(ns: string) {
    return {
      type: 'snowflake' as const,
      account: 'fakesnow',
      user: 'signals_batch_test',
      password: 'unused',
      warehouse: 'test',
      database: ns.toUpperCase(),
      schema: 'analytics',
      extra: { host: '127.0.0.1', port: this.port, protocol: 'http', connect_retries: 0 },
    };
  }

  sourceVars(): Record<string, unknown> {
    return {};
  }

  async loadEventsCsv(ns: string, files: string[]): Promise<number> {
    const result = (await runPythonJson('fakesnow', 'snowflake_client.py', [
      'load',
      this.settings(ns),
      'atomic.events',
      atomicKinds(),
      ...files,
    ])) as { rows: number };
    return result.rows;
  }

  async readTable(ns: string, suffix: string, table: string, orderBy: string): Promise<Row[]> {
    return (await runPythonJson('fakesnow', 'snowflake_client.py', [
      'query',
      this.settings(ns),
      `select * from analytics_${suffix}.${table} order by ${orderBy}`,
    ])) as Row[];
  }
}
