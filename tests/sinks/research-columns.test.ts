import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isPreparedRow } from "../../contracts/stores.ts";
import { loadSchema } from "../../schemas/load.ts";
import { copyChunks } from "../../sinks/postgres-store.ts";
import {
  COPY_BINARY_HEADER,
  COPY_BINARY_TRAILER,
  type Column,
  copyBytes,
  PROVENANCE_COLUMNS,
  prepareRows,
  ResearchColumnsError,
  researchColumns,
} from "../../sinks/research-columns.ts";
import { packRows, unpackRows } from "../../topology/runtime/worker-wire.ts";
import { copyText, pgDays, pgMillis, tuplesOf } from "../support/copy-binary.ts";

describe("researchColumns", () => {
  const columns = researchColumns(loadSchema("anonymisedPatientRecord"));

  it("has one column per field of the anonymised schema, in its order", () => {
    const fields = (loadSchema("anonymisedPatientRecord").fields as ReadonlyArray<{ name: string }>).map(
      (f) => f.name,
    );
    expect(columns.map((c) => c.name)).toEqual(fields);
    expect(PROVENANCE_COLUMNS.map((c) => c.name)).toEqual([
      "source_topic",
      "source_partition",
      "source_offset",
    ]);
  });

  it("types each column from its Avro type", () => {
    const byName = Object.fromEntries(columns.map((c) => [c.name, `${c.pgType}${c.nullable ? "?" : ""}`]));
    expect(byName).toMatchObject({
      record_id: "text",
      event_time: "timestamptz",
      year_of_birth: "integer?",
      postcode_district: "text?",
      admission_date: "date?",
      diagnosis_codes: "text[]",
      clinical_notes: "text?",
    });
  });

  it("refuses an Avro type it has no column for, naming the field", () => {
    const schema = { type: "record", name: "X", fields: [{ name: "blob", type: "bytes" }] };
    expect(() => researchColumns(schema as never)).toThrow(ResearchColumnsError);
    expect(() => researchColumns(schema as never)).toThrow(/blob/);
    const union = { type: "record", name: "X", fields: [{ name: "u", type: ["null", "string", "int"] }] };
    expect(() => researchColumns(union as never)).toThrow(/'u'/);
  });

  it("writes each type's binary form: text, integers, booleans, dates, timestamps, arrays and nulls", () => {
    const col = (name: string) => columns.find((c) => c.name === name) as Column;
    const record = (value: Record<string, unknown>) => ({
      key: null,
      value,
      topic: "raw",
      partition: 2,
      offset: 41n,
      timestamp: 0n,
    });
    const only = (names: string[], value: Record<string, unknown>) =>
      tuplesOf(copyBytes(names.map(col), [record(value)]))[0];
    const hex = (fields: ReadonlyArray<Uint8Array | null> | undefined) =>
      fields?.map((f) => (f === null ? null : Buffer.from(f).toString("hex")));
    expect(
      hex(
        only(["clinical_notes", "year_of_birth", "admission_date", "event_time", "postcode_district"], {
          clinical_notes: "a\tb\\ é",
          year_of_birth: 1950,
          // 2024-01-01: 8,766 days after 2000-01-01.
          admission_date: 19_723,
          // 2024-01-01T00:00:00.123Z: 757,382,400,123,000 µs after 2000-01-01.
          event_time: 1_704_067_200_123,
          postcode_district: null,
        }),
      ),
    ).toEqual([
      Buffer.from("a\tb\\ é").toString("hex"),
      "0000079e",
      "0000223e",
      "0002b0d5d4eb2078",
      null,
      // Provenance: topic, partition, offset.
      "726177",
      "00000002",
      "0000000000000029",
    ]);
    // Before 2000 the counts are negative, in two's complement.
    expect(
      hex(only(["admission_date", "event_time"], { admission_date: 0, event_time: 0 })?.slice(0, 2)),
    ).toEqual(["ffffd533", "fffca2fec4c82000"]);
    // A one-dimensional text array (element type 25, lower bound 1); an empty one has no dimensions.
    expect(hex(only(["diagnosis_codes"], { diagnosis_codes: ["I10", "E11"] })?.slice(0, 1))).toEqual([
      "00000001" + "00000000" + "00000019" + "00000002" + "00000001" + "00000003493130" + "00000003453131",
    ]);
    expect(hex(only(["diagnosis_codes"], { diagnosis_codes: [] })?.slice(0, 1))).toEqual([
      "00000000" + "00000000" + "00000019",
    ]);
  });

  it("refuses a value its column's type cannot hold, naming the column and not the value", () => {
    const col = (name: string) => columns.find((c) => c.name === name) as Column;
    const write = (name: string, v: unknown) =>
      copyBytes(
        [col(name)],
        [{ key: null, value: { [name]: v }, topic: "raw", partition: 0, offset: 0n, timestamp: 0n }],
      );
    for (const [name, v] of [
      ["year_of_birth", 2 ** 31],
      ["year_of_birth", 1.5],
      ["admission_date", 0.5],
      ["admission_date", 2 ** 31 + 10_957],
      ["event_time", 2 ** 60],
      ["event_time", Number.NaN],
    ] as const) {
      expect(() => write(name, v)).toThrow(ResearchColumnsError);
      expect(() => write(name, v)).toThrow(new RegExp(`column '${name}'`));
      expect(() => write(name, v)).not.toThrow(String(v));
    }
  });

  it("prepares rows for COPY: each tuple in one shared buffer, with the fields the store would write", () => {
    const value = (id: string, note: string) => {
      const v = Object.fromEntries(columns.map((c) => [c.name, null])) as Record<string, unknown>;
      return Object.assign(v, {
        record_id: id,
        event_time: 1_704_067_200_000,
        diagnosis_codes: ["I10"],
        clinical_notes: note,
        policy_version: "3",
        key_id: "k1",
      });
    };
    const records = [
      {
        key: "PAT-k1-X",
        value: value("REC-k1-X", "a\tb"),
        topic: "raw",
        partition: 2,
        offset: 41n,
        timestamp: 0n,
      },
      // Not ASCII: tuples are placed by their UTF-8 length, not their string length.
      {
        key: null,
        value: value("REC-k1-Y", "Zoë’s café"),
        topic: "raw",
        partition: 2,
        offset: 42n,
        timestamp: 0n,
      },
    ];
    const { records: prepared, buffer } = prepareRows(columns, records);
    expect(prepared.map((r) => isPreparedRow(r.value))).toEqual([true, true]);
    expect(isPreparedRow(records[0]?.value)).toBe(false);
    const rows = prepared.map((r) => r.value as { bytes: Uint8Array; start: number; end: number });
    expect(rows[0]?.bytes.buffer).toBe(buffer);
    expect(rows[1]?.bytes).toBe(rows[0]?.bytes);
    expect(rows[0]?.start).toBe(0);
    expect(rows[1]?.start).toBe(rows[0]?.end);
    rows.forEach((row, i) => {
      expect(Buffer.from(row.bytes.subarray(row.start, row.end))).toEqual(
        Buffer.from(copyBytes(columns, [records[i] as never])),
      );
    });
    const [first, second] = rows.map((row) => tuplesOf(row.bytes.subarray(row.start, row.end))[0]);
    // One field per column, then the three provenance fields.
    expect(first).toHaveLength(columns.length + 3);
    const text = (f: Uint8Array | null | undefined) => (f ? Buffer.from(f).toString("utf8") : f);
    expect(text(first?.[0])).toBe("REC-k1-X");
    expect(text(first?.[columns.findIndex((c) => c.name === "clinical_notes")])).toBe("a\tb");
    expect(text(second?.[columns.findIndex((c) => c.name === "clinical_notes")])).toBe("Zoë’s café");
    expect(text(first?.[columns.length])).toBe("raw");
    expect(prepared.map((r) => [r.offset, r.topic, r.partition])).toEqual([
      [41n, "raw", 2],
      [42n, "raw", 2],
    ]);
    expect(prepared[1]?.value).toMatchObject({ policy_version: "3", key_id: "k1" });
    // No key: the store reads none, and it would cross threads with each row.
    expect(prepared.map((r) => r.key)).toEqual([undefined, undefined]);
    // The buffer holds the tuples and nothing more.
    expect(buffer.byteLength).toBe(rows[1]?.end);
  });

  it("writes each field as its type's binary form, whatever the values (property)", () => {
    // Text as copyText draws it, and any string, NUL included (the writer writes what it is given; PostgreSQL refuses
    // a NUL in text); every day and millisecond PostgreSQL holds that a safe integer can say; nulls where allowed.
    const text = fc.oneof(copyText, fc.string({ unit: "binary" }));
    const cell = (c: Column): fc.Arbitrary<unknown> => {
      const arbitrary = {
        text,
        integer: fc.integer(),
        bigint: fc.oneof(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.maxSafeInteger()),
        boolean: fc.boolean(),
        date: pgDays,
        timestamptz: pgMillis,
        "text[]": fc.array(text, { maxLength: 4 }),
      }[c.pgType] as fc.Arbitrary<unknown>;
      return c.nullable ? fc.option(arbitrary, { nil: null }) : arbitrary;
    };
    const record = fc.record({
      value: fc.record(Object.fromEntries(columns.map((c) => [c.name, cell(c)]))),
      topic: text,
      partition: fc.nat(),
      offset: fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }),
    });
    // The expected bytes, made with Buffer's writers and bigint arithmetic rather than the writer's own.
    const int32 = (n: number) => {
      const b = Buffer.alloc(4);
      b.writeInt32BE(n);
      return b;
    };
    const int64 = (n: bigint) => {
      const b = Buffer.alloc(8);
      b.writeBigInt64BE(n);
      return b;
    };
    const utf8 = (s: string) => Buffer.from(s, "utf8");
    const expected = (c: Column, v: unknown): Buffer | null => {
      if (v === null) return null;
      switch (c.pgType) {
        case "text":
          return utf8(v as string);
        case "integer":
          return int32(v as number);
        case "bigint":
          return int64(BigInt(v as number | bigint));
        case "boolean":
          return Buffer.of(v ? 1 : 0);
        case "date":
          return int32((v as number) - 10_957);
        case "timestamptz":
          return int64((BigInt(v as number) - 946_684_800_000n) * 1000n);
        case "text[]": {
          const items = v as string[];
          if (items.length === 0) return Buffer.concat([int32(0), int32(0), int32(25)]);
          const elements = items.flatMap((x) => [int32(utf8(x).length), utf8(x)]);
          return Buffer.concat([int32(1), int32(0), int32(25), int32(items.length), int32(1), ...elements]);
        }
      }
    };
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 5 }), (drawn) => {
        const records = drawn.map((r) => ({ ...r, key: null, timestamp: 0n }));
        const { records: prepared } = prepareRows(columns, records);
        prepared.forEach((r, i) => {
          const row = r.value as { bytes: Uint8Array; start: number; end: number };
          const tuples = tuplesOf(row.bytes.subarray(row.start, row.end));
          expect(tuples).toHaveLength(1);
          const drawnRecord = records[i] as (typeof records)[number];
          const want = [
            ...columns.map((c) => expected(c, drawnRecord.value[c.name])),
            utf8(drawnRecord.topic),
            int32(drawnRecord.partition),
            int64(drawnRecord.offset),
          ];
          expect(tuples[0]?.map((f) => (f === null ? null : Buffer.from(f)))).toEqual(want);
        });
      }),
      { numRuns: 300 },
    );
  });
});

describe("copyChunks", () => {
  const columns = researchColumns(loadSchema("anonymisedPatientRecord"));
  const record = (offset: bigint, note: string) => {
    const v = Object.fromEntries(columns.map((c) => [c.name, null])) as Record<string, unknown>;
    Object.assign(v, {
      record_id: `REC-k1-${offset}`,
      event_time: 0,
      diagnosis_codes: [],
      clinical_notes: note,
    });
    return { key: null, value: v, topic: "raw", partition: 0, offset, timestamp: 0n };
  };
  /** The COPY data the chunks make, checked for the binary format's header and trailer, without them. */
  const body = (chunks: readonly Uint8Array[]) => {
    expect(chunks[0]).toBe(COPY_BINARY_HEADER);
    expect(chunks.at(-1)).toBe(COPY_BINARY_TRAILER);
    return Buffer.concat(chunks.slice(1, -1));
  };
  const expected = (records: ReadonlyArray<ReturnType<typeof record>>) =>
    Buffer.concat(records.map((r) => copyBytes(columns, [r])));

  it("writes the binary format's header, one slice for rows prepared together (no copy), and its trailer", () => {
    const records = [record(1n, "a"), record(2n, "bé"), record(3n, "c")];
    const { records: prepared, buffer } = prepareRows(columns, records);
    const chunks = copyChunks(columns, prepared);
    expect(chunks).toHaveLength(3);
    expect(chunks[1]?.buffer).toBe(buffer);
    expect(body(chunks)).toEqual(expected(records));
    expect(Buffer.from(COPY_BINARY_HEADER).toString("latin1")).toBe("PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0");
    expect([...COPY_BINARY_TRAILER]).toEqual([0xff, 0xff]);
  });

  it("cuts the slice where rows were left out (already committed), and keeps the order", () => {
    const records = [record(1n, "a"), record(2n, "b"), record(3n, "c"), record(4n, "d")];
    const { records: prepared } = prepareRows(columns, records);
    const kept = [prepared[0], prepared[2], prepared[3]] as typeof prepared;
    const chunks = copyChunks(columns, kept);
    expect(chunks).toHaveLength(4);
    expect(body(chunks)).toEqual(expected([records[0], records[2], records[3]] as typeof records));
  });

  it("gives the same data for rows that crossed threads packed (packRows, a transfer, unpackRows)", () => {
    const records = [record(1n, "a"), record(2n, "Zoë"), record(3n, "c")];
    const { records: prepared, buffer } = prepareRows(columns, records);
    const packed = packRows(prepared);
    if (packed === undefined) throw new Error("not packed");
    const received = unpackRows(structuredClone(packed.packed, { transfer: [...packed.transfer, buffer] }));
    expect(received.map((r) => r.offset)).toEqual([1n, 2n, 3n]);
    const chunks = copyChunks(columns, received);
    expect(chunks).toHaveLength(3);
    expect(body(chunks)).toEqual(expected(records));
  });

  it("takes rows of several buffers and rows not prepared, in order", () => {
    const first = prepareRows(columns, [record(1n, "a"), record(2n, "b")]).records;
    const second = prepareRows(columns, [record(3n, "c")]).records;
    const plain = [record(4n, "d\tx"), record(5n, "e")];
    const chunks = copyChunks(columns, [...first, ...plain, ...second]);
    expect(chunks).toHaveLength(5);
    expect(body(chunks)).toEqual(expected([record(1n, "a"), record(2n, "b"), ...plain, record(3n, "c")]));
  });
});
