import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Strategy } from "../../anonymise/index.ts";
import { toJsonForm } from "../../schemas/json-form.ts";
import { recordLeaks } from "../support/leaks.ts";
import { anonymisedSchema, anonymiser, generatedAvro } from "./helpers.ts";

/**
 * The core privacy property, over thousands of generated records (fast-check picks the generator seeds): no
 * spelling of any of a record's identifiers appears anywhere in its anonymised output.
 */

function leaks(strategy: Strategy, seed: number): string[] {
  const a = anonymiser(strategy);
  const problems: string[] = [];
  for (const { json, avro } of generatedAvro(60, seed)) {
    const r = a.anonymise(avro);
    if (r.kind === "failed") problems.push(`record failed: ${r.code} ${r.field}`);
    if (r.kind !== "anonymised") continue;
    const out = JSON.stringify(toJsonForm(anonymisedSchema, r.value));
    for (const field of recordLeaks(json, out, String(r.value["clinical_notes"] ?? "")))
      problems.push(`${field} spelling survived (seed ${seed})`);
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
