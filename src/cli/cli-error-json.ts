/**
 * The JSON a command given `--json` prints on stdout when it fails: `{"error":{"code","message"}}`, where
 * `code` is a package error's code, `USAGE` for a command-line mistake, or `UNEXPECTED`.
 */
export function cliErrorJson(code: string, message: string): string {
  return JSON.stringify({ error: { code, message: message.replace(/^Error: /, "") } });
}

