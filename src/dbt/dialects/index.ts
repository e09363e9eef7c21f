import { jinjaInert, type Dialect, type Target } from './dialect';
import { duckdb } from './duckdb';
import { snowflake } from './snowflake';

const DIALECTS: Partial<Record<Target, Dialect>> = { duckdb, snowflake };

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

const INERT: Partial<Record<Target, Dialect>> = Object.fromEntries(
  Object.entries(DIALECTS).map(([target, d]) => [target, withInertText(d)]),
);

/** The dialect of a target; throws for targets not implemented yet. */
export function dialectFor(target: Target): Dialect {
  const d = INERT[target];
  if (!d) throw new Error(`target "${target}" is not supported yet (supported: ${Object.keys(DIALECTS).join(', ')})`);
  return d;
}
