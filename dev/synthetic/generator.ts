import { base, en, en_GB, Faker } from "@faker-js/faker";
import {
  syntheticGpPracticeCode,
  syntheticNhsNumber,
  syntheticNiNumber,
  syntheticPatientId,
  syntheticPhone,
  syntheticPostcode,
} from "./identifiers.ts";
import { dateSpellings, nhsNumberSpellings, phoneSpellings, postcodeSpellings } from "./spellings.ts";

/**
 * Synthetic patient records in the raw contract's JSON form, deterministic by seed. Patients recur across events
 * (a pool), so longitudinal linkage and the token cache see realistic repetition. Notes mention the patient's
 * own identifiers in varied spellings next to clinical content that must survive anonymisation.
 */

export interface SyntheticPatient {
  readonly patient_id: string;
  readonly nhs_number: string;
  readonly given_name: string;
  readonly family_name: string;
  readonly date_of_birth: string;
  readonly gender: string;
  readonly ethnic_category: string;
  readonly address_line: string;
  readonly postcode: string;
  readonly phone: string | null;
  readonly email: string | null;
  readonly gp_practice_code: string;
  readonly ni_number: string;
}

/** JSON form of PatientRecord v1 (dates and timestamps as ISO-8601 strings). */
export interface PatientRecordJson {
  record_id: string;
  event_time: string;
  source_system: string;
  patient_id: string;
  nhs_number: string;
  given_name: string;
  family_name: string;
  date_of_birth: string;
  gender: string;
  ethnic_category: string;
  address_line: string;
  postcode: string;
  phone: string | null;
  email: string | null;
  gp_practice_code: string;
  admission_date: string | null;
  discharge_date: string | null;
  diagnosis_codes: string[];
  clinical_notes: string | null;
  national_data_opt_out: boolean | null;
}

export interface GeneratorOptions {
  readonly seed?: number;
  /** How many distinct patients the records are drawn from. */
  readonly patients?: number;
  /** Share of records with national_data_opt_out true, and with it missing (null). */
  readonly optOutRate?: number;
  readonly consentMissingRate?: number;
}

const SOURCES = ["EPR-NORTH", "PAS-CENTRAL", "ED-SYSTEM", "MATERNITY_V2"];
const GENDERS = ["male", "female", "other", "unknown"];
const ETHNIC = ["A", "B", "C", "D", "E", "F", "G", "H", "J", "K", "L", "M", "N", "P", "R", "S", "Z", "99"];
const ICD10 = [
  "E11.9",
  "I10",
  "J45.9",
  "I21.4",
  "N18.3",
  "F32.1",
  "C50.9",
  "K35.8",
  "S72.0",
  "R07.4",
  "U07.1",
  "Z87.8",
];
const CLINICIANS = [
  "Dr Patel",
  "Dr Okonkwo",
  "Mrs Evans (ward sister)",
  "Dr A. Hughes",
  "Prof Chen",
  "Mr Kowalski",
];
/** Clinical content that must survive: blood pressure, doses, times, scores, ward names, codes. */
export const CLINICAL_DECOYS = [
  "BP 120/80",
  "metformin 500 mg BD",
  "HbA1c 48 mmol/mol",
  "reviewed at 14:30",
  "NEWS2 score 3",
  "GCS 15/15",
  "transferred to Ward 7B",
  "Nightingale Ward",
  "SpO2 96% on air",
  "temp 37.8",
  "paracetamol 1 g QDS",
];

function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function createGenerator(options: GeneratorOptions = {}) {
  const faker = new Faker({ locale: [en_GB, en, base] });
  faker.seed(options.seed ?? 1);
  const poolSize = Math.max(1, options.patients ?? 1000);
  const optOut = options.optOutRate ?? 0.04;
  const missing = options.consentMissingRate ?? 0.03;
  const pool: SyntheticPatient[] = [];

  function newPatient(): SyntheticPatient {
    const sex = faker.helpers.arrayElement(["male", "female"] as const);
    const given = faker.person.firstName(sex);
    const family = faker.person.lastName();
    const dob = faker.date.between({ from: "1925-01-01T00:00:00Z", to: "2022-12-31T00:00:00Z" });
    const emailLocal = `${given}.${family}`.toLowerCase().replace(/[^a-z.]/g, "");
    return {
      patient_id: syntheticPatientId(faker),
      nhs_number: faker.helpers.arrayElement(nhsNumberSpellings(syntheticNhsNumber(faker))),
      given_name: given,
      family_name: family,
      date_of_birth: isoDate(dob),
      gender: faker.helpers.weightedArrayElement([
        { weight: 48, value: sex === "male" ? "male" : "female" },
        { weight: 1, value: faker.helpers.arrayElement(GENDERS) },
      ]),
      ethnic_category: faker.helpers.arrayElement(ETHNIC),
      address_line: `${faker.number.int({ min: 1, max: 250 })} ${faker.location.street()}`,
      postcode: syntheticPostcode(faker),
      phone: faker.datatype.boolean(0.9) ? syntheticPhone(faker) : null,
      email: faker.datatype.boolean(0.8) ? `${emailLocal}${faker.number.int(99)}@example.com` : null,
      gp_practice_code: syntheticGpPracticeCode(faker),
      ni_number: syntheticNiNumber(faker),
    };
  }

  function patient(): SyntheticPatient {
    if (pool.length < poolSize && (pool.length === 0 || faker.datatype.boolean(0.5))) {
      const p = newPatient();
      pool.push(p);
      return p;
    }
    return faker.helpers.arrayElement(pool);
  }

  function note(p: SyntheticPatient, codes: string[]): string | null {
    if (faker.datatype.boolean(0.05)) return null;
    const mentions = [
      () =>
        `Patient ${faker.helpers.arrayElement([`${p.given_name} ${p.family_name}`, `${p.given_name} ${p.family_name}`.toUpperCase(), `${p.family_name}, ${p.given_name}`])} seen in clinic.`,
      () =>
        `${faker.helpers.arrayElement(["Mr", "Mrs", "Ms", "Dr"])} ${p.family_name} reports feeling better.`,
      () => `${p.family_name.toLowerCase()} says the pain is worse at night.`,
      () => `NHS no ${faker.helpers.arrayElement(nhsNumberSpellings(p.nhs_number))}.`,
      () => `DOB ${faker.helpers.arrayElement(dateSpellings(p.date_of_birth))}.`,
      () => `Hospital number ${p.patient_id}.`,
      () => `Lives at ${p.address_line}, ${faker.helpers.arrayElement(postcodeSpellings(p.postcode))}.`,
      () => (p.phone ? `Contact on ${faker.helpers.arrayElement(phoneSpellings(p.phone))}.` : "No phone."),
      () => (p.email ? `Email ${p.email} for letters.` : "No email."),
      () => `NI number ${p.ni_number}.`,
      () => `Daughter Mrs ${faker.person.firstName("female")} ${faker.person.lastName()} attended.`,
      () => `Discussed with ${faker.helpers.arrayElement(CLINICIANS)}.`,
    ];
    const clinical = [
      () => `${faker.helpers.arrayElement(CLINICAL_DECOYS)}.`,
      () => `${faker.helpers.arrayElement(CLINICAL_DECOYS)}, ${faker.helpers.arrayElement(CLINICAL_DECOYS)}.`,
      () => `Coded ${codes.join(", ")}.`,
    ];
    const parts = [
      ...faker.helpers.arrayElements(mentions, { min: 2, max: 6 }).map((f) => f()),
      ...faker.helpers.arrayElements(clinical, { min: 1, max: 3 }).map((f) => f()),
    ];
    return faker.helpers.shuffle(parts).join(" ");
  }

  function next(): PatientRecordJson {
    const p = patient();
    const dobMs = Date.parse(`${p.date_of_birth}T00:00:00Z`);
    const from = Math.max(dobMs + 86_400_000, Date.parse("2023-01-01T00:00:00Z"));
    const event = faker.date.between({ from, to: "2026-06-30T00:00:00Z" });
    event.setUTCMilliseconds(0);
    const admitted = faker.datatype.boolean(0.6);
    const admission = admitted
      ? new Date(Date.UTC(event.getUTCFullYear(), event.getUTCMonth(), event.getUTCDate()))
      : null;
    const discharge =
      admission && faker.datatype.boolean(0.7)
        ? new Date(admission.getTime() + faker.number.int({ min: 0, max: 20 }) * 86_400_000)
        : null;
    const codes = faker.helpers.arrayElements(ICD10, { min: 1, max: 3 });
    const roll = faker.number.float({ min: 0, max: 1 });
    return {
      record_id: faker.string.uuid(),
      event_time: event.toISOString(),
      source_system: faker.helpers.arrayElement(SOURCES),
      patient_id: p.patient_id,
      nhs_number: p.nhs_number,
      given_name: p.given_name,
      family_name: p.family_name,
      date_of_birth: p.date_of_birth,
      gender: p.gender,
      ethnic_category: p.ethnic_category,
      address_line: p.address_line,
      postcode: p.postcode,
      phone: p.phone,
      email: p.email,
      gp_practice_code: p.gp_practice_code,
      admission_date: admission ? isoDate(admission) : null,
      discharge_date: discharge ? isoDate(discharge) : null,
      diagnosis_codes: codes,
      clinical_notes: note(p, codes),
      national_data_opt_out: roll < optOut ? true : roll < optOut + missing ? null : false,
    };
  }

  return { next, patients: (): readonly SyntheticPatient[] => pool };
}

export function generateRecords(count: number, options: GeneratorOptions = {}): PatientRecordJson[] {
  const g = createGenerator(options);
  return Array.from({ length: count }, () => g.next());
}
