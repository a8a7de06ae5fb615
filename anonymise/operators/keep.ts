import { bad, optionalInt } from "./params.ts";
import { OperationFailure, type Operator } from "./types.ts";

/** Passes a value through unchanged; a string must match a pattern or an allow-list so free text cannot ride along. */

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
  operate(value, p, _operationContext, field) {
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
