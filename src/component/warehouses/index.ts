/**
 * The warehouses a `BatchAttributeView` computes in: one unit per warehouse, registered here by name
 * (the key of `warehouse` in the arguments). Adding one is a new file and a line below.
 */
import { duckdbWarehouse } from './duckdb';
import { snowflakeWarehouse } from './snowflake';
import type { WarehouseUnit } from './unit';

export const WAREHOUSES = {
  duckdb: duckdbWarehouse,
  snowflake: snowflakeWarehouse,
} as const;

export type WarehouseName = keyof typeof WAREHOUSES;

/** Where the attribute table is computed: exactly one of the registered warehouses, by name. */
export type WarehouseArgs = {
  [K in WarehouseName]?: (typeof WAREHOUSES)[K] extends WarehouseUnit<infer A> ? A : never;
};

export type { AttributeTableRef, WarehouseContext, WarehouseSetup, WarehouseUnit } from './unit';
