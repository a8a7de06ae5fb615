import { isPermanentRecordError, isTransient } from "../dsl/errors.ts";
import type { DeadLetterReason, RecordContext } from "../dsl/types.ts";

export type HandlerResponse = "CONTINUE" | "FAIL";

export type Phase = "deserialization" | "processing" | "production";

/**
 * Answer CONTINUE (send the record to the dead-letter branch and go on) or FAIL (stop the pipeline). Transient
 * errors never reach a handler: the runtime retries them.
 */
export interface ExceptionHandlers {
  deserialization(error: unknown, context: RecordContext): HandlerResponse;
  processing(error: unknown, context: RecordContext, node: string): HandlerResponse;
}

/** Fail closed without stopping: every permanent or unexpected per-record error goes to the dead-letter branch. */
export const deadLetterEverything: ExceptionHandlers = {
  deserialization: () => "CONTINUE",
  processing: () => "CONTINUE",
};

export const failOnError: ExceptionHandlers = {
  deserialization: () => "FAIL",
  processing: () => "FAIL",
};

/**
 * Turns an error into a dead-letter reason. Only our own error classes are trusted to carry value-free messages;
 * anything else (parsers often quote the offending input) is reduced to its class name.
 */
export function reasonFor(error: unknown, phase: Phase, node?: string): DeadLetterReason {
  const exception = error instanceof Error ? error.name : typeof error;
  if (isPermanentRecordError(error) || isTransient(error)) {
    const extra = (error as { extra?: Record<string, string> }).extra;
    return { code: error.code, message: error.message, exception, ...(extra ? { extra } : {}) };
  }
  const fallback = phase === "deserialization" ? "DESERIALIZATION_FAILED" : "PROCESSING_FAILED";
  return {
    code: fallback,
    message: `unexpected ${exception} during ${phase}${node ? ` in ${node}` : ""}`,
    exception,
  };
}
