/**
 * The generated sample events as the equivalence tests use them: split into load-time batches,
 * and the subset the sample view can count (first copies, in scope).
 */
import { SAMPLE_APP_ID, type EventRow } from '../../src/sample';

/** `2025-01-02 03:04:05.678` (UTC) -> epoch milliseconds. */
export function toMillis(timestamp: string): number {
  return Date.parse(`${timestamp.replace(' ', 'T')}Z`);
}

/** Rows split into batches by load time: equal load-time ranges from the first load to the last. */
export function splitByLoadTime(all: EventRow[], count: number): EventRow[][] {
  const times = all.map((r) => toMillis(String(r.load_tstamp)));
  const first = Math.min(...times);
  const last = Math.max(...times);
  const width = (last - first) / count;
  const batches: EventRow[][] = Array.from({ length: count }, () => []);
  all.forEach((r, i) => batches[Math.min(count - 1, Math.floor((times[i] - first) / width))].push(r));
  return batches;
}

/** The first loaded copy of each event_id (lowest load_tstamp, then dvce_created_tstamp). */
export function firstCopies(all: EventRow[]): EventRow[] {
  const best = new Map<string, EventRow>();
  for (const r of all) {
    const id = String(r.event_id);
    const known = best.get(id);
    const order = (x: EventRow) => `${String(x.load_tstamp)}|${String(x.dvce_created_tstamp)}`;
    if (!known || order(r) < order(known)) best.set(id, r);
  }
  return [...best.values()];
}

/** Events only the sample view's every-event attributes (`events: []`) count. */
export const ONLY_EVERY_EVENT = new Set(['link_click', 'application_error']);

/**
 * Events in scope: the view's app, loaded on or after the start date, with a key, not before the
 * start date (the sample view counts every event in some attribute).
 */
export function inScope(all: EventRow[], startDate: string): EventRow[] {
  return firstCopies(all.filter((r) => r.app_id === SAMPLE_APP_ID && String(r.load_tstamp) >= startDate)).filter(
    (r) => r.domain_userid !== null && r.domain_userid !== '' && String(r.derived_tstamp) >= startDate,
  );
}
