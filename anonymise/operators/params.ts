import { MS_PER_DAY } from "../../contracts/calendar.ts";
import type { FieldShape } from "../avro-type.ts";
import { AnonymisationError } from "../errors.ts";
import type { Params } from "./types.ts";

/** Parameter helpers shared by the operators: messages name the field and parameter, and the rule broken. */

export function bad(field: string, message: string): AnonymisationError {
  return new AnonymisationError("ANON_POLICY_INVALID", `field '${field}': ${message}`, field);
}

export function optionalInt(
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

export function requireString(shape: FieldShape, operator: string): void {
  if (shape.base !== "string") throw bad(shape.name, `operator '${operator}' needs a string field`);
}

export function isDateLike(shape: FieldShape | undefined): boolean {
  return (
    shape !== undefined &&
    ((shape.base === "int" && shape.logicalType === "date") ||
      (shape.base === "long" && shape.logicalType === "timestamp-millis"))
  );
}

export function toDays(value: number, shape: FieldShape): number {
  return shape.logicalType === "timestamp-millis" ? Math.floor(value / MS_PER_DAY) : value;
}
