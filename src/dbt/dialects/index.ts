import { bigquery } from './bigquery';
import { databricks } from './databricks';
import type { Dialect } from './dialect';
import { duckdb } from './duckdb';
import { snowflake } from './snowflake';

const DIALECTS = { duckdb, snowflake, bigquery, databricks } satisfies Record<string, Dialect>;

/** A warehouse the generator writes SQL for. */
export type Target = keyof typeof DIALECTS;

/** The targets `generate` and `run` accept: every implemented, runnable dialect. */
export const TARGETS: readonly Target[] = (Object.keys(DIALECTS) as Target[]).filter((t) => DIALECTS[t].runnable);

/** The dialect of a target; throws for unknown targets. */
export function dialectFor(target: Target): Dialect {
  const d = (DIALECTS as Record<string, Dialect>)[target];
  if (!d || !d.runnable) throw new Error(`target "${target}" is not supported (supported: ${TARGETS.join(', ')})`);
  return d;
}
