import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../support/test-database.ts";

const database = useTestDatabase();

/** Every index of both seed documents (phase 2 and phase 7), the JSONB GIN ones, and the trigram ones. */
const EXPECTED_INDEXES: Record<string, string> = {
  idx_letters_source_path: "ON public.letters USING btree (source_file_path)",
  idx_letters_status: "ON public.letters USING btree (status)",
  idx_letters_file_hash: "ON public.letters USING btree (file_hash)",
  idx_letters_created_at: "ON public.letters USING btree (created_at)",
  idx_letters_document_name: "ON public.letters USING btree (document_name)",
  idx_products_letter_id: "ON public.letter_products USING btree (letter_id)",
  idx_products_range_label: "ON public.letter_products USING btree (range_label)",
  idx_products_product_identifier: "ON public.letter_products USING btree (product_identifier)",
  idx_matches_letter_id: "ON public.letter_product_matches USING btree (letter_id)",
  idx_matches_product_id: "ON public.letter_product_matches USING btree (letter_product_id)",
  idx_matches_ibcatalogue_id: "ON public.letter_product_matches USING btree (ibcatalogue_product_identifier)",
  idx_matches_confidence: "ON public.letter_product_matches USING btree (match_confidence)",
  idx_debug_letter_id: "ON public.processing_debug USING btree (letter_id)",
  idx_debug_timestamp: "ON public.processing_debug USING btree (step_timestamp)",
  idx_debug_step: "ON public.processing_debug USING btree (processing_step)",
  idx_letters_raw_grok_gin: "ON public.letters USING gin (raw_grok_json)",
  idx_letters_validation_details_gin: "ON public.letters USING gin (validation_details_json)",
  idx_letters_created_at_status: "ON public.letters USING btree (created_at, status)",
  idx_products_letter_range: "ON public.letter_products USING btree (letter_id, range_label)",
  idx_matches_confidence_type: "ON public.letter_product_matches USING btree (match_confidence, match_type)",
  idx_letters_processed: "ON public.letters USING btree (id) WHERE (status = 'processed'::text)",
  idx_letters_failed: "ON public.letters USING btree (id) WHERE (status = 'failed'::text)",
  idx_letters_covering: "ON public.letters USING btree (id, document_name, created_at, status)",
  idx_letters_document_name_trgm: "ON public.letters USING gin (document_name gin_trgm_ops)",
  idx_letters_document_title_trgm: "ON public.letters USING gin (document_title gin_trgm_ops)",
  idx_letters_source_file_path_trgm: "ON public.letters USING gin (source_file_path gin_trgm_ops)",
};

async function planOf(sql: string, values: unknown[] = []): Promise<string> {
  const rows = await database.sql<{ "QUERY PLAN": string }>(`EXPLAIN ${sql}`, values);
  return rows.map((row) => row["QUERY PLAN"]).join("\n");
}

describe("schema: indexes", () => {
  it("has every index the seeds list, with the seeds' definition", async () => {
    const rows = await database.sql<{ indexname: string; indexdef: string }>(
      "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND indexname NOT LIKE '%_pkey' AND tablename <> '_prisma_migrations'",
    );
    const actual = Object.fromEntries(rows.map((row) => [row.indexname, row.indexdef.replace(/^CREATE INDEX \S+ /, "")]));
    for (const [name, definition] of Object.entries(EXPECTED_INDEXES)) expect(actual[name], name).toBe(definition);
  });

  it("describes every index of the database in schema.prisma, so `prisma migrate dev` never drops one", async () => {
    const schema = readFileSync(new URL("../../prisma/schema.prisma", import.meta.url), "utf8");
    const described = [...schema.matchAll(/@@index\(.*map: "([^"]+)"/g)].map((match) => match[1]).sort();
    const rows = await database.sql<{ indexname: string }>(
      "SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND indexname NOT LIKE '%_pkey' AND tablename <> '_prisma_migrations' ORDER BY indexname",
    );
    expect(rows.map((row) => row.indexname).sort()).toEqual(described);
  });

  it("has a primary key on every table", async () => {
    const rows = await database.sql<{ tablename: string }>("SELECT tablename FROM pg_indexes WHERE indexname LIKE '%_pkey' ORDER BY tablename");
    expect(rows.map((row) => row.tablename)).toEqual(["_prisma_migrations", "letter_product_matches", "letter_products", "letters", "processing_debug"]);
  });

  describe("used by the planner on realistic data", () => {
    beforeAll(async () => {
      await database.sql(`
        INSERT INTO letters (document_name, document_title, source_file_path, status, raw_grok_json, validation_details_json)
        SELECT 'PWP_Notice_' || g || '_' || md5(g::text) || '.pdf',
               'Withdrawal of ' || (ARRAY['TeSys D','Altivar 31','Modicon M340','Masterpact NT','Sepam 20'])[1 + g % 5] || ' range ' || g,
               '/data/letters/' || (2015 + g % 10) || '/' || md5((g * 7)::text) || '.pdf',
               CASE WHEN g % 50 = 0 THEN 'failed' ELSE 'processed' END,
               jsonb_build_object('document_information', jsonb_build_object('document_type', CASE WHEN g % 100 = 0 THEN 'obsolescence_letter' ELSE 'notice' END),
                                  'product_ranges', jsonb_build_array('range_' || (g % 400))),
               jsonb_build_object('valid', g % 3 <> 0)
          FROM generate_series(1, 20000) AS g`);
      // VACUUM flushes the GIN pending lists and records index statistics, as autovacuum does in service;
      // before it the planner prices a GIN scan as reading the whole pending list.
      await database.sql("VACUUM ANALYZE letters");
    });

    it.each([
      { column: "document_name", index: "idx_letters_document_name_trgm", pattern: "%notice\\_12345\\_%" },
      { column: "document_title", index: "idx_letters_document_title_trgm", pattern: "%altivar 31 range 1234%" },
      { column: "source_file_path", index: "idx_letters_source_file_path_trgm", pattern: "%/2019/4e732ced%" },
    ])("serves a substring ILIKE on $column with $index", async ({ column, index, pattern }) => {
      const plan = await planOf(`SELECT id FROM letters WHERE ${column} ILIKE $1`, [pattern]);
      expect(plan).toContain(`Bitmap Index Scan on ${index}`);
      expect(plan).not.toContain("Seq Scan");
    });

    it("serves the web app's three-column substring search with the three trigram indexes", async () => {
      const plan = await planOf(
        "SELECT id FROM letters WHERE document_name ILIKE $1 OR document_title ILIKE $1 OR source_file_path ILIKE $1",
        ["%notice\\_1234\\_%"],
      );
      expect(plan).toContain("BitmapOr");
      for (const index of ["idx_letters_document_name_trgm", "idx_letters_document_title_trgm", "idx_letters_source_file_path_trgm"]) {
        expect(plan).toContain(`Bitmap Index Scan on ${index}`);
      }
      expect(plan).not.toContain("Seq Scan");
    });

    it("serves JSONB containment on raw_grok_json and validation_details_json with their GIN indexes", async () => {
      const grok = await planOf("SELECT id FROM letters WHERE raw_grok_json @> $1::jsonb", [
        JSON.stringify({ product_ranges: ["range_17"] }),
      ]);
      expect(grok).toContain("Bitmap Index Scan on idx_letters_raw_grok_gin");
      expect(grok).not.toContain("Seq Scan");
      const rare = await planOf("SELECT id FROM letters WHERE validation_details_json @> '{\"valid\": false}' AND raw_grok_json ? 'absent_key'");
      expect(rare).toContain("Bitmap Index Scan on idx_letters_raw_grok_gin");
    });

    it("serves the failed-letters listing with the partial index", async () => {
      const plan = await planOf("SELECT id FROM letters WHERE status = 'failed' ORDER BY id");
      expect(plan).toMatch(/Index Only Scan using idx_letters_failed|Index Scan using idx_letters_failed|Bitmap Index Scan on idx_letters_(failed|status)/);
      expect(plan).not.toContain("Seq Scan");
    });
  });
});
