/**
 * The reference batch engine's own integration test data (events, view, expected tables), kept
 * beside the repository in ../shared/conformance (or $SIGNALS_BATCH_CONFORMANCE_DIR), never copied
 * in; and how its tables are compared.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const dataDir = process.env.SIGNALS_BATCH_CONFORMANCE_DIR ?? path.resolve(__dirname, '../../../shared/conformance');

export function requireConformanceData(file: string): string {
  const full = path.join(dataDir, file);
  if (!fs.existsSync(full)) {
    throw new Error(
      `conformance data ${full} is missing. It is the reference engine's published integration test ` +
        `(snowplow-signals-python-sdk, integration_tests/): put events.csv, view.json, expected_attributes.csv and ` +
        `expected_attributes_corrected.csv in ../shared/conformance beside this repository, or point ` +
        `SIGNALS_BATCH_CONFORMANCE_DIR at a folder holding them.`,
    );
  }
  return full;
}

/** The reference test's variables: three runs of three load days each, "today" pinned. */
export const REFERENCE_VARS = {
  snowplow__start_date: '2025-01-01',
  snowplow__app_id: ['basic_test'],
  snowplow__backfill_limit_days: 3,
  snowplow__late_event_lookback_days: 1,
  snowplow__min_late_events_to_process: 1,
  snowplow__mock_current_day: '2025-01-06',
  snowplow__include_current_day_in_windows: false,
};

/** The cells (key.column) where two tables differ; list cells compare as sorted sets. */
export function differingCells(a: Array<Record<string, string>>, b: Array<Record<string, string>>, key: string): string[] {
  const byKey = new Map(b.map((r) => [r[key], r]));
  const out: string[] = [];
  for (const row of a) {
    const other = byKey.get(row[key]);
    if (!other) {
      out.push(`${row[key]}: row missing`);
      continue;
    }
    for (const col of Object.keys(row)) if (normalize(row[col]) !== normalize(other[col])) out.push(`${row[key]}.${col}`);
  }
  for (const k of byKey.keys()) if (!a.some((r) => r[key] === k)) out.push(`${k}: extra row`);
  return out.sort();
}

function normalize(cell: string | undefined): string {
  return (cell ?? '').split(', ').sort().join(', ');
}
