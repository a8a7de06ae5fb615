import { DEFAULT_MAX_SHIFT_DAYS, shiftDate, shiftTimestamp } from "../date-shift.ts";
import { bad, isDateLike, optionalInt } from "./params.ts";
import { type OperationContext, OperationFailure, type Operator, type PseudonymRef } from "./types.ts";

/** Shifts every date of a patient by the same keyed offset, so intervals survive. */

interface DateShiftParams {
  readonly maxDays: number;
  readonly subjects: readonly PseudonymRef[];
  readonly timestamp: boolean;
}

function subjectToken(subjects: readonly PseudonymRef[], operationContext: OperationContext): string | null {
  for (const s of subjects) {
    const token = operationContext.tokenOf(s);
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
  operate(value, p, operationContext) {
    if (value === null) return null;
    const token = subjectToken(p.subjects, operationContext);
    if (token === null)
      return new OperationFailure("ANON_VALUE_INVALID", (p.subjects[0] as PseudonymRef).field);
    const offset = operationContext.pseudonymiser.dateShiftDays(token, p.maxDays);
    return p.timestamp ? shiftTimestamp(value as number, offset) : shiftDate(value as number, offset);
  },
};
