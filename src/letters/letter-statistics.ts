import { Prisma } from "../generated/prisma/client.ts";
import type { LetterStatistics, StatusCount } from "./letter-types.ts";

/** The row of {@link statisticsQuery}. */
export interface StatisticsRow {
  total_letters: number;
  processed_count: number;
  failed_count: number;
  avg_confidence: number | null;
  avg_processing_time: number | null;
  by_status: StatusCount[];
  total_products: number;
  total_matches: number;
}

/** One query for every figure, so they describe the same snapshot. */
export function statisticsQuery(): Prisma.Sql {
  return Prisma.sql`SELECT
      count(*)::int AS total_letters,
      count(*) FILTER (WHERE l.status = 'processed')::int AS processed_count,
      count(*) FILTER (WHERE l.status = 'failed')::int AS failed_count,
      avg(l.extraction_confidence)::float8 AS avg_confidence,
      avg(l.processing_time_ms)::float8 AS avg_processing_time,
      (SELECT coalesce(jsonb_agg(jsonb_build_object('status', s.status, 'count', s.count) ORDER BY s.count DESC, s.status NULLS LAST), '[]'::jsonb)
         FROM (SELECT status, count(*)::int AS count FROM letters GROUP BY status) s) AS by_status,
      (SELECT count(*)::int FROM letter_products) AS total_products,
      (SELECT count(*)::int FROM letter_product_matches) AS total_matches
    FROM letters l`;
}

/** Turns the row of {@link statisticsQuery} into {@link LetterStatistics}. */
export function toLetterStatistics(row: StatisticsRow): LetterStatistics {
  return {
    totalLetters: row.total_letters,
    processedCount: row.processed_count,
    failedCount: row.failed_count,
    byStatus: row.by_status,
    averageConfidence: row.avg_confidence,
    averageProcessingTimeMs: row.avg_processing_time,
    totalProducts: row.total_products,
    totalMatches: row.total_matches,
  };
}
