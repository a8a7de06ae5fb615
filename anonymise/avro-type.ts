import { AnonymisationError } from "./errors.ts";

/**
 * Just enough of Avro's type system to check a decoded value cheaply against its field type, compiled once per
 * field. The engine receives avsc's decoded form with unwrapped unions: `["null", T]` decodes to null or a T.
 */
export type ValueCheck = (value: unknown) => boolean;

export interface FieldShape {
  readonly name: string;
  /** The field's type as written in the schema. */
  readonly type: unknown;
  readonly nullable: boolean;
  /** The non-null branch: a primitive name, or "array", "enum". */
  readonly base: string;
  readonly logicalType: string | undefined;
  readonly items: string | undefined;
  readonly check: ValueCheck;
}

const PRIMITIVE_CHECKS: Record<string, ValueCheck> = {
  string: (v) => typeof v === "string",
  boolean: (v) => typeof v === "boolean",
  int: (v) => Number.isInteger(v) && (v as number) >= -2147483648 && (v as number) <= 2147483647,
  long: (v) => Number.isSafeInteger(v),
  float: (v) => typeof v === "number",
  double: (v) => typeof v === "number",
};

function unsupported(field: string): AnonymisationError {
  return new AnonymisationError(
    "ANON_POLICY_INVALID",
    `field '${field}' has a type the engine does not support (primitives, enums, arrays of primitives and ["null", T])`,
    field,
  );
}

function describe(
  type: unknown,
  field: string,
): { base: string; logicalType?: string; items?: string; check: ValueCheck } {
  if (typeof type === "string") {
    const check = PRIMITIVE_CHECKS[type];
    if (!check) throw unsupported(field);
    return { base: type, check };
  }
  if (typeof type !== "object" || type === null || Array.isArray(type)) throw unsupported(field);
  const t = type as { type?: unknown; logicalType?: unknown; items?: unknown; symbols?: unknown };
  if (t.type === "array") {
    if (typeof t.items !== "string") throw unsupported(field);
    const itemCheck = PRIMITIVE_CHECKS[t.items];
    if (!itemCheck) throw unsupported(field);
    return { base: "array", items: t.items, check: (v) => Array.isArray(v) && v.every(itemCheck) };
  }
  if (t.type === "enum" && Array.isArray(t.symbols)) {
    const symbols = new Set(t.symbols);
    return { base: "enum", check: (v) => typeof v === "string" && symbols.has(v) };
  }
  const inner = describe(t.type, field);
  return typeof t.logicalType === "string" ? { ...inner, logicalType: t.logicalType } : inner;
}

export function shapeOf(field: { name: string; type: unknown }): FieldShape {
  let type = field.type;
  let nullable = false;
  if (Array.isArray(type)) {
    const branches = type.filter((b) => b !== "null");
    if (branches.length !== 1 || type.length !== 2) throw unsupported(field.name);
    nullable = true;
    type = branches[0];
  }
  const d = describe(type, field.name);
  const check: ValueCheck = nullable ? (v) => v === null || d.check(v) : d.check;
  return {
    name: field.name,
    type: field.type,
    nullable,
    base: d.base,
    logicalType: d.logicalType,
    items: d.items,
    check,
  };
}

/** `["null", T]` for a nullable output, else T. */
export function nullableOf(type: unknown, nullable: boolean): unknown {
  return nullable ? ["null", type] : type;
}
