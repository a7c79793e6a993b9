import pg from "pg";
import type { Driver } from "./drivers.ts";
import { pipelineLetter } from "./drivers.ts";
import { LastPages } from "./last-pages.ts";
import { PAGE_LIMIT, type ReadRequest, type SearchSpec } from "./workload.ts";

/** The seeds' column for each of our sort keys (the web app passes column names through). */
const SEEDS_SORT_COLUMNS: Record<SearchSpec["sortBy"], string> = {
  createdAt: "created_at",
  updatedAt: "updated_at",
  documentName: "document_name",
  documentTitle: "document_title",
  documentType: "document_type",
  status: "status",
  extractionConfidence: "extraction_confidence",
  processingTimeMs: "processing_time_ms",
  fileSize: "file_size",
  id: "id",
};

/**
 * The seeds' web app (`webapp/src/lib/database.ts`, HighPerformanceDatabase): a pg Pool of 20 with a
 * 2 s connection timeout, a connect/query/release per statement, `searchLetters` with a COUNT(*) and an
 * OFFSET page, `getLetterStatistics`. What the seeds lack is written in their style: a status filter
 * (an extra `WHERE status = $n`), the deep keyset page (the seeds can only OFFSET to the same depth),
 * get-by-id (`SELECT *` of the letter and of each child table) and the pipeline's INSERT/DELETE/UPDATE.
 */
export function seedsDriver(url: string): Driver {
  const pool = new pg.Pool({ connectionString: url, max: 20, idleTimeoutMillis: 30000, connectionTimeoutMillis: 2000, application_name: "bench-seeds-web" });
  const writerPool = new pg.Pool({ connectionString: url, max: 4, idleTimeoutMillis: 30000, connectionTimeoutMillis: 2000, application_name: "bench-seeds-pipeline" });
  const lastPages = new LastPages("seeds");
  pool.on("error", () => undefined);
  writerPool.on("error", () => undefined);

  const query = async (sql: string, params: unknown[] = []) => {
    const client = await pool.connect();
    try {
      return (await client.query(sql, params)).rows;
    } finally {
      client.release();
    }
  };

  // searchLetters, verbatim but for the status filter this benchmark adds.
  const searchLetters = async (spec: SearchSpec, page: number, offsetOverride?: number) => {
    const limit = PAGE_LIMIT;
    const search = spec.query ?? "";
    let whereClause = "";
    let queryParams: unknown[] = [];
    if (search.trim()) {
      whereClause = `
        WHERE document_name ILIKE $1 
           OR document_title ILIKE $1 
           OR source_file_path ILIKE $1
      `;
      queryParams = [`%${search}%`];
    }
    if (spec.status) {
      whereClause = whereClause ? `${whereClause.replace("WHERE", "WHERE (")}) AND status = $2` : "WHERE status = $1";
      queryParams.push(spec.status);
    }
    const countSql = `
      SELECT COUNT(*) as total
      FROM letters
      ${whereClause}
    `;
    const countResult = await query(countSql, queryParams);
    const total = countResult[0]?.total || 0;
    const offset = offsetOverride ?? (page - 1) * limit;
    const dataSql = `
      SELECT 
        id,
        document_name,
        document_title,
        source_file_path,
        processing_time_ms,
        extraction_confidence,
        created_at,
        status
      FROM letters
      ${whereClause}
      ORDER BY ${SEEDS_SORT_COLUMNS[spec.sortBy]} ${spec.sortOrder.toUpperCase()}
      LIMIT $${queryParams.length + 1} OFFSET $${queryParams.length + 2}
    `;
    const data = await query(dataSql, [...queryParams, limit, offset]);
    return { data, total };
  };

  const insertLetter = async (client: pg.PoolClient, fileHash: string, seq: number): Promise<number> => {
    const letter = pipelineLetter(fileHash, seq);
    const inserted = await client.query(
      `INSERT INTO letters (document_name, document_type, document_title, source_file_path, file_size, file_hash,
         processing_method, processing_time_ms, extraction_confidence, status, raw_grok_json)
       VALUES ($1, $2, $3, $4, $5, $6, 'production_pipeline', $7, $8, $9, $10) RETURNING id`,
      [letter.documentName, letter.documentType, letter.documentTitle, letter.sourceFilePath, letter.fileSize, fileHash,
        letter.processingTimeMs, letter.extractionConfidence, letter.status, JSON.stringify(letter.rawGrokJson)],
    );
    const id: number = inserted.rows[0].id;
    const productIds: number[] = [];
    for (const product of letter.products) {
      const row = await client.query(
        `INSERT INTO letter_products (letter_id, product_identifier, range_label, product_description, confidence_score)
         VALUES ($1, $2, $3, $4, $5) RETURNING id`,
        [id, product.productIdentifier, product.rangeLabel, product.productDescription, product.confidenceScore],
      );
      productIds.push(row.rows[0].id);
    }
    for (const match of letter.matches) {
      await client.query(
        `INSERT INTO letter_product_matches (letter_id, letter_product_id, ibcatalogue_product_identifier, match_confidence, match_type)
         VALUES ($1, $2, $3, $4, $5)`,
        [id, productIds[match.productIndex], match.ibcatalogueProductIdentifier, match.matchConfidence, match.matchType],
      );
    }
    for (const step of letter.debugSteps) {
      await client.query(`INSERT INTO processing_debug (letter_id, processing_step, step_duration_ms) VALUES ($1, $2, $3)`, [id, step.processingStep, step.stepDurationMs]);
    }
    return id;
  };

  const inTransaction = async <T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> => {
    const client = await writerPool.connect();
    try {
      await client.query("BEGIN");
      const result = await work(client);
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  };

  return {
    setup: "seeds",
    async read(request: ReadRequest) {
      switch (request.kind) {
        case "offset": {
          const spec = request.spec;
          const page = await lastPages.resolve(spec, request.page, async () => Math.ceil(Number((await searchLetters(spec, 1)).total) / PAGE_LIMIT));
          lastPages.remember(spec, Math.ceil(Number((await searchLetters(spec, page)).total) / PAGE_LIMIT));
          return;
        }
        case "cursor":
          await searchLetters(request.spec, 1, request.position?.depth ?? 0);
          return;
        case "statistics":
          await query(`
      SELECT 
        COUNT(*) as total_letters,
        COUNT(CASE WHEN status = 'processed' THEN 1 END) as processed_count,
        COUNT(CASE WHEN status = 'failed' THEN 1 END) as failed_count,
        AVG(extraction_confidence) as avg_confidence,
        AVG(processing_time_ms) as avg_processing_time
      FROM letters
    `);
          return;
        case "getById":
          await query("SELECT * FROM letters WHERE id = $1", [request.id]);
          await query("SELECT * FROM letter_products WHERE letter_id = $1 ORDER BY id", [request.id]);
          await query("SELECT * FROM letter_product_matches WHERE letter_id = $1 ORDER BY id", [request.id]);
          await query("SELECT * FROM processing_debug WHERE letter_id = $1 ORDER BY id", [request.id]);
          return;
      }
    },
    create(fileHash, seq) {
      return inTransaction((client) => insertLetter(client, fileHash, seq));
    },
    async replaceByFileHash(fileHash, seq) {
      await inTransaction(async (client) => {
        await client.query("DELETE FROM letters WHERE file_hash = $1", [fileHash]);
        await insertLetter(client, fileHash, seq);
      });
    },
    async setStatus(id, status) {
      const client = await writerPool.connect();
      try {
        await client.query("UPDATE letters SET status = $1, updated_at = CURRENT_TIMESTAMP WHERE id = $2", [status, id]);
      } finally {
        client.release();
      }
    },
    async close() {
      await Promise.allSettled([pool.end(), writerPool.end()]);
    },
  };
}
