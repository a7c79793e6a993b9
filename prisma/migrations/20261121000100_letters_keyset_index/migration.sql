-- CreateIndex
CREATE INDEX "idx_letters_created_at_id" ON "letters"("created_at", "id");
