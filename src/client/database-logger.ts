/** How serious a {@link LogEntry} is. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/**
 * One structured log entry of the package. `fields` name the server as `user@host:port/database` and carry
 * reasons already cleaned of the password: no entry ever holds a password or a connection string.
 */
export interface LogEntry {
  readonly level: LogLevel;
  /** What happened, as a sentence without the variable parts (those are in `fields`). */
  readonly message: string;
  readonly fields: Readonly<Record<string, string | number | boolean>>;
}

/**
 * Receives the package's log entries. Adapt a service's logger in one line, e.g. for pino:
 * `(entry) => log[entry.level](entry.fields, entry.message)`.
 */
export type DatabaseLogger = (entry: LogEntry) => void;

/** The default logger: one line on stderr for warnings and errors; debug and info entries are dropped. */
export const stderrLogger: DatabaseLogger = (entry) => {
  if (entry.level !== "warn" && entry.level !== "error") return;
  const fields = Object.entries(entry.fields).map(([name, value]) => `${name}=${String(value)}`);
  console.warn(`@se-letters/db ${entry.level}: ${entry.message}${fields.length > 0 ? ` (${fields.join(", ")})` : ""}`);
};
