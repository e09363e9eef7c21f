/**
 * dbt connection profiles, written from options. Secrets never land in the file: the profile
 * reads them from environment variables (`env_var(...)`) that the runner passes to dbt.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { jinjaInert } from '../dbt/dialects/dialect';

export interface DuckdbConnection {
  type: 'duckdb';
  /** The DuckDB database file. */
  path: string;
  /** Target schema: models land in `<schema>_derived`, `<schema>_scratch`, `<schema>_snowplow_manifest`. */
  schema?: string;
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
  /** Extra connection settings (e.g. host/port/protocol for a local fake). */
  extra?: Record<string, string | number | boolean>;
}

export type WarehouseConnection = DuckdbConnection | SnowflakeConnection;

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
} as const;

/** Problems with a name (`what` says which option or field), or undefined when it is fine. */
export function nameProblem(what: string, value: string, rule: keyof typeof NAME_RULES): string | undefined {
  const { pattern, says } = NAME_RULES[rule];
  return pattern.test(value) ? undefined : `${what} ${JSON.stringify(value)} is not valid: use ${says}`;
}

/** Problems with a DuckDB file path as a profile value (braces are fine: profile strings are written inert). */
export function duckdbPathProblem(file: string): string | undefined {
  if (/[\0\r\n]/.test(file)) return `the DuckDB path ${JSON.stringify(file)} contains a line break or NUL character`;
  return undefined;
}

/** Every problem with a connection's settings, before anything is written or run. */
export function connectionProblems(connection: WarehouseConnection): string[] {
  const problems: Array<string | undefined> = [];
  if (connection.type === 'duckdb') {
    problems.push(duckdbPathProblem(connection.path));
    if (connection.schema !== undefined) problems.push(nameProblem('schema', connection.schema, 'identifier'));
  } else {
    problems.push(
      nameProblem('Snowflake account', connection.account, 'snowflakeAccount'),
      nameProblem('Snowflake user', connection.user, 'snowflakeUser'),
      connection.role === undefined ? undefined : nameProblem('Snowflake role', connection.role, 'snowflakeObject'),
      nameProblem('Snowflake warehouse', connection.warehouse, 'snowflakeObject'),
      nameProblem('Snowflake database', connection.database, 'snowflakeObject'),
      nameProblem('schema', connection.schema, 'identifier'),
    );
  }
  return problems.filter((p): p is string => p !== undefined);
}

/** dbt renders profiles.yml as Jinja: settings are data, so strings are written inert. */
function yamlValue(v: ProfileValue): string {
  if (typeof v === 'object') return JSON.stringify(`{{ env_var('${v.env}') }}`);
  return typeof v === 'string' ? JSON.stringify(jinjaInert(v)) : String(v);
}

/** A setting, or a secret that dbt reads from the named environment variable. */
type ProfileValue = string | number | boolean | { env: string };

/** The profile YAML for a connection, plus the environment holding its secrets. */
export function renderProfile(
  profile: string,
  target: string,
  connection: WarehouseConnection,
  threads = 4,
): { yaml: string; env: Record<string, string> } {
  const env: Record<string, string> = {};
  const fields: Record<string, ProfileValue> = {};
  if (connection.type === 'duckdb') {
    Object.assign(fields, { type: 'duckdb', path: path.resolve(connection.path), schema: connection.schema ?? 'main', threads });
  } else {
    Object.assign(fields, {
      type: 'snowflake',
      account: connection.account,
      user: connection.user,
      warehouse: connection.warehouse,
      database: connection.database,
      schema: connection.schema,
      threads,
      ...(connection.role ? { role: connection.role } : {}),
      ...(connection.extra ?? {}),
    });
    for (const key of ['password', 'privateKey', 'privateKeyPassphrase'] as const) {
      const value = connection[key];
      if (value) {
        env[SECRET_ENV[key]] = value;
        fields[key === 'privateKey' ? 'private_key' : key === 'privateKeyPassphrase' ? 'private_key_passphrase' : 'password'] = { env: SECRET_ENV[key] };
      }
    }
  }
  const body = Object.entries(fields)
    .map(([k, v]) => `      ${k}: ${yamlValue(v)}`)
    .join('\n');
  return { yaml: `${profile}:\n  target: ${target}\n  outputs:\n    ${target}:\n${body}\n`, env };
}

/** Write profiles.yml into a private temporary directory. */
export async function writeProfiles(profile: string, target: string, connection: WarehouseConnection, threads?: number): Promise<ProfileFiles> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'signals-batch-profile-'));
  const { yaml, env } = renderProfile(profile, target, connection, threads);
  await fs.writeFile(path.join(dir, 'profiles.yml'), yaml, { mode: 0o600 });
  return { dir, env, cleanup: () => fs.rm(dir, { recursive: true, force: true }) };
}
