/** A timestamp from the server as ISO 8601 text, or `null`. */
export function isoTime(value: Date | null): string | null {
  return value === null ? null : value.toISOString();
}
