// The scaling-out examples proposed for README.md (read replicas, read-your-writes, PgBouncer), kept here
// so that `tsc --noEmit` checks them. Keep them in step.
import { connectDatabase, isDatabaseError, LetterRepository, migrate, onPrimary } from "../../src/index.ts";

// --- read replicas: reads of the repository go to a replica within the lag bound, writes to the primary ---
export async function replicas(id: number): Promise<void> {
  const db = await connectDatabase({
    replicas: ["postgresql://reader:secret@replica-1:5432/se_letters"], // or DATABASE_REPLICA_URLS=url1,url2
    maxReplicaLagMs: 1_000, // DB_REPLICA_MAX_LAG=1 (seconds); the default
  });
  const letters = new LetterRepository(db.prisma);
  await letters.search({ query: "pix" }); // a replica at most 1 s behind, else the primary
  await letters.setStatus(id, "processed"); // the primary
  const fresh = await db.primaryScope(() => letters.getById(id)); // read-your-writes: "processed"
  // A whole request after a write: every repository call awaited inside reads the primary.
  await onPrimary(async () => {
    await letters.appendDebugStep(id, { processingStep: "review" });
    return letters.getById(id, { debugSteps: true });
  });
  console.log(fresh.status, db.replicaStatus(), db.readCounts()); // [{ target, state: "serving", lagMs, … }], { replica, primary }
  await db.close();
}

// --- PgBouncer in transaction mode: DATABASE_URL names the pooler, DIRECT_DATABASE_URL the server ---
export async function behindPgBouncer(): Promise<void> {
  // DATABASE_URL=postgresql://app:…@pgbouncer:6432/se_letters?pgbouncer=true
  // DIRECT_DATABASE_URL=postgresql://owner:…@postgres:5432/se_letters
  await migrate(); // over DIRECT_DATABASE_URL; through the pooler it refuses with DIRECT_CONNECTION_REQUIRED
  const db = await connectDatabase(); // through PgBouncer: UTC by SET, prepared statements off
  try {
    await new LetterRepository(db.prisma).search({ status: "processed" });
  } catch (error) {
    if (isDatabaseError(error) && error.code === "DIRECT_CONNECTION_REQUIRED") console.error(error.message);
    throw error;
  } finally {
    await db.close();
  }
}
