// Type tests of the LetterRepository API, checked by `tsc --noEmit` (part of `npm test`). Nothing here
// runs: each `@ts-expect-error` fails the typecheck if the line below it ever compiles.
import { expectTypeOf } from "vitest";
import {
  LetterRepository,
  type CreateLetterInput,
  type DebugStepRecord,
  type JsonValue,
  type LetterCursorPage,
  type LetterPage,
  type LetterProductRecord,
  type LetterRecord,
  type LetterStatistics,
  type ProductMatchRecord,
  type ReplaceResult,
} from "../../src/index.ts";
import type { PrismaClient } from "../../src/generated/prisma/client.ts";

declare const prisma: PrismaClient;
const letters = new LetterRepository(prisma);

export async function resultsAreTyped(): Promise<void> {
  const bare = await letters.findById(1);
  expectTypeOf(bare).toEqualTypeOf<LetterRecord | null>();
  // @ts-expect-error products exist only when requested
  void bare?.products;

  const withProducts = await letters.getById(1, { products: true });
  expectTypeOf(withProducts.products).toEqualTypeOf<LetterProductRecord[]>();
  // @ts-expect-error matches were not requested
  void withProducts.matches;
  // @ts-expect-error debug steps were not requested
  void withProducts.debugSteps;

  const everything = await letters.getById(1, { products: true, matches: true, debugSteps: true });
  expectTypeOf(everything.matches).toEqualTypeOf<ProductMatchRecord[]>();
  expectTypeOf(everything.debugSteps).toEqualTypeOf<DebugStepRecord[]>();

  const explicitlyNot = await letters.getById(1, { products: false });
  // @ts-expect-error products: false does not add products
  void explicitlyNot.products;

  const created = await letters.create({ documentName: "a.pdf", sourceFilePath: "/a.pdf" });
  expectTypeOf(created.products[0]!.id).toEqualTypeOf<number>();
  expectTypeOf(created.matches[0]!.letterProductId).toEqualTypeOf<number>();

  // JSON columns: absent means SQL NULL, null means JSON null.
  expectTypeOf(created.rawGrokJson).toEqualTypeOf<JsonValue | undefined>();
  expectTypeOf(created.createdAt).toEqualTypeOf<Date | null>();

  expectTypeOf(await letters.createOrReplaceByFileHash({ documentName: "a", sourceFilePath: "/a", fileHash: "h" })).toEqualTypeOf<ReplaceResult>();
  expectTypeOf(await letters.findByFileHash("h")).toEqualTypeOf<LetterRecord[]>();
  expectTypeOf(await letters.search({ query: "x" })).toEqualTypeOf<LetterPage>();
  expectTypeOf(await letters.searchByCursor({ limit: 10 })).toEqualTypeOf<LetterCursorPage>();
  expectTypeOf(await letters.getStatistics()).toEqualTypeOf<LetterStatistics>();
  expectTypeOf(await letters.setStatus(1, "failed")).toEqualTypeOf<LetterRecord>();
  expectTypeOf(await letters.appendDebugStep(1, { processingStep: "ocr" })).toEqualTypeOf<DebugStepRecord>();
  expectTypeOf(await letters.delete(1)).toEqualTypeOf<void>();
  expectTypeOf(await letters.deleteMany([1, 2])).toEqualTypeOf<number>();
}

export async function invalidInputsDoNotCompile(): Promise<void> {
  // @ts-expect-error documentName is required
  await letters.create({ sourceFilePath: "/a.pdf" });
  // @ts-expect-error unknown (snake_case) field
  await letters.create({ documentName: "a", sourceFilePath: "/a", document_title: "x" });
  // @ts-expect-error fileSize is a number
  await letters.create({ documentName: "a", sourceFilePath: "/a", fileSize: "12" });
  // @ts-expect-error a JSON field takes JSON values, not functions
  await letters.create({ documentName: "a", sourceFilePath: "/a", rawGrokJson: () => 1 });
  // @ts-expect-error matches refer to products by productIndex
  await letters.create({ documentName: "a", sourceFilePath: "/a", matches: [{ productId: 1, ibcatalogueProductIdentifier: "X", matchConfidence: 1 }] });
  // @ts-expect-error a debug step needs processingStep
  await letters.appendDebugStep(1, { stepSuccess: true });
  // @ts-expect-error createOrReplaceByFileHash requires fileHash
  await letters.createOrReplaceByFileHash({ documentName: "a", sourceFilePath: "/a" });
  // @ts-expect-error sort keys are a whitelist
  await letters.search({ sortBy: "created_at; DROP TABLE letters" });
  // @ts-expect-error direction is asc or desc
  await letters.search({ sortOrder: "DESC" });
  // @ts-expect-error page is a number
  await letters.search({ page: "2" });
  // @ts-expect-error no such filter
  await letters.search({ title: "x" });
  // @ts-expect-error page/limit search takes no cursor
  await letters.search({ cursor: "abc" });
  // @ts-expect-error include keys are products, matches, debugSteps
  await letters.findById(1, { product: true });
  // @ts-expect-error ids are numbers
  await letters.findById("1");
  // @ts-expect-error status is a string
  await letters.setStatus(1, 3);

  const valid: CreateLetterInput = {
    documentName: "a.pdf",
    sourceFilePath: "/a.pdf",
    rawGrokJson: null,
    products: [{ productIdentifier: "X" }],
    matches: [{ productIndex: 0, ibcatalogueProductIdentifier: "Y", matchConfidence: 0.5 }],
  };
  await letters.create(valid);
}
