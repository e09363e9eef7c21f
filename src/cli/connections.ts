/**
 * Where `signals-batch run` runs: one group of connection options per warehouse, or the user's own dbt
 * profiles (`--profiles-dir`). The groups exclude each other (commander `conflicts`), every name is
 * checked by its parser, and secrets only ever come from the environment (`WAREHOUSE_SECRET_ENV`),
 * never from an argument.
 */
import { type Command, Option } from 'commander';
import { DUCKDB_DEFAULT_MEMORY_LIMIT, type WarehouseConnection } from '../runner';
import { WAREHOUSE_SECRET_ENV } from './env';
import { CliError } from './errors';
import { duckdbMemoryLimit, existingDuckdbFile, plainName, wholeNumber } from './options';

export interface ConnectionOptions {
  duckdb?: string;
  duckdbMemoryLimit?: string;
  snowflakeAccount?: string;
  snowflakeUser?: string;
  snowflakeRole?: string;
  snowflakeWarehouse?: string;
  snowflakeDatabase?: string;
  bigqueryProject?: string;
  bigqueryLocation?: string;
  bigqueryMaximumBytesBilled?: number;
  databricksHost?: string;
  databricksHttpPath?: string;
  databricksCatalog?: string;
  profilesDir?: string;
  schema: string;
}

type Key = Exclude<keyof ConnectionOptions, 'schema'>;

/** The connection options (new ones each time), grouped by where they run; a group's first option names the warehouse. */
const groups = (): Record<string, Option[]> => ({
  duckdb: [
    new Option('--duckdb <file>', 'existing DuckDB database file holding the atomic events').argParser(existingDuckdbFile),
    new Option(
      '--duckdb-memory-limit <size>',
      `DuckDB's memory limit for the run (e.g. 4GB); past it DuckDB spills to disk (default ${DUCKDB_DEFAULT_MEMORY_LIMIT})`,
    ).argParser(duckdbMemoryLimit),
  ],
  snowflake: [
    new Option(
      '--snowflake-account <account>',
      `Snowflake account; secrets come from ${WAREHOUSE_SECRET_ENV.password} or ${WAREHOUSE_SECRET_ENV.privateKey} [+ _PASSPHRASE]`,
    ).argParser(plainName('snowflakeAccount')),
    new Option('--snowflake-user <user>', 'Snowflake user').argParser(plainName('snowflakeUser')),
    new Option('--snowflake-role <role>', 'Snowflake role').argParser(plainName('snowflakeObject')),
    new Option('--snowflake-warehouse <warehouse>', 'Snowflake virtual warehouse').argParser(plainName('snowflakeObject')),
    new Option('--snowflake-database <database>', 'Snowflake database holding the events and the generated schemas').argParser(
      plainName('snowflakeObject'),
    ),
  ],
  bigquery: [
    new Option(
      '--bigquery-project <project>',
      `GCP project the datasets are built in; a service-account key JSON comes from ${WAREHOUSE_SECRET_ENV.keyfileJson}, else Application Default Credentials`,
    ).argParser(plainName('bigqueryProject')),
    new Option('--bigquery-location <location>', 'BigQuery location of the datasets (e.g. EU, US, europe-west2)').argParser(
      plainName('bigqueryLocation'),
    ),
    new Option('--bigquery-maximum-bytes-billed <bytes>', 'refuse any query that would bill more bytes').argParser(
      wholeNumber(1, Number.MAX_SAFE_INTEGER),
    ),
  ],
  databricks: [
    new Option('--databricks-host <host>', `Databricks workspace host; the token comes from ${WAREHOUSE_SECRET_ENV.token}`).argParser(
      plainName('databricksHost'),
    ),
    new Option('--databricks-http-path <path>', 'HTTP path of the SQL warehouse or cluster').argParser(plainName('databricksHttpPath')),
    new Option('--databricks-catalog <catalog>', 'Unity Catalog catalog of the generated schemas').argParser(plainName('identifier')),
  ],
  profiles: [
    new Option(
      '--profiles-dir <dir>',
      "your own dbt profiles (the folder holding profiles.yml), used as they are; --target-name picks the target, else the profile's default",
    ),
  ],
});

/** Adds every connection option; each conflicts with the options of every other group. */
export function addConnectionOptions(command: Command): Command {
  const all = groups();
  for (const [group, options] of Object.entries(all)) {
    const others = Object.entries(all)
      .filter(([name]) => name !== group)
      .flatMap(([, list]) => list.map((o) => o.attributeName()));
    for (const option of options) command.addOption(option.conflicts(others));
  }
  return command;
}

/** `--snowflake-user` for `snowflakeUser`. */
const flag = (key: Key) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** The options `lead` needs that are missing, refused with their names. */
function requireAll(opts: ConnectionOptions, lead: Key, needed: Key[]): void {
  const missing = needed.filter((k) => !opts[k]).map(flag);
  if (missing.length > 0) throw new CliError(`${flag(lead)} also needs ${missing.join(', ')}`);
}

/** A secret from the environment (empty counts as unset). */
const secretEnv = (key: keyof typeof WAREHOUSE_SECRET_ENV) => process.env[WAREHOUSE_SECRET_ENV[key]] || undefined;

/** The runner's connection, or the user's profiles directory; secrets only ever from the environment. */
export function runTarget(opts: ConnectionOptions): { connection: WarehouseConnection } | { profilesDir: string } {
  if (opts.profilesDir) return { profilesDir: opts.profilesDir };
  if (opts.duckdb) return { connection: { type: 'duckdb', path: opts.duckdb, schema: opts.schema, memoryLimit: opts.duckdbMemoryLimit } };
  if (opts.snowflakeAccount) return { connection: snowflakeConnection(opts, opts.snowflakeAccount) };
  if (opts.bigqueryProject) {
    return {
      connection: {
        type: 'bigquery',
        project: opts.bigqueryProject,
        dataset: opts.schema,
        location: opts.bigqueryLocation,
        maximumBytesBilled: opts.bigqueryMaximumBytesBilled,
        keyfileJson: secretEnv('keyfileJson'),
      },
    };
  }
  if (opts.databricksHost) {
    requireAll(opts, 'databricksHost', ['databricksHttpPath', 'databricksCatalog']);
    const token = secretEnv('token');
    if (!token)
      throw new CliError(
        `Databricks credentials missing: set ${WAREHOUSE_SECRET_ENV.token} to a personal access or service principal token`,
      );
    return {
      connection: {
        type: 'databricks',
        host: opts.databricksHost,
        httpPath: opts.databricksHttpPath as string,
        catalog: opts.databricksCatalog as string,
        schema: opts.schema,
        token,
      },
    };
  }
  const given = Object.values(groups())
    .flat()
    .map((o) => o.attributeName() as Key)
    .find((k) => opts[k] !== undefined);
  const lead = given ? `${flag(given)} needs ${flag(leadOf(given))}. ` : '';
  throw new CliError(
    `${lead}Say where to run: --duckdb <file>, --snowflake-account (with --snowflake-user, --snowflake-warehouse, --snowflake-database), ` +
      '--bigquery-project, --databricks-host (with --databricks-http-path, --databricks-catalog), or --profiles-dir <your dbt profiles>',
  );
}

/** The first option of the group holding `key`. */
function leadOf(key: Key): Key {
  const group = Object.values(groups()).find((options) => options.some((o) => o.attributeName() === key));
  return (group?.[0].attributeName() ?? key) as Key;
}

function snowflakeConnection(opts: ConnectionOptions, account: string): WarehouseConnection {
  requireAll(opts, 'snowflakeAccount', ['snowflakeUser', 'snowflakeWarehouse', 'snowflakeDatabase']);
  const password = secretEnv('password');
  const privateKey = secretEnv('privateKey');
  if (!password && !privateKey) {
    throw new CliError(
      `Snowflake credentials missing: set ${WAREHOUSE_SECRET_ENV.password}, or ${WAREHOUSE_SECRET_ENV.privateKey} ` +
        `(and ${WAREHOUSE_SECRET_ENV.privateKeyPassphrase} if it is encrypted)`,
    );
  }
  return {
    type: 'snowflake',
    account,
    user: opts.snowflakeUser as string,
    role: opts.snowflakeRole,
    warehouse: opts.snowflakeWarehouse as string,
    database: opts.snowflakeDatabase as string,
    schema: opts.schema,
    password,
    privateKey,
    privateKeyPassphrase: secretEnv('privateKeyPassphrase'),
  };
}

/** The warehouse secrets the environment holds, for redaction of whatever a run prints. */
export function environmentSecrets(): string[] {
  return Object.values(WAREHOUSE_SECRET_ENV)
    .map((name) => process.env[name])
    .filter((v): v is string => typeof v === 'string' && v !== '');
}
