/**
 * DuckDB, the embedded default: a local file holding the atomic events. dbt creates the file and the
 * schemas it writes to during the run, so nothing is provisioned here.
 */
import * as pulumi from '@pulumi/pulumi';
import * as path from 'node:path';
import { z } from 'zod';
import { DUCKDB_MEMORY_LIMIT_FORM, duckdbMemoryLimitProblem } from '../../runner';
import { portablePath } from '../paths';
import { identifier, nonEmpty } from '../validation';
import type { WarehouseUnit } from './unit';

/** The embedded default warehouse: a DuckDB file holding the atomic events (`atomic.events`). */
export interface DuckdbWarehouseArgs {
  /**
   * The DuckDB database file, relative to the program's working directory unless absolute (a path
   * inside that directory is recorded relative to it). dbt creates it and the schemas it writes to when
   * missing. Its file stem is the `database` name of the batch source (what dbt-duckdb calls the
   * database), so it must match `^[A-Za-z0-9_-]+$`.
   */
  path: string;
  /**
   * dbt target schema (default `main`): the tables land in `<schema>_derived`, `<schema>_scratch`
   * and `<schema>_snowplow_manifest`.
   */
  schema?: string;
  /**
   * DuckDB's memory limit for the runs, e.g. `4GB` (default `2GB`): past it DuckDB spills to a
   * temporary directory beside the file instead of growing. DuckDB's own default is 80% of the
   * machine's memory.
   */
  memoryLimit?: string;
}

const argsSchema = z
  .object({
    path: nonEmpty('warehouse.duckdb.path').refine((p) => /^[A-Za-z0-9_-]+$/.test(path.basename(p, path.extname(p))), {
      error: 'the DuckDB file name (without extension) is the batch source database and must match ^[A-Za-z0-9_-]+$',
    }),
    schema: identifier('warehouse.duckdb.schema').optional(),
    memoryLimit: z
      .string()
      .refine((limit) => duckdbMemoryLimitProblem(limit) === undefined, {
        error: `warehouse.duckdb.memoryLimit must be ${DUCKDB_MEMORY_LIMIT_FORM}`,
      })
      .optional(),
  })
  .strict();

export const duckdbWarehouse: WarehouseUnit<DuckdbWarehouseArgs> = {
  target: 'duckdb',
  argsSchema,
  setup(args, { project }) {
    const file = portablePath(args.path);
    const schema = args.schema ?? 'main';
    return {
      attributeTable: pulumi.output({
        database: path.basename(file, path.extname(file)),
        schema: `${schema}_${project.tables.derivedSchemaSuffix}`,
        table: project.tables.attributes,
      }),
      connectionArgs: ['--duckdb', file, '--schema', schema, ...(args.memoryLimit ? ['--duckdb-memory-limit', args.memoryLimit] : [])],
      identity: `duckdb:${file}/${schema}`,
      defaultTargetName: 'dev',
      timestampField: (column) => column,
      runDependsOn: [],
      afterRun: () => undefined,
      schemas: [],
      grants: [],
    };
  },
};
