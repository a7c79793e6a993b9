import { writeFileSync } from "node:fs";
import { describe, expect } from "vitest";
import { createSampleCatalogueDuckDb, enrichLetterMatches, enrichLettersMatches, enrichMatches, openCatalogue, openDuckDbCatalogue, openPostgresCatalogue, syncCatalogue, type ProductCatalogue } from "../../src/catalogue/index.ts";
import { catalogueRow, createCatalogueFile, insertProducts } from "../support/catalogue-files.ts";
import { databaseTest } from "../support/database-fixtures.ts";
import { useScratchFolder } from "../support/duckdb-files.ts";
import { useTestDatabase } from "../support/test-database.ts";

const database = useTestDatabase();
const scratch = useScratchFolder();
const it = databaseTest(database);

const ROWS = [
  catalogueRow("LC1D09M7", "TeSys D contactor 9 A, 220 V coil", "TeSys D", null, 1),
  catalogueRow("LC1D12M7", "TeSys D contactor 12 A, 220 V coil", "TeSys D", null, 2),
  catalogueRow("LC1D18BD", "TeSys D contactor 18 A, 24 V DC coil", "TeSys D", "DC coil", 3),
  catalogueRow("ATV320U15N4B", "variable speed drive ATV320, 1.5 kW, 400 V, book", "Altivar Machine ATV320", "Book", 4),
  catalogueRow("A9F74206", "miniature circuit breaker iC60N 2P 6 A C curve", "Acti9 iC60", "iC60N", 5),
  catalogueRow("LV429630", "circuit breaker NSX100F TMD 16 A 3P3D", "Compact NSX", null, 6),
  catalogueRow("METSEPM5110", "PowerLogic PM5110 power meter, Modbus (100%_under test)", "PowerLogic PM5000", null, 7),
];

async function withCatalogue<T>(open: () => Promise<ProductCatalogue>, work: (catalogue: ProductCatalogue) => Promise<T>): Promise<T> {
  const catalogue = await open();
  try {
    return await work(catalogue);
  } finally {
    await catalogue.close();
  }
}

/** The answers a catalogue gives to one fixed set of lookups. */
async function answers(catalogue: ProductCatalogue) {
  return {
    byIds: await catalogue.findByIdentifiers(["LV429630", "NOPE", "LC1D09M7", "LV429630", "NOPE", "lc1d09m7"]),
    range: await catalogue.findByRange({ rangeLabel: "TeSys D" }),
    subrange: await catalogue.findByRange({ rangeLabel: "TeSys D", subrangeLabel: "DC coil" }),
    prefix: await catalogue.search({ term: "lc1d", limit: 2 }),
    description: await catalogue.search({ term: "POWER METER" }),
    wildcard: await catalogue.search({ term: "100%_" }),
    either: await catalogue.search({ term: "a", limit: 50 }),
  };
}

describe("the IBcatalogue from its DuckDB file and from its PostgreSQL copy", () => {
  it("looks up many identifiers in one call (order and duplicates kept, unknown ones missing), passing every column through with its type", async () => {
    const file = await createCatalogueFile(scratch.path("catalogue.duckdb"), [insertProducts(ROWS)]);
    await withCatalogue(
      () => openDuckDbCatalogue({ file }),
      async (catalogue) => {
        expect(catalogue.roles).toEqual({ identifier: "PRODUCT_IDENTIFIER", range: "RANGE_LABEL", subrange: "SUBRANGE_LABEL", description: "PRODUCT_DESCRIPTION" });
        expect(catalogue.columns.map((column) => [column.name, column.duckDbType, column.postgresType])).toEqual([
          ["PRODUCT_IDENTIFIER", "VARCHAR", "text"],
          ["PRODUCT_DESCRIPTION", "VARCHAR", "text"],
          ["RANGE_LABEL", "VARCHAR", "text"],
          ["SUBRANGE_LABEL", "VARCHAR", "text"],
          ["COMMERCIAL_STATUS", "VARCHAR", "text"],
          ["END_OF_PRODUCTION_DATE", "TIMESTAMP", "timestamp"],
          ["AVERAGE_LIFE_DURATION_IN_YEARS", "DOUBLE", "double precision"],
          ["PRICE", "DECIMAL(10,2)", "numeric(10,2)"],
          ["STOCK", "BIGINT", "bigint"],
          ["TAGS", "VARCHAR[]", "jsonb"],
          ["DIMENSIONS", "STRUCT(width INTEGER, unit VARCHAR)", "jsonb"],
          ["SPECS", "JSON", "jsonb"],
          ["LAUNCHED", "DATE", "date"],
          ["UPDATED_AT", "TIMESTAMP WITH TIME ZONE", "timestamptz"],
          ["SERVICEABLE", "BOOLEAN", "boolean"],
          ["PICTURE", "BLOB", "bytea"],
          ["GUID", "UUID", "uuid"],
          ["WEIGHT", "FLOAT", "double precision"],
          ["RATING", "TINYINT", "smallint"],
          ["ATTRIBUTES", "MAP(VARCHAR, INTEGER)", "jsonb"],
        ]);
        const { items, missing } = await catalogue.findByIdentifiers(["LV429630", "NOPE", "LC1D09M7", "LV429630", "NOPE"]);
        expect(items.map((item) => [item.identifier, item.product?.PRODUCT_IDENTIFIER ?? null])).toEqual([
          ["LV429630", "LV429630"],
          ["NOPE", null],
          ["LC1D09M7", "LC1D09M7"],
          ["LV429630", "LV429630"],
          ["NOPE", null],
        ]);
        expect(missing).toEqual(["NOPE"]);
        expect(items[2]!.product).toEqual({
          PRODUCT_IDENTIFIER: "LC1D09M7",
          PRODUCT_DESCRIPTION: "TeSys D contactor 9 A, 220 V coil",
          RANGE_LABEL: "TeSys D",
          SUBRANGE_LABEL: null,
          COMMERCIAL_STATUS: "08-Commercialised",
          END_OF_PRODUCTION_DATE: "2024-12-31 00:00:01.001",
          AVERAGE_LIFE_DURATION_IN_YEARS: 1.25,
          PRICE: "1.50",
          STOCK: "9007199254740994",
          TAGS: ["tag-1", "x\ty"],
          DIMENSIONS: { width: 1, unit: "mm" },
          SPECS: { poles: 1, ok: true, nested: [1, { a: null }] },
          LAUNCHED: "2020-01-02",
          UPDATED_AT: "2024-06-01 10:00:00.5+00",
          SERVICEABLE: false,
          PICTURE: "\\x01ab",
          GUID: "6f1c2a3e-0000-4000-8000-000000000001",
          WEIGHT: Math.fround(1.1),
          RATING: 1,
          ATTRIBUTES: { a: 1 },
        });
        expect(await catalogue.findByIdentifiers([])).toEqual({ items: [], missing: [] });
      },
    );
  });

  it("gives the same answers from the PostgreSQL copy after a sync as from the file", async ({ db }) => {
    const file = await createCatalogueFile(scratch.path("same.duckdb"), [insertProducts(ROWS)]);
    const fromFile = await withCatalogue(() => openDuckDbCatalogue({ file }), answers);
    expect(fromFile.byIds.missing).toEqual(["NOPE", "lc1d09m7"]);
    expect(fromFile.range.map((row) => row.PRODUCT_IDENTIFIER)).toEqual(["LC1D09M7", "LC1D12M7", "LC1D18BD"]);
    expect(fromFile.subrange.map((row) => row.PRODUCT_IDENTIFIER)).toEqual(["LC1D18BD"]);
    expect(fromFile.prefix.map((row) => row.PRODUCT_IDENTIFIER)).toEqual(["LC1D09M7", "LC1D12M7"]);
    expect(fromFile.description.map((row) => row.PRODUCT_IDENTIFIER)).toEqual(["METSEPM5110"]);
    expect(fromFile.wildcard.map((row) => row.PRODUCT_IDENTIFIER)).toEqual(["METSEPM5110"]);
    // Identifier-prefix matches first, then description matches, each in identifier order.
    expect(fromFile.either.map((row) => row.PRODUCT_IDENTIFIER)).toEqual(["A9F74206", "ATV320U15N4B", "LC1D09M7", "LC1D12M7", "LC1D18BD", "LV429630"]);

    const summary = await syncCatalogue({ from: file, databaseUrl: database.url, env: {} });
    expect(summary).toMatchObject({ table: "ibcatalogue_products", rows: ROWS.length, skippedNullIdentifiers: 0, droppedDuplicateRows: 0, replacedPrevious: false });
    expect(summary.durationMs).toBeGreaterThan(0);
    const fromPostgres = await withCatalogue(() => openPostgresCatalogue({ pool: db.pool }), answers);
    expect(fromPostgres).toEqual(fromFile);
    // openCatalogue picks the source from configuration; the answers do not depend on it.
    for (const options of [{ source: "postgresql" as const, pool: db.pool }, { source: "duckdb" as const, file }]) {
      expect(await withCatalogue(() => openCatalogue(options), async (catalogue) => [catalogue.source, await answers(catalogue)])).toEqual([options.source, fromFile]);
    }
    // The same keys in the same order, too.
    expect(Object.keys(fromPostgres.byIds.items[0]!.product!)).toEqual(Object.keys(fromFile.byIds.items[0]!.product!));

    const indexes = await database.sql<{ indexname: string }>("SELECT indexname FROM pg_indexes WHERE tablename = 'ibcatalogue_products' ORDER BY indexname");
    expect(indexes.map((index) => index.indexname)).toEqual([
      "ibcatalogue_products_description_trgm_idx",
      "ibcatalogue_products_identifier_trgm_idx",
      "ibcatalogue_products_pkey",
      "ibcatalogue_products_range_idx",
    ]);
  });

  it("syncs a catalogue of many chunks (the sample catalogue, 5,000 products) and answers as the file does", async ({ db }) => {
    const file = scratch.path("sample-catalogue.duckdb");
    await createSampleCatalogueDuckDb(file, { products: 5000 });
    const progress: number[] = [];
    const summary = await syncCatalogue({ from: file, databaseUrl: database.url, env: {}, onProgress: (event) => event.phase === "load" && progress.push(event.rowsRead) });
    expect(summary.rows).toBe(5000);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)).toBe(5000);
    const identifiers = [...Array.from({ length: 300 }, (_, index) => `TBU${String(1 + index * 16).padStart(8, "0")}`), "LC1D09M7", "ATV28HU18M2", "METSEPM5110"];
    const lookups = async (catalogue: ProductCatalogue) => ({
      byIds: await catalogue.findByIdentifiers(identifiers),
      range: await catalogue.findByRange({ rangeLabel: "Accutech 7", limit: 10 }),
      search: await catalogue.search({ term: "flow", limit: 30 }),
    });
    const fromFile = await withCatalogue(() => openDuckDbCatalogue({ file }), lookups);
    expect(fromFile.byIds.missing).toEqual(["ATV28HU18M2"]);
    expect(fromFile.search).toHaveLength(30);
    expect(await withCatalogue(() => openPostgresCatalogue({ pool: db.pool }), lookups)).toEqual(fromFile);
  });

  it("enriches a letter's matches (one PostgreSQL query, one catalogue query) and a page of letters, marking unknown products missing", async ({ db, letters }) => {
    const file = await createCatalogueFile(scratch.path("enrich.duckdb"), [insertProducts(ROWS)]);
    await syncCatalogue({ from: file, databaseUrl: database.url, env: {} });
    const identifiers = ["LC1D09M7", "GONE-1", "A9F74206", "LC1D09M7", ...Array.from({ length: 46 }, (_, index) => (index % 2 === 0 ? "LV429630" : `GONE-${index}`))];
    const letter = await letters.create({
      documentName: "many.pdf",
      sourceFilePath: "/many.pdf",
      products: [{ productIdentifier: "LC1D09M7" }],
      matches: identifiers.map((identifier) => ({ productIndex: 0, ibcatalogueProductIdentifier: identifier, matchConfidence: 0.9 })),
    });
    const other = await letters.create({
      documentName: "one.pdf",
      sourceFilePath: "/one.pdf",
      products: [{ productIdentifier: "ATV320U15N4B" }],
      matches: [{ productIndex: 0, ibcatalogueProductIdentifier: "ATV320U15N4B", matchConfidence: 0.8 }],
    });
    const empty = await letters.create({ documentName: "none.pdf", sourceFilePath: "/none.pdf" });

    for (const open of [() => openPostgresCatalogue({ pool: db.pool }), () => openDuckDbCatalogue({ file })]) {
      await withCatalogue(open, async (inner) => {
        const calls = { catalogue: 0, postgres: 0 };
        const catalogue: ProductCatalogue = { ...inner, columns: inner.columns, roles: inner.roles, findByIdentifiers: (ids) => (calls.catalogue++, inner.findByIdentifiers(ids)) };
        const prisma = new Proxy(db.prisma, {
          get: (target, key, receiver) =>
            key === "$queryRaw" ? (...args: unknown[]) => (calls.postgres++, (target.$queryRaw as (...a: unknown[]) => unknown)(...args)) : Reflect.get(target, key, receiver),
        });
        const enriched = await enrichLetterMatches(prisma, catalogue, letter.id);
        expect(calls).toEqual({ catalogue: 1, postgres: 1 });
        expect(enriched.map((match) => match.ibcatalogueProductIdentifier)).toEqual(identifiers);
        expect(enriched.map((match) => match.missing)).toEqual(identifiers.map((identifier) => identifier.startsWith("GONE")));
        expect(enriched[0]!.product).toMatchObject({ PRODUCT_IDENTIFIER: "LC1D09M7", RANGE_LABEL: "TeSys D" });
        expect(enriched[1]).toMatchObject({ product: null, missing: true, letterId: letter.id, matchConfidence: 0.9 });
        expect(enriched[0]!.createdAt).toBeInstanceOf(Date);

        const page = await enrichLettersMatches(prisma, catalogue, [other.id, empty.id, letter.id, 999_999]);
        expect(calls).toEqual({ catalogue: 2, postgres: 2 });
        expect([...page.keys()]).toEqual([other.id, empty.id, letter.id, 999_999]);
        expect(page.get(other.id)!.map((match) => [match.ibcatalogueProductIdentifier, match.missing, match.product?.RANGE_LABEL])).toEqual([
          ["ATV320U15N4B", false, "Altivar Machine ATV320"],
        ]);
        expect(page.get(empty.id)).toEqual([]);
        expect(page.get(letter.id)).toEqual(enriched);

        const full = await letters.getById(letter.id, { matches: true });
        expect(await enrichMatches(catalogue, full.matches)).toEqual(enriched);
      });
    }
  });

  it("names what is wrong with a catalogue file: missing, not DuckDB, no such table, no identifier column", async () => {
    const reasons = async (options: Parameters<typeof openDuckDbCatalogue>[0]) => {
      const error = await openDuckDbCatalogue(options).then(
        async (catalogue) => (await catalogue.close(), undefined),
        (thrown: unknown) => thrown as { code: string; problem: string; message: string },
      );
      return error === undefined ? undefined : { code: error.code, problem: error.problem, message: error.message };
    };
    expect(await reasons({ file: scratch.path("nowhere.duckdb") })).toMatchObject({ code: "CATALOGUE_SOURCE_INVALID", problem: "missing-file" });
    const notDuck = scratch.path("not-duck.duckdb");
    writeFileSync(notDuck, "PRODUCT_IDENTIFIER,RANGE_LABEL\nLC1D09M7,TeSys D\n".repeat(500));
    expect(await reasons({ file: notDuck })).toMatchObject({ code: "CATALOGUE_SOURCE_INVALID", problem: "not-duckdb", message: expect.stringMatching(/not a DuckDB database file/) });
    const file = await createCatalogueFile(scratch.path("shape.duckdb"), [insertProducts(ROWS.slice(0, 1))]);
    expect(await reasons({ file, table: "catalogue" })).toMatchObject({ problem: "missing-table", message: expect.stringMatching(/no table "catalogue" \(its tables: products\)/) });
    expect(await reasons({ file, columns: { identifier: "REFERENCE" } })).toMatchObject({ problem: "missing-column", message: expect.stringMatching(/no identifier column "REFERENCE"/) });
    expect(await reasons({ file, columns: { identifier: "STOCK" } })).toMatchObject({ problem: "unusable-column" });
    expect(await reasons({ file, columns: { range: "RANGE" } })).toMatchObject({ problem: "missing-column" });
    // Names match case-insensitively, as in DuckDB; a catalogue without the optional columns still opens.
    expect(await reasons({ file, table: "PRODUCTS", columns: { identifier: "product_identifier" } })).toBeUndefined();
  });
});
