import type { AvroRecordSchema } from "../schemas/load.ts";

/**
 * The research table's columns, derived from the anonymised record's Avro schema (the one source of its field
 * list): one column per field, named as the field, typed from its Avro type, then the three provenance columns.
 * Adding a field to `schemas/anonymised-patient-record.v1.avsc` therefore needs only a migration that adds the
 * column; a start-up check compares the two.
 */
export type PgType = "text" | "integer" | "bigint" | "boolean" | "date" | "timestamptz" | "text[]";

export interface Column {
  readonly name: string;
  readonly pgType: PgType;
  readonly nullable: boolean;
  /** COPY text format of a value of this column (`\N` for null). */
  copyText(value: unknown): string;
}

export class ResearchColumnsError extends Error {}

const escapeCopy = (s: string): string =>
  s.replace(/[\\\n\r\t]/g, (c) => (c === "\\" ? "\\\\" : c === "\n" ? "\\n" : c === "\r" ? "\\r" : "\\t"));

const MS_PER_DAY = 86_400_000;

const ENCODERS: Record<PgType, (v: unknown) => string> = {
  text: (v) => escapeCopy(String(v)),
  integer: (v) => String(v),
  bigint: (v) => String(v),
  boolean: (v) => (v ? "t" : "f"),
  // Avro date: days since 1970-01-01; timestamp-millis: epoch milliseconds (in-memory Avro form).
  date: (v) => new Date((v as number) * MS_PER_DAY).toISOString().slice(0, 10),
  timestamptz: (v) => new Date(v as number).toISOString(),
  "text[]": (v) =>
    escapeCopy(`{${(v as string[]).map((x) => `"${x.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(",")}}`),
};

type AvroType = string | { type: string; logicalType?: string; items?: unknown } | AvroType[];

function pgTypeOf(type: AvroType, field: string): { pgType: PgType; nullable: boolean } {
  if (Array.isArray(type)) {
    const branches = type.filter((t) => t !== "null");
    if (branches.length !== 1 || branches.length === type.length)
      throw new ResearchColumnsError(`field '${field}': only ["null", T] unions map to a column`);
    return { pgType: pgTypeOf(branches[0] as AvroType, field).pgType, nullable: true };
  }
  if (typeof type === "object") {
    if (type.type === "long" && type.logicalType === "timestamp-millis")
      return { pgType: "timestamptz", nullable: false };
    if (type.type === "int" && type.logicalType === "date") return { pgType: "date", nullable: false };
    if (type.type === "array" && type.items === "string") return { pgType: "text[]", nullable: false };
    if (type.logicalType === undefined) return pgTypeOf(type.type, field);
  }
  switch (type) {
    case "string":
      return { pgType: "text", nullable: false };
    case "int":
      return { pgType: "integer", nullable: false };
    case "long":
      return { pgType: "bigint", nullable: false };
    case "boolean":
      return { pgType: "boolean", nullable: false };
  }
  throw new ResearchColumnsError(`field '${field}': Avro type ${JSON.stringify(type)} has no column mapping`);
}

function column(name: string, pgType: PgType, nullable: boolean): Column {
  const encode = ENCODERS[pgType];
  return {
    name,
    pgType,
    nullable,
    copyText: (value) => (value === null || value === undefined ? "\\N" : encode(value)),
  };
}

/** Where the row came from; the sink fills these, not the record. */
export const PROVENANCE_COLUMNS: readonly Column[] = [
  column("source_topic", "text", false),
  column("source_partition", "integer", false),
  column("source_offset", "bigint", false),
];

export function researchColumns(schema: AvroRecordSchema): Column[] {
  const fields = schema.fields as Array<{ name: string; type: AvroType }>;
  return fields.map((f) => {
    const { pgType, nullable } = pgTypeOf(f.type, f.name);
    return column(f.name, pgType, nullable);
  });
}

/** The PostgreSQL spelling of a column type as information_schema reports it (for the start-up check). */
export function informationSchemaType(pgType: PgType): string {
  switch (pgType) {
    case "text":
      return "text";
    case "integer":
      return "integer";
    case "bigint":
      return "bigint";
    case "boolean":
      return "boolean";
    case "date":
      return "date";
    case "timestamptz":
      return "timestamp with time zone";
    case "text[]":
      return "ARRAY";
  }
}

/**
 * A research row already in COPY form: the cells of the record's fields (tab-separated, without the provenance
 * columns) plus the two stamps the audit row needs. Worker threads prepare rows this way (app/wiring), so that
 * the main thread neither receives nor encodes the record objects; the store takes either form.
 */
export interface PreparedRow {
  readonly copyCells: string;
  readonly policy_version: string;
  readonly key_id: string;
}

export function isPreparedRow(value: unknown): value is PreparedRow {
  return typeof (value as { copyCells?: unknown } | null)?.copyCells === "string";
}

/** The COPY cells of a record's fields, tab-separated, in column order. */
export function copyCells(columns: readonly Column[], value: Readonly<Record<string, unknown>>): string {
  let out = "";
  for (let c = 0; c < columns.length; c++) {
    const col = columns[c] as Column;
    out += (c === 0 ? "" : "\t") + col.copyText(value[col.name]);
  }
  return out;
}

export function prepareRow(
  columns: readonly Column[],
  value: Readonly<Record<string, unknown>>,
): PreparedRow {
  return {
    copyCells: copyCells(columns, value),
    policy_version: String(value["policy_version"]),
    key_id: String(value["key_id"]),
  };
}
