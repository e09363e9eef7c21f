/**
 * Databricks SQL on open-source Spark with Delta: pyspark and delta-spark pinned in
 * python/requirements/spark.txt, the Delta jars fetched once from Maven Central into the Ivy cache,
 * a warehouse folder per engine. One Spark serves the whole file
 * (python/spark_server.py, over Spark Connect): dbt-spark's `session` method, the loader and the
 * reader are its clients, so the JVM start and warm-up are paid once, not once per process.
 * Each namespace is a schema prefix: models in `<ns>_derived`..., events in `<ns>_atomic.events`.
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensurePythonEnv, pythonExecutable, requirementsFile } from '../../../src/runner';
import { atomicKinds, freePort, runPythonJson, startProcess, stopProcess, SUPPORT_PYTHON, type Row, type WarehouseEngine } from './engine';

/** The delta-spark version pinned for Python is the version of the Delta jars. */
function deltaVersion(): string {
  const pin = /^delta[-_]spark==(\S+)$/im.exec(fs.readFileSync(requirementsFile('spark'), 'utf8'));
  if (!pin) throw new Error('python/requirements/spark.txt pins no delta-spark version');
  return pin[1];
}

export function requireJava(): void {
  try {
    execFileSync('java', ['-version'], { stdio: 'pipe' });
  } catch {
    throw new Error(
      'Spark needs Java 17 (java not found on PATH). Fix: apt-get install openjdk-17-jre-headless, or set JAVA_HOME/PATH to a Java 17.',
    );
  }
}

export class SparkDeltaEngine implements WarehouseEngine {
  readonly target = 'databricks' as const;
  readonly engineName = 'Spark + Delta (dbt-spark session)';
  private dir = '';
  private server: ChildProcess | null = null;
  private port = 0;
  typeFiles: string[] = [];

  async start(): Promise<void> {
    requireJava();
    await ensurePythonEnv('spark', () => undefined);
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'signals-batch-spark-'));
    this.port = await freePort();
    const script = path.join(SUPPORT_PYTHON, 'spark_server.py');
    // the first start resolves the Delta jars from Maven Central
    this.server = await startProcess(
      pythonExecutable('spark'),
      [script, JSON.stringify(this.serverConf()), String(this.port)],
      /spark connect server ready/,
      { TZ: 'UTC' },
      540_000,
    );
  }

  async stop(): Promise<void> {
    await stopProcess(this.server);
    this.server = null;
    if (this.dir) fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** What every client (dbt, the loader, the reader) sets: the server, over Spark Connect. */
  sparkConf(): Record<string, string> {
    return { 'spark.remote': `sc://127.0.0.1:${this.port}` };
  }

  /**
   * The server's settings. Tuned for tables of a few hundred rows on two cores, none of them
   * changing what a query returns: 2 shuffle partitions (not 200), no adaptive re-planning, one
   * partition for Delta's log replay (not 50), no UI or progress bars; the catalog in memory (one
   * JVM: no metastore database); expressions interpreted, not compiled to Java (compiling them
   * took most of the time on tiny tables), and the JVM's quick compiler only (its optimizing one
   * spent minutes of CPU on code that runs for milliseconds).
   */
  private serverConf(): Record<string, string> {
    return {
      'spark.master': 'local[2]',
      'spark.app.name': 'signals-batch-test',
      'spark.jars.packages': `io.delta:delta-spark_2.13:${deltaVersion()}`,
      'spark.sql.extensions': 'io.delta.sql.DeltaSparkSessionExtension',
      'spark.sql.catalog.spark_catalog': 'org.apache.spark.sql.delta.catalog.DeltaCatalog',
      'spark.sql.warehouse.dir': path.join(this.dir, 'warehouse'),
      'spark.sql.catalogImplementation': 'in-memory',
      'spark.driver.extraJavaOptions': '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC',
      'spark.sql.session.timeZone': 'UTC',
      'spark.sql.shuffle.partitions': '2',
      'spark.default.parallelism': '2',
      'spark.ui.enabled': 'false',
      'spark.driver.memory': '2g',
      'spark.sql.adaptive.enabled': 'false',
      'spark.databricks.delta.snapshotPartitions': '1',
      'spark.ui.showConsoleProgress': 'false',
      'spark.sql.codegen.wholeStage': 'false',
      'spark.sql.codegen.factoryMode': 'NO_CODEGEN',
    };
  }

  connection(ns: string) {
    return { type: 'spark' as const, schema: ns, sparkConf: this.sparkConf() };
  }

  sourceVars(ns: string): Record<string, unknown> {
    return { snowplow__atomic_schema: `${ns}_atomic` };
  }

  async loadEventsCsv(ns: string, files: string[]): Promise<number> {
    const args = ['load', JSON.stringify(this.sparkConf()), `${ns}_atomic.events`, atomicKinds(), JSON.stringify(this.typeFiles), ...files];
    const result = (await runPythonJson('spark', 'spark_client.py', args, { TZ: 'UTC' })) as { rows: number };
    return result.rows;
  }

  async readTable(ns: string, suffix: string, table: string, orderBy: string): Promise<Row[]> {
    return (await runPythonJson(
      'spark',
      'spark_client.py',
      ['query', JSON.stringify(this.sparkConf()), `select * from ${ns}_${suffix}.${table} order by ${orderBy}`],
      { TZ: 'UTC' },
    )) as Row[];
  }
}
