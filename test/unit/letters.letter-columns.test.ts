import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LETTER_COLUMN_DESCRIPTIONS, type LetterColumnKind } from "../../src/letters/letter-columns.ts";
import { LETTER_COLUMNS, toLetterRecord, type LetterRow } from "../../src/letters/letter-row.ts";
import { SORT_COLUMNS } from "../../src/letters/letter-sort.ts";

/** The Prisma schema's scalar types, as the repository reads them (`Float @db.Real` is PostgreSQL's real). */
const KIND_OF_PRISMA_TYPE: Readonly<Record<string, LetterColumnKind>> = { Int: "integer", Float: "real", String: "text", DateTime: "timestamp", Json: "json" };

/** Each scalar field of `model Letter` in prisma/schema.prisma: property, column, kind, nullability. */
function prismaLetterFields(): { property: string; column: string; kind: LetterColumnKind | undefined; nullable: boolean }[] {
  const schema = readFileSync(join(import.meta.dirname, "../../prisma/schema.prisma"), "utf8");
  const model = /^model Letter \{\n([\s\S]*?)^\}/m.exec(schema)?.[1] ?? "";
  return [...model.matchAll(/^ {2}(\w+)\s+(\w+)(\??)(?!\[\])(.*)$/gm)]
    .filter(([, , type]) => type !== "Unsupported" && /^[A-Z]/.test(type!) && KIND_OF_PRISMA_TYPE[type!] !== undefined)
    .map(([, property, type, optional, rest]) => ({
      property: property!,
      column: /@map\("([^"]+)"\)/.exec(rest!)?.[1] ?? property!,
      kind: KIND_OF_PRISMA_TYPE[type!],
      nullable: optional === "?",
    }));
}

describe("the letters column description", () => {
  it("describes every scalar field of the Prisma model Letter, with its column, type and nullability, in the model's order", () => {
    const fields = prismaLetterFields();
    expect(fields.length).toBeGreaterThan(10);
    expect(Object.entries(LETTER_COLUMN_DESCRIPTIONS).map(([property, description]) => ({ property, ...description }))).toEqual(fields);
  });

  it("selects each described column once, JSON columns wrapped to keep JSON null apart from SQL NULL", () => {
    const sql = LETTER_COLUMNS.sql;
    for (const { column, kind } of Object.values(LETTER_COLUMN_DESCRIPTIONS)) {
      expect(sql).toContain(kind === "json" ? `jsonb_build_array(l.${column}) END AS ${column}` : `l.${column}`);
    }
    expect(sql.split(", ")).toHaveLength(Object.keys(LETTER_COLUMN_DESCRIPTIONS).length);
  });

  it("maps a row to a record by the description: scalars as they are, SQL NULL JSON absent, JSON null kept", () => {
    const row = Object.fromEntries(Object.values(LETTER_COLUMN_DESCRIPTIONS).map(({ column, kind }) => [column, kind === "json" ? null : `${column}-value`]));
    const record = toLetterRecord({ ...row, raw_grok_json: [null], validation_details_json: [{ a: 1 }] } as unknown as LetterRow);
    expect(record).toEqual({
      ...Object.fromEntries(
        Object.entries(LETTER_COLUMN_DESCRIPTIONS)
          .filter(([, { kind }]) => kind !== "json")
          .map(([property, { column }]) => [property, `${column}-value`]),
      ),
      rawGrokJson: null,
      validationDetailsJson: { a: 1 },
    });
    expect("ocrSupplementaryJson" in record).toBe(false);
  });

  it("gives each sort key its column, type and nullability from the description", () => {
    for (const [key, sortColumn] of Object.entries(SORT_COLUMNS)) {
      const description = LETTER_COLUMN_DESCRIPTIONS[key as keyof typeof LETTER_COLUMN_DESCRIPTIONS];
      expect({ column: sortColumn.column.sql, kind: sortColumn.kind, nullable: sortColumn.nullable }).toEqual({
        column: `l.${description.column}`,
        kind: description.kind,
        nullable: description.nullable,
      });
    }
  });
});
