import { type FieldShape, nullableOf } from "./avro-type.ts";
import { DEFAULT_MAX_SHIFT_DAYS, shiftDate, shiftTimestamp } from "./date-shift.ts";
import { type AnonErrorCode, AnonymisationError } from "./errors.ts";
import { ageBand, ageInYears, MS_PER_DAY, monthOf, yearOf } from "./generalise.ts";
import { postcodeDistrict, postcodeSector } from "./postcode.ts";
import {
  isNormaliserName,
  NORMALISERS,
  type NormaliserName,
  type Pseudonymiser,
  TOKEN_PREFIX,
} from "./pseudonymise.ts";
import {
  DEFAULT_MAX_TEXT_LENGTH,
  ENTITY_TYPES,
  type EntityType,
  type OwnIdentifier,
  scrubText,
} from "./scrub-text.ts";
import type { Strategy } from "./strategy.ts";

/**
 * The operator registry (after Presidio): each operator is data-driven, with `validate(params)` run once at
 * start-up and `operate(value)` run per record. A policy is only data naming operators from this registry.
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

export interface RecordContext {
  readonly record: Readonly<Record<string, unknown>>;
  readonly strategy: Strategy;
  readonly pseudonymiser: Pseudonymiser;
  readonly replacements: Record<string, number>;
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
  operate(value: unknown, p: P, rc: RecordContext, field: string): unknown;
}

// ---- parameter helpers: messages name the field and parameter, and the rule broken ----

function bad(field: string, message: string): AnonymisationError {
  return new AnonymisationError("ANON_POLICY_INVALID", `field '${field}': ${message}`, field);
}

function optionalInt(
  params: Params,
  name: string,
  field: string,
  min: number,
  max: number,
  fallback: number,
) {
  const v = params[name];
  if (v === undefined) return fallback;
  if (!Number.isInteger(v) || (v as number) < min || (v as number) > max) {
    throw bad(field, `'${name}' must be an integer from ${min} to ${max}`);
  }
  return v as number;
}

function requireString(shape: FieldShape, operator: string): void {
  if (shape.base !== "string") throw bad(shape.name, `operator '${operator}' needs a string field`);
}

function isDateLike(shape: FieldShape | undefined): boolean {
  return (
    shape !== undefined &&
    ((shape.base === "int" && shape.logicalType === "date") ||
      (shape.base === "long" && shape.logicalType === "timestamp-millis"))
  );
}

function toDays(value: number, shape: FieldShape): number {
  return shape.logicalType === "timestamp-millis" ? Math.floor(value / MS_PER_DAY) : value;
}

// ---- keep ----

interface KeepParams {
  readonly pattern: RegExp | undefined;
  readonly allowed: ReadonlySet<string> | undefined;
  readonly maxLength: number;
}

function keepString(s: string, p: KeepParams): boolean {
  return (
    s.length <= p.maxLength && (p.allowed === undefined || p.allowed.has(s)) && (p.pattern?.test(s) ?? true)
  );
}

export const keep: Operator<KeepParams> = {
  name: "keep",
  params: ["pattern", "allowed", "maxLength"],
  validate(params, ctx) {
    const f = ctx.field;
    const stringy = f.base === "string" || (f.base === "array" && f.items === "string");
    const { pattern, allowed } = params;
    if ((pattern !== undefined || allowed !== undefined || params["maxLength"] !== undefined) && !stringy) {
      throw bad(f.name, "'pattern', 'allowed' and 'maxLength' apply to string fields only");
    }
    // Free text must never pass through `keep` unchecked: a string field needs a pattern or an allow-list.
    if (stringy && pattern === undefined && allowed === undefined) {
      throw bad(
        f.name,
        "'keep' on a string field needs 'pattern' or 'allowed' so free text cannot pass through",
      );
    }
    let re: RegExp | undefined;
    if (pattern !== undefined) {
      if (typeof pattern !== "string" || !pattern.startsWith("^") || !pattern.endsWith("$")) {
        throw bad(f.name, "'pattern' must be an anchored regular expression (^...$)");
      }
      try {
        re = new RegExp(pattern, "u");
      } catch {
        throw bad(f.name, "'pattern' is not a valid regular expression");
      }
    }
    if (allowed !== undefined && (!Array.isArray(allowed) || !allowed.every((a) => typeof a === "string"))) {
      throw bad(f.name, "'allowed' must be an array of strings");
    }
    return {
      pattern: re,
      allowed: allowed === undefined ? undefined : new Set(allowed as string[]),
      maxLength: optionalInt(params, "maxLength", f.name, 1, 10_000, 256),
    };
  },
  outputType: (_p, ctx) => ctx.field.type,
  keyed: () => false,
  operate(value, p, _rc, field) {
    if (typeof value === "string")
      return keepString(value, p) ? value : new OperationFailure("ANON_VALUE_INVALID", field);
    if (Array.isArray(value) && (p.pattern !== undefined || p.allowed !== undefined)) {
      for (const item of value) {
        if (!keepString(item as string, p)) return new OperationFailure("ANON_VALUE_INVALID", field);
      }
    }
    return value;
  },
};

// ---- pseudonymise ----

export const pseudonymise: Operator<PseudonymRef> = {
  name: "pseudonymise",
  params: ["prefix", "normalise"],
  validate(params, ctx) {
    requireString(ctx.field, "pseudonymise");
    const { prefix, normalise } = params;
    if (typeof prefix !== "string" || !TOKEN_PREFIX.test(prefix)) {
      throw bad(ctx.field.name, "'prefix' must be 2-5 capital letters, e.g. PAT");
    }
    if (!isNormaliserName(normalise)) {
      throw bad(ctx.field.name, `'normalise' must be one of ${Object.keys(NORMALISERS).join(", ")}`);
    }
    return { field: ctx.field.name, prefix, normalise };
  },
  outputType: (_p, ctx) => nullableOf("string", ctx.field.nullable),
  keyed: () => true,
  operate(value, p, rc, field) {
    if (value === null) return null;
    return rc.tokenOf(p) ?? new OperationFailure("ANON_VALUE_INVALID", field);
  },
};

// ---- redact ----

export const REDACTED = "[REDACTED]";

export const redact: Operator<null> = {
  name: "redact",
  params: [],
  validate: () => null,
  outputType: (_p, ctx) => nullableOf("string", ctx.field.nullable),
  keyed: () => false,
  operate: (value) => (value === null ? null : REDACTED),
};

// ---- suppress ----

export const suppress: Operator<null> = {
  name: "suppress",
  params: [],
  validate: () => null,
  outputType: () => null,
  keyed: () => false,
  operate: () => undefined,
};

// ---- generalise ----

const GENERALISE_TO = ["year", "month", "age-band", "postcode-district", "postcode-sector"] as const;
type GeneraliseTo = (typeof GENERALISE_TO)[number];

interface GeneraliseParams {
  readonly to: GeneraliseTo;
  readonly reference: FieldShape | undefined;
  readonly width: number;
  readonly topCode: number | undefined;
}

export const generalise: Operator<GeneraliseParams> = {
  name: "generalise",
  params: ["to", "reference", "width", "topCode"],
  validate(params, ctx) {
    const f = ctx.field;
    const to = params["to"];
    if (typeof to !== "string" || !(GENERALISE_TO as readonly string[]).includes(to)) {
      throw bad(f.name, `'to' must be one of ${GENERALISE_TO.join(", ")}`);
    }
    const kind = to as GeneraliseTo;
    if (kind.startsWith("postcode-")) {
      requireString(f, "generalise to postcode");
      return { to: kind, reference: undefined, width: 0, topCode: undefined };
    }
    if (f.base !== "int" || f.logicalType !== "date")
      throw bad(f.name, `generalise to '${kind}' needs a date field`);
    const refName = params["reference"];
    let reference: FieldShape | undefined;
    if (refName !== undefined) {
      reference = typeof refName === "string" ? ctx.fields.get(refName) : undefined;
      if (!isDateLike(reference)) throw bad(f.name, "'reference' must name a date or timestamp-millis field");
    }
    const topCode =
      params["topCode"] === undefined ? undefined : optionalInt(params, "topCode", f.name, 1, 150, 90);
    if ((kind === "age-band" || topCode !== undefined) && reference === undefined) {
      throw bad(f.name, "age bands and top-coding need a 'reference' date field (age at that date)");
    }
    if (kind === "month" && topCode !== undefined)
      throw bad(f.name, "'topCode' applies to year and age-band");
    const width = optionalInt(params, "width", f.name, 1, 50, 5);
    return { to: kind, reference, width, topCode: kind === "age-band" ? (topCode ?? 90) : topCode };
  },
  outputType(p, ctx) {
    const nullable = ctx.field.nullable || (p.reference?.nullable ?? false);
    switch (p.to) {
      case "year":
        return nullableOf("int", nullable || p.topCode !== undefined);
      case "month":
      case "age-band":
        return nullableOf("string", nullable);
      default:
        // Not every string is a UK postcode; an unparseable one yields null rather than a guess.
        return ["null", "string"];
    }
  },
  keyed: () => false,
  operate(value, p, rc, field) {
    if (value === null) return null;
    if (p.to === "postcode-district") return postcodeDistrict(value as string);
    if (p.to === "postcode-sector") return postcodeSector(value as string);
    const days = value as number;
    if (p.to === "month") return monthOf(days);
    let age: number | undefined;
    if (p.reference !== undefined) {
      const ref = rc.record[p.reference.name];
      if (ref === null || typeof ref !== "number") return null;
      age = ageInYears(days, toDays(ref, p.reference));
      if (age < 0) return new OperationFailure("ANON_VALUE_INVALID", field);
    }
    if (p.to === "age-band") return ageBand(age as number, p.width, p.topCode as number);
    // Year of birth is withheld at the top-code age: it would reveal the age the band hides.
    if (p.topCode !== undefined && age !== undefined && age >= p.topCode) return null;
    return yearOf(days);
  },
};

// ---- date-shift ----

interface DateShiftParams {
  readonly maxDays: number;
  readonly subjects: readonly PseudonymRef[];
  readonly timestamp: boolean;
}

function subjectToken(subjects: readonly PseudonymRef[], rc: RecordContext): string | null {
  for (const s of subjects) {
    const token = rc.tokenOf(s);
    if (token !== null) return token;
  }
  return null;
}

export const dateShift: Operator<DateShiftParams> = {
  name: "date-shift",
  params: ["maxDays", "subject"],
  validate(params, ctx) {
    const f = ctx.field;
    if (!isDateLike(f)) throw bad(f.name, "date-shift needs a date or timestamp-millis field");
    const subject = params["subject"];
    if (!Array.isArray(subject) || subject.length === 0) {
      throw bad(f.name, "'subject' must list the pseudonymised fields that identify the patient, in order");
    }
    const subjects = subject.map((s) => {
      const ref = typeof s === "string" ? ctx.pseudonymRef(s) : undefined;
      if (!ref) throw bad(f.name, "every 'subject' must name a field whose policy is 'pseudonymise'");
      return ref;
    });
    return {
      maxDays: optionalInt(params, "maxDays", f.name, 1, 3650, DEFAULT_MAX_SHIFT_DAYS),
      subjects,
      timestamp: f.logicalType === "timestamp-millis",
    };
  },
  outputType: (_p, ctx) => ctx.field.type,
  keyed: () => true,
  operate(value, p, rc) {
    if (value === null) return null;
    const token = subjectToken(p.subjects, rc);
    if (token === null)
      return new OperationFailure("ANON_VALUE_INVALID", (p.subjects[0] as PseudonymRef).field);
    const offset = rc.pseudonymiser.dateShiftDays(token, p.maxDays);
    return p.timestamp ? shiftTimestamp(value as number, offset) : shiftDate(value as number, offset);
  },
};

// ---- scrub-text ----

interface OwnField {
  readonly field: string;
  readonly entity: EntityType;
  readonly ref: PseudonymRef | undefined;
}

interface ScrubParams {
  readonly maxLength: number;
  readonly own: readonly OwnField[];
  readonly nhsRef: PseudonymRef | undefined;
}

const LEADING_HOUSE_NUMBER = /^\s{0,3}(?:flat\s{1,3}\w{1,6},?\s{1,3})?\d{1,5}[a-z]?,?\s{1,3}/i;
const NAME_PARTS = /[\s-]+/;

function ownIdentifiers(p: ScrubParams, rc: RecordContext): OwnIdentifier[] {
  const out: OwnIdentifier[] = [];
  for (const o of p.own) {
    const v = rc.record[o.field];
    if (typeof v !== "string" || v.length === 0) continue;
    const replacement =
      rc.strategy === "pseudonymisation" && o.ref ? (rc.tokenOf(o.ref) ?? undefined) : undefined;
    out.push({ text: v.trim(), entity: o.entity, replacement });
    if (o.entity === "NAME") {
      for (const part of v.split(NAME_PARTS)) if (part.length >= 2) out.push({ text: part, entity: "NAME" });
    } else if (o.entity === "ADDRESS") {
      const street = v.replace(LEADING_HOUSE_NUMBER, "").trim();
      if (street.length >= 4) out.push({ text: street, entity: "ADDRESS" });
    }
  }
  return out;
}

export const scrubTextOperator: Operator<ScrubParams> = {
  name: "scrub-text",
  params: ["maxLength", "own"],
  validate(params, ctx) {
    const f = ctx.field;
    requireString(f, "scrub-text");
    const ownParam = params["own"] ?? {};
    if (typeof ownParam !== "object" || ownParam === null || Array.isArray(ownParam)) {
      throw bad(f.name, "'own' must map field names to entity types");
    }
    const own: OwnField[] = [];
    let nhsRef: PseudonymRef | undefined;
    for (const [name, entity] of Object.entries(ownParam)) {
      const shape = ctx.fields.get(name);
      if (shape?.base !== "string") throw bad(f.name, `'own' names '${name}', which is not a string field`);
      if (typeof entity !== "string" || !(ENTITY_TYPES as readonly string[]).includes(entity)) {
        throw bad(f.name, `'own.${name}' must be one of ${ENTITY_TYPES.join(", ")}`);
      }
      const ref = ctx.pseudonymRef(name);
      own.push({ field: name, entity: entity as EntityType, ref });
      if (entity === "NHS_NUMBER" && ref) nhsRef = ref;
    }
    return {
      maxLength: optionalInt(params, "maxLength", f.name, 1, 100_000, DEFAULT_MAX_TEXT_LENGTH),
      own,
      nhsRef,
    };
  },
  outputType: (_p, ctx) => ctx.field.type,
  keyed: (p, strategy) => strategy === "pseudonymisation" && p.own.some((o) => o.ref !== undefined),
  operate(value, p, rc, field) {
    if (value === null) return null;
    const text = value as string;
    // Fail rather than truncate: a silently shortened note loses clinical content nobody would notice missing.
    if (text.length > p.maxLength) return new OperationFailure("ANON_TEXT_TOO_LONG", field);
    const nhsRef = rc.strategy === "pseudonymisation" ? p.nhsRef : undefined;
    const options = nhsRef
      ? {
          nhsToken: (digits: string) =>
            rc.pseudonymiser.token(nhsRef.prefix, NORMALISERS[nhsRef.normalise](digits) ?? digits),
        }
      : {};
    return scrubText(text, ownIdentifiers(p, rc), options, rc.replacements);
  },
};

// ---- consent ----

export const consent: Operator<null> = {
  name: "consent",
  params: [],
  gate: true,
  validate(_params, ctx) {
    if (ctx.field.base !== "boolean") throw bad(ctx.field.name, "'consent' needs a boolean field");
    return null;
  },
  outputType: () => null,
  keyed: () => false,
  // Opted out, or no answer recorded: withheld (fail closed: missing consent is not consent).
  operate(value) {
    if (value === true) return new Withhold("OPTED_OUT");
    if (value === null) return new Withhold("CONSENT_MISSING");
    return undefined;
  },
};

// biome-ignore lint/suspicious/noExplicitAny: the registry holds operators with different parameter types.
export const OPERATORS: ReadonlyMap<string, Operator<any>> = new Map(
  [keep, pseudonymise, redact, suppress, generalise, dateShift, scrubTextOperator, consent].map((o) => [
    o.name,
    o,
  ]),
);
