-- Search performance (issue 5): one (column, id) index per sort key a search accepts, so that the
-- first page, a deep offset page and every keyset page of any sort read a bounded index range instead of
-- sorting the table; and (status, created_at, id) for the status filter in the default order.
-- Measured on 1,000,000 letters: ORDER BY <key>, id LIMIT 25 went from a top-N sort of the whole
-- table to an index scan of 25 entries. Plain CREATE INDEX (a migration is one transaction): on a
-- large table, each blocks writes to letters while it builds.

-- CreateIndex
CREATE INDEX "idx_letters_updated_at_id" ON "letters"("updated_at", "id");

-- CreateIndex
CREATE INDEX "idx_letters_document_name_id" ON "letters"("document_name", "id");

-- CreateIndex
CREATE INDEX "idx_letters_document_title_id" ON "letters"("document_title", "id");

-- CreateIndex
CREATE INDEX "idx_letters_document_type_id" ON "letters"("document_type", "id");

-- CreateIndex
CREATE INDEX "idx_letters_status_id" ON "letters"("status", "id");

-- CreateIndex
CREATE INDEX "idx_letters_status_created_at_id" ON "letters"("status", "created_at", "id");

-- CreateIndex
CREATE INDEX "idx_letters_extraction_confidence_id" ON "letters"("extraction_confidence", "id");

-- CreateIndex
CREATE INDEX "idx_letters_processing_time_ms_id" ON "letters"("processing_time_ms", "id");

-- CreateIndex
CREATE INDEX "idx_letters_file_size_id" ON "letters"("file_size", "id");
