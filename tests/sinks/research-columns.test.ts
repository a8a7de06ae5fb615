import { describe, expect, it } from "vitest";
import { loadSchema } from "../../schemas/load.ts";
import {
  copyCells,
  isPreparedRow,
  PROVENANCE_COLUMNS,
  prepareRow,
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

  it("prepares a row for COPY with the same cells the store would write, keeping the audit stamps", () => {
    const value = Object.fromEntries(columns.map((c) => [c.name, null])) as Record<string, unknown>;
    Object.assign(value, {
      record_id: "REC-k1-X",
      event_time: 1_704_067_200_000,
      diagnosis_codes: ["I10"],
      clinical_notes: "a\tb",
      policy_version: "3",
      key_id: "k1",
    });
    const row = prepareRow(columns, value);
    expect(isPreparedRow(row)).toBe(true);
    expect(isPreparedRow(value)).toBe(false);
    expect(row.copyCells).toBe(copyCells(columns, value));
    // The tab inside the note is escaped: one cell per column.
    expect(row.copyCells.split("\t")).toHaveLength(columns.length);
    expect(row.copyCells.split("\t").slice(0, 2)).toEqual(["REC-k1-X", "2024-01-01T00:00:00.000Z"]);
    expect({ policy_version: row.policy_version, key_id: row.key_id }).toEqual({
      policy_version: "3",
      key_id: "k1",
    });
  });
});
