/** A UTF-16 surrogate that is not half of a pair: UTF-8, and so PostgreSQL, cannot hold it. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Why PostgreSQL text cannot hold `text` unchanged, or `null` when it can: NUL characters are refused by
 * the server, and a lone surrogate would be sent as U+FFFD (the UTF-8 encoder's replacement), so it is
 * refused here rather than silently changed. The message completes "text …" or "JSON strings …".
 */
export function textProblem(text: string): string | null {
  if (text.includes("\u0000")) return "must not contain NUL (\\u0000) characters";
  if (LONE_SURROGATE.test(text)) return "must not contain a lone UTF-16 surrogate (half of a surrogate pair), which UTF-8 cannot encode";
  return null;
}
