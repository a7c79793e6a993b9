-- Offset pages at any depth (issue 12). search() finds a deep page's ids by walking the sort index past
-- the skipped rows, reading index entries only (an index-only scan), then reads just the page's rows.
-- The default order, created_at then id, had no index holding both: (created_at) alone made the walk
-- read every skipped row from the table (a page 200,000 deep: 123 ms of CPU instead of 10).
-- Plain CREATE INDEX (a migration is one transaction): on a large table it blocks writes to letters
-- while it builds (about 2 s per million letters).

-- CreateIndex
CREATE INDEX "idx_letters_created_at_id" ON "letters"("created_at", "id");

-- An index-only scan skips the table only for pages the visibility map marks all-visible; a row
-- inserted or updated since the last VACUUM is read from the table. With the defaults, autovacuum
-- visits letters after 20% of it has changed (200,000 rows on a million letters: about 80 minutes
-- of the pipeline's 40 writes/s), so walks would read more and more rows from the table between
-- visits. Vacuuming after 1% keeps that to a few thousand rows; each visit reads only the pages
-- changed since the last one (the visibility map lets it skip the rest).
ALTER TABLE "letters" SET (
  autovacuum_vacuum_scale_factor = 0.01,
  autovacuum_vacuum_insert_scale_factor = 0.01
);
