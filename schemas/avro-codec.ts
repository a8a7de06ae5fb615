import { isUtf8 } from "node:buffer";
import avro from "avsc";
import { SchemaError, WriterRefusedError } from "./errors.ts";

/** Confluent wire format: magic byte 0, a 4-byte big-endian schema id, then the Avro binary body. */
export const MAGIC_BYTE = 0;
export const WIRE_HEADER_BYTES = 5;

type Schema = unknown;

/** The same schema with every `string` read as `bytes`, so that invalid UTF-8 can be detected, not replaced. */
function stringsAsBytes(schema: Schema): Schema {
  if (schema === "string") return "bytes";
  if (Array.isArray(schema)) return schema.map(stringsAsBytes);
  if (typeof schema !== "object" || schema === null) return schema;
  const s = schema as Record<string, unknown>;
  switch (s["type"]) {
    case "string":
      return { ...s, type: "bytes" };
    case "record":
    case "error":
      return {
        ...s,
        fields: (s["fields"] as Array<Record<string, unknown>>).map((f) => {
          const converted = stringsAsBytes(f["type"]);
          const fallback = f["default"];
          // Avro writes a bytes default as a string of code points 0-255: carry the string default's UTF-8 bytes
          // that way, so that after the UTF-8 check the reader sees the original string.
          return typeof fallback === "string"
            ? { ...f, type: converted, default: Buffer.from(fallback, "utf8").toString("latin1") }
            : { ...f, type: converted };
        }),
      };
    case "array":
      return { ...s, items: stringsAsBytes(s["items"]) };
    case "map":
      return { ...s, values: stringsAsBytes(s["values"]) };
    default:
      return typeof s["type"] === "object" ? { ...s, type: stringsAsBytes(s["type"]) } : s;
  }
}

type Convert = (value: unknown) => unknown;
const identity: Convert = (v) => v;

function utf8(value: unknown): unknown {
  if (!Buffer.isBuffer(value)) return value;
  if (!isUtf8(value)) throw new SchemaError("AVRO_INVALID_UTF8", "a string field is not valid UTF-8");
  return value.toString("utf8");
}

/** Compiles, once per schema, the function that turns the bytes read for string fields back into strings. */
function compileStringify(schema: Schema): Convert {
  if (schema === "string") return utf8;
  if (Array.isArray(schema)) {
    const branches = schema.map(compileStringify).filter((c) => c !== identity);
    if (branches.length === 0) return identity;
    const hasString = schema.some((b) => b === "string" || (b as { type?: unknown })?.type === "string");
    const objectBranch = branches.find((c) => c !== utf8);
    return (v) =>
      v === null ? null : Buffer.isBuffer(v) && hasString ? utf8(v) : objectBranch ? objectBranch(v) : v;
  }
  if (typeof schema !== "object" || schema === null) return identity;
  const s = schema as Record<string, unknown>;
  switch (s["type"]) {
    case "string":
      return utf8;
    case "record":
    case "error": {
      const fields = (s["fields"] as Array<{ name: string; type: Schema }>)
        .map((f) => ({ name: f.name, convert: compileStringify(f.type) }))
        .filter((f) => f.convert !== identity);
      if (fields.length === 0) return identity;
      return (v) => {
        const record = v as Record<string, unknown>;
        for (const f of fields) record[f.name] = f.convert(record[f.name]);
        return record;
      };
    }
    case "array": {
      const items = compileStringify(s["items"]);
      return items === identity ? identity : (v) => (v as unknown[]).map(items);
    }
    case "map": {
      const values = compileStringify(s["values"]);
      if (values === identity) return identity;
      return (v) => {
        const map = v as Record<string, unknown>;
        for (const key of Object.keys(map)) map[key] = values(map[key]);
        return map;
      };
    }
    default:
      return typeof s["type"] === "object" ? compileStringify(s["type"]) : identity;
  }
}

/**
 * Whether any string of a decoded value holds U+FFFD. Decoding replaces every invalid UTF-8 sequence with U+FFFD, so
 * a value without one was valid UTF-8; a value with one is decoded again as bytes, to tell invalid input from a
 * U+FFFD that was written. It walks the value, not the schema, so named types and every union form are covered.
 * Map keys are not checked (nor were they when every record was read as bytes).
 */
function holdsReplacementChar(value: unknown): boolean {
  if (typeof value === "string") return value.includes("\uFFFD");
  if (typeof value !== "object" || value === null || Buffer.isBuffer(value)) return false;
  if (Array.isArray(value)) {
    for (const item of value) if (holdsReplacementChar(item)) return true;
    return false;
  }
  for (const key in value) if (holdsReplacementChar((value as Record<string, unknown>)[key])) return true;
  return false;
}

interface AvscTypeParts {
  typeName: string;
  getTypes?(): avro.Type[];
  getFields?(): Array<{ getType(): avro.Type }>;
  getItemsType?(): avro.Type;
  getValuesType?(): avro.Type;
}

/**
 * Whether a type holds a union avsc wraps ({"string": …}). Read with strings as strings, a union of a string and an
 * enum is wrapped; read as bytes it is not: records of such a schema are always read as bytes, so that their values
 * keep the form they have always had.
 */
function hasWrappedUnion(type: avro.Type, seen = new Set<avro.Type>()): boolean {
  if (seen.has(type)) return false;
  seen.add(type);
  const t = type as unknown as AvscTypeParts;
  if (t.typeName === "union:wrapped") return true;
  const children = [
    ...(t.getTypes?.() ?? []),
    ...(t.getFields?.() ?? []).map((f) => f.getType()),
    ...(t.getItemsType ? [t.getItemsType()] : []),
    ...(t.getValuesType ? [t.getValuesType()] : []),
  ];
  return children.some((child) => hasWrappedUnion(child, seen));
}

interface CompiledWriter {
  /** Strings read as strings: the hot path. Undefined when the schema has a wrapped union (see hasWrappedUnion). */
  reader: avro.Type | undefined;
  resolver: avro.Resolver | undefined;
  /** Strings read as bytes, then checked and converted: only for values that hold U+FFFD. */
  bytesReader: avro.Type;
  bytesResolver: avro.Resolver;
  stringify: Convert;
}

export interface WriterProblem {
  code: string;
  field?: string;
}

export interface AvroDecoderOptions {
  registry: { writerSchema(id: number): Promise<object> };
  /** The schema the application reads (writer schemas are resolved to it, Avro schema resolution rules). */
  readerSchema: object;
  maxRecordBytes: number;
  /** A further check per writer schema: return a problem to refuse every record written with it. */
  acceptWriter?: (writerSchema: object) => WriterProblem | null;
  /** How long an unknown schema id is remembered as unknown (it may be registered later). */
  unknownIdTtlMs?: number;
}

/**
 * Decodes registry-framed Avro. Synchronous once a writer schema id has been seen (the hot path); the first record
 * of an unseen id returns a promise while the schema is fetched and compiled.
 */
export class AvroDecoder {
  readonly #options: AvroDecoderOptions;
  readonly #readerBytesSchema: Schema;
  readonly #stringify: Convert;
  readonly #compiled = new Map<number, CompiledWriter | Error>();
  readonly #unknownUntil = new Map<number, number>();

  constructor(options: AvroDecoderOptions) {
    this.#options = options;
    this.#readerBytesSchema = stringsAsBytes(options.readerSchema);
    this.#stringify = compileStringify(options.readerSchema);
  }

  /** The Serde side the topology uses (the raw record serde only decodes). */
  deserialize(data: Buffer): unknown | Promise<unknown> {
    return this.decode(data);
  }

  serialize(): Buffer {
    throw new TypeError("the raw record serde only decodes");
  }

  decode(data: Buffer): unknown | Promise<unknown> {
    if (data.length === 0) throw new SchemaError("RECORD_EMPTY", "record has no value bytes");
    if (data.length > this.#options.maxRecordBytes) {
      throw new SchemaError(
        "RECORD_OVERSIZE",
        `record of ${data.length} bytes exceeds the limit of ${this.#options.maxRecordBytes}`,
      );
    }
    if (data[0] !== MAGIC_BYTE)
      throw new SchemaError("SCHEMA_WRONG_MAGIC", "record does not start with magic byte 0");
    if (data.length < WIRE_HEADER_BYTES)
      throw new SchemaError("AVRO_TRUNCATED", "record shorter than the wire header");
    const id = data.readInt32BE(1);
    const compiled = this.#compiled.get(id);
    if (compiled instanceof Error) throw compiled;
    if (compiled) return this.#decodeWith(compiled, data, id);
    const unknownUntil = this.#unknownUntil.get(id);
    if (unknownUntil !== undefined && unknownUntil > Date.now()) {
      throw new SchemaError("SCHEMA_UNKNOWN_ID", `schema id ${id} is not known to the registry`, {
        extra: { "schema.id": String(id) },
      });
    }
    return this.#compile(id).then((c) => this.#decodeWith(c, data, id));
  }

  async #compile(id: number): Promise<CompiledWriter> {
    let writerSchema: object;
    try {
      writerSchema = await this.#options.registry.writerSchema(id);
    } catch (error) {
      if ((error as SchemaError).code === "SCHEMA_UNKNOWN_ID") {
        this.#unknownUntil.set(id, Date.now() + (this.#options.unknownIdTtlMs ?? 30_000));
      }
      throw error;
    }
    const problem = this.#options.acceptWriter?.(writerSchema) ?? null;
    if (problem) {
      const refused = new WriterRefusedError(problem, id);
      this.#compiled.set(id, refused);
      throw refused;
    }
    let compiledWriter: CompiledWriter;
    try {
      // A fresh options object each time: avsc keeps its registry of named types in it.
      const type = (schema: Schema) =>
        avro.Type.forSchema(schema as avro.Schema, { omitRecordMethods: true });
      const reader = type(this.#options.readerSchema);
      const writer = type(writerSchema);
      const bytesReader = type(this.#readerBytesSchema);
      const bytesWriter = type(stringsAsBytes(writerSchema));
      const wrapped = hasWrappedUnion(reader) || hasWrappedUnion(writer);
      compiledWriter = {
        reader: wrapped ? undefined : reader,
        resolver: wrapped ? undefined : reader.createResolver(writer),
        bytesReader,
        bytesResolver: bytesReader.createResolver(bytesWriter),
        stringify: this.#stringify,
      };
    } catch (cause) {
      const incompatible = new SchemaError(
        "SCHEMA_INCOMPATIBLE",
        `writer schema ${id} cannot be resolved to the reader schema`,
        { cause, extra: { "schema.id": String(id) } },
      );
      this.#compiled.set(id, incompatible);
      throw incompatible;
    }
    this.#compiled.set(id, compiledWriter);
    return compiledWriter;
  }

  #decodeWith(compiled: CompiledWriter, data: Buffer, id: number): unknown {
    if (compiled.reader !== undefined && compiled.resolver !== undefined) {
      const value = this.#read(compiled.reader, compiled.resolver, data, id);
      if (!holdsReplacementChar(value)) return value;
    }
    return compiled.stringify(this.#read(compiled.bytesReader, compiled.bytesResolver, data, id));
  }

  #read(reader: avro.Type, resolver: avro.Resolver, data: Buffer, id: number): unknown {
    let result: { value: unknown; offset: number };
    try {
      result = reader.decode(data, WIRE_HEADER_BYTES, resolver);
    } catch (cause) {
      // avsc's messages can quote decoded values: keep only the code.
      throw new SchemaError("AVRO_DECODE_FAILED", `record body does not decode with schema ${id}`, {
        cause,
        extra: { "schema.id": String(id) },
      });
    }
    if (result.offset === -1) {
      throw new SchemaError("AVRO_TRUNCATED", `record body ends early for schema ${id}`, {
        extra: { "schema.id": String(id) },
      });
    }
    if (result.offset !== data.length) {
      throw new SchemaError(
        "AVRO_TRAILING_BYTES",
        `${data.length - result.offset} bytes follow the record body (schema ${id})`,
        { extra: { "schema.id": String(id) } },
      );
    }
    return result.value;
  }
}

/** Encodes values of one registered schema into the wire format. Synchronous: the id is resolved at start-up. */
export class AvroEncoder {
  readonly #type: avro.Type;
  readonly schemaId: number;
  /** The wire header, then room for a body: each record is written here, then copied out once. */
  #scratch: Buffer;

  constructor(schema: object, schemaId: number) {
    this.#type = avro.Type.forSchema(schema as avro.Schema);
    this.schemaId = schemaId;
    this.#scratch = this.#withHeader(4096);
  }

  #withHeader(size: number): Buffer {
    const scratch = Buffer.alloc(size);
    scratch.writeUInt8(MAGIC_BYTE, 0);
    scratch.writeInt32BE(this.schemaId, 1);
    return scratch;
  }

  /** The Serde side the topology uses (the anonymised record serde only encodes). */
  serialize(value: unknown): Buffer {
    return this.encode(value);
  }

  deserialize(): never {
    throw new TypeError("the anonymised record serde only encodes");
  }

  encode(value: unknown): Buffer {
    let end: number;
    try {
      end = this.#type.encode(value, this.#scratch, WIRE_HEADER_BYTES);
      // A negative end is the number of bytes missing: grow and write again.
      if (end < 0) {
        this.#scratch = this.#withHeader(Math.max(2 * this.#scratch.length, this.#scratch.length - end));
        end = this.#type.encode(value, this.#scratch, WIRE_HEADER_BYTES);
      }
    } catch (cause) {
      const paths: string[] = [];
      this.#type.isValid(value, { errorHook: (path) => paths.push(path.join(".")) });
      throw new SchemaError(
        "AVRO_ENCODE_FAILED",
        `value does not fit schema ${this.schemaId}${paths.length ? ` (fields: ${paths.join(", ")})` : ""}`,
        { cause },
      );
    }
    return Buffer.from(this.#scratch.subarray(0, end));
  }
}
