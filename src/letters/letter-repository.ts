import { ForeignKeyViolationError, NotFoundError } from "../errors.ts";
import type { Prisma, PrismaClient } from "../generated/prisma/client.ts";
import { decodeCursor } from "./keyset-cursor.ts";
import { readKeysetPage } from "./keyset-page.ts";
import { withMappedErrors } from "../map-database-error.ts";
import type { ExtendedPrismaClient } from "./extended-client.ts";
import { preferReplica } from "../client/read-routing.ts";
import { TRANSACTION_ATTEMPTS, readWithRetry, transactionWithRetry, writeOnce } from "./retry-policy.ts";
import { parseInput } from "./parse-input.ts";
import { LETTER_COLUMNS, toLetterRecord, type LetterRow } from "./letter-row.ts";
import {
  createLetterInputSchema,
  debugStepInputSchema,
  fileHashSchema,
  idListSchema,
  idSchema,
  letterIncludeSchema,
  replaceLetterInputSchema,
  statusSchema,
  type CreateLetterInput,
  type DebugStepInput,
  type LetterInclude,
  type ReplaceLetterInput,
} from "./letter-schemas.ts";
import { readOffsetPage, resolveOffsetWindows, type OffsetWindows } from "./offset-page.ts";
import { observeCall, type LetterRepositoryOptions, type RepositoryObserver } from "./repository-observer.ts";
import { cachedStatistics, statisticsOptionsSchema, type StatisticsOptions } from "./statistics-cache.ts";
import { letterCursorSearchInputSchema, letterSearchInputSchema, type LetterCursorSearchInput, type LetterSearchInput } from "./letter-search-schemas.ts";
import { statisticsQuery, toLetterStatistics, type StatisticsRow } from "./letter-statistics.ts";
import { definedOnly, insertLetterGraph, type Queryable } from "./letter-store.ts";
import { selectLetterWith } from "./letter-with-children-query.ts";
import type {
  DebugStepRecord,
  IncludeAll,
  LetterCursorPage,
  LetterPage,
  LetterRecord,
  LetterStatistics,
  LetterWith,
  LetterWithChildren,
  ReplaceResult,
} from "./letter-types.ts";

/**
 * What a {@link LetterRepository} runs on: the package's Prisma client (`connectDatabase().prisma`, with or
 * without replicas), a transaction client of it, or an extended client (`$extends`) of either.
 */
export type LetterRepositoryClient = PrismaClient | Prisma.TransactionClient | ExtendedPrismaClient;

/**
 * Whether `client` is a full Prisma client rather than the transaction client of `prisma.$transaction(async
 * (tx) => …)`. A transaction client lacks `$connect`; it does have `$transaction` in Prisma 7 (nested
 * transactions), so that cannot tell them apart.
 */
function isFullClient(client: PrismaClient | Prisma.TransactionClient): client is PrismaClient {
  return "$connect" in client;
}

const INCLUDE_ALL: IncludeAll = { products: true, matches: true, debugSteps: true };
// Key space of the advisory locks that serialize writers of one file hash (two-int keys do not collide
// with the single-bigint key the migrator locks).
const FILE_HASH_LOCK_SPACE = 1_936_027_000;

/**
 * Typed access to letters and their products, catalogue matches and processing-debug steps. Every
 * input is validated before any query runs; every database error comes out as one of the package's
 * errors (see `src/errors.ts`), with the original as `cause`.
 *
 * Built on the client of {@link connectDatabase} (create it once per process), or on a transaction
 * client inside `prisma.$transaction(async (tx) => …)`, in which case its writes join that transaction.
 *
 * Failures: on the full client, reads are retried once when their connection was lost (reset, server
 * restart, terminated backend), never after a timeout; writes are never retried, and one whose
 * connection broke after it was sent fails with {@link WriteOutcomeUnknownError}. The repository's own
 * transactions (`create`, `createOrReplaceByFileHash`) are rerun, up to 4 tries in all, when PostgreSQL
 * aborts them for a deadlock or serialization failure. In a caller's transaction nothing is retried.
 * Safe to retry after an unknown outcome: `createOrReplaceByFileHash`, `setStatus`, `delete`,
 * `deleteMany`. Not safe blindly: `create`, `appendDebugStep`.
 *
 * @example
 * const db = await connectDatabase();
 * const letters = new LetterRepository(db.prisma);
 * const stored = await letters.createOrReplaceByFileHash({
 *   documentName: "PIX_obsolescence.pdf",
 *   sourceFilePath: "/letters/PIX_obsolescence.pdf",
 *   fileHash: "sha256:…",
 *   products: [{ productIdentifier: "PIX36", rangeLabel: "PIX" }],
 *   matches: [{ productIndex: 0, ibcatalogueProductIdentifier: "PIX36-123", matchConfidence: 0.92 }],
 * });
 * const page = await letters.search({ query: "pix", status: "processed", page: 1, limit: 25 });
 * await db.close(); // on shutdown
 */
export class LetterRepository {
  // An extended client is the same client at run time, its model methods typed anew by its extensions.
  readonly #client: PrismaClient | Prisma.TransactionClient;
  readonly #offsetWindows: OffsetWindows;
  readonly #observer: RepositoryObserver | undefined;

  /**
   * @param client `connectDatabase().prisma`, or a transaction client of it.
   * @param options how deep `search()` serves pages by number (see {@link OffsetPageOptions}), and an
   *   `observer` told of each call (see {@link LetterRepositoryOptions}).
   * @throws {ValidationError} when an option is invalid.
   */
  constructor(client: LetterRepositoryClient, options: LetterRepositoryOptions = {}) {
    const { observer, ...windows } = options;
    this.#client = client as PrismaClient | Prisma.TransactionClient;
    this.#offsetWindows = resolveOffsetWindows(windows);
    this.#observer = observer;
  }

  /**
   * Stores a letter with its products, matches and debug steps in one transaction. Matches name their
   * product by `productIndex`, its position in `products`. JSON fields: left out = SQL NULL, `null` =
   * JSON `null`.
   *
   * @returns the stored letter with all ids and children.
   * @throws {ValidationError} when the input is invalid (every bad field listed; nothing is sent to the database).
   * @throws {UniqueConflictError} / {ForeignKeyViolationError} when a constraint refuses the rows.
   * @throws {DatabaseUnavailableError} when PostgreSQL cannot be reached; nothing was written.
   * @throws {QueryTimeoutError} when a timeout fires before the commit; nothing was written.
   * @throws {TransactionConflictError} when a deadlock or serialization failure persisted after the retries (never retried in a caller's transaction).
   * @throws {WriteOutcomeUnknownError} when the connection was lost while committing: it may have been applied. Not safe to retry blindly: look for the letter first, or a retry may store it twice.
   */
  async create(input: CreateLetterInput): Promise<LetterWithChildren> {
    const data = parseInput(createLetterInputSchema, input, "letter");
    return this.#transaction("create", async (tx) => {
      const id = await insertLetterGraph(tx, data);
      return (await selectLetterWith(tx, id, INCLUDE_ALL))!;
    });
  }

  /**
   * Every letter stored with this file hash, newest first. Usually zero or one; history imported from
   * the old pipeline may hold several.
   *
   * @throws {ValidationError} when `fileHash` is empty.
   * @throws {DatabaseUnavailableError} when PostgreSQL cannot be reached (a lost connection is first retried once).
   * @throws {QueryTimeoutError} when the statement timeout or the client's `queryTimeoutMs` fires.
   */
  async findByFileHash(fileHash: string): Promise<LetterRecord[]> {
    const hash = parseInput(fileHashSchema, fileHash, "file hash");
    return this.#read("findByFileHash", async (client) => {
      const rows = await client.$queryRaw<LetterRow[]>`SELECT ${LETTER_COLUMNS} FROM letters l
        WHERE l.file_hash = ${hash} ORDER BY l.created_at DESC NULLS LAST, l.id DESC`;
      return rows.map(toLetterRecord);
    });
  }

  /**
   * Idempotent ingest: in one transaction, deletes every letter with `input.fileHash` (their children
   * go with them) and stores `input`. Concurrent calls for one hash are serialized by an advisory lock,
   * so however many workers ingest a file at once, exactly one letter is left. Inside a caller's
   * transaction, that transaction must be READ COMMITTED (the default).
   *
   * @throws {ValidationError} when the input is invalid or has no `fileHash`.
   * @throws {UniqueConflictError} / {ForeignKeyViolationError} when a constraint refuses the rows.
   * @throws {DatabaseUnavailableError} when PostgreSQL cannot be reached; nothing was written.
   * @throws {QueryTimeoutError} when a timeout fires before the commit; nothing was written.
   * @throws {TransactionConflictError} when a deadlock or serialization failure persisted after the retries (never retried in a caller's transaction).
   * @throws {WriteOutcomeUnknownError} when the connection was lost while committing: it may have been applied. Safe to retry: a retry replaces whatever the first attempt stored.
   */
  async createOrReplaceByFileHash(input: ReplaceLetterInput): Promise<ReplaceResult> {
    const data = parseInput(replaceLetterInputSchema, input, "letter");
    return this.#transaction("createOrReplaceByFileHash", async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${FILE_HASH_LOCK_SPACE}::int, hashtext(${data.fileHash}))`;
      const replaced = await tx.$queryRaw<{ id: number }[]>`DELETE FROM letters WHERE file_hash = ${data.fileHash} RETURNING id`;
      const id = await insertLetterGraph(tx, data);
      const letter = (await selectLetterWith(tx, id, INCLUDE_ALL))!;
      return { letter, replacedIds: replaced.map((row) => row.id).sort((a, b) => a - b) };
    });
  }

  /**
   * The letter with this id, with the children `include` asks for, or `null` when there is none. The
   * letter and its children are read by one statement, so from one snapshot: they always belong
   * together, even while the pipeline replaces or deletes the letter.
   *
   * @throws {ValidationError} when `id` is not a positive integer or `include` has unknown keys.
   * @throws {DatabaseUnavailableError} when PostgreSQL cannot be reached (a lost connection is first retried once).
   * @throws {QueryTimeoutError} when the statement timeout or the client's `queryTimeoutMs` fires.
   */
  async findById<const I extends LetterInclude = {}>(id: number, include?: I): Promise<LetterWith<I> | null> {
    const letterId = parseInput(idSchema, id, "letter id");
    const children = parseInput(letterIncludeSchema.optional(), include, "include");
    // Prepared only on a full client: in a caller's transaction a stale prepared statement would abort it.
    const prepare = isFullClient(this.#client);
    return this.#read("findById", (client) => selectLetterWith(client, letterId, children, prepare) as Promise<LetterWith<I> | null>);
  }

  /**
   * Like {@link findById}, but a missing letter is an error.
   *
   * @throws {NotFoundError} when no letter has this id.
   * @throws {ValidationError} when `id` is not a positive integer or `include` has unknown keys.
   * @throws {DatabaseUnavailableError} when PostgreSQL cannot be reached (a lost connection is first retried once).
   * @throws {QueryTimeoutError} when the statement timeout or the client's `queryTimeoutMs` fires.
   */
  async getById<const I extends LetterInclude = {}>(id: number, include?: I): Promise<LetterWith<I>> {
    const letter = await this.findById(id, include);
    if (letter === null) throw new NotFoundError("letter", id);
    return letter;
  }

  /**
   * Page/limit search, the seeds' `searchLetters`/`search_letters`: filters, a whitelisted sort (then
   * id), `{ data, total, totalExact, page, limit, totalPages }`. Under concurrent inserts a page/limit
   * walk sees each existing row once only when new rows sort after them (ascending `createdAt` or `id`);
   * otherwise use {@link searchByCursor}.
   *
   * A page is served when it starts within the first `maxOffset` letters of the order or ends within
   * the last `maxOffset` (100,000 by default; `maxFilteredOffset`, 1,000, when a filter must be tested on
   * the table, e.g. a text query): see {@link OffsetPageOptions}. Pages from the end are read backwards,
   * so the last page costs what the first costs.
   *
   * `total` is exact up to twice the window (`EXACT_TOTAL_LIMIT`, 2,000, for a text search); beyond
   * that it is PostgreSQL's planner estimate and `totalExact` is `false`, because an exact count of a
   * large match set costs a scan of all of it; then pages near the end are numbered back from
   * `totalPages`, whose page holds the last `limit` letters. `page: -1` is the last page (-2 the one
   * before), however the estimate moved since the caller's last reply: use it for a "last page" link.
   * A page past the end of an exact total comes back empty, with the total; a page number past an
   * estimated `totalPages` returns the last page (its number in `page`).
   *
   * @throws {ValidationError} when a filter, the sort key or direction, `page` or `limit` (1–100) is
   *   invalid, or when `page` is beyond both windows (the message names the pages served).
   * @throws {DatabaseUnavailableError} when PostgreSQL cannot be reached (a lost connection is first retried once).
   * @throws {QueryTimeoutError} when the statement timeout or the client's `queryTimeoutMs` fires.
   */
  async search(input: LetterSearchInput = {}): Promise<LetterPage> {
    const { page, ...filters } = parseInput(letterSearchInputSchema, input, "search");
    return this.#read("search", (client) => readOffsetPage(client, filters, page, this.#offsetWindows));
  }

  /**
   * Keyset search: the same filters and sort as {@link search}, paged by an opaque cursor instead of
   * an offset. Each page costs the same however deep it is, and a walk sees every row that existed
   * when it started exactly once, whatever is inserted meanwhile.
   *
   * @throws {ValidationError} when a filter, the sort, `limit` or the cursor is invalid, or the cursor was issued for another sort.
   * @throws {DatabaseUnavailableError} when PostgreSQL cannot be reached (a lost connection is first retried once).
   * @throws {QueryTimeoutError} when the statement timeout or the client's `queryTimeoutMs` fires.
   */
  async searchByCursor(input: LetterCursorSearchInput = {}): Promise<LetterCursorPage> {
    const { cursor, ...filters } = parseInput(letterCursorSearchInputSchema, input, "search");
    const position = cursor === undefined ? undefined : decodeCursor(cursor, filters.sortBy, filters.sortOrder);
    return this.#read("searchByCursor", (client) => readKeysetPage(client, filters, position));
  }

  /**
   * The seeds' `getLetterStatistics` (totals by status, average confidence and processing time), plus
   * the numbers of products and matches. The figures scan every letter, product and match (about a
   * second on a million letters), so a dashboard should pass `maxAgeMs`: figures at most that old come
   * from a cache shared by every repository on the same client, and older ones are returned at once
   * while one refresh runs in the background, without parallel workers so that it keeps to one CPU
   * core. On a transaction client the cache is never used.
   *
   * @param options.maxAgeMs How old cached figures may be, in milliseconds (0 to 86,400,000). Defaults to `0`: computed on every call.
   * @throws {ValidationError} when `maxAgeMs` is invalid.
   * @throws {DatabaseUnavailableError} when PostgreSQL cannot be reached (a lost connection is first retried once).
   * @throws {QueryTimeoutError} when the statement timeout or the client's `queryTimeoutMs` fires.
   * @example
   * const stats = await letters.getStatistics({ maxAgeMs: 10_000 }); // a dashboard tile
   */
  async getStatistics(options: StatisticsOptions = {}): Promise<LetterStatistics> {
    const { maxAgeMs } = parseInput(statisticsOptionsSchema, options, "statistics options");
    const client = this.#client;
    if (maxAgeMs > 0 && isFullClient(client)) {
      // A cached refresh runs in the background, where its latency matters less than the requests it
      // would slow down: without parallel workers it keeps to one core instead of taking them all.
      const refresh = () =>
        withMappedErrors(() =>
          client.$transaction(async (tx) => {
            await tx.$executeRaw`SET LOCAL max_parallel_workers_per_gather = 0`;
            const [row] = await tx.$queryRaw<StatisticsRow[]>(statisticsQuery());
            return toLetterStatistics(row!);
          }),
        );
      return this.#observed("getStatistics", () => cachedStatistics(client, maxAgeMs, refresh));
    }
    return this.#read("getStatistics", async (queryable) => {
      const [row] = await queryable.$queryRaw<StatisticsRow[]>(statisticsQuery());
      return toLetterStatistics(row!);
    });
  }

  /**
   * Sets a letter's status; the database moves its `updatedAt` to now.
   *
   * @returns the updated letter.
   * @throws {NotFoundError} when no letter has this id.
   * @throws {ValidationError} when `id` or `status` (non-empty, at most 100 characters) is invalid.
   * @throws {DatabaseUnavailableError} when PostgreSQL cannot be reached before the statement was sent; nothing was written.
   * @throws {QueryTimeoutError} when the statement timeout fires (nothing was written).
   * @throws {WriteOutcomeUnknownError} when the connection was lost (or the client's `queryTimeoutMs` fired) after the statement was sent: it may have been applied. Safe to retry: setting the same status again gives the same letter.
   */
  async setStatus(id: number, status: string): Promise<LetterRecord> {
    const letterId = parseInput(idSchema, id, "letter id");
    const newStatus = parseInput(statusSchema, status, "status");
    return this.#write("setStatus", async (client) => {
      const rows = await client.$queryRaw<LetterRow[]>`UPDATE letters AS l SET status = ${newStatus}
        WHERE l.id = ${letterId} RETURNING ${LETTER_COLUMNS}`;
      if (rows[0] === undefined) throw new NotFoundError("letter", letterId);
      return toLetterRecord(rows[0]);
    });
  }

  /**
   * Appends a processing-debug step to a letter.
   *
   * @returns the stored step with its id.
   * @throws {NotFoundError} when no letter has this id.
   * @throws {ValidationError} when `letterId` or the step is invalid.
   * @throws {DatabaseUnavailableError} when PostgreSQL cannot be reached before the statement was sent; nothing was written.
   * @throws {QueryTimeoutError} when the statement timeout fires (nothing was written).
   * @throws {WriteOutcomeUnknownError} when the connection was lost (or the client's `queryTimeoutMs` fired) after the statement was sent: it may have been applied. Not safe to retry blindly: a retry may append the step twice.
   */
  async appendDebugStep(letterId: number, step: DebugStepInput): Promise<DebugStepRecord> {
    const id = parseInput(idSchema, letterId, "letter id");
    const data = parseInput(debugStepInputSchema, step, "debug step");
    try {
      return await this.#write("appendDebugStep", (client) =>
        client.processingDebug.create({ data: { ...definedOnly(data), letterId: id } }),
      );
    } catch (error) {
      if (error instanceof ForeignKeyViolationError) throw new NotFoundError("letter", id, { cause: error });
      throw error;
    }
  }

  /**
   * Deletes a letter; its products, matches and debug steps go with it (ON DELETE CASCADE).
   *
   * @throws {NotFoundError} when no letter has this id.
   * @throws {ValidationError} when `id` is not a positive integer.
   * @throws {DatabaseUnavailableError} when PostgreSQL cannot be reached before the statement was sent; nothing was written.
   * @throws {QueryTimeoutError} when the statement timeout fires (nothing was written).
   * @throws {WriteOutcomeUnknownError} when the connection was lost (or the client's `queryTimeoutMs` fired) after the statement was sent: it may have been applied. Safe to retry: a retry after the first one succeeded gives NotFoundError.
   */
  async delete(id: number): Promise<void> {
    const letterId = parseInput(idSchema, id, "letter id");
    const { count } = await this.#write("delete", (client) => client.letter.deleteMany({ where: { id: letterId } }));
    if (count === 0) throw new NotFoundError("letter", letterId);
  }

  /**
   * Deletes the letters with these ids (and their children) in one statement. Ids that do not exist are skipped.
   *
   * @returns how many letters were deleted.
   * @throws {ValidationError} when an id is not a positive integer, or more than 10,000 are given.
   * @throws {DatabaseUnavailableError} when PostgreSQL cannot be reached before the statement was sent; nothing was written.
   * @throws {QueryTimeoutError} when the statement timeout fires (nothing was written).
   * @throws {WriteOutcomeUnknownError} when the connection was lost (or the client's `queryTimeoutMs` fired) after the statement was sent: it may have been applied. Safe to retry: a retry deletes what is left (its count may differ).
   */
  async deleteMany(ids: readonly number[]): Promise<number> {
    const letterIds = parseInput(idListSchema, ids, "letter ids");
    if (letterIds.length === 0) return 0;
    const { count } = await this.#write("deleteMany", (client) => client.letter.deleteMany({ where: { id: { in: letterIds } } }));
    return count;
  }

  /**
   * Runs an idempotent read on the client, with database errors mapped. On a full client a lost
   * connection is retried once on another; in a caller's transaction nothing is retried (the
   * transaction died with its connection).
   */
  #read<T>(operation: string, work: (client: Queryable) => Promise<T>): Promise<T> {
    // On a client with replicas, a read outside a transaction may go to one (see connectDatabase's `replicas`).
    return this.#observed(operation, () => preferReplica(() => readWithRetry(() => work(this.#client), isFullClient(this.#client))));
  }

  /**
   * Runs a one-statement write, never retried, with database errors mapped. On a full client a
   * connection lost after the statement was sent gives {@link WriteOutcomeUnknownError}; in a caller's
   * transaction the caller's commit decides, so errors are only mapped.
   */
  #write<T>(operation: string, work: (client: Queryable) => Promise<T>): Promise<T> {
    const client = this.#client;
    return this.#observed(operation, () => (isFullClient(client) ? writeOnce(operation, () => work(client)) : withMappedErrors(() => work(client))));
  }

  /**
   * Runs `work` in a transaction. On a full client it is the repository's own: rerun on a deadlock or
   * serialization failure (up to {@link TRANSACTION_ATTEMPTS} tries), and a connection lost while
   * committing gives {@link WriteOutcomeUnknownError}. On a transaction client it is nested in the
   * caller's (Prisma 7 gives transaction clients a `$transaction` of their own), commits or rolls back
   * with it, and is never rerun.
   */
  #transaction<T>(operation: string, work: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = this.#client;
    return this.#observed(operation, () =>
      isFullClient(client)
        ? transactionWithRetry(operation, (body) => client.$transaction(body), work, TRANSACTION_ATTEMPTS)
        : withMappedErrors(() => ("$transaction" in client ? client.$transaction(work) : work(client))),
    );
  }

  /** Runs a call, timed and told to the observer when there is one; without one, just runs it. */
  #observed<T>(operation: string, call: () => Promise<T>): Promise<T> {
    return this.#observer === undefined ? call() : observeCall(this.#observer, operation, call);
  }
}
