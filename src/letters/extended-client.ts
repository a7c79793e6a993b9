import type { PrismaClient } from "../generated/prisma/client.ts";

/**
 * A Prisma client of this package's schema extended with `$extends` (Prisma's read-replica extension,
 * a logging or tenancy extension), or the transaction client of one. Its model methods are typed anew
 * by each extension, so it is recognised by what the repository calls on it: the raw-query methods and
 * this schema's four models. At run time it is the same client: the repository's queries run through
 * it, its extensions included.
 */
export interface ExtendedPrismaClient {
  readonly $queryRaw: PrismaClient["$queryRaw"];
  readonly $executeRaw: PrismaClient["$executeRaw"];
  readonly letter: object;
  readonly letterProduct: object;
  readonly letterProductMatch: object;
  readonly processingDebug: object;
}
