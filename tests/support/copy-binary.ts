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
