/**
 * The JSON-file form of records (JSON Lines for the CLI and fixtures) ⇄ the in-memory Avro form.
 * JSON form: dates "YYYY-MM-DD", timestamps ISO-8601 with a zone ("2026-03-01T09:30:00Z"), bytes base64.
 * Avro form: what avsc decodes with unwrapped unions and no logical-type classes: days, epoch ms, Buffers.
 * Driven by the schema, compiled once per schema. Unknown keys are refused, never dropped silently, and errors
 * name the field and the rule, never the value.
 */
import type { AvroRecordSchema } from "./load.ts";

export type JsonFormErrorCode =
  | "JSON_NOT_OBJECT"
  | "JSON_FIELD_UNKNOWN"
  | "JSON_FIELD_MISSING"
  | "JSON_VALUE_INVALID";

export type JsonFormResult =
  | { readonly ok: true; readonly value: Record<string, unknown> }
  | { readonly ok: false; readonly code: JsonFormErrorCode; readonly field?: string };

const MS_PER_DAY = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/;
const INVALID = Symbol("invalid");

interface Converter {
  fromJson(v: unknown): unknown;
  toJson(v: unknown): unknown;
}

function dateFromJson(v: unknown): unknown {
  if (typeof v !== "string") return INVALID;
  const m = DATE.exec(v);
  if (!m) return INVALID;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  // Round-trip check rejects 2026-02-30 rather than rolling it into March.
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== v) return INVALID;
  return ms / MS_PER_DAY;
}

function dateToJson(v: unknown): unknown {
  return new Date((v as number) * MS_PER_DAY).toISOString().slice(0, 10);
}

function timestampFromJson(v: unknown): unknown {
  if (typeof v !== "string" || !TIMESTAMP.test(v)) return INVALID;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? INVALID : ms;
}

const PRIMITIVE: Record<string, (v: unknown) => boolean> = {
  string: (v) => typeof v === "string",
  boolean: (v) => typeof v === "boolean",
  int: (v) => Number.isInteger(v),
  long: (v) => Number.isSafeInteger(v),
  float: (v) => typeof v === "number",
  double: (v) => typeof v === "number",
};

function converterFor(type: unknown): Converter {
  if (Array.isArray(type)) {
    const branches = type.filter((b) => b !== "null");
    if (branches.length !== 1) throw new Error('json-form supports only ["null", T] unions');
    const inner = converterFor(branches[0]);
    return {
      fromJson: (v) => (v === null ? null : inner.fromJson(v)),
      toJson: (v) => (v === null ? null : inner.toJson(v)),
    };
  }
  if (typeof type === "string") {
    if (type === "bytes") {
      return {
        fromJson: (v) => (typeof v === "string" ? Buffer.from(v, "base64") : INVALID),
        toJson: (v) => (v as Buffer).toString("base64"),
      };
    }
    const check = PRIMITIVE[type];
    if (!check) throw new Error(`json-form does not support type ${type}`);
    return { fromJson: (v) => (check(v) ? v : INVALID), toJson: (v) => v };
  }
  const t = type as { type: unknown; logicalType?: unknown; items?: unknown; symbols?: unknown };
  if (t.type === "array") {
    const item = converterFor(t.items);
    return {
      fromJson: (v) => {
        if (!Array.isArray(v)) return INVALID;
        const out = v.map((x) => item.fromJson(x));
        return out.includes(INVALID) ? INVALID : out;
      },
      toJson: (v) => (v as unknown[]).map((x) => item.toJson(x)),
    };
  }
  if (t.type === "enum" && Array.isArray(t.symbols)) {
    const symbols = new Set(t.symbols);
    return { fromJson: (v) => (symbols.has(v) ? v : INVALID), toJson: (v) => v };
  }
  if (t.type === "int" && t.logicalType === "date") return { fromJson: dateFromJson, toJson: dateToJson };
  if (t.type === "long" && t.logicalType === "timestamp-millis") {
    return { fromJson: timestampFromJson, toJson: (v) => new Date(v as number).toISOString() };
  }
  return converterFor(t.type);
}

interface CompiledForm {
  readonly fields: ReadonlyArray<{ name: string; converter: Converter; defaultNull: boolean }>;
  readonly names: ReadonlySet<string>;
}

const compiled = new WeakMap<object, CompiledForm>();

function compile(schema: AvroRecordSchema): CompiledForm {
  let form = compiled.get(schema);
  if (!form) {
    const fields = schema.fields.map((f) => ({
      name: f.name,
      converter: converterFor(f.type),
      defaultNull: Object.hasOwn(f, "default") && f["default"] === null,
    }));
    form = { fields, names: new Set(fields.map((f) => f.name)) };
    compiled.set(schema, form);
  }
  return form;
}

/** JSON-file form → Avro form. Never throws for bad input; reports the field name and a code. */
export function fromJsonForm(schema: AvroRecordSchema, json: unknown): JsonFormResult {
  if (typeof json !== "object" || json === null || Array.isArray(json))
    return { ok: false, code: "JSON_NOT_OBJECT" };
  const form = compile(schema);
  const input = json as Record<string, unknown>;
  for (const key of Object.keys(input)) {
    if (!form.names.has(key)) return { ok: false, code: "JSON_FIELD_UNKNOWN", field: key };
  }
  const value: Record<string, unknown> = {};
  for (const f of form.fields) {
    const raw = input[f.name];
    if (raw === undefined) {
      if (!f.defaultNull) return { ok: false, code: "JSON_FIELD_MISSING", field: f.name };
      value[f.name] = null;
      continue;
    }
    const converted = f.converter.fromJson(raw);
    if (converted === INVALID) return { ok: false, code: "JSON_VALUE_INVALID", field: f.name };
    value[f.name] = converted;
  }
  return { ok: true, value };
}

/** Avro form → JSON-file form (the value is assumed valid for the schema). */
export function toJsonForm(
  schema: AvroRecordSchema,
  value: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of compile(schema).fields) {
    const v = value[f.name];
    if (v !== undefined) out[f.name] = f.converter.toJson(v);
  }
  return out;
}
