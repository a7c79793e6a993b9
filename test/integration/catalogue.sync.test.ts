import { spawn } from "node:child_process";
import { describe, expect } from "vitest";
import { CatalogueLockedError, CatalogueNotSyncedError, CatalogueSyncRefusedError, openDuckDbCatalogue, openPostgresCatalogue, syncCatalogue } from "../../src/catalogue/index.ts";
import { createRoles } from "../../src/roles/create-roles.ts";
import { useBundledEntry } from "../support/bundle-entry.ts";
import { catalogueRow, createCatalogueFile, insertProducts } from "../support/catalogue-files.ts";
import { databaseTest } from "../support/database-fixtures.ts";
import { useScratchFolder } from "../support/duckdb-files.ts";
import { useTestDatabase } from "../support/test-database.ts";

const database = useTestDatabase();
const scratch = useScratchFolder();
const it = databaseTest(database);
const bundleHolder = useBundledEntry("test/support/hold-duckdb-child.ts");
const target = { databaseUrl: database.url, env: {} };

/** `count` products of one catalogue version: every description names the version. */
const version = (name: string, count: number): string[] =>
  Array.from({ length: count }, (_, index) => catalogueRow(`REF${String(index).padStart(6, "0")}`, `${name} product ${index}`, "Range", null, index));

describe("syncCatalogue", () => {
  it("refuses NULL or duplicated identifiers unless told what to do, writing nothing; first, last and skip do what they say", async () => {
    const file = await createCatalogueFile(scratch.path("dirty.duckdb"), [
      insertProducts([
        catalogueRow("LC1D09M7", "first LC1D09M7", "TeSys D", null, 1),
        catalogueRow(null, "no identifier", "TeSys D", null, 2),
        catalogueRow("LC1D09M7", "second LC1D09M7", "TeSys D", null, 3),
        catalogueRow("A9F74206", "only A9F74206", "Acti9 iC60", null, 4),
        catalogueRow("LC1D09M7", "third LC1D09M7", "TeSys D", null, 5),
      ]),
    ]);
    const refused = await syncCatalogue({ from: file, ...target }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(CatalogueSyncRefusedError);
    expect(refused).toMatchObject({ code: "CATALOGUE_SYNC_REFUSED", nullIdentifiers: 1, duplicateRows: 2, duplicateExamples: ["LC1D09M7"] });
    expect((refused as Error).message).toMatch(/--on-null skip.*--on-duplicate first\|last/);
    expect(await database.sql("SELECT to_regclass('ibcatalogue_products') AS t")).toEqual([{ t: null }]);
    await expect(syncCatalogue({ from: file, ...target, onNull: "skip" })).rejects.toMatchObject({ nullIdentifiers: 0, duplicateRows: 2 });
    await expect(syncCatalogue({ from: file, ...target, onDuplicate: "first" })).rejects.toMatchObject({ nullIdentifiers: 1, duplicateRows: 0 });

    const first = await syncCatalogue({ from: file, ...target, onNull: "skip", onDuplicate: "first" });
    expect(first).toMatchObject({ rows: 2, skippedNullIdentifiers: 1, droppedDuplicateRows: 2, replacedPrevious: false });
    const descriptions = () => database.sql(`SELECT "PRODUCT_IDENTIFIER" AS id, "PRODUCT_DESCRIPTION" AS d FROM ibcatalogue_products ORDER BY 1`);
    expect(await descriptions()).toEqual([{ id: "A9F74206", d: "only A9F74206" }, { id: "LC1D09M7", d: "first LC1D09M7" }]);
    const last = await syncCatalogue({ from: file, ...target, onNull: "skip", onDuplicate: "last" });
    expect(last).toMatchObject({ rows: 2, replacedPrevious: true });
    expect(await descriptions()).toEqual([{ id: "A9F74206", d: "only A9F74206" }, { id: "LC1D09M7", d: "third LC1D09M7" }]);
    // The file source gives the first row of a repeated identifier, as a sync with onDuplicate "first".
    const catalogue = await openDuckDbCatalogue({ file });
    try {
      expect((await catalogue.findByIdentifiers(["LC1D09M7"])).items[0]!.product?.PRODUCT_DESCRIPTION).toBe("first LC1D09M7");
    } finally {
      await catalogue.close();
    }
  });

  it("replaces the copy atomically while readers query: each answer comes from one complete catalogue", async ({ db }) => {
    const oldFile = await createCatalogueFile(scratch.path("old.duckdb"), [insertProducts(version("old", 1000))]);
    const newFile = await createCatalogueFile(scratch.path("new.duckdb"), [insertProducts(version("new", 1500))]);
    await syncCatalogue({ from: oldFile, ...target });
    const catalogue = await openPostgresCatalogue({ pool: db.pool });
    const seen = new Set<string>();
    let syncing = true;
    const reader = async () => {
      while (syncing) {
        const rows = await catalogue.findByRange({ rangeLabel: "Range", limit: 10_000 });
        const versions = new Set(rows.map((row) => String(row.PRODUCT_DESCRIPTION).split(" ")[0]));
        expect(versions.size).toBe(1);
        const [name] = versions;
        expect(rows.length).toBe(name === "old" ? 1000 : 1500);
        seen.add(name!);
      }
    };
    const readers = Array.from({ length: 3 }, reader);
    try {
      await new Promise((resolveDelay) => setTimeout(resolveDelay, 200));
      await syncCatalogue({ from: newFile, ...target });
      const after = await catalogue.findByIdentifiers(["REF001499"]);
      expect(after.items[0]!.product?.PRODUCT_DESCRIPTION).toBe("new product 1499");
      await new Promise((resolveDelay) => setTimeout(resolveDelay, 100));
    } finally {
      syncing = false;
      await Promise.all(readers);
    }
    expect(seen).toEqual(new Set(["old", "new"]));
    expect(await database.sql("SELECT count(*)::int AS n FROM pg_class WHERE relname LIKE 'ibcatalogue_products_sync_%'")).toEqual([{ n: 0 }]);
  });

  it("the PostgreSQL catalogue needs a sync first, and follows a sync that changes the catalogue's columns", async ({ db }) => {
    await database.sql("DROP TABLE IF EXISTS ibcatalogue_products");
    await expect(openPostgresCatalogue({ pool: db.pool })).rejects.toBeInstanceOf(CatalogueNotSyncedError);
    await database.sql("CREATE TABLE ibcatalogue_products (id text)");
    await expect(openPostgresCatalogue({ pool: db.pool })).rejects.toMatchObject({ code: "CATALOGUE_NOT_SYNCED", message: expect.stringMatching(/not written by a catalogue sync/) });
    await database.sql("DROP TABLE ibcatalogue_products");

    const before = await createCatalogueFile(scratch.path("columns-before.duckdb"), ["INSERT INTO products VALUES ('LC1D09M7', 'TeSys D', 'contactor')"], "CREATE TABLE products (PRODUCT_IDENTIFIER VARCHAR, RANGE_LABEL VARCHAR, PRODUCT_DESCRIPTION VARCHAR)");
    const after = await createCatalogueFile(scratch.path("columns-after.duckdb"), ["INSERT INTO products VALUES ('LC1D09M7', 'TeSys D', 'contactor, 9 A', 12.5)"], "CREATE TABLE products (REF VARCHAR, RANGE_LABEL VARCHAR, PRODUCT_DESCRIPTION VARCHAR, PRICE DOUBLE)");
    await syncCatalogue({ from: before, ...target });
    const catalogue = await openPostgresCatalogue({ pool: db.pool });
    expect((await catalogue.findByIdentifiers(["LC1D09M7"])).items[0]!.product).toEqual({ PRODUCT_IDENTIFIER: "LC1D09M7", RANGE_LABEL: "TeSys D", PRODUCT_DESCRIPTION: "contactor" });
    await syncCatalogue({ from: after, ...target, columns: { identifier: "REF" } });
    expect((await catalogue.findByIdentifiers(["LC1D09M7"])).items[0]!.product).toEqual({ REF: "LC1D09M7", RANGE_LABEL: "TeSys D", PRODUCT_DESCRIPTION: "contactor, 9 A", PRICE: 12.5 });
    expect(catalogue.roles.identifier).toBe("REF");
    expect((await catalogue.search({ term: "9 a" })).map((row) => row.REF)).toEqual(["LC1D09M7"]);
    await expect(catalogue.findByRange({ rangeLabel: "TeSys D", subrangeLabel: "x" })).rejects.toMatchObject({ code: "CATALOGUE_SOURCE_INVALID", problem: "missing-column" });
  });

  it("a copy synced by the tables' owner can be read by the service and read-only roles (sql/roles.sql's default privileges)", async () => {
    await createRoles(target);
    const file = await createCatalogueFile(scratch.path("roles.duckdb"), [insertProducts(version("granted", 2))]);
    await syncCatalogue({ from: file, ...target });
    for (const role of ["se_letters_service", "se_letters_readonly"]) {
      const [row] = await database.sql(`SET ROLE ${role}; SELECT count(*)::int AS n FROM ibcatalogue_products`);
      expect({ role, row }).toEqual({ role, row: { n: 2 } });
    }
  });

  it("gives CatalogueLockedError in bounded time when another process holds the file open for writing", async () => {
    const file = await createCatalogueFile(scratch.path("held.duckdb"), [insertProducts(version("held", 3))]);
    const holder = spawn(process.execPath, [await bundleHolder(), file], { stdio: ["ignore", "pipe", "inherit"] });
    try {
      await new Promise<void>((ready, fail) => {
        holder.stdout.on("data", (data: Buffer) => data.toString().includes("open") && ready());
        holder.once("exit", (code) => fail(new Error(`the holder exited (${code}) before opening the file`)));
      });
      const started = Date.now();
      const error = await openDuckDbCatalogue({ file, lockWaitMs: 600 }).catch((thrown: unknown) => thrown);
      const elapsed = Date.now() - started;
      expect(error).toBeInstanceOf(CatalogueLockedError);
      expect(error).toMatchObject({ code: "CATALOGUE_LOCKED", file });
      expect((error as CatalogueLockedError).attempts).toBeGreaterThan(1);
      expect(elapsed).toBeGreaterThanOrEqual(300);
      expect(elapsed).toBeLessThan(3000);
      await expect(syncCatalogue({ from: file, ...target, lockWaitMs: 0 })).rejects.toMatchObject({ code: "CATALOGUE_LOCKED", attempts: 1 });
    } finally {
      holder.kill("SIGKILL");
    }
    // Once the writer is gone, the file opens.
    await new Promise((resolveDelay) => holder.once("exit", resolveDelay));
    const catalogue = await openDuckDbCatalogue({ file });
    await catalogue.close();
  });
});
