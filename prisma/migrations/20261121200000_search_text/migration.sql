-- Search text (issue 5): what `query` matches, kept by PostgreSQL. The three searched columns, lower-cased
-- and joined by U+0001 (which a query would have to contain to match across two columns; the repository
-- falls back to ILIKE on the columns for such a query). One LIKE on pre-lowered text costs about a third of
-- three ILIKEs (each lower-cases its value per row), which is what a deep offset page of a common term
-- pays per row; one trigram index serves a rare term instead of a BitmapOr of three.
-- Adding a stored generated column rewrites letters under an ACCESS EXCLUSIVE lock, and the index is built
-- under it too: reads and writes of letters wait until both are done. The seeds' three trigram indexes stay.

-- AlterTable
ALTER TABLE "letters" ADD COLUMN "search_text" TEXT GENERATED ALWAYS AS (lower("document_name" || E'\x01' || coalesce("document_title", '') || E'\x01' || "source_file_path")) STORED;

-- CreateIndex
CREATE INDEX "idx_letters_search_text_trgm" ON "letters" USING GIN ("search_text" gin_trgm_ops);
