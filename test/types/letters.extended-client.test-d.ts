// Type tests: LetterRepository accepts extended Prisma clients ($extends) and the clients of
// connectDatabase with replicas, and its results still infer. Checked by `tsc --noEmit`; nothing runs.
import { expectTypeOf } from "vitest";
import { LetterRepository, type DatabaseClient, type LetterPage, type LetterProductRecord, type LetterRecord } from "../../src/index.ts";
import type { PrismaClient } from "../../src/generated/prisma/client.ts";

declare const prisma: PrismaClient;
declare const db: DatabaseClient;

const withClientMethod = prisma.$extends({ client: { $ping: () => "pong" as const } });
const withQueryHook = prisma.$extends({
  query: {
    letter: {
      async findMany({ args, query }) {
        return query(args);
      },
    },
  },
});
const withResultField = prisma.$extends({ result: { letter: { doubleId: { needs: { id: true }, compute: (letter) => letter.id * 2 } } } });
const stacked = withQueryHook.$extends({ client: { $ping: () => "pong" as const } });

export async function extendedClientsAreAccepted(): Promise<void> {
  for (const client of [withClientMethod, withQueryHook, withResultField, stacked]) {
    const letters = new LetterRepository(client);
    expectTypeOf(await letters.findById(1)).toEqualTypeOf<LetterRecord | null>();
    expectTypeOf((await letters.getById(1, { products: true })).products).toEqualTypeOf<LetterProductRecord[]>();
    expectTypeOf(await letters.search({ query: "pix" })).toEqualTypeOf<LetterPage>();
  }
  // The extension's own additions keep their types beside the repository.
  expectTypeOf(withClientMethod.$ping()).toEqualTypeOf<"pong">();
}

export async function transactionClientsOfExtendedClientsAreAccepted(): Promise<void> {
  await withClientMethod.$transaction(async (tx) => {
    const letters = new LetterRepository(tx);
    expectTypeOf(await letters.findByFileHash("sha256:x")).toEqualTypeOf<LetterRecord[]>();
  });
}

export async function theClientWithReplicasIsAccepted(): Promise<void> {
  const letters = new LetterRepository(db.prisma);
  // primaryScope returns what its work returns.
  expectTypeOf(await db.primaryScope(() => letters.getById(1))).toEqualTypeOf<LetterRecord>();
  expectTypeOf(db.primaryScope(() => 42)).toEqualTypeOf<number>();
  expectTypeOf(db.readCounts()).toEqualTypeOf<{ readonly replica: number; readonly primary: number }>();
}

export function otherObjectsAreRefused(): void {
  // @ts-expect-error not a Prisma client
  new LetterRepository({ $queryRaw: prisma.$queryRaw });
  // @ts-expect-error not a Prisma client
  new LetterRepository({});
}
