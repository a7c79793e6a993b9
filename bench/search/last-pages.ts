import type { SearchSpec } from "./workload.ts";

/** totalPages of each setup's latest reply per search, kept for the whole run (drivers come and go). */
const REPLIES = new Map<string, Map<string, number>>();

/**
 * What a setup's web app knows of each search for its "last page" link: `totalPages` of its latest reply
 * to that search (the seeds' web app, whose total is a COUNT(*); ours asks for page -1 instead). Shared
 * by the drivers of one setup.
 */
export class LastPages {
  readonly #totalPages: Map<string, number>;

  constructor(setup: string) {
    this.#totalPages = REPLIES.get(setup) ?? new Map();
    REPLIES.set(setup, this.#totalPages);
  }

  /** Whether a reply to `spec` was seen (the warm-up reads page 1 of every search a "last" request names). */
  knows(spec: SearchSpec): boolean {
    return this.#totalPages.has(JSON.stringify(spec));
  }

  /**
   * The page number to ask for: `page` itself, or for `"last"` the remembered `totalPages` (after reading
   * the first page with `readFirstPage` when this search was never answered, as a user lands there first).
   */
  async resolve(spec: SearchSpec, page: number | "last", readFirstPage: () => Promise<number>): Promise<number> {
    if (page !== "last") return page;
    const key = JSON.stringify(spec);
    const known = this.#totalPages.get(key) ?? (await readFirstPage());
    this.#totalPages.set(key, known);
    return Math.max(1, known);
  }

  /** Records a reply's `totalPages` for `spec`. */
  remember(spec: SearchSpec, totalPages: number): void {
    this.#totalPages.set(JSON.stringify(spec), totalPages);
  }
}
