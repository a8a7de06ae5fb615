import { nullableOf } from "../avro-type.ts";
import type { Operator } from "./types.ts";

/** Replaces a value by a fixed marker (the redaction strategy's stand-in for pseudonymise). */

export const REDACTED = "[REDACTED]";

export const redact: Operator<null> = {
  name: "redact",
  params: [],
  validate: () => null,
  outputType: (_p, ctx) => nullableOf("string", ctx.field.nullable),
  keyed: () => false,
  operate: (value) => (value === null ? null : REDACTED),
};
