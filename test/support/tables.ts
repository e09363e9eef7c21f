/** Comparing tables in tests, cell by cell. */

export type Row = Record<string, unknown>;

/**
 * The differences between two tables keyed by `key`: missing and extra rows, and every cell that
 * differs (`except` columns ignored). Empty when the tables are equal. A dict cell read as a JSON
 * object is a map: its keys compare in any order (a Snowflake OBJECT has none, and fakesnow keeps
 * the order object_agg met them in).
 */
export function tableDifferences(expected: Row[], actual: Row[], key: string, except: string[] = []): string[] {
  const out: string[] = [];
  const columns = (rows: Row[]) => (rows.length > 0 ? Object.keys(rows[0]).filter((c) => !except.includes(c)) : []);
  const a = columns(expected);
  const b = columns(actual);
  if (JSON.stringify(a) !== JSON.stringify(b)) out.push(`columns differ: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
  const byKey = new Map(actual.map((r) => [String(r[key]), r]));
  for (const row of expected) {
    const k = String(row[key]);
    const other = byKey.get(k);
    if (!other) {
      out.push(`${k}: row missing`);
      continue;
    }
    byKey.delete(k);
    for (const c of a) {
      if (cellText(row[c]) !== cellText(other[c])) out.push(`${k}.${c}: ${JSON.stringify(row[c])} vs ${JSON.stringify(other[c])}`);
    }
  }
  for (const k of byKey.keys()) out.push(`${k}: extra row`);
  return out;
}

/** A cell as JSON, with the keys of its objects sorted. */
function cellText(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
