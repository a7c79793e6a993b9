import type { DatabaseClient } from "../../src/client/database-client.ts";
import type { ReadRequest } from "./workload.ts";

/** One pipeline write; `worker` and `seq` make its file hash unique to the run. */
export type WriteOp = "write.create" | "write.setStatus" | "write.replaceByFileHash";

/** What the load generator drives: the web app's reads and the pipeline's writes on one setup. */
export interface Driver {
  readonly setup: "ours" | "seeds";
  read(request: ReadRequest): Promise<void>;
  /** Stores a new letter (5 products, 1 match, 2 debug steps) with this file hash; returns its id. */
  create(fileHash: string, seq: number): Promise<number>;
  /** Replaces the letters of this file hash with a new one. */
  replaceByFileHash(fileHash: string, seq: number): Promise<void>;
  setStatus(id: number, status: string): Promise<void>;
  close(): Promise<void>;
}

/** Prefix of the file hashes the bench's writers use; their letters are deleted before each scenario. */
export const WRITER_HASH_PREFIX = "bench-writer-";

/** A letter as the pipeline produces it, for both setups. */
export function pipelineLetter(fileHash: string, seq: number) {
  const code = ["MTZ", "LV4", "A9F", "ATV", "PIX"][seq % 5]!;
  const ident = `${code}${String((seq * 7919) % 1_000_000).padStart(6, "0")}W`;
  return {
    documentName: `${ident}_pipeline_${seq}.pdf`,
    documentType: "obsolescence_letter",
    documentTitle: `End of commercialization of ${["Masterpact", "Compact NSX", "Acti9", "Altivar", "PIX"][seq % 5]} (${ident})`,
    sourceFilePath: `/data/incoming/${ident}_pipeline_${seq}.pdf`,
    fileSize: 120_000 + seq,
    fileHash,
    processingTimeMs: 1500,
    extractionConfidence: 0.9,
    status: "processing",
    rawGrokJson: { document_type: "obsolescence_letter", ranges: ["Masterpact"], model: "grok-2" },
    products: Array.from({ length: 5 }, (_, index) => ({
      productIdentifier: `${ident}${index}`,
      rangeLabel: ["Masterpact", "Compact NSX", "Acti9", "Altivar", "PIX"][(seq + index) % 5]!,
      productDescription: `pipeline product ${index}`,
      confidenceScore: 0.8,
    })),
    matches: [{ productIndex: 0, ibcatalogueProductIdentifier: `${ident}0`, matchConfidence: 0.95, matchType: "exact" }],
    debugSteps: [
      { processingStep: "ocr", stepDurationMs: 800 },
      { processingStep: "extraction", stepDurationMs: 700 },
    ],
  };
}

/** Closes a client, ignoring a second close. */
export async function closeQuietly(client: DatabaseClient | undefined): Promise<void> {
  if (client) await client.close().catch(() => undefined);
}
