import { ERROR_CODES, type ErrorClass, isErrorCode } from "./error-codes.ts";

/**
 * The base of every error this project raises on purpose. It carries a stable `code` and says whether retrying can
 * help (`transient`) or not (`permanent`); the runtime, the logger and the dead-letter headers key off these. Its
 * message is built by us from codes, field names and positions, so the logger may print it; errors of any other
 * class are reduced to their name and code, since third-party messages often quote input values.
 *
 * Codes of the catalogue (contracts/error-codes.ts) take their class from it. The generic stream DSL also accepts a
 * topology's own codes, with the class given explicitly.
 */
export class CodedError extends Error {
  readonly code: string;
  readonly transient: boolean;
  readonly permanent: boolean;
  readonly extra: Readonly<Record<string, string>> | undefined;

  constructor(
    code: string,
    message: string,
    options: { class?: ErrorClass; cause?: unknown; extra?: Record<string, string> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    const cls = options.class ?? (isErrorCode(code) ? ERROR_CODES[code].class : "permanent");
    this.transient = cls === "transient";
    this.permanent = cls === "permanent";
    this.extra = options.extra;
  }
}

export function isCodedError(error: unknown): error is CodedError {
  return error instanceof CodedError;
}
