import { readFileSync } from "node:fs";
import avro from "avsc";
import { describe, expect, it } from "vitest";
import { POLICY_ATTRIBUTE } from "../../anonymise/index.ts";
import { renderTypes, TYPES_FILE } from "../../dev/codegen/avro-types.ts";
import { fromJsonForm, toJsonForm } from "../../schemas/json-form.ts";
import { loadAllSchemas, loadSchemaFile } from "../../schemas/load.ts";
import type { AnonymisedPatientRecord, PatientRecord } from "../../schemas/types.ts";

const schemas = loadAllSchemas();
const type = (s: unknown) => avro.Type.forSchema(s as avro.Schema);

const rawExample: PatientRecord = {
  record_id: "5f0c6c1e-3b7a-4d2e-9a41-1d2b3c4d5e6f",
  event_time: Date.parse("2025-03-01T09:30:00Z"),
  source_system: "EPR-NORTH",
  patient_id: "RX11234567",
  nhs_number: "943 476 5919",
  given_name: "Margaret",
  family_name: "Thornton",
  date_of_birth: 0,
  gender: "female",
  ethnic_category: "A",
  address_line: "12 Church Road",
  postcode: "SW1A 1AA",
  phone: null,
  email: null,
  gp_practice_code: "A81001",
  admission_date: null,
  discharge_date: null,
  diagnosis_codes: ["I21.4"],
  clinical_notes: null,
  national_data_opt_out: false,
};
const anonymisedExample: AnonymisedPatientRecord = {
  record_id: "REC-k1-X",
  event_time: 0,
  source_system: "EPR-NORTH",
  patient_id: "PAT-k1-X",
  nhs_number: "NHS-k1-X",
  year_of_birth: 1948,
  age_band: "75-79",
  gender: "female",
  ethnic_category: "A",
  postcode_district: "SW1A",
  gp_practice_code: "A81001",
  admission_date: null,
  discharge_date: null,
  diagnosis_codes: [],
  clinical_notes: null,
  policy_version: "1",
  strategy: "pseudonymisation",
  key_id: "k1",
  pipeline_version: "t",
};

describe("schema files", () => {
  it("schemas/types.ts is generated from them (run `npm run codegen` after a schema change)", () => {
    expect(readFileSync(TYPES_FILE, "utf8")).toBe(renderTypes());
  });

  it("parse with avsc under the agreed namespace and names", () => {
    expect(type(schemas.patientRecord).name).toBe("uk.nhs.anonymisation.PatientRecord");
    expect(type(schemas.anonymisedPatientRecord).name).toBe("uk.nhs.anonymisation.AnonymisedPatientRecord");
  });

  it("every raw field carries a policy annotation", () => {
    for (const f of schemas.patientRecord.fields)
      expect({ field: f.name, has: POLICY_ATTRIBUTE in f }).toEqual({ field: f.name, has: true });
  });

  it("the TypeScript types list exactly the schema fields, and examples are valid Avro", () => {
    const cases: Array<[keyof typeof schemas, object]> = [
      ["patientRecord", rawExample],
      ["anonymisedPatientRecord", anonymisedExample],
    ];
    for (const [name, example] of cases) {
      expect(Object.keys(example)).toEqual(schemas[name].fields.map((f) => f.name));
      expect(type(schemas[name]).isValid(example)).toBe(true);
    }
  });

  it("the in-memory form round-trips through Avro binary (unwrapped unions, no logical-type classes)", () => {
    const t = type(schemas.patientRecord);
    expect(t.fromBuffer(t.toBuffer(rawExample))).toEqual(rawExample);
  });
});

describe("JSON form ⇄ Avro form", () => {
  const json = toJsonForm(schemas.patientRecord, {
    ...rawExample,
    date_of_birth: -7873,
    admission_date: 20148,
  });

  it("writes ISO strings and reads them back", () => {
    expect(json["event_time"]).toBe("2025-03-01T09:30:00.000Z");
    expect(json["date_of_birth"]).toBe("1948-06-12");
    expect(json["admission_date"]).toBe("2025-03-01");
    const back = fromJsonForm(schemas.patientRecord, json);
    expect(back).toEqual({ ok: true, value: { ...rawExample, date_of_birth: -7873, admission_date: 20148 } });
  });

  it("fills nullable fields with defaults when absent", () => {
    const { phone: _p, email: _e, ...rest } = json;
    const back = fromJsonForm(schemas.patientRecord, rest);
    expect(back.ok && back.value["phone"]).toBeNull();
  });

  it.each([
    ["unknown key", { mothers_maiden_name: "Smith" }, "JSON_FIELD_UNKNOWN", "mothers_maiden_name"],
    ["impossible date", { date_of_birth: "1948-02-30" }, "JSON_VALUE_INVALID", "date_of_birth"],
    ["timestamp without zone", { event_time: "2025-03-01T09:30:00" }, "JSON_VALUE_INVALID", "event_time"],
    ["wrong type", { diagnosis_codes: "I21.4" }, "JSON_VALUE_INVALID", "diagnosis_codes"],
  ])("refuses %s, naming the field, never the value", (_l, change, code, field) => {
    expect(fromJsonForm(schemas.patientRecord, { ...json, ...change })).toEqual({ ok: false, code, field });
  });

  it("refuses missing required fields and non-objects", () => {
    const { nhs_number: _n, ...rest } = json;
    expect(fromJsonForm(schemas.patientRecord, rest)).toEqual({
      ok: false,
      code: "JSON_FIELD_MISSING",
      field: "nhs_number",
    });
    expect(fromJsonForm(schemas.patientRecord, [])).toEqual({ ok: false, code: "JSON_NOT_OBJECT" });
  });
});

describe("schema evolution (avsc resolvers)", () => {
  const v1 = type(schemas.patientRecord);
  const v2 = type(loadSchemaFile("evolution/patient-record.v2.avsc"));
  const breaking = type(loadSchemaFile("evolution/patient-record.v2-breaking.avsc"));

  it("BACKWARD: a v2 reader reads v1 data (the new field takes its default)", () => {
    const read = v2.fromBuffer(v1.toBuffer(rawExample), v2.createResolver(v1)) as Record<string, unknown>;
    expect(read["preferred_language"]).toBeNull();
    expect(read["nhs_number"]).toBe(rawExample.nhs_number);
  });

  it("FORWARD: a v1 reader reads v2 data (the new field is skipped), so v1 → v2 is FULL", () => {
    const v2Record = { ...rawExample, preferred_language: "cy" };
    const read = v1.fromBuffer(v2.toBuffer(v2Record), v1.createResolver(v2)) as Record<string, unknown>;
    expect(read).toEqual(rawExample);
  });

  it("an incompatible change is rejected by the resolver", () => {
    expect(() => breaking.createResolver(v1)).toThrow();
  });

  it("the anonymised schema resolves against itself (identity) and stays additive-only", () => {
    for (const s of [schemas.anonymisedPatientRecord]) {
      const t = type(s);
      expect(() => t.createResolver(type(s))).not.toThrow();
      // Every nullable field has a null default, so adding such fields later stays FULL-compatible.
      for (const f of s.fields) if (Array.isArray(f.type)) expect(f["default"]).toBeNull();
    }
  });
});
