import type { Dialect, Target } from './dialect';
import { duckdb } from './duckdb';
import { snowflake } from './snowflake';

const DIALECTS: Partial<Record<Target, Dialect>> = { duckdb, snowflake };

/** The dialect of a target; throws for targets not implemented yet. */
export function dialectFor(target: Target): Dialect {
  const d = DIALECTS[target];
  if (!d) throw new Error(`target "${target}" is not supported yet (supported: ${Object.keys(DIALECTS).join(', ')})`);
  return d;
}
