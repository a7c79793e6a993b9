-- Offset pages of a status filter in every order (issue 12). Most letters end 'processed' (the column's
-- default); the others (failed, pending, processing, ...) are a few percent. A search for such a status
-- sorted by, say, document_name walked idx_letters_document_name_id and read each row from the table to
-- test its status: a page 40 deep into 'failed' (3% of a million letters) read ~34,000 rows, about 90 ms.
-- Each index below holds only the letters not 'processed', keyed by one sort key, then id, then status,
-- so that a search for any set of statuses without 'processed' walks it in the search's order and tests
-- the status in the index alone (an index-only scan): the same page reads ~2,000 index entries, < 1 ms.
-- PostgreSQL uses one when it can prove the filter implies its predicate (status IN ('failed') does).
-- Small (the letters not processed: about 6 MB per index for 60,000 of them); a letter enters them when
-- created or set to such a status, and leaves them when processed.
-- Plain CREATE INDEX (a migration is one transaction): on a large table it blocks writes to letters
-- while it builds (about 0.3 s per index per million letters).

-- CreateIndex
CREATE INDEX "idx_letters_unprocessed_created_at_id" ON "letters"("created_at", "id", "status") WHERE status <> 'processed';

-- CreateIndex
CREATE INDEX "idx_letters_unprocessed_updated_at_id" ON "letters"("updated_at", "id", "status") WHERE status <> 'processed';

-- CreateIndex
CREATE INDEX "idx_letters_unprocessed_document_name_id" ON "letters"("document_name", "id", "status") WHERE status <> 'processed';

-- CreateIndex
CREATE INDEX "idx_letters_unprocessed_document_title_id" ON "letters"("document_title", "id", "status") WHERE status <> 'processed';

-- CreateIndex
CREATE INDEX "idx_letters_unprocessed_document_type_id" ON "letters"("document_type", "id", "status") WHERE status <> 'processed';

-- CreateIndex
CREATE INDEX "idx_letters_unprocessed_status_id" ON "letters"("status", "id") WHERE status <> 'processed';

-- CreateIndex
CREATE INDEX "idx_letters_unprocessed_extraction_confidence_id" ON "letters"("extraction_confidence", "id", "status") WHERE status <> 'processed';

-- CreateIndex
CREATE INDEX "idx_letters_unprocessed_processing_time_ms_id" ON "letters"("processing_time_ms", "id", "status") WHERE status <> 'processed';

-- CreateIndex
CREATE INDEX "idx_letters_unprocessed_file_size_id" ON "letters"("file_size", "id", "status") WHERE status <> 'processed';

-- CreateIndex
CREATE INDEX "idx_letters_unprocessed_id" ON "letters"("id", "status") WHERE status <> 'processed';
