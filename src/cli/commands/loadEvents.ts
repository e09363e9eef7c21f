/** `signals-batch load-events`: append Snowplow atomic events (CSV exports) to a DuckDB table, all or nothing. */
import { type Command, Option } from 'commander';
import { loadEventsCsv } from '../../warehouse/duckdbEvents';
import { cliStep } from '../errors';
import { isVerbose, plainName, progress } from '../options';

interface LoadEventsOptions {
  duckdb: string;
  schema: string;
  table: string;
}

export function registerLoadEvents(program: Command): void {
  program
    .command('load-events')
    .description('Append Snowplow atomic events (CSV exports with a header row) to a DuckDB events table, in one transaction')
    .addOption(new Option('--duckdb <file>', 'DuckDB database file (created if missing)').makeOptionMandatory())
    .argument('<csv...>', 'CSV files with a header row of atomic column names (any case)')
    .addOption(new Option('--schema <schema>', 'schema of the events table').default('atomic').argParser(plainName('identifier')))
    .addOption(new Option('--table <table>', 'events table').default('events').argParser(plainName('identifier')))
    .action(async (files: string[], opts: LoadEventsOptions, cmd: Command) => {
      const result = await cliStep(
        () =>
          loadEventsCsv(files, {
            database: opts.duckdb,
            schema: opts.schema,
            table: opts.table,
            progress: isVerbose(cmd) ? progress : undefined,
          }),
        'load-events failed, nothing was loaded',
        true,
      );
      process.stdout.write(`${result.rowsLoaded} events loaded into ${result.table} of ${opts.duckdb}\n`);
    });
}
