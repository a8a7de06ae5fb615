import { consent } from "./consent.ts";
import { dateShift } from "./date-shift.ts";
import { generalise } from "./generalise.ts";
import { keep } from "./keep.ts";
import { pseudonymise } from "./pseudonymise.ts";
import { REDACTED, redact } from "./redact.ts";
import { scrubTextOperator } from "./scrub-text.ts";
import { suppress } from "./suppress.ts";
import type { Operator } from "./types.ts";

/** The operator registry: a policy names operators from this map by their `name`. */

export {
  type CompileContext,
  type OperationContext,
  OperationFailure,
  type Operator,
  type Params,
  type PseudonymRef,
  Withhold,
  type WithholdReason,
} from "./types.ts";
export { consent, dateShift, generalise, keep, pseudonymise, REDACTED, redact, scrubTextOperator, suppress };

// biome-ignore lint/suspicious/noExplicitAny: the registry holds operators with different parameter types.
export const OPERATORS: ReadonlyMap<string, Operator<any>> = new Map(
  [keep, pseudonymise, redact, suppress, generalise, dateShift, scrubTextOperator, consent].map((o) => [
    o.name,
    o,
  ]),
);
