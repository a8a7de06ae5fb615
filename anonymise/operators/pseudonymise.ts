import { nullableOf } from "../avro-type.ts";
import { isNormaliserName, NORMALISERS, TOKEN_PREFIX } from "../pseudonymise.ts";
import { bad, requireString } from "./params.ts";
import { OperationFailure, type Operator, type PseudonymRef } from "./types.ts";

/** Replaces an identifier by its keyed token (PREFIX-keyId-…). */

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
  operate(value, p, operationContext, field) {
    if (value === null) return null;
    return operationContext.tokenOf(p) ?? new OperationFailure("ANON_VALUE_INVALID", field);
  },
};
