import type { FieldShape } from "../avro-type.ts";
import type { AnonErrorCode } from "../errors.ts";
import type { NormaliserName, Pseudonymiser } from "../pseudonymise.ts";
import type { Strategy } from "../strategy.ts";

/**
 * The operator registry (after Presidio): each operator is data-driven, with `validate(params)` run once at
 * start-up and `operate(value)` run per record. A policy is only data naming operators from this registry.
 * This file holds the types every operator shares.
 */

export type Params = Readonly<Record<string, unknown>>;

/** How a pseudonymised field is tokenised; date-shift and scrub-text reuse it so their tokens agree. */
export interface PseudonymRef {
  readonly field: string;
  readonly prefix: string;
  readonly normalise: NormaliserName;
}

export interface CompileContext {
  readonly field: FieldShape;
  readonly fields: ReadonlyMap<string, FieldShape>;
  readonly strategy: Strategy;
  /** The pseudonymise annotation of another field, if it has one (whatever the strategy). */
  pseudonymRef(field: string): PseudonymRef | undefined;
}

export interface OperationContext {
  readonly record: Readonly<Record<string, unknown>>;
  readonly strategy: Strategy;
  readonly pseudonymiser: Pseudonymiser;
  readonly replacements: Record<string, number>;
  /** Whether scrub-text looks for names of people not in the record (AnonymiserOptions.personNames). */
  readonly personNames: boolean;
  /** The token of `ref.field`'s value, memoised per record; null when null or not a valid identifier. */
  tokenOf(ref: PseudonymRef): string | null;
}

/** A record-level failure: a stable code and the field NAME. Never a value. */
export class OperationFailure {
  readonly code: AnonErrorCode;
  readonly field: string;
  constructor(code: AnonErrorCode, field: string) {
    this.code = code;
    this.field = field;
  }
}

export type WithholdReason = "OPTED_OUT" | "CONSENT_MISSING";
export class Withhold {
  readonly reason: WithholdReason;
  constructor(reason: WithholdReason) {
    this.reason = reason;
  }
}

export interface Operator<P> {
  readonly name: string;
  /** Parameter names this operator accepts (beyond `op`, `as` and strategy overrides): typos fail start-up. */
  readonly params: readonly string[];
  /** Gates decide whether a record goes out at all; they run before any other operator. */
  readonly gate?: boolean;
  validate(params: Params, ctx: CompileContext): P;
  /** The Avro type of the output field, or null when the operator writes nothing (suppress, consent). */
  outputType(p: P, ctx: CompileContext): unknown;
  /** Whether the operation uses the key (the audit records the key id). */
  keyed(p: P, strategy: Strategy): boolean;
  operate(value: unknown, p: P, operationContext: OperationContext, field: string): unknown;
}
