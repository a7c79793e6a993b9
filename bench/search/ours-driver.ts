import { connectDatabase, type DatabaseClient } from "../../src/client/database-client.ts";
import { encodeCursor } from "../../src/letters/keyset-cursor.ts";
import { LetterRepository } from "../../src/letters/letter-repository.ts";
import type { Driver } from "./drivers.ts";
import { pipelineLetter } from "./drivers.ts";
import { PAGE_LIMIT, type ReadRequest } from "./workload.ts";

/** How old the web app's dashboard lets statistics be. */
export const STATISTICS_MAX_AGE_MS = 30_000;

export interface OursOptions {
  url: string;
  /** Connections of the web app's pool. */
  poolSize: number;
  /** Connections of the pipeline's pool (a separate process in production). */
  writerPoolSize: number;
  /** Whether the read by id runs as a prepared statement (the package's default). */
  preparedStatements: boolean;
  /** Called when an idle pooled connection fails. Defaults to the package's one-line warning on stderr. */
  onPoolError?: (error: Error) => void;
  /** Read replicas of the web app's client (`replicas` of connectDatabase). Defaults to none. */
  replicas?: string[];
}

/** The ours driver, and the web app's client for its read routing figures. */
export type OursDriver = Driver & { readonly web: DatabaseClient };

/** The package as the web app and the pipeline use it: one client each, a LetterRepository on each. */
export async function oursDriver(options: OursOptions): Promise<OursDriver> {
  const common = { databaseUrl: options.url, env: {}, connectionTimeoutMs: 2000, preparedStatements: options.preparedStatements, ...(options.onPoolError ? { onPoolError: options.onPoolError } : {}) };
  const web = await connectDatabase({ ...common, poolSize: options.poolSize, applicationName: "bench-ours-web", ...(options.replicas ? { replicas: options.replicas } : {}) });
  const pipeline = await connectDatabase({ ...common, poolSize: options.writerPoolSize, applicationName: "bench-ours-pipeline" });
  const reads = new LetterRepository(web.prisma);
  const writes = new LetterRepository(pipeline.prisma);
  return {
    setup: "ours",
    web,
    async read(request: ReadRequest) {
      switch (request.kind) {
        case "offset": {
          const { query, status, sortBy, sortOrder } = request.spec;
          // The web app's "last page" link is page -1: the last page however the estimated total moved.
          const page = request.page === "last" ? -1 : request.page;
          await reads.search({ ...(query ? { query } : {}), ...(status ? { status } : {}), sortBy, sortOrder, page, limit: PAGE_LIMIT });
          return;
        }
        case "cursor": {
          const { query, status, sortBy, sortOrder } = request.spec;
          const position = request.position;
          const cursor = position ? encodeCursor({ sortBy, sortOrder, value: position.value, id: position.id }) : undefined;
          await reads.searchByCursor({ ...(query ? { query } : {}), ...(status ? { status } : {}), sortBy, sortOrder, limit: PAGE_LIMIT, ...(cursor ? { cursor } : {}) });
          return;
        }
        case "statistics":
          // The dashboard's use: figures at most STATISTICS_MAX_AGE_MS old, refreshed in the background.
          await reads.getStatistics({ maxAgeMs: request.fresh ? 0 : STATISTICS_MAX_AGE_MS });
          return;
        case "getById":
          await reads.findById(request.id, { products: true, matches: true, debugSteps: true });
          return;
      }
    },
    async create(fileHash, seq) {
      return (await writes.create(pipelineLetter(fileHash, seq))).id;
    },
    async replaceByFileHash(fileHash, seq) {
      await writes.createOrReplaceByFileHash(pipelineLetter(fileHash, seq));
    },
    async setStatus(id, status) {
      await writes.setStatus(id, status);
    },
    async close() {
      await Promise.allSettled([web.close(), pipeline.close()]);
    },
  };
}
