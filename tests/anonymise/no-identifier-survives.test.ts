import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Strategy } from "../../anonymise/index.ts";
import {
  dateSpellings,
  nameSpellings,
  nhsNumberSpellings,
  phoneSpellings,
  postcodeSpellings,
} from "../../dev/synthetic/index.ts";
import { toJsonForm } from "../../schemas/json-form.ts";
import { anonymisedSchema, anonymiser, generatedAvro } from "./helpers.ts";

/**
 * The core privacy property, over thousands of generated records (fast-check picks the generator seeds): no
 * spelling of any of a record's identifiers appears anywhere in its anonymised output.
 */

const TOKEN = /\b[A-Z]{2,5}-[A-Za-z0-9_]{1,16}-[A-Z2-7]{26}\b/g;
const PLACEHOLDER = /\[[A-Z_]{2,20}\]/g;
const WORD = (s: string) =>
  new RegExp(`(?<![\\p{L}\\p{N}])${s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![\\p{L}\\p{N}])`, "iu");

function leaks(strategy: Strategy, seed: number): string[] {
  const a = anonymiser(strategy);
  const problems: string[] = [];
  for (const { json, avro } of generatedAvro(60, seed)) {
    const r = a.anonymise(avro);
    if (r.kind === "failed") problems.push(`record failed: ${r.code} ${r.field}`);
    if (r.kind !== "anonymised") continue;
    const out = JSON.stringify(toJsonForm(anonymisedSchema, r.value));
    // Tokens and placeholders are not identifiers ("PAT-k1-..." is not the given name Pat, "[NAME]" is not a
    // patient called Name): take them out before searching for names.
    const notes = String(r.value["clinical_notes"] ?? "")
      .replace(TOKEN, "\u0000")
      .replace(PLACEHOLDER, "\u0000");
    const anywhere: Array<[string, string]> = [
      ...nhsNumberSpellings(json.nhs_number).map((s): [string, string] => ["nhs_number", s]),
      ...(json.phone ? phoneSpellings(json.phone).map((s): [string, string] => ["phone", s]) : []),
      ...postcodeSpellings(json.postcode).map((s): [string, string] => ["postcode", s]),
      ["record_id", json.record_id],
      ["patient_id", json.patient_id],
      ["patient_id", json.patient_id.toLowerCase()],
    ];
    if (json.email) anywhere.push(["email", json.email], ["email", json.email.toUpperCase()]);
    for (const [field, s] of anywhere)
      if (out.includes(s)) problems.push(`${field} spelling survived (seed ${seed})`);
    const inNotes: Array<[string, string]> = [
      ...nameSpellings(json.given_name, json.family_name).map((s): [string, string] => ["name", s]),
      ...dateSpellings(json.date_of_birth).map((s): [string, string] => ["date_of_birth", s]),
      ["address_line", json.address_line],
    ];
    for (const [field, s] of inNotes)
      if (WORD(s).test(notes)) problems.push(`${field} spelling survived in notes (seed ${seed})`);
    if (/QQ ?\d{2} ?\d{2} ?\d{2} ?[A-D]/.test(notes)) problems.push(`NI number survived (seed ${seed})`);
  }
  return problems;
}

describe("no identifier survives", () => {
  it.each(["pseudonymisation", "redaction"] as const)(
    "%s: 3,000 generated records, several spellings each (property)",
    (strategy) => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
          expect(leaks(strategy, seed)).toEqual([]);
        }),
        { numRuns: 50 },
      );
    },
    300_000,
  );
});
