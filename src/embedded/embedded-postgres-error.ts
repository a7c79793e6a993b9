import { DatabaseError } from "../errors.ts";

/** The embedded PostgreSQL could not be started (`code` `EMBEDDED_POSTGRES_FAILED`); the message says why and what to do. */
export class EmbeddedPostgresError extends DatabaseError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("EMBEDDED_POSTGRES_FAILED", message, options);
  }
}
