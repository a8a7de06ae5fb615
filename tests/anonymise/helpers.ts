import type { Anonymiser, Keyring, Strategy } from "../../anonymise/index.ts";
import { generateRecords, type PatientRecordJson } from "../../dev/synthetic/index.ts";
import { testAnonymiser, toAvro } from "../support/anonymiser.ts";

export {
  anonymisedSchema,
  keyring,
  keyringJson as keyringText,
  rawSchema,
  toAvro,
} from "../support/anonymiser.ts";

export function anonymiser(
  strategy: Strategy = "pseudonymisation",
  overrides: { keyring?: Keyring; tokenCacheSize?: number } = {},
): Anonymiser {
  const { keyring: otherKeyring, tokenCacheSize } = overrides;
  return testAnonymiser({ strategy, tokenCacheSize, ...(otherKeyring ? { keyring: otherKeyring } : {}) });
}

/** A consenting record with a known note, for example-based tests. */
export function sampleJson(overrides: Partial<PatientRecordJson> = {}): PatientRecordJson {
  return {
    record_id: "5f0c6c1e-3b7a-4d2e-9a41-1d2b3c4d5e6f",
    event_time: "2025-03-01T09:30:00Z",
    source_system: "EPR-NORTH",
    patient_id: "RX11234567",
    nhs_number: "943 476 5919",
    given_name: "Margaret",
    family_name: "Thornton",
    date_of_birth: "1948-06-12",
    gender: "female",
    ethnic_category: "A",
    address_line: "12 Church Road",
    postcode: "SW1A 1AA",
    phone: "07700 900123",
    email: "m.thornton@example.com",
    gp_practice_code: "A81001",
    admission_date: "2025-03-01",
    discharge_date: "2025-03-05",
    diagnosis_codes: ["I21.4", "E11.9"],
    clinical_notes:
      "Mrs THORNTON (DOB 12/06/1948, NHS 943-476-5919) admitted at 14:30 to Ward 7B. BP 120/80, metformin 500 mg BD, NEWS2 score 3. Call +44 7700 900123 or m.thornton@example.com. Lives 12 Church Road, sw1a1aa. Seen by Dr Patel. Hospital no RX11234567. I21.4.",
    national_data_opt_out: false,
    ...overrides,
  };
}

export function generatedAvro(
  count: number,
  seed: number,
): Array<{ json: PatientRecordJson; avro: Record<string, unknown> }> {
  return generateRecords(count, { seed, patients: Math.ceil(count / 3) }).map((json) => ({
    json,
    avro: toAvro(json),
  }));
}
