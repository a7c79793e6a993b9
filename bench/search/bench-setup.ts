import { withClient } from "./bench-database.ts";
import type { BenchOptions } from "./bench-options.ts";
import { prepareDatabase, type BenchDatabase } from "./dataset.ts";
import type { Driver } from "./drivers.ts";
import { LastPages } from "./last-pages.ts";
import { DEEP_PAGE_OPS, READ_MIX, lastPageSpecs, loadWorkloadData, requestFor, seededRandom, type WorkloadData } from "./workload.ts";

/** Both databases (loaded in parallel when new) and the mix's parameters, read from the first. */
export async function loadBenchData(options: BenchOptions): Promise<{ databases: BenchDatabase[]; data: WorkloadData }> {
  const log = (line: string) => console.log(`   ${line}`);
  const databases = await Promise.all(options.setups.map((setup) => prepareDatabase(options.adminUrl, setup, options.letters, { rebuild: options.rebuild, log })));
  const data = await withClient(databases[0]!.url, (client) => loadWorkloadData(client, options.letters));
  console.log(`data set: ${options.letters} letters, ${options.letters * 5} products, ${options.letters} matches; ${data.identifierTerms.length} identifier terms, ${data.deepPositions.length} deep positions`);
  return { databases, data };
}

/**
 * Two passes over every read operation, deep pages included, sequentially: opens the pool's connections,
 * warms caches and gives each driver the `totalPages` its "last page" requests name.
 */
export async function warmUp(driver: Driver, data: WorkloadData): Promise<void> {
  const lastPages = new LastPages(driver.setup);
  for (const spec of lastPageSpecs(data)) {
    if (driver.setup === "seeds" && !lastPages.knows(spec)) await driver.read({ op: "warm-up", kind: "offset", spec, page: 1 });
  }
  const random = seededRandom(7);
  for (let pass = 0; pass < 2; pass++) {
    for (const op of [...READ_MIX.map(([name]) => name), ...DEEP_PAGE_OPS]) await driver.read(requestFor(op, random, data));
  }
}
