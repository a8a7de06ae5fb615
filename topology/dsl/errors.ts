import { CodedError } from "../../contracts/index.ts";

/**
 * Errors the runtime understands. `permanent` errors are about one record (it goes to the dead-letter branch when
 * the handler says CONTINUE); `transient` errors are about the world (retried with backoff, never dead-lettered).
 * Messages must never carry record values: they end up in logs and dead-letter headers. A topology may use codes
 * of its own; the class is explicit here.
 */
export class PermanentRecordError extends CodedError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, { class: "permanent", cause: options?.cause });
  }
}

export class TransientError extends CodedError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, { class: "transient", cause: options?.cause });
  }
}

/** Errors are recognised by shape, so that libraries below the topology (codecs, stores) need not import it. */
function flagged(error: unknown, flag: "transient" | "permanent"): boolean {
  return (
    typeof error === "object" &&
    error !== null &&
    (error as Record<string, unknown>)[flag] === true &&
    typeof (error as { code?: unknown }).code === "string"
  );
}

export function isTransient(error: unknown): error is TransientError {
  return flagged(error, "transient");
}

export function isPermanentRecordError(error: unknown): error is PermanentRecordError {
  return flagged(error, "permanent");
}

/** Raised by the runtime when it must stop rather than skip or duplicate a record. */
export class TopologyFailedError extends CodedError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("TOPOLOGY_FAILED", message, { cause: options?.cause });
  }
}
