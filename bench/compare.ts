/**
 * Cell-by-cell comparison of two attribute tables in DuckDB: the same keys, and in every column
 * the same value (NULL equals NULL; lists compared as lists; doubles equal within 1e-9 relative,
 * because the engine sums exact decimals while a hand-written query sums doubles).
 */
import type { DuckDBConnection } from '@duckdb/node-api';

export interface ColumnMismatch {
  column: string;
  rows: number;
  /** A few differing rows: key, left value, right value (as text). */
  examples: Array<{ key: string; left: string | null; right: string | null }>;
}

export interface Comparison {
  equal: boolean;
  leftRows: number;
  rightRows: number;
  onlyLeft: number;
  onlyRight: number;
  /** Cells compared: matched rows x attribute columns. */
  cellsCompared: number;
  mismatches: ColumnMismatch[];
}

export interface CompareOptions {
  left: string;
  right: string;
  key: string;
  columns: string[];
  doubleColumns?: Set<string>;
  tolerance?: number;
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

export async function compareTables(conn: DuckDBConnection, o: CompareOptions): Promise<Comparison> {
  const k = ident(o.key);
  const tol = o.tolerance ?? 1e-9;
  const scalar = async (sql: string) => Number((await conn.runAndReadAll(sql)).getRows()[0][0]);
  const leftRows = await scalar(`select count(*) from ${o.left}`);
  const rightRows = await scalar(`select count(*) from ${o.right}`);
  const onlyLeft = await scalar(`select count(*) from ${o.left} l anti join ${o.right} r on l.${k} = r.${k}`);
  const onlyRight = await scalar(`select count(*) from ${o.right} r anti join ${o.left} l on l.${k} = r.${k}`);
  const dupKeys = await scalar(`select count(*) - count(distinct ${k}) from ${o.left}`);
  const differs = (c: string) => {
    const l = `l.${ident(c)}`;
    const r = `r.${ident(c)}`;
    return o.doubleColumns?.has(c)
      ? `not (${l} is not distinct from ${r} or abs(${l} - ${r}) <= ${tol} * greatest(abs(${l}), abs(${r})))`
      : `${l} is distinct from ${r}`;
  };
  const counts = (
    await conn.runAndReadAll(
      `select count(*) as matched, ${o.columns.map((c, i) => `count(*) filter (where ${differs(c)}) as c${i}`).join(', ')}
       from ${o.left} l inner join ${o.right} r on l.${k} = r.${k}`,
    )
  ).getRows()[0];
  const matched = Number(counts[0]);
  const mismatches: ColumnMismatch[] = [];
  for (const [i, c] of o.columns.entries()) {
    const rows = Number(counts[i + 1]);
    if (rows === 0) continue;
    const examples = (
      await conn.runAndReadAll(
        `select cast(l.${k} as varchar), cast(l.${ident(c)} as varchar), cast(r.${ident(c)} as varchar)
         from ${o.left} l inner join ${o.right} r on l.${k} = r.${k} where ${differs(c)} order by 1 limit 5`,
      )
    )
      .getRows()
      .map(([key, left, right]) => ({
        key: String(key),
        left: left === null ? null : String(left),
        right: right === null ? null : String(right),
      }));
    mismatches.push({ column: c, rows, examples });
  }
  if (dupKeys > 0) mismatches.push({ column: `${o.key} (duplicate keys in ${o.left})`, rows: dupKeys, examples: [] });
  return {
    equal: onlyLeft === 0 && onlyRight === 0 && mismatches.length === 0 && leftRows === rightRows,
    leftRows,
    rightRows,
    onlyLeft,
    onlyRight,
    cellsCompared: matched * o.columns.length,
    mismatches,
  };
}

/** A readable account of a comparison, for errors and the report. */
export function describeComparison(c: Comparison, leftName: string, rightName: string): string {
  if (c.equal) return `${leftName} equals ${rightName}: ${c.leftRows} rows, ${c.cellsCompared} cells`;
  const lines = [
    `${leftName} differs from ${rightName}: ${c.leftRows} vs ${c.rightRows} rows, ${c.onlyLeft} keys only in ${leftName}, ${c.onlyRight} only in ${rightName}`,
  ];
  for (const m of c.mismatches) {
    lines.push(
      `  ${m.column}: ${m.rows} rows differ${m.examples.length ? `, e.g. ${m.examples.map((e) => `${e.key}: ${e.left} vs ${e.right}`).join('; ')}` : ''}`,
    );
  }
  return lines.join('\n');
}
