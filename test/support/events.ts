/** Hand-made atomic event rows for tests that need a few events of their own. */
import type { EventRow } from '../../src/sample';

let sequence = 0;

/**
 * A Snowplow page_view of `user` at `at` (created, collected and loaded then), with a new event_id
 * each call; `columns` set or override any other column (e.g. a later `load_tstamp`).
 */
export function pageViewRow(user: string, at: string, columns: EventRow = {}): EventRow {
  sequence += 1;
  return {
    app_id: 'web',
    event: 'page_view',
    event_id: `00000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`,
    event_vendor: 'com.snowplowanalytics.snowplow',
    event_name: 'page_view',
    event_format: 'jsonschema',
    event_version: '1-0-0',
    domain_userid: user,
    dvce_created_tstamp: at,
    collector_tstamp: at,
    derived_tstamp: at,
    load_tstamp: at,
    ...columns,
  };
}
