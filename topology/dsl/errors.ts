/**
 * Errors the runtime understands. `permanent` errors are about one record (it goes to the dead-letter branch when
 * the handler says CONTINUE); `transient` errors are about the world (retried with backoff, never dead-lettered).
 * Messages must never carry record values: they end up in logs and dead-letter headers.
 */
export class PermanentRecordError extends Error {
  readonly code: string;
  readonly permanent = true;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "PermanentRecordError";
    this.code = code;
  }
}

export class TransientError extends Error {
  readonly code: string;
  readonly transient = true;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "TransientError";
    this.code = code;
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

/** Raised by the runtime when a handler answers FAIL: the pipeline stops rather than skip a record. */
export class TopologyFailedError extends Error {
  readonly code = "TOPOLOGY_FAILED";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "TopologyFailedError";
  }
}
