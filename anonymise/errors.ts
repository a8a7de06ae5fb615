/**
 * Closed catalogue of anonymisation error codes. Errors are values with stable codes so that metrics, dead-letter
 * headers and runbooks can key on them. Messages name fields and settings, never record values or key material.
 */

export type ErrorClass = "permanent" | "transient";

export const ERROR_CATALOGUE = {
  ANON_SCHEMA_INVALID: { class: "permanent", meaning: "The raw schema is not an Avro record schema." },
  ANON_POLICY_MISSING: {
    class: "permanent",
    meaning: "A field of the raw schema carries no policy annotation.",
  },
  ANON_POLICY_INVALID: {
    class: "permanent",
    meaning: "A policy annotation has missing or invalid parameters.",
  },
  ANON_POLICY_VERSION_MISSING: { class: "permanent", meaning: "The raw schema has no policy version." },
  ANON_UNKNOWN_OPERATOR: {
    class: "permanent",
    meaning: "A policy annotation names an operator that does not exist.",
  },
  ANON_OUTPUT_MISMATCH: {
    class: "permanent",
    meaning: "The compiled policy's outputs do not match the anonymised schema's fields.",
  },
  ANON_STRATEGY_INVALID: {
    class: "permanent",
    meaning: "The strategy is not pseudonymisation or redaction.",
  },
  ANON_KEYRING_INVALID: { class: "permanent", meaning: "The keyring is malformed, or a key is too short." },
  ANON_FIELD_UNKNOWN: {
    class: "permanent",
    meaning: "A record or writer schema has a field the policy does not know.",
  },
  ANON_FIELD_MISSING: { class: "permanent", meaning: "A record lacks a field the policy needs." },
  ANON_VALUE_INVALID: {
    class: "permanent",
    meaning: "A field value has the wrong type or format for its operator.",
  },
  ANON_TEXT_TOO_LONG: { class: "permanent", meaning: "A free-text field exceeds the scanning cap." },
  ANON_RECORD_INVALID: { class: "permanent", meaning: "The record is not an object." },
  ANON_INTERNAL: {
    class: "permanent",
    meaning: "An unexpected error inside an operator (a bug): fail closed.",
  },
} as const satisfies Record<string, { class: ErrorClass; meaning: string }>;

export type AnonErrorCode = keyof typeof ERROR_CATALOGUE;

export function errorClass(code: AnonErrorCode): ErrorClass {
  return ERROR_CATALOGUE[code].class;
}

/** Thrown at start-up (policy, keyring, strategy). Records never cause a throw: they yield a failed result. */
export class AnonymisationError extends Error {
  readonly code: AnonErrorCode;
  readonly field: string | undefined;
  readonly permanent: boolean;

  constructor(code: AnonErrorCode, message: string, field?: string) {
    super(`${code}: ${message}`);
    this.name = "AnonymisationError";
    this.code = code;
    this.field = field;
    this.permanent = ERROR_CATALOGUE[code].class === "permanent";
  }
}

export function isAnonymisationError(e: unknown): e is AnonymisationError {
  return e instanceof AnonymisationError;
}
