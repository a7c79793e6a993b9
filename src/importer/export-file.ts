import { randomBytes } from "node:crypto";
import { existsSync, linkSync, readdirSync, renameSync, rmSync, statSync, unlinkSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { ExportFailedError, ExportTargetExistsError } from "../errors.ts";

/** Where an export is written first, and where it ends up. */
export interface ExportFile {
  /** The file named by the caller. */
  readonly target: string;
  /** The temporary file beside it (same folder, so the final rename stays on one file system). */
  readonly temporary: string;
  /** True when `target` existed when the export began (and `force` allowed replacing it). */
  readonly replaces: boolean;
}

/** DuckDB's write-ahead log of a database file: replayed into whatever file is opened under that name. */
const walOf = (file: string): string => `${file}.wal`;

/**
 * Checks the target and names a temporary file beside it. A target (or a leftover `.wal` of one, which DuckDB
 * would replay into the new file) is refused unless `force`.
 *
 * @throws {ExportTargetExistsError} when the target or its `.wal` exists and `force` is not set.
 * @throws {ExportFailedError} when the target's folder does not exist or the target is not a file.
 */
export function planExportFile(to: string, force: boolean): ExportFile {
  const target = resolve(to);
  const folder = dirname(target);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new ExportFailedError(to, `the folder ${folder} does not exist`, undefined);
  const exists = existsSync(target);
  if (exists && !statSync(target).isFile()) throw new ExportFailedError(to, "it exists and is not a file", undefined);
  if (!force) {
    if (exists) throw new ExportTargetExistsError(to, to);
    if (existsSync(walOf(target))) throw new ExportTargetExistsError(to, walOf(to));
  }
  removeAbandonedTemporaries(folder, basename(target));
  const temporary = join(folder, `.${basename(target)}.${process.pid}-${randomBytes(4).toString("hex")}.export-tmp`);
  return { target, temporary, replaces: exists };
}

/** True when a process with this id runs (or exists under another user). */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Removes the temporary files (and their `.wal`) that earlier exports to the same target left when they were
 * killed: those whose process no longer exists. A running export's file is left alone.
 */
function removeAbandonedTemporaries(folder: string, name: string): void {
  const pattern = new RegExp(`^\\.${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\.(\\d+)-[0-9a-f]{8}\\.export-tmp(?:\\.wal)?$`);
  for (const entry of readdirSync(folder)) {
    const match = pattern.exec(entry);
    if (match !== null && !processExists(Number(match[1]))) rmSync(join(folder, entry), { force: true });
  }
}

/**
 * Moves the verified temporary file to the target. Without `force` the target is created only if it still
 * does not exist (a hard link, which fails rather than overwrite), then the temporary name is removed; with
 * `force` a stale `.wal` of the old file is removed first and the rename replaces the old file atomically.
 *
 * @throws {ExportTargetExistsError} when the target appeared meanwhile and `force` is not set.
 */
export function publishExportFile(file: ExportFile, force: boolean): void {
  if (force) {
    rmSync(walOf(file.target), { force: true });
    renameSync(file.temporary, file.target);
    return;
  }
  try {
    linkSync(file.temporary, file.target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") throw new ExportTargetExistsError(file.target, file.target);
    // A file system without hard links: fall back to a rename after checking once more.
    if (existsSync(file.target)) throw new ExportTargetExistsError(file.target, file.target);
    renameSync(file.temporary, file.target);
    return;
  }
  unlinkSync(file.temporary);
}

/** Removes the temporary file and its write-ahead log, if any. Never throws. */
export function discardExportFile(file: ExportFile): void {
  for (const path of [file.temporary, walOf(file.temporary)]) {
    try {
      rmSync(path, { force: true });
    } catch {
      // Nothing more can be done; the name is a hidden temporary one, never the target's.
    }
  }
}
