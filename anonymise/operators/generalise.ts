import type { FieldShape } from "../avro-type.ts";
import { nullableOf } from "../avro-type.ts";
import { ageBand, ageInYears, monthOf, yearOf } from "../generalise.ts";
import { postcodeDistrict, postcodeSector } from "../postcode.ts";
import { bad, isDateLike, optionalInt, requireString, toDays } from "./params.ts";
import { OperationFailure, type Operator } from "./types.ts";

/** Coarsens a date (year, month, age band) or a postcode (district, sector). */

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
  operate(value, p, operationContext, field) {
    if (value === null) return null;
    if (p.to === "postcode-district") return postcodeDistrict(value as string);
    if (p.to === "postcode-sector") return postcodeSector(value as string);
    const days = value as number;
    if (p.to === "month") return monthOf(days);
    let age: number | undefined;
    if (p.reference !== undefined) {
      const ref = operationContext.record[p.reference.name];
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
