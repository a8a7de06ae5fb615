import { readFileSync } from "node:fs";
import {
  type Anonymiser,
  type AnonymiserOptions,
  createAnonymiser,
  type Keyring,
  parseKeyring,
} from "../../anonymise/index.ts";
import type { PatientRecordJson } from "../../dev/synthetic/index.ts";
import { PIPELINE_VERSION } from "../../ops/version.ts";
import { fromJsonForm } from "../../schemas/json-form.ts";
import { type AvroRecordSchema, loadSchema } from "../../schemas/load.ts";

/** The one place tests build the privacy engine: the shipped schemas and the fixture keyring unless overridden. */
export const rawSchema: AvroRecordSchema = loadSchema("patientRecord");
export const anonymisedSchema: AvroRecordSchema = loadSchema("anonymisedPatientRecord");
export const keyringJson = readFileSync(new URL("../fixtures/keyring.json", import.meta.url), "utf8");
export const keyring: Keyring = parseKeyring(keyringJson);

export function testAnonymiser(overrides: Partial<AnonymiserOptions> = {}): Anonymiser {
  return createAnonymiser({
    rawSchema,
    anonymisedSchema,
    keyring,
    strategy: "pseudonymisation",
    pipelineVersion: "test",
    ...overrides,
  });
}

/** The engine as a pipeline replica runs it (same version), for comparing its outputs with a clean run. */
export function pipelineAnonymiser(): Anonymiser {
  return testAnonymiser({ pipelineVersion: PIPELINE_VERSION });
}

/** A synthetic record (JSON form) as the engine takes it. */
export function toAvro(json: PatientRecordJson | Record<string, unknown>): Record<string, unknown> {
  const r = fromJsonForm(rawSchema, json);
  if (!r.ok) throw new Error(`fixture invalid: ${r.code} ${r.field}`);
  return r.value;
}

export interface ExpectedOutcomes {
  anonymised: Map<string, Record<string, unknown>>;
  withheld: number;
}

/** What a clean run gives: the engine run directly on the same records, outside the pipeline. */
export function expectedOutcomes(records: PatientRecordJson[]): ExpectedOutcomes {
  const anonymiser = pipelineAnonymiser();
  const anonymised = new Map<string, Record<string, unknown>>();
  let withheld = 0;
  for (const json of records) {
    const result = anonymiser.anonymise(toAvro(json));
    if (result.kind === "anonymised") anonymised.set(result.value["record_id"] as string, result.value);
    else if (result.kind === "withheld") withheld++;
    else throw new Error(`fixture record fails anonymisation: ${result.code}`);
  }
  return { anonymised, withheld };
}
