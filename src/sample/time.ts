/** Time helpers of the sample generator: epoch milliseconds to the texts a CSV export holds. */

/** One day in milliseconds. */
export const DAY = 86_400_000;

/** `YYYY-MM-DD HH:MM:SS.mmm` in UTC, as atomic timestamps are exported. */
export function formatTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

/** Midnight UTC of a `YYYY-MM-DD` date, in epoch milliseconds. */
export function parseDate(date: string): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new Error(`startDate must be YYYY-MM-DD, got "${date}"`);
  return Date.parse(`${date}T00:00:00Z`);
}

/** An ISO-8601 local time at `offsetMinutes` from UTC, e.g. `2025-01-03T15:30:00.000+05:30`. */
export function withOffset(ms: number, offsetMinutes: number): string {
  if (offsetMinutes === 0) return new Date(ms).toISOString();
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const zone = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return new Date(ms + offsetMinutes * 60_000).toISOString().replace('Z', zone);
}
