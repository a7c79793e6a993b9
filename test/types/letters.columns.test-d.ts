// Type tests of the letters column description (src/letters/letter-columns.ts), checked by `tsc --noEmit`.
import { expectTypeOf } from "vitest";
import type { Letter } from "../../src/generated/prisma/client.ts";
import type { LetterColumnValue, LetterJsonProperty, LetterProperty, LetterScalarProperty } from "../../src/letters/letter-columns.ts";
import type { JsonValue, LetterRecord } from "../../src/index.ts";

/** The record the description implies: scalars always present (null for SQL NULL), JSON absent for SQL NULL. */
type Described = { [P in LetterScalarProperty]: LetterColumnValue<P> } & { [P in LetterJsonProperty]?: JsonValue };
type DescribedRecord = { [P in keyof Described]: Described[P] };

export function theDescriptionIsTheRecord(): void {
  expectTypeOf<keyof LetterRecord>().toEqualTypeOf<LetterProperty>();
  expectTypeOf<Pick<LetterRecord, LetterScalarProperty>>().toEqualTypeOf<{ [P in LetterScalarProperty]: LetterColumnValue<P> }>();
  expectTypeOf<LetterRecord>().toEqualTypeOf<DescribedRecord>();
  // The Prisma model agrees on every scalar column's type and nullability, and on which columns are JSON.
  expectTypeOf<Pick<Letter, LetterScalarProperty>>().toEqualTypeOf<Pick<LetterRecord, LetterScalarProperty>>();
  expectTypeOf<Exclude<keyof Letter, LetterScalarProperty>>().toEqualTypeOf<LetterJsonProperty>();
}
