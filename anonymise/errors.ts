import { CodedError, ERROR_CODES, type ErrorClass } from "../contracts/index.ts";

/**
 * The engine's error codes: the ANON_* part of the project's one catalogue (contracts/error-codes.ts). Errors are
 * values with stable codes so that metrics, dead-letter headers and runbooks can key on them. Messages name fields
 * and settings, never record values or key material.
 */
export type { ErrorClass };

export type AnonErrorCode = Extract<keyof typeof ERROR_CODES, `ANON_${string}`>;

export const ERROR_CATALOGUE: Readonly<Record<AnonErrorCode, (typeof ERROR_CODES)[AnonErrorCode]>> =
  Object.fromEntries(Object.entries(ERROR_CODES).filter(([code]) => code.startsWith("ANON_"))) as Record<
    AnonErrorCode,
    (typeof ERROR_CODES)[AnonErrorCode]
  >;

export function errorClass(code: AnonErrorCode): ErrorClass {
  return ERROR_CODES[code].class;
}

/** Thrown at start-up (policy, keyring, strategy). Records never cause a throw: they yield a failed result. */
export class AnonymisationError extends CodedError {
  declare readonly code: AnonErrorCode;
  readonly field: string | undefined;

  constructor(code: AnonErrorCode, message: string, field?: string) {
    super(code, `${code}: ${message}`);
    this.field = field;
  }
}

export function isAnonymisationError(e: unknown): e is AnonymisationError {
  return e instanceof AnonymisationError;
}
