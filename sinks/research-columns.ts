import { civilFromDays, clockOf, isoDate, isoTimestamp, MS_PER_DAY } from "../contracts/calendar.ts";
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

/** An array element as an array literal writes it between its quotes: `"` and `\` escaped with a backslash. */
const arrayElement = (x: string): string => x.replace(/["\\]/g, (c) => `\\${c}`);

const ENCODERS: Record<PgType, (v: unknown) => string> = {
  text: (v) => escapeCopy(String(v)),
  integer: (v) => String(v),
  bigint: (v) => String(v),
  boolean: (v) => (v ? "t" : "f"),
  // Avro date: days since 1970-01-01; timestamp-millis: epoch milliseconds (in-memory Avro form).
  date: (v) => isoDate(v as number),
  timestamptz: (v) => isoTimestamp(v as number),
  "text[]": (v) => escapeCopy(`{${(v as string[]).map((x) => `"${arrayElement(x)}"`).join(",")}}`),
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

/** Text cells up to this many UTF-16 units are tried as plain ASCII first (CopyWriter.text). */
const SHORT_TEXT = 64;

/** A character COPY's text format escapes with a backslash (NEEDS_ESCAPE's): `\`, newline, carriage return, tab. */
function copyEscapes(c: number): boolean {
  return c === 0x5c || c === 0x0a || c === 0x0d || c === 0x09;
}

/**
 * COPY lines written as UTF-8 straight into one buffer that grows as needed: the bytes copyLine's text would encode
 * to (tests compare them), without a string made per line, nor per date, number or array cell. A line built as a
 * string, then encoded, leaves some 3 KB of short-lived strings per row of the benchmark's records (cells, their
 * concatenations, the flattened line) for a processing thread's garbage collector; written so, about 0.2 KB.
 */
class CopyWriter {
  bytes: Buffer<ArrayBuffer>;
  at = 0;

  constructor(capacity: number) {
    this.bytes = Buffer.allocUnsafeSlow(Math.max(256, capacity));
  }

  /** The buffer, with room for `n` more bytes at `at`. */
  room(n: number): Buffer {
    if (this.at + n > this.bytes.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(2 * this.bytes.length, this.at + n));
      this.bytes.copy(grown, 0, 0, this.at);
      this.bytes = grown;
    }
    return this.bytes;
  }

  byte(b: number): void {
    this.room(1)[this.at++] = b;
  }

  /** Text of characters below 128 that COPY does not escape (figures, a date's signs). */
  ascii(s: string): void {
    const b = this.room(s.length);
    for (let i = 0; i < s.length; i++) b[this.at++] = s.charCodeAt(i);
  }

  /** A text cell: COPY's escapes, in UTF-8 (at most three bytes per UTF-16 unit). */
  text(s: string): void {
    // A short cell of ASCII that COPY does not escape (most tokens, codes and labels) is copied here character by
    // character: cheaper than a call into the UTF-8 encoder. Anything else starts over through escapeCopy.
    if (s.length <= SHORT_TEXT) {
      const b = this.room(s.length);
      let i = 0;
      for (; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80 || copyEscapes(c)) break;
        b[this.at + i] = c;
      }
      if (i === s.length) {
        this.at += i;
        return;
      }
    }
    const cell = escapeCopy(s);
    this.at += this.room(3 * cell.length).write(cell, this.at, "utf8");
  }

  /** A non-negative integer below 10^width, zero-padded to `width` figures. */
  figures(n: number, width: number): void {
    const b = this.room(width);
    for (let k = width - 1; k >= 0; k--) {
      b[this.at + k] = 48 + (n % 10);
      n = Math.floor(n / 10);
    }
    this.at += width;
  }

  /** `YYYY-MM-DD` of a civil date of years 0 to 9999. */
  isoDay(year: number, month: number, day: number): void {
    this.figures(year, 4);
    this.byte(0x2d);
    this.figures(month, 2);
    this.byte(0x2d);
    this.figures(day, 2);
  }
}

/** One array element in an array cell: `"` and `\` escaped for the array, then the cell escaped for COPY. */
function writeArrayItem(x: string, w: CopyWriter): void {
  // At most four bytes per UTF-16 unit: `\` becomes four backslashes.
  const b = w.room(4 * x.length);
  for (let i = 0; i < x.length; i++) {
    const c = x.charCodeAt(i);
    if (c >= 0x80) {
      // Beyond ASCII, the rest as copyText writes it: each character is escaped on its own, so the two parts join.
      const rest = escapeCopy(arrayElement(x.slice(i)));
      w.at += b.write(rest, w.at, "utf8");
      return;
    }
    if (c === 0x22 || c === 0x5c) {
      b[w.at++] = 0x5c;
      b[w.at++] = 0x5c;
      if (c === 0x5c) b[w.at++] = 0x5c;
      b[w.at++] = c;
    } else if (copyEscapes(c)) {
      b[w.at++] = 0x5c;
      b[w.at++] = c === 0x0a ? 0x6e : c === 0x0d ? 0x72 : 0x74;
    } else b[w.at++] = c;
  }
}

/** Each column type's cell written into a CopyWriter, as ENCODERS writes it as text. */
const WRITERS: Record<PgType, (v: unknown, w: CopyWriter) => void> = {
  text: (v, w) => w.text(String(v)),
  integer: (v, w) => w.ascii(String(v)),
  bigint: (v, w) => w.ascii(String(v)),
  boolean: (v, w) => w.byte(v ? 0x74 : 0x66),
  date: (v, w) => {
    const c = civilFromDays(v as number);
    if (c.year >= 0 && c.year <= 9999) w.isoDay(c.year, c.month, c.day);
    else w.ascii(isoDate(v as number));
  },
  timestamptz: (v, w) => {
    const ms = v as number;
    const days = Math.floor(ms / MS_PER_DAY);
    const c = civilFromDays(days);
    if (!Number.isInteger(ms) || !(c.year >= 0 && c.year <= 9999)) {
      w.ascii(isoTimestamp(ms));
      return;
    }
    w.isoDay(c.year, c.month, c.day);
    const t = clockOf(ms - days * MS_PER_DAY);
    w.byte(0x54);
    w.figures(t.hours, 2);
    w.byte(0x3a);
    w.figures(t.minutes, 2);
    w.byte(0x3a);
    w.figures(t.seconds, 2);
    w.byte(0x2e);
    w.figures(t.millis, 3);
    w.byte(0x5a);
  },
  "text[]": (v, w) => {
    const items = v as string[];
    w.byte(0x7b);
    for (let i = 0; i < items.length; i++) {
      if (i > 0) w.byte(0x2c);
      w.byte(0x22);
      writeArrayItem(items[i] as string, w);
      w.byte(0x22);
    }
    w.byte(0x7d);
  },
};

function writeCell(column: Column, v: unknown, w: CopyWriter): void {
  if (v === null || v === undefined) {
    w.byte(0x5c);
    w.byte(0x4e);
  } else WRITERS[column.pgType](v, w);
}

/** A research record's COPY line and its newline, as copyLine writes it. */
function writeLine(columns: readonly Column[], record: Readonly<StoreRecord>, w: CopyWriter): void {
  const value = record.value as Readonly<Record<string, unknown>>;
  for (let c = 0; c < columns.length; c++) {
    const col = columns[c] as Column;
    if (c > 0) w.byte(0x09);
    writeCell(col, value[col.name], w);
  }
  w.byte(0x09);
  writeCell(SOURCE_TOPIC, record.topic, w);
  w.byte(0x09);
  w.ascii(String(record.partition));
  w.byte(0x09);
  w.ascii(String(record.offset));
  w.byte(0x0a);
}

/** The records' COPY lines, one after another, and where each ends. */
function writeLines(
  columns: readonly Column[],
  records: readonly StoreRecord[],
): { w: CopyWriter; ends: number[] } {
  const w = new CopyWriter(records.length * 1024);
  const ends = new Array<number>(records.length);
  for (let i = 0; i < records.length; i++) {
    writeLine(columns, records[i] as StoreRecord, w);
    ends[i] = w.at;
  }
  return { w, ends };
}

/** The records' COPY lines as UTF-8, each with its newline: the bytes of copyLine's lines. */
export function copyBytes(columns: readonly Column[], records: readonly StoreRecord[]): Uint8Array {
  const { w } = writeLines(columns, records);
  return w.bytes.subarray(0, w.at);
}

/**
 * Research records with their values replaced by prepared rows, every line encoded into one buffer (returned for
 * the caller to transfer to another thread rather than copy).
 */
export function prepareRows(
  columns: readonly Column[],
  records: readonly StoreRecord[],
): { records: StoreRecord[]; buffer: ArrayBuffer } {
  const { w, ends } = writeLines(columns, records);
  // The buffer is cut to what was written before the rows refer to it.
  const buffer = w.bytes.buffer.transfer(w.at);
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
