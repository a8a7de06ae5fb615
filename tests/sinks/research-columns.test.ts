import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadSchema } from "../../schemas/load.ts";
import { copyChunks } from "../../sinks/postgres-store.ts";
import {
  copyCells,
  copyLine,
  isPreparedRow,
  PROVENANCE_COLUMNS,
  prepareRows,
  ResearchColumnsError,
  researchColumns,
} from "../../sinks/research-columns.ts";

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

  it("writes COPY text: escapes, nulls, dates, timestamps and arrays", () => {
    const col = (name: string) => columns.find((c) => c.name === name)!;
    expect(col("clinical_notes").copyText("line 1\nline\t2 \\ end")).toBe("line 1\\nline\\t2 \\\\ end");
    expect(col("clinical_notes").copyText(null)).toBe("\\N");
    expect(col("admission_date").copyText(19_723)).toBe("2024-01-01");
    expect(col("event_time").copyText(1_704_067_200_123)).toBe("2024-01-01T00:00:00.123Z");
    expect(col("diagnosis_codes").copyText(["I10", 'say "x"\\'])).toBe('{"I10","say \\\\"x\\\\"\\\\\\\\"}');
    expect(col("year_of_birth").copyText(1950)).toBe("1950");
  });

  it("refuses an Avro type it has no column for, naming the field", () => {
    const schema = { type: "record", name: "X", fields: [{ name: "blob", type: "bytes" }] };
    expect(() => researchColumns(schema as never)).toThrow(ResearchColumnsError);
    expect(() => researchColumns(schema as never)).toThrow(/blob/);
    const union = { type: "record", name: "X", fields: [{ name: "u", type: ["null", "string", "int"] }] };
    expect(() => researchColumns(union as never)).toThrow(/'u'/);
  });

  it("prepares rows for COPY: each line in one shared buffer, with the cells the store would write", () => {
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
      { key: null, value: value("REC-k1-X", "a\tb"), topic: "raw", partition: 2, offset: 41n, timestamp: 0n },
      // Not ASCII: lines are placed by their UTF-8 length, not their string length.
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
    const decoder = new TextDecoder();
    expect(prepared.map((r) => isPreparedRow(r.value))).toEqual([true, true]);
    expect(isPreparedRow(records[0]?.value)).toBe(false);
    const rows = prepared.map((r) => r.value as { bytes: Uint8Array; start: number; end: number });
    expect(rows[0]?.bytes.buffer).toBe(buffer);
    expect(rows[1]?.bytes).toBe(rows[0]?.bytes);
    expect(rows[0]?.start).toBe(0);
    expect(rows[1]?.start).toBe(rows[0]?.end);
    rows.forEach((row, i) => {
      const line = decoder.decode(row.bytes.subarray(row.start, row.end));
      expect(line).toBe(`${copyLine(columns, records[i] as never)}\n`);
    });
    const first = decoder.decode(rows[0]?.bytes.subarray(rows[0].start, rows[0].end)).replace(/\n$/, "");
    // The tab inside the note is escaped: one cell per column, then the three provenance cells.
    expect(first.split("\t")).toHaveLength(columns.length + 3);
    expect(first.startsWith(`${copyCells(columns, records[0]?.value as never)}\t`)).toBe(true);
    expect(first.split("\t").slice(0, 2)).toEqual(["REC-k1-X", "2024-01-01T00:00:00.000Z"]);
    expect(first.split("\t").slice(-3)).toEqual(["raw", "2", "41"]);
    expect(prepared.map((r) => [r.offset, r.topic, r.partition])).toEqual([
      [41n, "raw", 2],
      [42n, "raw", 2],
    ]);
    expect(prepared[1]?.value).toMatchObject({ policy_version: "3", key_id: "k1" });
    // The buffer holds the lines and nothing more.
    expect(buffer.byteLength).toBe(rows[1]?.end);
  });

  it("prepares the bytes copyLine's text encodes to, whatever the values", () => {
    // Text with COPY's and arrays' special characters, letters beyond ASCII, halves of surrogate pairs alone; days and
    // milliseconds beyond the years 0 to 9999 and fractions of them; nulls in nullable columns.
    const unit = fc.constantFrom(
      "a",
      "Z",
      "0",
      " ",
      '"',
      "\\",
      "\n",
      "\r",
      "\t",
      ",",
      "{",
      "\u007f",
      "\u0080",
      "é",
      "’",
      "😀",
      "\ud800",
      "\udc00",
    );
    // Short cells and cells either side of the writer's plain-ASCII length (64 units).
    const text = fc.oneof(
      fc.string({ unit }),
      fc.string({ unit, minLength: 60, maxLength: 70 }),
      fc.string({ unit: "binary" }),
    );
    const days = fc.oneof(
      fc.integer({ min: -800_000, max: 3_000_000 }),
      fc.double({ min: -1e6, max: 1e6, noNaN: true }),
    );
    const millis = fc.oneof(
      fc.integer({ min: -70_000_000_000_000, max: 260_000_000_000_000 }),
      fc.double({ min: -1e13, max: 1e13, noNaN: true }),
    );
    const cell = (c: (typeof columns)[number]): fc.Arbitrary<unknown> => {
      const arbitrary = {
        text,
        integer: fc.integer(),
        bigint: fc.oneof(fc.bigInt(), fc.integer()),
        boolean: fc.boolean(),
        date: days,
        timestamptz: millis,
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
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 5 }), (drawn) => {
        const records = drawn.map((r) => ({ ...r, key: null, timestamp: 0n }));
        const { records: prepared } = prepareRows(columns, records);
        const encoder = new TextEncoder();
        prepared.forEach((r, i) => {
          const row = r.value as { bytes: Uint8Array; start: number; end: number };
          const expected = encoder.encode(`${copyLine(columns, records[i] as never)}\n`);
          expect(Buffer.from(row.bytes.subarray(row.start, row.end)).equals(Buffer.from(expected))).toBe(
            true,
          );
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
  const text = (chunks: readonly Uint8Array[]) => chunks.map((c) => new TextDecoder().decode(c)).join("");
  const expected = (records: ReadonlyArray<ReturnType<typeof record>>) =>
    records.map((r) => `${copyLine(columns, r as never)}\n`).join("");

  it("writes one slice for rows prepared together, with no copy", () => {
    const records = [record(1n, "a"), record(2n, "bé"), record(3n, "c")];
    const { records: prepared, buffer } = prepareRows(columns, records);
    const chunks = copyChunks(columns, prepared);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]?.buffer).toBe(buffer);
    expect(text(chunks)).toBe(expected(records));
  });

  it("cuts the slice where rows were left out (already committed), and keeps the order", () => {
    const records = [record(1n, "a"), record(2n, "b"), record(3n, "c"), record(4n, "d")];
    const { records: prepared } = prepareRows(columns, records);
    const kept = [prepared[0], prepared[2], prepared[3]] as typeof prepared;
    const chunks = copyChunks(columns, kept);
    expect(chunks).toHaveLength(2);
    expect(text(chunks)).toBe(expected([records[0], records[2], records[3]] as typeof records));
  });

  it("takes rows of several buffers and rows not prepared, in order", () => {
    const first = prepareRows(columns, [record(1n, "a"), record(2n, "b")]).records;
    const second = prepareRows(columns, [record(3n, "c")]).records;
    const plain = [record(4n, "d\tx"), record(5n, "e")];
    const chunks = copyChunks(columns, [...first, ...plain, ...second]);
    expect(chunks).toHaveLength(3);
    expect(text(chunks)).toBe(expected([record(1n, "a"), record(2n, "b"), ...plain, record(3n, "c")]));
  });
});
