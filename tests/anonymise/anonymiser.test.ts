import avro from "avsc";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type AnonymiseResult, createAnonymiser, parseKeyring, REDACTED } from "../../anonymise/index.ts";
import { toJsonForm } from "../../schemas/json-form.ts";
import {
  anonymisedSchema,
  anonymiser,
  generatedAvro,
  keyring,
  keyringText,
  rawSchema,
  sampleJson,
  toAvro,
} from "./helpers.ts";

const anonymisedType = avro.Type.forSchema(anonymisedSchema as avro.Schema);

function anonymised(r: AnonymiseResult) {
  if (r.kind !== "anonymised") throw new Error(`expected anonymised, got ${JSON.stringify(r)}`);
  return r;
}

describe("anonymise: a full record (pseudonymisation)", () => {
  const a = anonymiser();
  const raw = toAvro(sampleJson());
  const r = anonymised(a.anonymise(raw));
  const v = r.value;

  it("produces a value valid for the anonymised schema, stamped", () => {
    expect(anonymisedType.isValid(v)).toBe(true);
    expect(v).toMatchObject({
      policy_version: "2026.12.1",
      strategy: "pseudonymisation",
      key_id: "k1",
      pipeline_version: "test",
    });
  });

  it("tokenises identifiers with typed, key-carrying prefixes", () => {
    expect(v["record_id"]).toMatch(/^REC-k1-[A-Z2-7]{26}$/);
    expect(v["patient_id"]).toMatch(/^PAT-k1-[A-Z2-7]{26}$/);
    expect(v["nhs_number"]).toMatch(/^NHS-k1-[A-Z2-7]{26}$/);
  });

  it("drops direct identifiers with no research value", () => {
    for (const f of [
      "given_name",
      "family_name",
      "address_line",
      "phone",
      "email",
      "postcode",
      "date_of_birth",
    ]) {
      expect(v).not.toHaveProperty(f);
    }
  });

  it("generalises birth and geography, keeps codes", () => {
    expect(v["year_of_birth"]).toBe(1948);
    expect(v["age_band"]).toBe("75-79");
    expect(v["postcode_district"]).toBe("SW1A");
    expect(v["diagnosis_codes"]).toEqual(["I21.4", "E11.9"]);
    expect(v["gender"]).toBe("female");
  });

  it("shifts every date of the patient by one non-zero offset, so intervals survive", () => {
    const shiftEvent = ((v["event_time"] as number) - (raw["event_time"] as number)) / 86_400_000;
    const shiftAdmission = (v["admission_date"] as number) - (raw["admission_date"] as number);
    expect(shiftEvent).not.toBe(0);
    expect(Math.abs(shiftEvent)).toBeLessThanOrEqual(180);
    expect(shiftAdmission).toBe(shiftEvent);
    expect((v["discharge_date"] as number) - (v["admission_date"] as number)).toBe(4);
  });

  it("scrubs the note, using the structured tokens, and keeps the clinical content", () => {
    const note = v["clinical_notes"] as string;
    expect(note).toContain(`NHS ${v["nhs_number"]}`);
    expect(note).toContain(`Hospital no ${v["patient_id"]}`);
    for (const decoy of ["14:30", "Ward 7B", "BP 120/80", "500 mg", "NEWS2 score 3", "I21.4"])
      expect(note).toContain(decoy);
    for (const gone of [
      "THORNTON",
      "943-476-5919",
      "12/06/1948",
      "7700 900123",
      "thornton@",
      "Church Road",
      "sw1a1aa",
      "Patel",
      "RX11234567",
    ]) {
      expect(note).not.toContain(gone);
    }
  });

  it("audits operations (field, operator, key id) and replacement counts, never values", () => {
    expect(r.audit.operations).toContainEqual({ field: "nhs_number", operator: "pseudonymise", keyId: "k1" });
    expect(r.audit.operations).toContainEqual({ field: "given_name", operator: "suppress" });
    expect(r.audit.operations).toContainEqual({
      field: "clinical_notes",
      operator: "scrub-text",
      keyId: "k1",
    });
    expect(r.audit.replacements).toMatchObject({
      NAME: 2,
      NHS_NUMBER: 1,
      DATE: 1,
      PHONE: 1,
      EMAIL: 1,
      ADDRESS: 1,
      POSTCODE: 1,
      PATIENT_ID: 1,
    });
    const audit = JSON.stringify(r.audit);
    const identifiers = [
      "record_id",
      "patient_id",
      "nhs_number",
      "given_name",
      "family_name",
      "address_line",
      "postcode",
      "phone",
      "email",
    ];
    for (const f of identifiers) expect(audit).not.toContain(raw[f] as string);
  });

  it("is deterministic: same input, same output, with or without the token cache", () => {
    expect(a.anonymise(raw)).toEqual(r);
    expect(anonymiser("pseudonymisation", { tokenCacheSize: 0 }).anonymise(raw)).toEqual(r);
    expect(a.tokenCacheStats().hits).toBeGreaterThan(0);
  });

  it("one token for every spelling of the NHS number", () => {
    for (const nhs of ["9434765919", "943-476-5919", "943 476 5919"]) {
      expect(anonymised(a.anonymise(toAvro(sampleJson({ nhs_number: nhs })))).value["nhs_number"]).toBe(
        v["nhs_number"],
      );
    }
  });
});

describe("anonymise: redaction strategy", () => {
  const r = anonymised(anonymiser("redaction").anonymise(toAvro(sampleJson())));
  it("redacts identifiers, keeps a keyed record token for idempotent writes", () => {
    expect(r.value["patient_id"]).toBe(REDACTED);
    expect(r.value["nhs_number"]).toBe(REDACTED);
    expect(r.value["record_id"]).toMatch(/^REC-k1-/);
    expect(r.value["strategy"]).toBe("redaction");
    expect(anonymisedType.isValid(r.value)).toBe(true);
  });
  it("uses typed placeholders in text, never tokens", () => {
    const note = r.value["clinical_notes"] as string;
    expect(note).toContain("NHS [NHS_NUMBER]");
    expect(note).toContain("Hospital no [PATIENT_ID]");
    expect(note).not.toMatch(/(PAT|NHS)-k1-/);
  });
});

describe("anonymise: key rotation", () => {
  it("a new active key changes every token and stamps the new key id", () => {
    const keys = JSON.parse(keyringText) as { keys: Record<string, string> };
    const rotated = parseKeyring(JSON.stringify({ active: "k2", keys: keys.keys }));
    const raw = toAvro(sampleJson());
    const before = anonymised(anonymiser().anonymise(raw)).value;
    const after = anonymised(anonymiser("pseudonymisation", { keyring: rotated }).anonymise(raw)).value;
    expect(after["key_id"]).toBe("k2");
    expect(after["patient_id"]).toMatch(/^PAT-k2-/);
    expect((after["patient_id"] as string).slice(7)).not.toBe((before["patient_id"] as string).slice(7));
  });
});

describe("anonymise: consent (fail closed)", () => {
  it("withholds opted-out records and records with no answer", () => {
    const a = anonymiser();
    expect(a.anonymise(toAvro(sampleJson({ national_data_opt_out: true })))).toEqual({
      kind: "withheld",
      reason: "OPTED_OUT",
    });
    expect(a.anonymise(toAvro(sampleJson({ national_data_opt_out: null })))).toEqual({
      kind: "withheld",
      reason: "CONSENT_MISSING",
    });
  });
});

describe("anonymise: refusals return a code and a field name, never throw", () => {
  const a = anonymiser();
  const base = toAvro(sampleJson());
  it.each([
    ["invalid NHS number", { nhs_number: "12345" }, "ANON_VALUE_INVALID", "nhs_number"],
    ["unknown ethnic code", { ethnic_category: "Irish" }, "ANON_VALUE_INVALID", "ethnic_category"],
    [
      "free text in a code list",
      { diagnosis_codes: ["I21.4", "called Mrs Smith"] },
      "ANON_VALUE_INVALID",
      "diagnosis_codes",
    ],
    ["gender outside the allow-list", { gender: "Margaret" }, "ANON_VALUE_INVALID", "gender"],
    ["note over the cap", { clinical_notes: "x".repeat(10_001) }, "ANON_TEXT_TOO_LONG", "clinical_notes"],
    ["wrong type", { event_time: "yesterday" }, "ANON_VALUE_INVALID", "event_time"],
    ["missing field", { postcode: undefined }, "ANON_FIELD_MISSING", "postcode"],
    [
      "consent of the wrong type",
      { national_data_opt_out: "no" },
      "ANON_VALUE_INVALID",
      "national_data_opt_out",
    ],
    ["birth after the event", { date_of_birth: 30_000 }, "ANON_VALUE_INVALID", "date_of_birth"],
  ])("%s", (_label, change, code, field) => {
    const record: Record<string, unknown> = { ...base, ...change };
    for (const [k, val] of Object.entries(change)) if (val === undefined) delete record[k];
    expect(a.anonymise(record)).toEqual({ kind: "failed", code, field });
  });

  it("non-objects are refused", () => {
    for (const x of [null, 42, "record", [base]])
      expect(a.anonymise(x)).toEqual({ kind: "failed", code: "ANON_RECORD_INVALID" });
  });

  it("arbitrary field values never throw, and failures carry no values (property)", () => {
    const names = rawSchema.fields.map((f) => f.name);
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.anything(), (name, value) => {
        const r = a.anonymise({ ...base, [name]: value });
        expect(["anonymised", "failed", "withheld"]).toContain(r.kind);
        if (r.kind === "failed")
          expect(Object.keys(r).sort()).toEqual(
            ["code", "field", "kind"].slice(0, Object.keys(r).length).sort(),
          );
      }),
      { numRuns: 2000 },
    );
  });
});

describe("anonymise: generated records", () => {
  it("same patient → same tokens and same shift across events; intervals preserved (property)", () => {
    const a = anonymiser();
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), (seed) => {
        const byPatient = new Map<string, { token: string; shift: number }>();
        for (const { avro: raw } of generatedAvro(40, seed)) {
          const r = a.anonymise(raw);
          if (r.kind !== "anonymised") continue;
          const shift = ((r.value["event_time"] as number) - (raw["event_time"] as number)) / 86_400_000;
          expect(shift).not.toBe(0);
          if (raw["admission_date"] !== null) {
            expect((r.value["admission_date"] as number) - (raw["admission_date"] as number)).toBe(shift);
          }
          // A patient is its NHS number and its local id together: the generator draws NHS numbers at random, so
          // two patients of one run can share one.
          const key = `${(raw["nhs_number"] as string).replace(/\D/g, "")}|${raw["patient_id"]}`;
          const seen = byPatient.get(key);
          if (seen) expect({ token: r.value["patient_id"], shift }).toEqual(seen);
          else byPatient.set(key, { token: r.value["patient_id"] as string, shift });
        }
      }),
      { numRuns: 25 },
    );
  });

  it("every anonymised record validates against the anonymised schema", () => {
    const a = anonymiser();
    let count = 0;
    for (const { avro: raw } of generatedAvro(1000, 77)) {
      const r = a.anonymise(raw);
      expect(r.kind).not.toBe("failed");
      if (r.kind === "anonymised") {
        count++;
        expect(anonymisedType.isValid(r.value)).toBe(true);
        expect(toJsonForm(anonymisedSchema, r.value)).toBeTruthy();
      }
    }
    expect(count).toBeGreaterThan(850);
  });

  it("createAnonymiser works from the keyring object as the pipeline passes it", () => {
    const a = createAnonymiser({ rawSchema, keyring, strategy: "redaction", pipelineVersion: "p" });
    expect(a.keyId).toBe("k1");
    expect(a.strategy).toBe("redaction");
  });
});
