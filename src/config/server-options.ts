import type { ConfigurationIssue } from "../errors.ts";

/**
 * The setting every session of this package runs with. Timestamps are stored without time zone and mean
 * UTC, and @prisma/adapter-pg mislabels offsets in a session whose TimeZone is not UTC
 * (prisma/prisma#26786, #28629).
 */
export const FORCED_SERVER_OPTIONS = "-c TimeZone=UTC";

/**
 * Checks a libpq `options` string (command-line options sent to the server at connection start, such as
 * `-c search_path=app -c lock_timeout=5s`), recording problems in `issues` under `variable`. A TimeZone
 * other than UTC is refused rather than silently overridden: this package's sessions run in UTC.
 */
export function checkServerOptions(options: string, variable: string, issues: ConfigurationIssue[]): string | undefined {
  const words = splitServerOptions(options);
  if (words === undefined) {
    issues.push({ variable, message: "has an options value ending in a lone backslash" });
    return undefined;
  }
  for (const [name, value] of settingsIn(words)) {
    if (name === "timezone" && value.toLowerCase() !== "utc") {
      issues.push({
        variable,
        message: `sets TimeZone=${JSON.stringify(value)} in options; sessions of this package always run in UTC (remove it)`,
      });
      return undefined;
    }
  }
  return options;
}

/** The `options` sent to the server: the caller's, then this package's, which come last and so win. */
export function serverOptionsWithForcedSettings(options: string | undefined): string {
  return options === undefined || options.trim() === "" ? FORCED_SERVER_OPTIONS : `${options} ${FORCED_SERVER_OPTIONS}`;
}

/** Splits at unescaped white space, as the server does (`pg_split_opts`); `undefined` for a trailing backslash. */
function splitServerOptions(options: string): string[] | undefined {
  const words: string[] = [];
  let word = "";
  let escaped = false;
  for (const character of options) {
    if (escaped) {
      word += character;
      escaped = false;
    } else if (character === "\\") {
      escaped = true;
    } else if (/\s/.test(character)) {
      if (word !== "") words.push(word);
      word = "";
    } else {
      word += character;
    }
  }
  if (escaped) return undefined;
  if (word !== "") words.push(word);
  return words;
}

/** The `name=value` settings among the words, from `-c name=value`, `-cname=value` and `--name=value`; names lower-cased. */
function* settingsIn(words: readonly string[]): Generator<[string, string]> {
  for (let index = 0; index < words.length; index++) {
    const word = words[index] as string;
    const setting = word === "-c" ? words[++index] : word.startsWith("--") ? word.slice(2) : word.startsWith("-c") ? word.slice(2) : undefined;
    const equals = setting?.indexOf("=") ?? -1;
    if (setting !== undefined && equals > 0) yield [setting.slice(0, equals).toLowerCase().replaceAll("-", "_"), setting.slice(equals + 1)];
  }
}
