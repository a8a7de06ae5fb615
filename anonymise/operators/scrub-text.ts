import { NORMALISERS } from "../pseudonymise.ts";
import {
  DEFAULT_MAX_TEXT_LENGTH,
  ENTITY_TYPES,
  type EntityType,
  type OwnIdentifier,
  scrubText,
} from "../scrub-text.ts";
import { bad, optionalInt, requireString } from "./params.ts";
import { type OperationContext, OperationFailure, type Operator, type PseudonymRef } from "./types.ts";

/** Removes identifiers from free text, including the record's own (names, address, numbers). */

interface OwnField {
  readonly field: string;
  readonly entity: EntityType;
  readonly ref: PseudonymRef | undefined;
  /** Listed in `nicknames`: the notes are searched for the other names this name goes by too. */
  readonly otherNames: boolean;
}

interface ScrubParams {
  readonly maxLength: number;
  readonly own: readonly OwnField[];
  readonly nhsRef: PseudonymRef | undefined;
}

/** The record's own identifiers; scrubText matches each in all its renderings (name parts, street forms…). */
function ownIdentifiers(p: ScrubParams, operationContext: OperationContext): OwnIdentifier[] {
  const out: OwnIdentifier[] = [];
  for (const o of p.own) {
    const v = operationContext.record[o.field];
    if (typeof v !== "string" || v.trim().length === 0) continue;
    const replacement =
      operationContext.strategy === "pseudonymisation" && o.ref
        ? (operationContext.tokenOf(o.ref) ?? undefined)
        : undefined;
    out.push({ text: v.trim(), entity: o.entity, replacement, otherNames: o.otherNames });
  }
  return out;
}

export const scrubTextOperator: Operator<ScrubParams> = {
  name: "scrub-text",
  params: ["maxLength", "own", "nicknames"],
  validate(params, ctx) {
    const f = ctx.field;
    requireString(f, "scrub-text");
    const ownParam = params["own"] ?? {};
    if (typeof ownParam !== "object" || ownParam === null || Array.isArray(ownParam)) {
      throw bad(f.name, "'own' must map field names to entity types");
    }
    const nicknamesParam = params["nicknames"] ?? [];
    if (!Array.isArray(nicknamesParam) || !nicknamesParam.every((n) => typeof n === "string")) {
      throw bad(f.name, "'nicknames' must list fields of 'own'");
    }
    const nicknames = new Set<string>(nicknamesParam as string[]);
    const own: OwnField[] = [];
    let nhsRef: PseudonymRef | undefined;
    for (const [name, entity] of Object.entries(ownParam)) {
      const shape = ctx.fields.get(name);
      if (shape?.base !== "string") throw bad(f.name, `'own' names '${name}', which is not a string field`);
      if (typeof entity !== "string" || !(ENTITY_TYPES as readonly string[]).includes(entity)) {
        throw bad(f.name, `'own.${name}' must be one of ${ENTITY_TYPES.join(", ")}`);
      }
      const ref = ctx.pseudonymRef(name);
      own.push({ field: name, entity: entity as EntityType, ref, otherNames: nicknames.has(name) });
      if (entity === "NHS_NUMBER" && ref) nhsRef = ref;
    }
    for (const n of nicknames) {
      if (own.find((o) => o.field === n)?.entity !== "NAME")
        throw bad(f.name, `'nicknames' names '${n}', which is not a NAME field of 'own'`);
    }
    return {
      maxLength: optionalInt(params, "maxLength", f.name, 1, 100_000, DEFAULT_MAX_TEXT_LENGTH),
      own,
      nhsRef,
    };
  },
  outputType: (_p, ctx) => ctx.field.type,
  keyed: (p, strategy) => strategy === "pseudonymisation" && p.own.some((o) => o.ref !== undefined),
  operate(value, p, operationContext, field) {
    if (value === null) return null;
    const text = value as string;
    // Fail rather than truncate: a silently shortened note loses clinical content nobody would notice missing.
    if (text.length > p.maxLength) return new OperationFailure("ANON_TEXT_TOO_LONG", field);
    const nhsRef = operationContext.strategy === "pseudonymisation" ? p.nhsRef : undefined;
    const personNames = operationContext.personNames;
    const options = nhsRef
      ? {
          personNames,
          nhsToken: (digits: string) =>
            operationContext.pseudonymiser.token(
              nhsRef.prefix,
              NORMALISERS[nhsRef.normalise](digits) ?? digits,
            ),
        }
      : { personNames };
    return scrubText(text, ownIdentifiers(p, operationContext), options, operationContext.replacements);
  },
};
