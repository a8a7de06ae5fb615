import { createGenerator } from "../../dev/synthetic/index.ts";
import { fromJsonForm } from "../../schemas/json-form.ts";
import { loadSchema } from "../../schemas/load.ts";

/**
 * `count` synthetic records of `patients` patients (by default `count / 4`), in the engine's input form: no
 * opt-outs, every consent flag set. The engine benchmarks' input (bench:anonymise, bench:ab).
 */
export function engineRecords(
  seed: number,
  count: number,
  patients = Math.ceil(count / 4),
): Record<string, unknown>[] {
  const rawSchema = loadSchema("patientRecord");
  const generator = createGenerator({ seed, patients, optOutRate: 0, consentMissingRate: 0 });
  return Array.from({ length: count }, () => {
    const r = fromJsonForm(rawSchema, generator.next());
    if (!r.ok) throw new Error("generator produced an invalid record");
    return r.value as Record<string, unknown>;
  });
}
