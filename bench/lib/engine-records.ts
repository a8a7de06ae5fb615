import avro from "avsc";
import { createGenerator } from "../../dev/synthetic/index.ts";
import { fromJsonForm } from "../../schemas/json-form.ts";
import { loadSchema } from "../../schemas/load.ts";

/**
 * `count` synthetic records of `patients` patients (by default `count / 4`), in the engine's input form: no
 * opt-outs, every consent flag set. The engine benchmarks' input (bench:anonymise, bench:ab).
 *
 * Each record goes through Avro and back, so that it is the object a processing thread's decoder hands the engine
 * (built by avsc's record constructor, with its fields in place), not the one the JSON form builds field by field:
 * V8 keeps the latter in dictionary mode, where every field read is a hash look-up and the engine measured slower
 * than it runs in the pipeline.
 */
export function engineRecords(
  seed: number,
  count: number,
  patients = Math.ceil(count / 4),
): Record<string, unknown>[] {
  const rawSchema = loadSchema("patientRecord");
  const type = avro.Type.forSchema(rawSchema as avro.Schema, { omitRecordMethods: true });
  const generator = createGenerator({ seed, patients, optOutRate: 0, consentMissingRate: 0 });
  return Array.from({ length: count }, () => {
    const r = fromJsonForm(rawSchema, generator.next());
    if (!r.ok) throw new Error("generator produced an invalid record");
    return type.fromBuffer(type.toBuffer(r.value)) as Record<string, unknown>;
  });
}
