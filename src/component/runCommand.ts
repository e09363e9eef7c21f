/**
 * The dbt run of a view: the `signals-batch run` command line, built from plain values (a pure
 * function: the component resolves its inputs first), and its form for `/bin/sh -c`.
 */

export interface RunCommandOptions {
  /** The `signals-batch` script (relative to the working directory the command runs in). */
  script: string;
  /** The generated project's directory. */
  projectDir: string;
  /** The warehouse's connection options (never a secret: those travel in the environment). */
  connectionArgs: string[];
  targetName: string;
  /** dbt threads, when not the runner's default for the warehouse. */
  threads?: number;
  maxRounds: number;
  /** dbt profile name, when not the default. */
  profile?: string;
  /** `--full-refresh` (state is dropped only where the project allows it). */
  fullRefresh?: boolean;
  /** Rebuild the tables from history: `--full-refresh --allow-refresh`. */
  rebuildFromHistory?: boolean;
}

/** argv of `node <script> run --json ...`: progress on stderr, one JSON result line on stdout. */
export function runArgv(options: RunCommandOptions): string[] {
  const refresh = options.fullRefresh === true || options.rebuildFromHistory === true;
  return [
    'node',
    options.script,
    'run',
    '--json',
    '--project',
    options.projectDir,
    ...options.connectionArgs,
    '--target-name',
    options.targetName,
    ...(options.threads !== undefined ? ['--threads', String(options.threads)] : []),
    '--max-rounds',
    String(options.maxRounds),
    ...(options.profile ? ['--profile', options.profile] : []),
    ...(refresh ? ['--full-refresh'] : []),
    ...(options.rebuildFromHistory ? ['--allow-refresh'] : []),
  ];
}

/** argv as one `/bin/sh -c` command line (each argument quoted when it needs to be). */
export function shellCommand(argv: readonly string[]): string {
  return argv.map((arg) => (/^[A-Za-z0-9_\-./=:@%+,]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`)).join(' ');
}
