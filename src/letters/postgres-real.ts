/** REAL's (float4's) smallest normal magnitude: below it float4 keeps fewer digits, and rounds to 0 in the end. */
export const MIN_REAL = 2 ** -126;
/** REAL's (float4's) largest finite value. */
export const MAX_REAL = (2 - 2 ** -23) * 2 ** 127;

/**
 * Why a REAL (float4) column cannot take `value`, or `null` when it can. A REAL keeps about 7
 * significant digits: the value is rounded to the nearest float4, and reads back as the shortest
 * decimal of that float4 (`Math.fround` of the value read equals `Math.fround` of the value given;
 * a value of at most 6 significant digits below 2^24 in magnitude reads back exactly). Refused: `-0` (the driver sends it as
 * `0`), magnitudes that are not 0 but below {@link MIN_REAL} (PostgreSQL refuses those that round to 0
 * and keeps fewer digits of the rest) and values that round beyond {@link MAX_REAL} (to infinity).
 * The message completes "value …".
 */
export function realProblem(value: number): string | null {
  if (Object.is(value, -0)) return "must not be -0 (it would be stored as 0)";
  if (value !== 0 && Math.abs(value) < MIN_REAL) return `must be 0 or at least ${MIN_REAL} in magnitude (REAL's smallest normal value)`;
  if (!Number.isFinite(Math.fround(value))) return `must be at most ${MAX_REAL} in magnitude (REAL's largest value)`;
  return null;
}
