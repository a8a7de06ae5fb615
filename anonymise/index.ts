/** The privacy engine's public surface. Pure: no I/O; the only platform module used is node:crypto. */

export {
  type AnonymiseResult,
  type Anonymiser,
  type AnonymiserOptions,
  type Audit,
  type AuditOperation,
  createAnonymiser,
  DEFAULT_TOKEN_CACHE_SIZE,
  STAMP_FIELDS,
  type TokenCacheStats,
  type WriterSchemaProblem,
} from "./anonymiser.ts";
export { DEFAULT_MAX_SHIFT_DAYS, shiftDate, shiftTimestamp } from "./date-shift.ts";
export {
  type AnonErrorCode,
  AnonymisationError,
  ERROR_CATALOGUE,
  type ErrorClass,
  errorClass,
  isAnonymisationError,
} from "./errors.ts";
export { ageBand, ageInYears, monthOf, yearOf } from "./generalise.ts";
export { type Keyring, keyringFromObject, MIN_KEY_BYTES, parseKeyring } from "./keyring.ts";
export { isValidNhsNumber, nhsCheckDigit, normaliseNhsNumber } from "./nhs-number.ts";
export { OPERATORS, type Operator, REDACTED, type WithholdReason } from "./operators/index.ts";
export { type CompiledPolicy, compilePolicy, POLICY_ATTRIBUTE } from "./policy.ts";
export { parsePostcode, postcodeDistrict, postcodeSector } from "./postcode.ts";
export { createPseudonymiser, NORMALISERS, type Pseudonymiser, TOKEN_BODY_LENGTH } from "./pseudonymise.ts";
export {
  DEFAULT_MAX_TEXT_LENGTH,
  ENTITY_TYPES,
  type EntityType,
  type OwnIdentifier,
  prepareScrubber,
  scrubText,
} from "./scrub-text.ts";
export { parseStrategy, STRATEGIES, type Strategy } from "./strategy.ts";
