import fc from "fast-check";

/**
 * Characters that COPY's text format and array literals treat specially, either side of ASCII's end, beyond it, and
 * halves of surrogate pairs alone (Buffer writes each as U+FFFD).
 */
const TEXT_UNIT = fc.constantFrom(
  "a",
  "Z",
  "0",
  " ",
  '"',
  "\\",
  "\n",
  "\r",
  "\t",
  ",",
  "{",
  "\u007f",
  "\u0080",
  "é",
  "’",
  "😀",
  "\ud800",
  "\udc00",
);

/** Text of those characters, short and either side of the row writer's plain-ASCII length (64 units); no NUL. */
export const copyText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: TEXT_UNIT }),
  fc.string({ unit: TEXT_UNIT, minLength: 60, maxLength: 70 }),
);

/** Days since 1970-01-01 across PostgreSQL's dates, from 4713 BC on, negative included. */
export const pgDays: fc.Arbitrary<number> = fc.integer({ min: -2_440_588, max: 2_000_000_000 });

/**
 * Epoch milliseconds across PostgreSQL's timestamps from 4713 BC, and up to the largest safe integer (where
 * microseconds no longer fit a double's 53 bits).
 */
export const pgMillis: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: -210_866_803_200_000, max: 260_000_000_000_000 }),
  fc.integer({ min: 8_000_000_000_000_000, max: Number.MAX_SAFE_INTEGER }),
);

/**
 * Reads tuples of COPY's binary format back into their fields (the bytes of each, or null), for tests of the
 * writer: a tuple is a 16-bit field count, then each field as a 32-bit length (-1 for null) and its bytes. Reading
 * stops at the trailer (a field count of -1) or at the end of the bytes.
 */
export function tuplesOf(bytes: Uint8Array): Array<Array<Uint8Array | null>> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tuples: Array<Array<Uint8Array | null>> = [];
  let at = 0;
  while (at < bytes.length) {
    const count = view.getInt16(at);
    at += 2;
    if (count === -1) break;
    const fields: Array<Uint8Array | null> = [];
    for (let i = 0; i < count; i++) {
      const length = view.getInt32(at);
      at += 4;
      if (length === -1) fields.push(null);
      else {
        if (length < 0 || at + length > bytes.length)
          throw new Error(`field ${i}: length ${length} past the end`);
        fields.push(bytes.subarray(at, at + length));
        at += length;
      }
    }
    tuples.push(fields);
  }
  if (at !== bytes.length) throw new Error(`${bytes.length - at} bytes after the trailer`);
  return tuples;
}
