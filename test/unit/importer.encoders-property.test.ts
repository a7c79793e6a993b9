import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mapColumns } from "../../src/importer/column-mapping.ts";
import { canonicalJsonb, JsonbRefusal, validateJsonb } from "../../src/importer/jsonb-canonical.ts";
import { formatTimestamp } from "../../src/importer/source-values.ts";
import { anyCodeUnits, DUCKDB_MAX_MICROS, DUCKDB_MIN_MICROS } from "../support/hostile-values.ts";


/** Proleptic Gregorian date of a day number since 1970 (Howard Hinnant's civil_from_days), in integers only. */
function civilFromDays(days: bigint): { year: bigint; month: bigint; day: bigint } {
  const z = days + 719_468n;
  const era = (z >= 0n ? z : z - 146_096n) / 146_097n;
  const dayOfEra = z - era * 146_097n;
  const yearOfEra = (dayOfEra - dayOfEra / 1460n + dayOfEra / 36_524n - dayOfEra / 146_096n) / 365n;
  const dayOfYear = dayOfEra - (365n * yearOfEra + yearOfEra / 4n - yearOfEra / 100n);
  const monthIndex = (5n * dayOfYear + 2n) / 153n;
  const day = dayOfYear - (153n * monthIndex + 2n) / 5n + 1n;
  const month = monthIndex < 10n ? monthIndex + 3n : monthIndex - 9n;
  return { year: yearOfEra + era * 400n + (month <= 2n ? 1n : 0n), month, day };
}

/** The expected text of a timestamp, computed without `Date`. */
function reference(micros: bigint): string {
  const perDay = 86_400_000_000n;
  const days = micros >= 0n ? micros / perDay : -((-micros + perDay - 1n) / perDay);
  const ofDay = micros - days * perDay;
  const { year, month, day } = civilFromDays(days);
  const pad = (value: bigint, width: number) => value.toString().padStart(width, "0");
  const yearText = year >= 0n && year <= 9999n ? pad(year, 4) : `${year < 0n ? "-" : "+"}${pad(year < 0n ? -year : year, 6)}`;
  const seconds = ofDay / 1_000_000n;
  return `${yearText}-${pad(month, 2)}-${pad(day, 2)} ${pad(seconds / 3600n, 2)}:${pad((seconds / 60n) % 60n, 2)}:${pad(seconds % 60n, 2)}.${pad(ofDay % 1_000_000n, 6)}`;
}

describe("formatTimestamp (the rejects file's timestamps)", () => {
  it("formats every DuckDB timestamp, even beyond a JavaScript Date's range, as an integer-only calendar does", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.bigInt({ min: DUCKDB_MIN_MICROS, max: DUCKDB_MAX_MICROS }),
          fc.bigInt({ min: -62_135_596_800_000_000n, max: 253_402_300_799_999_999n }),
          fc.constantFrom(DUCKDB_MIN_MICROS, DUCKDB_MAX_MICROS, 0n, -1n, 1n, -62_135_596_800_000_001n, 253_402_300_800_000_000n, 8_640_000_000_000_000_000n, -8_640_000_000_000_000_001n),
        ),
        (micros) => {
          expect(formatTimestamp(micros)).toBe(reference(micros));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("writes DuckDB's infinities by name", () => {
    expect(formatTimestamp(2n ** 63n - 1n)).toBe("infinity");
    expect(formatTimestamp(-(2n ** 63n - 1n))).toBe("-infinity");
  });
});

describe("canonicalJsonb and validateJsonb on deeply nested documents", () => {
  const arrays = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;
  const objects = (depth: number) => `${'{"a": '.repeat(depth)}1${"}".repeat(depth)}`;

  it("take 1,000 levels of arrays or objects", () => {
    expect(canonicalJsonb(arrays(1000))).toBe(arrays(1000));
    expect(canonicalJsonb(objects(1000))).toBe(objects(1000));
    expect(() => validateJsonb(objects(1000))).not.toThrow();
  });

  it("refuse any deeper nesting as a bad value (never a stack overflow), however deep", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1001, max: 200_000 }), fc.boolean(), (depth, useObjects) => {
        const text = useObjects ? objects(depth) : arrays(depth);
        expect(() => validateJsonb(text)).toThrow(JsonbRefusal);
        expect(() => canonicalJsonb(text)).toThrow(/nested deeper than 1000 levels/);
      }),
      { numRuns: 30 },
    );
  });
});

describe("mapColumns with arbitrary source columns and --ignore-column names", () => {
  const target = new Map(
    ["letters", "letter_products", "letter_product_matches", "processing_debug"].map((table) => [
      table,
      [
        { name: "id", typeName: "int4", notNull: true, hasDefault: true },
        { name: "title", typeName: "text", notNull: false, hasDefault: false },
        { name: "score", typeName: "float4", notNull: false, hasDefault: false },
        { name: "doc", typeName: "jsonb", notNull: false, hasDefault: false },
        { name: "at", typeName: "timestamp", notNull: false, hasDefault: true },
        { name: "flag", typeName: "bool", notNull: true, hasDefault: false },
        { name: "amount", typeName: "numeric", notNull: false, hasDefault: false },
      ],
    ]),
  );
  const kinds = ["int4", "float4", "bool", "varchar", "json", "timestamp", undefined] as const;
  const allowed: Record<string, readonly (string | undefined)[]> = {
    int4: ["int4"],
    float4: ["float4"],
    bool: ["bool"],
    text: ["varchar", "json"],
    jsonb: ["json", "varchar"],
    timestamp: ["timestamp"],
  };
  const column = fc.record({
    name: fc.oneof(fc.constantFrom("id", "title", "score", "doc", "at", "flag", "amount"), anyCodeUnits(6)),
    dataType: fc.constantFrom("INTEGER", "FLOAT", "VARCHAR", "JSON", "TIMESTAMP", "BOOLEAN", "DOUBLE", "HUGEINT"),
    kind: fc.constantFrom(...kinds),
  });

  it("never throws, never maps a type it cannot copy exactly, and accounts for every source column and ignore name", () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom("letters", "letter_products", "letter_product_matches", "processing_debug", "extra"), fc.uniqueArray(column, { selector: (c) => c.name, maxLength: 8 })),
        fc.array(fc.oneof(anyCodeUnits(12), fc.constantFrom("letters.title", "letters.nope", "a.b.c", ".", "letters.")), { maxLength: 4 }),
        (sourceTables, ignore) => {
          const source = new Map(Object.entries(sourceTables));
          const { mappings, problems } = mapColumns(source, target, ignore);
          for (const mapping of mappings) {
            const targetTypes = new Map(target.get(mapping.table)!.map((c) => [c.name, c.typeName]));
            for (const mapped of mapping.columns) expect(allowed[targetTypes.get(mapped.name)!]).toContain(mapped.source);
            for (const sourceColumn of source.get(mapping.table) ?? []) {
              const accounted =
                mapping.columns.some((c) => c.name === sourceColumn.name) ||
                mapping.ignored.includes(sourceColumn.name) ||
                problems.some((problem) => problem.includes(`${mapping.table}.${sourceColumn.name}`));
              expect(accounted, `${mapping.table}.${sourceColumn.name}`).toBe(true);
            }
          }
          for (const name of ignore) {
            const [table, columnName, extra] = name.split(".");
            const exists = extra === undefined && columnName !== undefined && (source.get(table!) ?? []).some((c) => c.name === columnName);
            if (!exists) expect(problems.some((problem) => problem.includes(name) || problem.includes(JSON.stringify(name)))).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
