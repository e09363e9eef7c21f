/**
 * Properties become projected source columns: atomic columns, fields of the loaders'
 * self-describing JSON columns, date parts of either, and values calculated from them per event.
 */
import { ATOMIC_COLUMNS, warehouseColumnName, type DatePart, type LeafProperty, type Property } from '../definition';
import type { LeafSource, SourceColumn, ValueKind } from './types';

/** `nl.basjes` + `yauaaContext` -> `nl_basjes_yauaa_context` (the loaders' column naming). */
export function schemaColumnStem(vendor: string, name: string, majorVersion: number): string {
  const clean = (s: string) =>
    s
      .replace(/([^A-Z_])([A-Z])/g, '$1_$2')
      .replace(/[^A-Za-z0-9]/g, '_')
      .toLowerCase();
  return `${clean(vendor)}_${clean(name)}_${majorVersion}`;
}

/** `$.a.b[0].c` -> ['a', 'b', 0, 'c']. */
export function parsePath(path: string): Array<string | number> {
  const out: Array<string | number> = [];
  const body = path.replace(/^\$\.?/, '');
  for (const part of body.split('.')) {
    const m = /^([^[\]]+)((?:\[\d+\])*)$/.exec(part);
    if (!m) throw new Error(`cannot read path segment "${part}" of "${path}"`);
    out.push(m[1]);
    for (const idx of m[2].matchAll(/\[(\d+)\]/g)) out.push(Number(idx[1]));
  }
  return out;
}

/** What a date part yields: hours, weekdays and months are numbers; the `active_*` parts are dates. */
function datePartKind(part: DatePart): ValueKind {
  return part.startsWith('active_') ? 'date' : 'number';
}

export function leafSource(p: LeafProperty): LeafSource {
  const datePart = p.datePart ?? null;
  if (p.type === 'atomic') {
    const kind = ATOMIC_COLUMNS.get(p.name) ?? 'string';
    return { origin: 'atomic', column: warehouseColumnName(p.name), kind: datePart ? datePartKind(datePart) : kind, datePart };
  }
  const stem = schemaColumnStem(p.vendor, p.name, p.majorVersion);
  return {
    origin: p.type,
    column: p.type === 'event' ? `unstruct_event_${stem}` : `contexts_${stem}`,
    index: p.type === 'entity' ? p.index : null,
    path: parsePath(p.path),
    kind: datePart ? datePartKind(datePart) : 'text',
    datePart,
  };
}

/** The kind of a calculated value: text for concat, numbers for arithmetic, its inputs' for coalesce. */
function calculatedKind(operation: string, leaves: LeafSource[]): ValueKind {
  if (operation === 'concat') return 'string';
  if (operation === 'coalesce') return leaves[0].kind;
  return 'number';
}

export function toSourceColumn(p: Property, alias: string): SourceColumn {
  if (p.type !== 'calculated') return { alias, ...leafSource(p) };
  const leaves = p.properties.map(leafSource);
  return {
    alias,
    origin: 'calculated',
    operation: p.operation,
    leaves,
    separator: p.separator ?? '',
    kind: calculatedKind(p.operation, leaves),
  };
}

/** A readable name for a property's column: its leaf field name, or the calculation. */
export function propertyLabel(p: Property): string {
  if (p.type === 'calculated') return p.operation;
  const leaf =
    p.type === 'atomic'
      ? warehouseColumnName(p.name)
      : String(
          parsePath(p.path)
            .filter((x) => typeof x === 'string')
            .pop() ?? 'value',
        );
  const label = leaf
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9_]/g, '_')
    .toLowerCase();
  return p.datePart ? `${label}_${p.datePart}` : label;
}
