import { bad } from "./params.ts";
import { type Operator, Withhold } from "./types.ts";

/** A gate: a record whose subject opted out, or whose answer is missing, is withheld. */

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
