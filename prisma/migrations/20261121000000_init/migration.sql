-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "pg_trgm";

-- CreateTable
CREATE TABLE "letters" (
    "id" SERIAL NOT NULL,
    "document_name" TEXT NOT NULL,
    "document_type" TEXT,
    "document_title" TEXT,
    "source_file_path" TEXT NOT NULL,
    "file_size" INTEGER,
    "file_hash" TEXT,
    "processing_method" TEXT DEFAULT 'production_pipeline',
    "processing_time_ms" REAL,
    "extraction_confidence" REAL,
    "created_at" TIMESTAMP(6) DEFAULT timezone('UTC'::text, now()),
    "updated_at" TIMESTAMP(6) DEFAULT timezone('UTC'::text, now()),
    "status" TEXT DEFAULT 'processed',
    "raw_grok_json" JSONB,
    "ocr_supplementary_json" JSONB,
    "processing_steps_json" JSONB,
    "validation_details_json" JSONB,

    CONSTRAINT "letters_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "letter_products" (
    "id" SERIAL NOT NULL,
    "letter_id" INTEGER NOT NULL,
    "product_identifier" TEXT,
    "range_label" TEXT,
    "subrange_label" TEXT,
    "product_line" TEXT,
    "product_description" TEXT,
    "obsolescence_status" TEXT,
    "end_of_service_date" TEXT,
    "replacement_suggestions" TEXT,
    "confidence_score" REAL DEFAULT 0.0,
    "validation_status" TEXT DEFAULT 'validated',

    CONSTRAINT "letter_products_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "letter_product_matches" (
    "id" SERIAL NOT NULL,
    "letter_id" INTEGER NOT NULL,
    "letter_product_id" INTEGER NOT NULL,
    "ibcatalogue_product_identifier" TEXT NOT NULL,
    "match_confidence" REAL NOT NULL,
    "match_reason" TEXT,
    "technical_match_score" REAL DEFAULT 0.0,
    "nomenclature_match_score" REAL DEFAULT 0.0,
    "product_line_match_score" REAL DEFAULT 0.0,
    "match_type" TEXT,
    "range_based_matching" BOOLEAN DEFAULT false,
    "created_at" TIMESTAMP(6) DEFAULT timezone('UTC'::text, now()),

    CONSTRAINT "letter_product_matches_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "processing_debug" (
    "id" SERIAL NOT NULL,
    "letter_id" INTEGER NOT NULL,
    "processing_step" TEXT NOT NULL,
    "step_timestamp" TIMESTAMP(6) DEFAULT timezone('UTC'::text, now()),
    "step_duration_ms" REAL,
    "step_success" BOOLEAN DEFAULT true,
    "step_details" TEXT,
    "error_message" TEXT,

    CONSTRAINT "processing_debug_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "idx_letters_source_path" ON "letters"("source_file_path");

-- CreateIndex
CREATE INDEX "idx_letters_status" ON "letters"("status");

-- CreateIndex
CREATE INDEX "idx_letters_file_hash" ON "letters"("file_hash");

-- CreateIndex
CREATE INDEX "idx_letters_created_at" ON "letters"("created_at");

-- CreateIndex
CREATE INDEX "idx_letters_document_name" ON "letters"("document_name");

-- CreateIndex
CREATE INDEX "idx_letters_raw_grok_gin" ON "letters" USING GIN ("raw_grok_json");

-- CreateIndex
CREATE INDEX "idx_letters_validation_details_gin" ON "letters" USING GIN ("validation_details_json");

-- CreateIndex
CREATE INDEX "idx_letters_created_at_status" ON "letters"("created_at", "status");

-- CreateIndex
CREATE INDEX "idx_letters_processed" ON "letters"("id") WHERE status = 'processed';

-- CreateIndex
CREATE INDEX "idx_letters_failed" ON "letters"("id") WHERE status = 'failed';

-- CreateIndex
CREATE INDEX "idx_letters_covering" ON "letters"("id", "document_name", "created_at", "status");

-- CreateIndex
CREATE INDEX "idx_letters_document_name_trgm" ON "letters" USING GIN ("document_name" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "idx_letters_document_title_trgm" ON "letters" USING GIN ("document_title" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "idx_letters_source_file_path_trgm" ON "letters" USING GIN ("source_file_path" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "idx_products_letter_id" ON "letter_products"("letter_id");

-- CreateIndex
CREATE INDEX "idx_products_range_label" ON "letter_products"("range_label");

-- CreateIndex
CREATE INDEX "idx_products_product_identifier" ON "letter_products"("product_identifier");

-- CreateIndex
CREATE INDEX "idx_products_letter_range" ON "letter_products"("letter_id", "range_label");

-- CreateIndex
CREATE INDEX "idx_matches_letter_id" ON "letter_product_matches"("letter_id");

-- CreateIndex
CREATE INDEX "idx_matches_product_id" ON "letter_product_matches"("letter_product_id");

-- CreateIndex
CREATE INDEX "idx_matches_ibcatalogue_id" ON "letter_product_matches"("ibcatalogue_product_identifier");

-- CreateIndex
CREATE INDEX "idx_matches_confidence" ON "letter_product_matches"("match_confidence");

-- CreateIndex
CREATE INDEX "idx_matches_confidence_type" ON "letter_product_matches"("match_confidence", "match_type");

-- CreateIndex
CREATE INDEX "idx_debug_letter_id" ON "processing_debug"("letter_id");

-- CreateIndex
CREATE INDEX "idx_debug_timestamp" ON "processing_debug"("step_timestamp");

-- CreateIndex
CREATE INDEX "idx_debug_step" ON "processing_debug"("processing_step");

-- AddForeignKey
ALTER TABLE "letter_products" ADD CONSTRAINT "letter_products_letter_id_fkey" FOREIGN KEY ("letter_id") REFERENCES "letters"("id") ON DELETE CASCADE ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "letter_product_matches" ADD CONSTRAINT "letter_product_matches_letter_id_fkey" FOREIGN KEY ("letter_id") REFERENCES "letters"("id") ON DELETE CASCADE ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "letter_product_matches" ADD CONSTRAINT "letter_product_matches_letter_product_id_fkey" FOREIGN KEY ("letter_product_id") REFERENCES "letter_products"("id") ON DELETE CASCADE ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "processing_debug" ADD CONSTRAINT "processing_debug_letter_id_fkey" FOREIGN KEY ("letter_id") REFERENCES "letters"("id") ON DELETE CASCADE ON UPDATE NO ACTION;

-- Raw SQL: Prisma's schema language cannot express triggers. Keeps letters.updated_at true for every
-- UPDATE, including plain SQL from other clients, in UTC whatever the session's TimeZone.
CREATE FUNCTION "letters_set_updated_at"() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    NEW."updated_at" := timezone('UTC'::text, now());
    RETURN NEW;
END;
$$;

CREATE TRIGGER "letters_set_updated_at"
    BEFORE UPDATE ON "letters"
    FOR EACH ROW
    EXECUTE FUNCTION "letters_set_updated_at"();
