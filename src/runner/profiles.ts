/**
 * dbt connection profiles, written from options. Secrets never land in the file: the profile
 * reads them from environment variables (`env_var(...)`) that the runner passes to dbt.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { jinjaInert } from '../dbt/dialects/dialect';
import type { PythonEnv } from './python';

type Scalar = string | number | boolean;

/** A setting, or a secret that dbt reads from the named environment variable. */
type ProfileValue = Scalar | { env: string } | { yaml: unknown } | Record<string, string>;

export interface DuckdbConnection {
  type: 'duckdb';
  /** The DuckDB database file. */
  path: string;
  /** Target schema: models land in `<schema>_derived`, `<schema>_scratch`, `<schema>_snowplow_manifest`. */
  schema?: string;
  /**
   * DuckDB's `memory_limit` for the run, e.g. `2GB` (default `DUCKDB_DEFAULT_MEMORY_LIMIT`): past it
   * DuckDB spills to a temporary directory beside the file instead of growing, so a backfill round
   * fits a laptop next to other work. DuckDB's own default is 80% of the machine's memory.
   */
  memoryLimit?: string;
  /**
   * dbt-duckdb plugins loaded into dbt's process, imported from `modulePaths`: a hook for
   * instruments (the bench's per-statement profiler) that leaves the generated SQL unchanged.
   */
  plugins?: Array<{ module: string; config?: Record<string, string> }>;
  modulePaths?: string[];
}

export interface SnowflakeConnection {
  type: 'snowflake';
  account: string;
  user: string;
  role?: string;
  warehouse: string;
  database: string;
  schema: string;
  /** Password (secret): passed to dbt through the environment only. */
  password?: string;
  /** PEM private key (secret) for key-pair auth, passed through the environment only. */
  privateKey?: string;
  privateKeyPassphrase?: string;
  /** Tag on every query of the run (default `signals-batch`). */
  queryTag?: string;
  /** Extra connection settings (e.g. host/port/protocol for a local fake). */
  extra?: Record<string, Scalar>;
}

export interface BigqueryConnection {
  type: 'bigquery';
  /** The GCP project the models are built in (dbt's `project`). */
  project: string;
  /** Target dataset: models land in `<dataset>_derived`, `<dataset>_scratch`, `<dataset>_snowplow_manifest`. */
  dataset: string;
  location?: string;
  /** Service-account key JSON (secret), passed through the environment only; without it dbt uses Application Default Credentials. */
  keyfileJson?: string;
  /** A query scanning more is refused by BigQuery (dbt's `maximum_bytes_billed`). */
  maximumBytesBilled?: number;
  extra?: Record<string, Scalar>;
}

export interface DatabricksConnection {
  type: 'databricks';
  /** Workspace host, e.g. `adb-123.4.azuredatabricks.net`. */
  host: string;
  /** SQL warehouse or cluster HTTP path. */
  httpPath: string;
  /** Personal access or service principal token (secret), passed through the environment only. */
  token: string;
  catalog: string;
  schema: string;
  extra?: Record<string, Scalar>;
}

/** A local Spark session (dbt-spark `method: session`), used to run the Databricks SQL locally. */
export interface SparkSessionConnection {
  type: 'spark';
  schema: string;
  /** Spark settings of the session (e.g. Delta, metastore and warehouse locations). */
  sparkConf?: Record<string, string>;
}

export type WarehouseConnection =
  DuckdbConnection | SnowflakeConnection | BigqueryConnection | DatabricksConnection | SparkSessionConnection;

/** The Python environment holding the adapter of a connection type. */
export function pythonEnvFor(type: WarehouseConnection['type']): PythonEnv {
  return type;
}

export interface ProfileFiles {
  /** Directory to pass as `--profiles-dir`. */
  dir: string;
  /** Environment variables dbt needs (secrets among them). */
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

/** The environment variables that carry warehouse secrets to dbt (and that the CLI reads them from). */
export const SECRET_ENV = {
  password: 'SIGNALS_BATCH_DBT_PASSWORD',
  privateKey: 'SIGNALS_BATCH_DBT_PRIVATE_KEY',
  privateKeyPassphrase: 'SIGNALS_BATCH_DBT_PRIVATE_KEY_PASSPHRASE',
  keyfileJson: 'SIGNALS_BATCH_DBT_BIGQUERY_KEYFILE_JSON',
  token: 'SIGNALS_BATCH_DBT_DATABRICKS_TOKEN',
} as const;

/**
 * dbt reads profiles.yml as a template and writes names into YAML and SQL, so every name given
 * for a connection must be plain: each pattern below admits no quote, brace, space or line break.
 */
export const NAME_RULES = {
  /** dbt profile and target names, and the target schema. */
  identifier: { pattern: /^[A-Za-z_][A-Za-z0-9_]{0,127}$/, says: 'a letter or _, then letters, digits or _ (at most 128)' },
  snowflakeAccount: { pattern: /^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/, says: 'letters, digits, ".", "-" or "_" (e.g. myorg-account1)' },
  snowflakeUser: { pattern: /^[A-Za-z0-9_][A-Za-z0-9_.@$+-]{0,254}$/, says: 'letters, digits and _ . @ $ + -' },
  snowflakeObject: { pattern: /^[A-Za-z_][A-Za-z0-9_$]{0,254}$/, says: 'a letter or _, then letters, digits, _ or $' },
  bigqueryProject: {
    pattern: /^[a-z0-9][a-z0-9.:-]{0,62}$/,
    says: 'a GCP project id: lower-case letters, digits, "-" (a domain-scoped one also "." and ":")',
  },
  bigqueryLocation: { pattern: /^[A-Za-z][A-Za-z0-9-]{0,62}$/, says: 'a BigQuery location such as EU, US or europe-west2' },
  databricksHost: {
    pattern: /^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$/,
    says: 'a host name such as adb-123.4.azuredatabricks.net (no scheme or path)',
  },
  databricksHttpPath: { pattern: /^\/?[A-Za-z0-9][A-Za-z0-9/._-]{0,254}$/, says: 'an HTTP path such as /sql/1.0/warehouses/abc123' },
} as const;

/** Problems with a name (`what` says which option or field), or undefined when it is fine. */
export function nameProblem(what: string, value: string, rule: keyof typeof NAME_RULES): string | undefined {
  const { pattern, says } = NAME_RULES[rule];
  return pattern.test(value) ? undefined : `${what} ${JSON.stringify(value)} is not valid: use ${says}`;
}

/** The DuckDB memory limit of a run unless one is given: the bench's backfill rounds stay under 4 GiB with it. */
export const DUCKDB_DEFAULT_MEMORY_LIMIT = '2GB';

/** What a DuckDB memory limit looks like, for the messages that refuse one. */
export const DUCKDB_MEMORY_LIMIT_FORM = 'a number and a unit, e.g. 2GB, 1500MB or 4GiB';

/** Problems with a DuckDB memory limit (a number and a unit DuckDB reads). */
export function duckdbMemoryLimitProblem(limit: string): string | undefined {
  if (/^[0-9]+(\.[0-9]+)?(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/.test(limit)) return undefined;
  return `the DuckDB memory limit ${JSON.stringify(limit)} is not a size: use ${DUCKDB_MEMORY_LIMIT_FORM}`;
}

/** Problems with a DuckDB file path as a profile value (braces are fine: profile strings are written inert). */
export function duckdbPathProblem(file: string): string | undefined {
  if (/[\0\r\n]/.test(file)) return `the DuckDB path ${JSON.stringify(file)} contains a line break or NUL character`;
  return undefined;
}

/** Every problem with a connection's settings, before anything is written or run. */
export function connectionProblems(connection: WarehouseConnection | undefined): string[] {
  if (!connection) return [];
  const problems: Array<string | undefined> = [];
  switch (connection.type) {
    case 'duckdb':
      problems.push(duckdbPathProblem(connection.path));
      if (connection.memoryLimit !== undefined) problems.push(duckdbMemoryLimitProblem(connection.memoryLimit));
      if (connection.schema !== undefined) problems.push(nameProblem('schema', connection.schema, 'identifier'));
      break;
    case 'snowflake':
      problems.push(
        nameProblem('Snowflake account', connection.account, 'snowflakeAccount'),
        nameProblem('Snowflake user', connection.user, 'snowflakeUser'),
        connection.role === undefined ? undefined : nameProblem('Snowflake role', connection.role, 'snowflakeObject'),
        nameProblem('Snowflake warehouse', connection.warehouse, 'snowflakeObject'),
        nameProblem('Snowflake database', connection.database, 'snowflakeObject'),
        nameProblem('schema', connection.schema, 'identifier'),
      );
      break;
    case 'bigquery':
      problems.push(
        nameProblem('BigQuery project', connection.project, 'bigqueryProject'),
        nameProblem('BigQuery dataset', connection.dataset, 'identifier'),
        connection.location === undefined ? undefined : nameProblem('BigQuery location', connection.location, 'bigqueryLocation'),
      );
      break;
    case 'databricks':
      problems.push(
        nameProblem('Databricks host', connection.host, 'databricksHost'),
        nameProblem('Databricks HTTP path', connection.httpPath, 'databricksHttpPath'),
        nameProblem('Databricks catalog', connection.catalog, 'identifier'),
        nameProblem('schema', connection.schema, 'identifier'),
      );
      break;
    case 'spark':
      problems.push(nameProblem('schema', connection.schema, 'identifier'));
      break;
  }
  return problems.filter((p): p is string => p !== undefined);
}

/** dbt renders profiles.yml as Jinja: settings are data, so strings are written inert. */
function yamlValue(v: ProfileValue): string {
  if (typeof v === 'object' && 'yaml' in v) return JSON.stringify(inertTree(v.yaml));
  if (typeof v !== 'object') return typeof v === 'string' ? JSON.stringify(jinjaInert(v)) : String(v);
  if ('env' in v && Object.keys(v).length === 1) return JSON.stringify(`{{ env_var('${v.env}') }}`);
  return `{${Object.entries(v)
    .map(([k, x]) => `${JSON.stringify(jinjaInert(k))}: ${JSON.stringify(jinjaInert(String(x)))}`)
    .join(', ')}}`;
}

/**
 * dbt threads when the run does not say: one on DuckDB, which already runs each statement on every
 * core, so that models running side by side would only share the cores and split its memory limit
 * (docs/bench.md, "Memory"), and on a local Spark session, whose one driver runs every statement;
 * four on a warehouse, whose statements run on its own compute.
 */
export function defaultThreads(connection: WarehouseConnection): number {
  return connection.type === 'duckdb' || connection.type === 'spark' ? 1 : 4;
}

/** The profile fields of a connection, secrets as `env_var` references filled into `env`. */
function profileFields(connection: WarehouseConnection, threads: number, env: Record<string, string>): Record<string, ProfileValue> {
  const secret = (key: keyof typeof SECRET_ENV, value: string) => {
    env[SECRET_ENV[key]] = value;
    return { env: SECRET_ENV[key] };
  };
  switch (connection.type) {
    case 'duckdb': {
      const fields: Record<string, ProfileValue> = {
        type: 'duckdb',
        path: path.resolve(connection.path),
        schema: connection.schema ?? 'main',
        threads,
        // no statement relies on the order of rows without an ORDER BY; keeping it costs memory that cannot spill
        settings: { memory_limit: connection.memoryLimit ?? DUCKDB_DEFAULT_MEMORY_LIMIT, preserve_insertion_order: 'false' },
      };
      for (const p of connection.plugins ?? []) {
        if (!PYTHON_MODULE.test(p.module))
          throw new Error(`dbt-duckdb plugin module ${JSON.stringify(p.module)} is not a Python module name (like package.module)`);
      }
      if (connection.plugins?.length)
        fields.plugins = { yaml: connection.plugins.map((p) => ({ module: p.module, ...(p.config ? { config: p.config } : {}) })) };
      if (connection.modulePaths?.length) fields.module_paths = { yaml: connection.modulePaths.map((p) => path.resolve(p)) };
      return fields;
    }
    case 'snowflake': {
      const fields: Record<string, ProfileValue> = {
        type: 'snowflake',
        account: connection.account,
        user: connection.user,
        warehouse: connection.warehouse,
        database: connection.database,
        schema: connection.schema,
        threads,
        query_tag: connection.queryTag ?? 'signals-batch',
        ...(connection.role ? { role: connection.role } : {}),
      };
      if (connection.password) fields.password = secret('password', connection.password);
      if (connection.privateKey) fields.private_key = secret('privateKey', connection.privateKey);
      if (connection.privateKeyPassphrase) fields.private_key_passphrase = secret('privateKeyPassphrase', connection.privateKeyPassphrase);
      return { ...fields, ...(connection.extra ?? {}) };
    }
    case 'bigquery': {
      const fields: Record<string, ProfileValue> = {
        type: 'bigquery',
        project: connection.project,
        dataset: connection.dataset,
        threads,
        method: connection.keyfileJson ? 'service-account-json' : 'oauth',
        ...(connection.location ? { location: connection.location } : {}),
        ...(connection.maximumBytesBilled ? { maximum_bytes_billed: connection.maximumBytesBilled } : {}),
      };
      // dbt-bigquery reads a base64 key as the JSON document, which keeps the secret one opaque string.
      if (connection.keyfileJson) fields.keyfile_json = secret('keyfileJson', Buffer.from(connection.keyfileJson).toString('base64'));
      return { ...fields, ...(connection.extra ?? {}) };
    }
    case 'databricks':
      return {
        type: 'databricks',
        host: connection.host,
        http_path: connection.httpPath,
        token: secret('token', connection.token),
        catalog: connection.catalog,
        schema: connection.schema,
        threads,
        ...(connection.extra ?? {}),
      };
    case 'spark':
      return {
        type: 'spark',
        method: 'session',
        host: 'localhost',
        schema: connection.schema,
        threads,
        ...(connection.sparkConf ? { server_side_parameters: connection.sparkConf } : {}),
      };
  }
}

/** A nested setting as JSON (a YAML flow collection), every string in it inert. */
function inertTree(v: unknown): unknown {
  if (typeof v === 'string') return jinjaInert(v);
  if (Array.isArray(v)) return v.map(inertTree);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [jinjaInert(k), inertTree(x)]));
  return v;
}

const PYTHON_MODULE = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** The profile YAML for a connection, plus the environment holding its secrets. */
export function renderProfile(
  profile: string,
  target: string,
  connection: WarehouseConnection,
  threads?: number,
): { yaml: string; env: Record<string, string> } {
  const env: Record<string, string> = {};
  const body = Object.entries(profileFields(connection, threads ?? defaultThreads(connection), env))
    .map(([k, v]) => `      ${k}: ${yamlValue(v)}`)
    .join('\n');
  return { yaml: `${profile}:\n  target: ${target}\n  outputs:\n    ${target}:\n${body}\n`, env };
}

/** Write profiles.yml into a private temporary directory. */
export async function writeProfiles(
  profile: string,
  target: string,
  connection: WarehouseConnection,
  threads?: number,
): Promise<ProfileFiles> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'signals-batch-profile-'));
  const { yaml, env } = renderProfile(profile, target, connection, threads);
  await fs.writeFile(path.join(dir, 'profiles.yml'), yaml, { mode: 0o600 });
  return { dir, env, cleanup: () => fs.rm(dir, { recursive: true, force: true }) };
}
