import avro from "avsc";
import { afterEach, describe, expect, it, vi } from "vitest";
import { POISON_KINDS, type PoisonKind, poison, UNKNOWN_SCHEMA_ID } from "../../dev/producer/poison.ts";
import {
  AvroDecoder,
  type AvroDecoderOptions,
  AvroEncoder,
  MAGIC_BYTE,
  WIRE_HEADER_BYTES,
} from "../../schemas/avro-codec.ts";
import { SchemaError, WriterRefusedError } from "../../schemas/errors.ts";
import { loadSchemaFile } from "../../schemas/load.ts";
import { anonymiser, rawSchema, sampleJson, toAvro } from "../anonymise/helpers.ts";

const V1 = 1;
const V2 = 2;
const BREAKING = 3;
const v2Schema = loadSchemaFile("evolution/patient-record.v2.avsc");
const breakingSchema = loadSchemaFile("evolution/patient-record.v2-breaking.avsc");

/** Values of the sample record that no error message may ever quote. */
const VALUES = ["Margaret", "Thornton", "943 476 5919", "RX11234567", "EPR-NORTH", "SW1A 1AA"];

/** An in-memory registry: a test double of the decoder's `registry` argument that counts its look-ups. */
function fakeRegistry(schemas: Record<number, object> = { [V1]: rawSchema, [V2]: v2Schema }) {
  const lookups: number[] = [];
  let failNext: Error | undefined;
  return {
    lookups,
    schemas,
    failOnceWith(error: Error) {
      failNext = error;
    },
    async writerSchema(id: number): Promise<object> {
      lookups.push(id);
      if (failNext) {
        const error = failNext;
        failNext = undefined;
        throw error;
      }
      const schema = schemas[id];
      if (!schema) throw new SchemaError("SCHEMA_UNKNOWN_ID", `schema id ${id} is not known to the registry`);
      return schema;
    },
  };
}

function decoderWith(
  registry: AvroDecoderOptions["registry"],
  options: Partial<AvroDecoderOptions> = {},
): AvroDecoder {
  return new AvroDecoder({ registry, readerSchema: rawSchema, maxRecordBytes: 1_048_576, ...options });
}

const record = toAvro(sampleJson());
const wire = new AvroEncoder(rawSchema, V1).encode(record);

/** Runs decode and returns what it threw or rejected with (decode may throw synchronously or reject). */
async function failure(decoder: AvroDecoder, data: Buffer): Promise<SchemaError> {
  try {
    await decoder.decode(data);
  } catch (error) {
    return error as SchemaError;
  }
  throw new Error("decode unexpectedly succeeded");
}

function expectNoValues(error: Error): void {
  for (const value of VALUES) expect(error.message).not.toContain(value);
}

afterEach(() => {
  vi.useRealTimers();
});

describe("AvroEncoder / AvroDecoder round trip", () => {
  it("frames a record as magic byte 0, the schema id big-endian, then the Avro body", () => {
    const framed = new AvroEncoder(rawSchema, 258).encode(record);
    expect(framed[0]).toBe(MAGIC_BYTE);
    expect([...framed.subarray(1, WIRE_HEADER_BYTES)]).toEqual([0, 0, 1, 2]);
    expect(framed.length).toBeGreaterThan(WIRE_HEADER_BYTES);
  });

  it("decodes what it encoded, field for field", async () => {
    const decoded = await decoderWith(fakeRegistry()).decode(wire);
    expect({ ...(decoded as object) }).toEqual(record);
  });

  it("fetches a writer schema once, then decodes synchronously (the hot path)", async () => {
    const registry = fakeRegistry();
    const decoder = decoderWith(registry);
    const first = decoder.decode(wire);
    expect(first).toBeInstanceOf(Promise);
    await first;
    const second = decoder.decode(wire);
    expect(second).not.toBeInstanceOf(Promise);
    expect((second as Record<string, unknown>)["given_name"]).toBe("Margaret");
    expect(registry.lookups).toEqual([V1]);
  });

  it("returns plain data: only the schema's fields, no avsc record methods", async () => {
    const decoded = (await decoderWith(fakeRegistry()).decode(wire)) as Record<string, unknown>;
    expect(Object.keys(decoded)).toEqual(rawSchema.fields.map((f) => f.name));
    for (const method of ["clone", "compare", "isValid", "toBuffer", "toString", "wrap"]) {
      expect(Object.keys(decoded)).not.toContain(method);
    }
    expect("clone" in decoded).toBe(false);
    expect("toBuffer" in decoded).toBe(false);
    expect(JSON.parse(JSON.stringify(decoded))).toEqual(record);
  });

  it("round-trips nulls, empty arrays and non-ASCII text", async () => {
    const sparse = toAvro(
      sampleJson({
        phone: null,
        email: null,
        admission_date: null,
        discharge_date: null,
        diagnosis_codes: [],
        clinical_notes: "Patient prefers Siân; notes in Cymraeg: “iawn” ✓",
        national_data_opt_out: null,
      }),
    );
    const decoded = await decoderWith(fakeRegistry()).decode(new AvroEncoder(rawSchema, V1).encode(sparse));
    expect({ ...(decoded as object) }).toEqual(sparse);
  });

  it("encodes records larger than its scratch buffer, and small ones after them, byte for byte as avsc does", async () => {
    const encoder = new AvroEncoder(rawSchema, V1);
    const reference = avro.Type.forSchema(rawSchema as avro.Schema);
    const decoder = decoderWith(fakeRegistry());
    for (const note of ["x".repeat(20_000), "short note", "é".repeat(6_000), null]) {
      const record = toAvro(sampleJson({ clinical_notes: note }));
      const wire = encoder.encode(record);
      expect(wire.subarray(0, 5)).toEqual(Buffer.from([MAGIC_BYTE, 0, 0, 0, V1]));
      expect(wire.subarray(5)).toEqual(reference.toBuffer(record));
      expect({ ...((await decoder.decode(wire)) as object) }).toEqual(record);
    }
  });

  describe("schemas beyond the patient record", () => {
    const wire = (schema: object, value: unknown, corrupt?: string) => {
      const body = avro.Type.forSchema(schema as avro.Schema).toBuffer(value);
      // Make one string invalid UTF-8: its first byte becomes 0xFF.
      if (corrupt !== undefined) body[body.indexOf(Buffer.from(corrupt))] = 0xff;
      return Buffer.concat([Buffer.from([MAGIC_BYTE, 0, 0, 0, 7]), body]);
    };

    it("a string inside a named type used by reference is not accepted as U+FFFD when it is not UTF-8", async () => {
      const schema = {
        type: "record",
        name: "Probe",
        fields: [
          {
            name: "home",
            type: { type: "record", name: "Place", fields: [{ name: "line", type: "string" }] },
          },
          { name: "work", type: "Place" },
        ],
      };
      const decoder = decoderWith(fakeRegistry({ 7: schema }), { readerSchema: schema });
      const value = { home: { line: "1 Oak Road" }, work: { line: "9 Elm Street" } };
      expect(await decoder.decode(wire(schema, value))).toEqual(value);
      const decoded = await Promise.resolve()
        .then(() => decoder.decode(wire(schema, value, "Elm")))
        .catch((e: SchemaError) => e);
      // Either refused, or the field is left as bytes (which the anonymiser refuses): never a string holding U+FFFD.
      expect(JSON.stringify(decoded)).not.toContain("\uFFFD");
      expect(JSON.stringify(decoded)).not.toContain("�");
    });

    it("a union of a string and an enum keeps its plain form, and invalid UTF-8 in it is refused", async () => {
      const schema = {
        type: "record",
        name: "Probe",
        fields: [{ name: "v", type: ["null", { type: "enum", name: "E", symbols: ["A"] }, "string"] }],
      };
      const decoder = decoderWith(fakeRegistry({ 7: schema }), { readerSchema: schema });
      expect(await decoder.decode(wire(schema, { v: { string: "text" } }))).toEqual({ v: "text" });
      const error = await failure(decoder, wire(schema, { v: { string: "text" } }, "text"));
      expect(error.code).toBe("AVRO_INVALID_UTF8");
    });
  });

  it("keeps a U+FFFD that was written as valid UTF-8 (the check that reads such records again as bytes)", async () => {
    const record = toAvro(
      sampleJson({ clinical_notes: "scanned letter: \uFFFD illegible", diagnosis_codes: ["E11.9"] }),
    );
    const decoder = decoderWith(fakeRegistry());
    const decoded = await decoder.decode(new AvroEncoder(rawSchema, V1).encode(record));
    expect({ ...(decoded as object) }).toEqual(record);
  });
});

describe("AvroDecoder refuses bad input with a stable reason code", () => {
  it("RECORD_EMPTY: no value bytes", () => {
    const decoder = decoderWith(fakeRegistry());
    expect(() => decoder.decode(Buffer.alloc(0))).toThrow(expect.objectContaining({ code: "RECORD_EMPTY" }));
  });

  it("RECORD_OVERSIZE: larger than maxRecordBytes, checked before anything else", () => {
    const registry = fakeRegistry();
    const decoder = decoderWith(registry, { maxRecordBytes: 64 });
    const error = (() => {
      try {
        decoder.decode(wire);
      } catch (e) {
        return e as SchemaError;
      }
      throw new Error("no error");
    })();
    expect(error.code).toBe("RECORD_OVERSIZE");
    expect(error.message).toBe(`record of ${wire.length} bytes exceeds the limit of 64`);
    expect(registry.lookups).toEqual([]);
  });

  it("SCHEMA_WRONG_MAGIC: not the Confluent wire format", () => {
    const decoder = decoderWith(fakeRegistry());
    expect(() => decoder.decode(poison("wrong-magic", wire, "EPR-NORTH"))).toThrow(
      expect.objectContaining({ code: "SCHEMA_WRONG_MAGIC" }),
    );
  });

  it("AVRO_TRUNCATED: shorter than the wire header", () => {
    const decoder = decoderWith(fakeRegistry());
    expect(() => decoder.decode(Buffer.from([0, 0, 0]))).toThrow(
      expect.objectContaining({ code: "AVRO_TRUNCATED" }),
    );
  });

  it.each(Object.entries(POISON_KINDS) as Array<[PoisonKind, string]>)(
    "poison %s → %s, permanent, with no record value in the message",
    async (kind, code) => {
      const decoder = decoderWith(fakeRegistry());
      await decoder.decode(wire); // the schema is known: later failures are about this record only
      const error = await failure(decoder, poison(kind, wire, "EPR-NORTH"));
      expect(error).toBeInstanceOf(SchemaError);
      expect(error.code).toBe(code);
      expect(error.permanent).toBe(true);
      expect(error.transient).toBe(false);
      expectNoValues(error);
    },
  );

  it("AVRO_INVALID_UTF8 in a nullable string field too (a union branch)", async () => {
    const decoder = decoderWith(fakeRegistry());
    const error = await failure(decoder, poison("invalid-utf8", wire, "m.thornton@example.com"));
    expect(error.code).toBe("AVRO_INVALID_UTF8");
    expect(error.message).not.toContain("thornton");
  });

  it("AVRO_INVALID_UTF8 in an array of strings", async () => {
    const decoder = decoderWith(fakeRegistry());
    const error = await failure(decoder, poison("invalid-utf8", wire, "E11.9"));
    expect(error.code).toBe("AVRO_INVALID_UTF8");
  });

  it("AVRO_DECODE_FAILED: a body avsc cannot read, wrapped so its message cannot quote values", async () => {
    const probe = { type: "record", name: "Probe", fields: [{ name: "a", type: ["null", "string"] }] };
    const decoder = decoderWith(fakeRegistry({ 5: probe }), { readerSchema: probe });
    const badUnionIndex = Buffer.from([MAGIC_BYTE, 0, 0, 0, 5, 0x0a]);
    const error = await failure(decoder, badUnionIndex);
    expect(error.code).toBe("AVRO_DECODE_FAILED");
    expect(error.message).toBe("record body does not decode with schema 5");
    expect(error.extra).toEqual({ "schema.id": "5" });
    expect(error.cause).toBeInstanceOf(Error);
  });

  it("carries the schema id as extra metadata for the dead-letter headers", async () => {
    const decoder = decoderWith(fakeRegistry());
    await decoder.decode(wire);
    const error = await failure(decoder, poison("trailing-bytes", wire, ""));
    expect(error.extra).toEqual({ "schema.id": String(V1) });
    expect(error.message).toBe("3 bytes follow the record body (schema 1)");
  });
});

describe("writer schema look-up", () => {
  it("SCHEMA_UNKNOWN_ID is remembered for the TTL, then asked again", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-01-01T00:00:00Z"));
    const registry = fakeRegistry();
    const decoder = decoderWith(registry, { unknownIdTtlMs: 10_000 });
    const unknown = poison("unknown-schema", wire, "");

    expect((await failure(decoder, unknown)).code).toBe("SCHEMA_UNKNOWN_ID");
    expect(registry.lookups).toEqual([UNKNOWN_SCHEMA_ID]);

    // Within the TTL: refused at once, synchronously, without asking the registry.
    vi.setSystemTime(new Date("2026-01-01T00:00:09Z"));
    let cached: unknown;
    try {
      decoder.decode(unknown);
    } catch (error) {
      cached = error;
    }
    expect(cached).toMatchObject({
      code: "SCHEMA_UNKNOWN_ID",
      extra: { "schema.id": String(UNKNOWN_SCHEMA_ID) },
    });
    expect(registry.lookups).toHaveLength(1);

    // After the TTL the id may have been registered meanwhile.
    registry.schemas[UNKNOWN_SCHEMA_ID] = rawSchema;
    vi.setSystemTime(new Date("2026-01-01T00:00:11Z"));
    const decoded = await decoder.decode(unknown);
    expect((decoded as Record<string, unknown>)["record_id"]).toBe(record["record_id"]);
    expect(registry.lookups).toEqual([UNKNOWN_SCHEMA_ID, UNKNOWN_SCHEMA_ID]);
  });

  it("a transient registry failure is not cached: the next record asks again and succeeds", async () => {
    const registry = fakeRegistry();
    registry.failOnceWith(
      new SchemaError("REGISTRY_UNAVAILABLE", "registry answered 503", { transient: true }),
    );
    const decoder = decoderWith(registry);
    const error = await failure(decoder, wire);
    expect(error.code).toBe("REGISTRY_UNAVAILABLE");
    expect(error.transient).toBe(true);
    const decoded = await decoder.decode(wire);
    expect((decoded as Record<string, unknown>)["gender"]).toBe("female");
    expect(registry.lookups).toEqual([V1, V1]);
  });

  it("a network-level failure (not a SchemaError) is not cached either", async () => {
    const registry = fakeRegistry();
    registry.failOnceWith(new TypeError("fetch failed"));
    const decoder = decoderWith(registry);
    await expect(decoder.decode(wire)).rejects.toThrow("fetch failed");
    await expect(decoder.decode(wire)).resolves.toBeDefined();
  });
});

describe("writer schema policy (acceptWriter)", () => {
  const v2Wire = new AvroEncoder(v2Schema, V2).encode({ ...record, preferred_language: "cy" });

  it("refuses every record of a refused writer schema, deciding once per schema id", async () => {
    const registry = fakeRegistry();
    const acceptWriter = vi.fn((writer: object) =>
      (writer as { fields: unknown[] }).fields.length > rawSchema.fields.length
        ? { code: "ANON_FIELD_UNKNOWN", field: "preferred_language" }
        : null,
    );
    const decoder = decoderWith(registry, { acceptWriter });

    const first = await failure(decoder, v2Wire);
    expect(first).toBeInstanceOf(WriterRefusedError);
    expect(first).toMatchObject({
      code: "ANON_FIELD_UNKNOWN",
      permanent: true,
      transient: false,
      extra: { "schema.id": String(V2), field: "preferred_language" },
    });
    expect(first.message).toBe("writer schema 2 refused (ANON_FIELD_UNKNOWN on field preferred_language)");

    // Second record of the same id: refused synchronously, no look-up, no second policy check.
    expect(() => decoder.decode(v2Wire)).toThrow(first);
    expect(acceptWriter).toHaveBeenCalledTimes(1);
    expect(registry.lookups).toEqual([V2]);

    // Other ids are judged on their own.
    await expect(decoder.decode(wire)).resolves.toBeDefined();
    expect(acceptWriter).toHaveBeenCalledTimes(2);
  });

  it("schema evolution: a writer with an extra field resolves to the reader when the policy allows it", async () => {
    const decoder = decoderWith(fakeRegistry(), { acceptWriter: () => null });
    const decoded = (await decoder.decode(v2Wire)) as Record<string, unknown>;
    expect("preferred_language" in decoded).toBe(false);
    expect(Object.keys(decoded)).toEqual(rawSchema.fields.map((f) => f.name));
    expect({ ...decoded }).toEqual(record);
  });

  it("schema evolution: the anonymiser's policy refuses a writer field it has no rule for", async () => {
    const engine = anonymiser();
    const decoder = decoderWith(fakeRegistry(), { acceptWriter: (w) => engine.checkWriterSchema(w) });
    const error = await failure(decoder, v2Wire);
    expect(error).toMatchObject({ code: "ANON_FIELD_UNKNOWN", extra: { field: "preferred_language" } });
    expect(error.message).not.toContain("cy");
    // The v1 writer still passes the same policy.
    await expect(decoder.decode(wire)).resolves.toBeDefined();
  });

  it("SCHEMA_INCOMPATIBLE: a writer that cannot be resolved to the reader, remembered per id", async () => {
    const registry = fakeRegistry({ [BREAKING]: breakingSchema });
    const decoder = decoderWith(registry);
    const body = new AvroEncoder(breakingSchema, BREAKING).encode({
      record_id: "r",
      nhs_number: 9_434_765_919,
      consent_version: 2,
    });
    const error = await failure(decoder, body);
    expect(error).toMatchObject({ code: "SCHEMA_INCOMPATIBLE", extra: { "schema.id": String(BREAKING) } });
    expect(() => decoder.decode(body)).toThrow(error);
    expect(registry.lookups).toEqual([BREAKING]);
  });
});

describe("AvroEncoder", () => {
  it("AVRO_ENCODE_FAILED names the offending fields, never their values", () => {
    const encoder = new AvroEncoder(rawSchema, V1);
    let error: SchemaError | undefined;
    try {
      encoder.encode({ ...record, event_time: "Thornton-not-a-time", diagnosis_codes: ["I21.4", 943] });
    } catch (e) {
      error = e as SchemaError;
    }
    expect(error).toBeInstanceOf(SchemaError);
    expect(error?.code).toBe("AVRO_ENCODE_FAILED");
    expect(error?.permanent).toBe(true);
    expect(error?.message).toContain("event_time");
    expect(error?.message).toContain("diagnosis_codes.1");
    expect(error?.message).not.toContain("Thornton");
    expect(error?.message).not.toContain("943");
  });

  it("refuses a record missing a required field", () => {
    const { given_name: _omitted, ...missing } = record;
    expect(() => new AvroEncoder(rawSchema, V1).encode(missing)).toThrow(
      expect.objectContaining({ code: "AVRO_ENCODE_FAILED", message: expect.stringContaining("given_name") }),
    );
  });
});

describe("reader fields with string defaults", () => {
  it("fill in a field the writer does not have with the reader's default (including non-ASCII text)", async () => {
    const reader = {
      type: "record",
      name: "R",
      fields: [
        { name: "id", type: "string" },
        { name: "lang", type: "string", default: "en-GB" },
        { name: "ward", type: "string", default: "Ysbyty Gwynedd – Ward 3ü" },
      ],
    };
    const writer = { type: "record", name: "R", fields: [{ name: "id", type: "string" }] };
    const decoder = new AvroDecoder({
      registry: { writerSchema: async () => writer },
      readerSchema: reader,
      maxRecordBytes: 1024,
    });
    const bytes = new AvroEncoder(writer, 7).encode({ id: "a1" });
    expect(await decoder.decode(bytes)).toEqual({
      id: "a1",
      lang: "en-GB",
      ward: "Ysbyty Gwynedd – Ward 3ü",
    });
  });
});
