import { hash, type KeyObject } from "node:crypto";

/** SHA-256's block size in bytes. */
const BLOCK = 64;
/** Inputs up to this many UTF-8 bytes are written into the scratch buffer; longer ones get a buffer of their own. */
const SCRATCH = 256;

/**
 * HMAC-SHA256 (RFC 2104) of a string's UTF-8 bytes, returned as a "binary" string (a character per byte, 32 of
 * them), byte for byte what `createHmac("sha256", key).update(input).digest("binary")` returns.
 *
 * Built from two one-shot hashes over the key's inner and outer pads, which are computed once: `createHmac` makes a
 * native object per call. Timed alone the two forms cost about the same (1.2–2 µs); inside the engine, among its
 * other work, the per-call object cost several times that, and this form took the engine's time on the pipeline's
 * mix to 0.905 of what it was (paired A/B over 100,000 records, 0 outputs differing).
 *
 * The pads are the key's material XOR-ed with constants, so they are held as the key is: only in this closure,
 * never on an object that could be logged or serialised; the exported copy of the key is wiped once they are made.
 */
export function hmacSha256(key: KeyObject): (input: string) => string {
  const exported = key.export();
  const k = exported.length > BLOCK ? hash("sha256", exported, "buffer") : exported;
  const inner = Buffer.alloc(BLOCK + SCRATCH);
  const outer = Buffer.alloc(BLOCK + 32);
  for (let i = 0; i < BLOCK; i++) {
    const b = k[i] ?? 0;
    inner[i] = b ^ 0x36;
    outer[i] = b ^ 0x5c;
  }
  exported.fill(0);
  k.fill(0);
  const innerPad = inner.subarray(0, BLOCK);
  return (input: string): string => {
    // A UTF-16 code unit is at most three UTF-8 bytes.
    const data =
      input.length * 3 <= SCRATCH
        ? inner.subarray(0, BLOCK + inner.write(input, BLOCK, "utf8"))
        : Buffer.concat([innerPad, Buffer.from(input, "utf8")]);
    outer.write(hash("sha256", data, "binary"), BLOCK, "latin1");
    return hash("sha256", outer, "binary");
  };
}
