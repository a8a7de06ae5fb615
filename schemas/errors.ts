import { CodedError, type ErrorCode } from "../contracts/index.ts";

/**
 * Errors raised while decoding or encoding records and talking to the registry. The runtime recognises them by
 * shape (`permanent` / `transient` and a stable `code`), so schemas/ needs no import of the topology. Messages never
 * carry record values.
 */
export type SchemaErrorCode = Extract<
  ErrorCode,
  `RECORD_${string}` | `SCHEMA_${string}` | `AVRO_${string}` | `REGISTRY_${string}`
>;

export class SchemaError extends CodedError {
  declare readonly code: SchemaErrorCode;
  constructor(
    code: SchemaErrorCode,
    message: string,
    options: { transient?: boolean; cause?: unknown; extra?: Record<string, string> } = {},
  ) {
    super(code, message, {
      class: options.transient ? "transient" : "permanent",
      cause: options.cause,
      ...(options.extra ? { extra: options.extra } : {}),
    });
  }
}

/** A permanent refusal of a writer schema by the policy (code from the policy's catalogue, e.g. ANON_FIELD_UNKNOWN). */
export class WriterRefusedError extends CodedError {
  constructor(problem: { code: string; field?: string | undefined }, schemaId: number) {
    super(
      problem.code,
      `writer schema ${schemaId} refused (${problem.code}${problem.field ? ` on field ${problem.field}` : ""})`,
      {
        class: "permanent",
        extra: { "schema.id": String(schemaId), ...(problem.field ? { field: problem.field } : {}) },
      },
    );
  }
}
