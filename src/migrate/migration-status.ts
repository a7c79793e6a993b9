import { migrationChecksum, type MigrationFile } from "./migration-files.ts";
import type { MigrationRecord } from "./migration-history.ts";

/** Where a database stands against a migrations folder. */
export interface MigrationStatus {
  /** Names of migrations applied and still present in the folder, in folder order. */
  readonly applied: readonly string[];
  /** Migrations in the folder not applied yet (never run, or marked rolled back), in the order they would run. */
  readonly pending: readonly MigrationFile[];
  /** Records of migrations that failed and were not resolved: they block every later run. */
  readonly failed: readonly MigrationRecord[];
  /** Applied migrations whose file no longer has the checksum recorded when it was applied. */
  readonly edited: readonly { readonly name: string; readonly recorded: string; readonly current: string }[];
  /** Names recorded as applied that the folder does not have (applied by a newer version, for example). */
  readonly unknown: readonly string[];
}

/** Compares the migrations folder with the rows of `_prisma_migrations`. */
export function compareMigrations(files: readonly MigrationFile[], history: readonly MigrationRecord[]): MigrationStatus {
  const live = history.filter((record) => record.rolledBackAt === null);
  const finished = new Map(live.filter((record) => record.finishedAt !== null).map((record) => [record.migrationName, record]));
  const failed = live.filter((record) => record.finishedAt === null);
  const failedNames = new Set(failed.map((record) => record.migrationName));
  const fileNames = new Set(files.map((file) => file.name));

  return {
    applied: files.filter((file) => finished.has(file.name)).map((file) => file.name),
    pending: files.filter((file) => !finished.has(file.name) && !failedNames.has(file.name)),
    failed,
    edited: files.flatMap((file) => {
      const record = finished.get(file.name);
      return record && !scriptMatchesChecksum(file.sql, record.checksum)
        ? [{ name: file.name, recorded: record.checksum, current: file.checksum }]
        : [];
    }),
    unknown: [...finished.keys()].filter((name) => !fileNames.has(name)),
  };
}

/**
 * Whether a migration script matches the checksum recorded when it was applied, as Prisma's schema engine
 * decides: the script as it is, with CRLF line endings turned into LF, or with LF turned into CRLF (git may
 * change a file's line endings on checkout, which is no edit).
 */
export function scriptMatchesChecksum(script: string, recorded: string): boolean {
  return [script, script.replaceAll("\r\n", "\n"), script.replaceAll("\n", "\r\n")].some((candidate) =>
    checksumMatches(recorded, migrationChecksum(candidate)),
  );
}

/**
 * Whether a recorded checksum matches a file's, as Prisma's schema engine decides: old Prisma versions
 * wrote each byte without zero padding (prisma/prisma-engines#1887), so a recorded checksum that is not
 * 64 characters long is compared with the file's checksum in that old format.
 */
export function checksumMatches(recorded: string, current: string): boolean {
  if (recorded.length === current.length || recorded.length === 0) return recorded === current;
  const unpadded = (current.match(/../g) ?? []).map((pair) => Number.parseInt(pair, 16).toString(16)).join("");
  return recorded === unpadded;
}
