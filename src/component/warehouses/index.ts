/**
 * The warehouses a `BatchAttributeView` computes in: one unit per warehouse, registered here by name
 * (the key of `warehouse` in the arguments). Adding one is a new file and a line below.
 */
import { bigqueryWarehouse } from './bigquery';
import { databricksWarehouse } from './databricks';
import { duckdbWarehouse } from './duckdb';
import { snowflakeWarehouse } from './snowflake';
import type { WarehouseUnit } from './unit';

export const WAREHOUSES = {
  duckdb: duckdbWarehouse,
  snowflake: snowflakeWarehouse,
  bigquery: bigqueryWarehouse,
  databricks: databricksWarehouse,
} as const;

export type WarehouseName = keyof typeof WAREHOUSES;

/** Where the attribute table is computed: exactly one of the registered warehouses, by name. */
export type WarehouseArgs = {
  [K in WarehouseName]?: (typeof WAREHOUSES)[K] extends WarehouseUnit<infer A> ? A : never;
};

export type { AttributeTableRef, WarehouseContext, WarehouseSetup, WarehouseUnit } from './unit';
