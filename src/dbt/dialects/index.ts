import { bigquery } from './bigquery';
import { databricks } from './databricks';
import { jinjaInert, type Dialect } from './dialect';
import { duckdb } from './duckdb';
import { snowflake } from './snowflake';

const DIALECTS = { duckdb, snowflake, bigquery, databricks } satisfies Record<string, Dialect>;

/** A warehouse the generator writes SQL for. */
export type Target = keyof typeof DIALECTS;

/** The targets `generate` and `run` accept: every implemented, runnable dialect. */
export const TARGETS: readonly Target[] = (Object.keys(DIALECTS) as Target[]).filter((t) => DIALECTS[t].runnable);

/**
 * The one place user text becomes SQL: a dialect's string literals and quoted identifiers are its
 * only doors for outside text, and both come out inert to dbt's Jinja, whatever the text holds.
 * Dialect modules quote for SQL only; everything reaches them through the dialect returned here.
 */
function withInertText(d: Dialect): Dialect {
  return {
    ...d,
    stringLiteral: (value: string) => jinjaInert(d.stringLiteral(value)),
    ident: (name: string) => jinjaInert(d.ident(name)),
  };
}

const INERT = Object.fromEntries(TARGETS.map((target) => [target, withInertText(DIALECTS[target])])) as Partial<Record<Target, Dialect>>;

/** The dialect of a target; throws for targets not implemented or not runnable. */
export function dialectFor(target: Target): Dialect {
  const d = INERT[target];
  if (!d) throw new Error(`target "${target}" is not supported (supported: ${TARGETS.join(', ')})`);
  return d;
}
