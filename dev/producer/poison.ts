import { MAGIC_BYTE, WIRE_HEADER_BYTES } from "../../schemas/avro-codec.ts";

/** Kinds of bad input the pipeline must dead-letter, each with the reason code it must carry. */
export const POISON_KINDS = {
  "wrong-magic": "SCHEMA_WRONG_MAGIC",
  "unknown-schema": "SCHEMA_UNKNOWN_ID",
  truncated: "AVRO_TRUNCATED",
  "trailing-bytes": "AVRO_TRAILING_BYTES",
  "invalid-utf8": "AVRO_INVALID_UTF8",
  empty: "RECORD_EMPTY",
} as const;

export type PoisonKind = keyof typeof POISON_KINDS;

/** An id no registry will have issued. */
export const UNKNOWN_SCHEMA_ID = 2_000_000_000;

/**
 * Corrupts a valid wire-format record in a given way. `marker` is a string known to be inside the record (e.g. its
 * source system) whose first byte becomes 0xFF for the invalid-UTF-8 case.
 */
export function poison(kind: PoisonKind, valid: Buffer, marker: string): Buffer {
  switch (kind) {
    case "wrong-magic": {
      const copy = Buffer.from(valid);
      copy[0] = MAGIC_BYTE + 7;
      return copy;
    }
    case "unknown-schema": {
      const copy = Buffer.from(valid);
      copy.writeInt32BE(UNKNOWN_SCHEMA_ID, 1);
      return copy;
    }
    case "truncated":
      return valid.subarray(0, WIRE_HEADER_BYTES + Math.floor((valid.length - WIRE_HEADER_BYTES) / 2));
    case "trailing-bytes":
      return Buffer.concat([valid, Buffer.from([1, 2, 3])]);
    case "invalid-utf8": {
      const copy = Buffer.from(valid);
      const at = copy.indexOf(Buffer.from(marker), WIRE_HEADER_BYTES);
      if (at < 0) throw new Error("marker not found in record");
      copy[at] = 0xff;
      return copy;
    }
    case "empty":
      return Buffer.alloc(0);
  }
}
