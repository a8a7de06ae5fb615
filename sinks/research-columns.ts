import { isoDate, isoTimestamp } from "../contracts/calendar.ts";
import type { StoreRecord } from "../contracts/stores.ts";
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

const NEEDS_ESCAPE = /[\\\n\r\t]/;

// Most cells have nothing to escape: a test is cheaper than a replace with a callback that finds nothing.
const escapeCopy = (s: string): string =>
  NEEDS_ESCAPE.test(s)
    ? s.replace(/[\\\n\r\t]/g, (c) => (c === "\\" ? "\\\\" : c === "\n" ? "\\n" : c === "\r" ? "\\r" : "\\t"))
    : s;

const ENCODERS: Record<PgType, (v: unknown) => string> = {
  text: (v) => escapeCopy(String(v)),
  integer: (v) => String(v),
  bigint: (v) => String(v),
  boolean: (v) => (v ? "t" : "f"),
  // Avro date: days since 1970-01-01; timestamp-millis: epoch milliseconds (in-memory Avro form).
  date: (v) => isoDate(v as number),
  timestamptz: (v) => isoTimestamp(v as number),
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

const SOURCE_TOPIC = column("source_topic", "text", false);

/** Where the row came from; the sink fills these, not the record. */
export const PROVENANCE_COLUMNS: readonly Column[] = [
  SOURCE_TOPIC,
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
 * A research row already in COPY form: its whole line (the record's fields, the provenance columns, the newline) as
 * UTF-8, `bytes[start, end)` of a buffer that the rows prepared together share, plus the two stamps the audit row
 * needs. Worker threads prepare rows this way (app/wiring) and transfer the buffer, so that the main thread neither
 * receives nor encodes the record objects, nor builds the COPY text: it writes slices of the buffers it was given.
 * The store takes either form.
 */
export interface PreparedRow {
  readonly bytes: Uint8Array;
  readonly start: number;
  readonly end: number;
  readonly policy_version: string;
  readonly key_id: string;
}

export function isPreparedRow(value: unknown): value is PreparedRow {
  const v = value as Partial<Record<keyof PreparedRow, unknown>> | null;
  return v?.bytes instanceof Uint8Array && typeof v.start === "number" && typeof v.end === "number";
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

/** A research record's COPY line, without its newline: the fields' cells, then topic, partition and offset. */
export function copyLine(columns: readonly Column[], record: Readonly<StoreRecord>): string {
  const cells = copyCells(columns, record.value as Readonly<Record<string, unknown>>);
  return `${cells}\t${SOURCE_TOPIC.copyText(record.topic)}\t${record.partition}\t${record.offset}`;
}

/**
 * Research records with their values replaced by prepared rows, every line encoded into one buffer (returned for
 * the caller to transfer to another thread rather than copy).
 */
export function prepareRows(
  columns: readonly Column[],
  records: readonly StoreRecord[],
): { records: StoreRecord[]; buffer: ArrayBuffer } {
  const lines = records.map((r) => copyLine(columns, r));
  // UTF-8 takes at most three bytes per UTF-16 unit; the buffer is cut to what was written before the rows refer to it.
  let capacity = 0;
  for (const line of lines) capacity += line.length * 3 + 1;
  // A Buffer of its own (not a slice of the shared pool), written line by line at an offset: no view per line.
  const scratch = Buffer.allocUnsafeSlow(capacity);
  const ends = new Array<number>(lines.length);
  let at = 0;
  for (let i = 0; i < lines.length; i++) {
    at += scratch.write(lines[i] as string, at, "utf8");
    scratch[at++] = 0x0a;
    ends[i] = at;
  }
  const buffer = scratch.buffer.transfer(at);
  const bytes = new Uint8Array(buffer);
  const prepared = records.map((r, i) => {
    const value = r.value as Readonly<Record<string, unknown>>;
    const row: PreparedRow = {
      bytes,
      start: i === 0 ? 0 : (ends[i - 1] as number),
      end: ends[i] as number,
      policy_version: String(value["policy_version"]),
      key_id: String(value["key_id"]),
    };
    return { ...r, value: row };
  });
  return { records: prepared, buffer };
}
