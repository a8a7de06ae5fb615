/**
 * Errors raised while decoding or encoding records. The runtime recognises them by shape (`permanent` / `transient`
 * and a stable `code`), so schemas/ needs no import of the topology. Messages never carry record values.
 */
export type SchemaErrorCode =
  | "RECORD_EMPTY"
  | "RECORD_OVERSIZE"
  | "SCHEMA_WRONG_MAGIC"
  | "SCHEMA_UNKNOWN_ID"
  | "SCHEMA_NOT_AVRO"
  | "SCHEMA_INCOMPATIBLE"
  | "AVRO_TRUNCATED"
  | "AVRO_TRAILING_BYTES"
  | "AVRO_INVALID_UTF8"
  | "AVRO_DECODE_FAILED"
  | "AVRO_ENCODE_FAILED"
  | "REGISTRY_UNAVAILABLE"
  | "SCHEMA_NOT_REGISTERED";

export class SchemaError extends Error {
  readonly code: SchemaErrorCode;
  readonly permanent: boolean;
  readonly transient: boolean;
  readonly extra: Record<string, string> | undefined;
  constructor(
    code: SchemaErrorCode,
    message: string,
    options: { transient?: boolean; cause?: unknown; extra?: Record<string, string> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "SchemaError";
    this.code = code;
    this.transient = options.transient ?? false;
    this.permanent = !this.transient;
    this.extra = options.extra;
  }
}
