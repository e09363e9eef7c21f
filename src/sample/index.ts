/** Sample data: a seeded synthetic Snowplow events generator and a view that uses every feature. */
export { generateEvents, type SampleEventsOptions } from './events';
export { writeEventsCsv, eventsToCsv, csvField } from './csv';
export {
  SAMPLE_EVENT_COLUMNS,
  SAMPLE_APP_ID,
  SAMPLE_OTHER_APP_ID,
  DUPLICATE_MARKER_COUNTRY,
  QUOTED_CAMPAIGN,
  type EventRow,
} from './catalogue';
export { sampleView } from './view';
export { Random } from './random';
