import avro from "avsc";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningPipeline } from "../../app/pipeline.ts";
import { POISON_KINDS, type PoisonKind, poison } from "../../dev/producer/poison.ts";
import { createGenerator, type PatientRecordJson } from "../../dev/synthetic/index.ts";
import { AvroEncoder } from "../../schemas/avro-codec.ts";
import { fromJsonForm } from "../../schemas/json-form.ts";
import { loadSchema } from "../../schemas/load.ts";
import { RegistryClient } from "../../schemas/registry-client.ts";
import { pipelineAnonymiser } from "../support/anonymiser.ts";
import {
  counts,
  database,
  eventually,
  type PipelineEnv,
  preparePipelineEnv,
  rawProducer,
  readTopic,
  startInProcess,
} from "../support/pipeline.ts";
import { stack } from "../support/stack.ts";

const GOOD = 400;

/** Every identifier a record carries, in the spellings a leak could take. */
function identifiersOf(r: PatientRecordJson): string[] {
  const ids = [
    r.patient_id,
    r.nhs_number,
    r.nhs_number.replace(/\D/g, ""),
    r.given_name,
    r.family_name,
    r.address_line,
    r.postcode,
    r.postcode.replace(/\s/g, ""),
  ];
  if (r.phone) ids.push(r.phone, r.phone.replace(/\D/g, ""));
  if (r.email) ids.push(r.email);
  return ids.filter((s) => s.length >= 4);
}

describe("pipeline end to end on the real stack", () => {
  let env: PipelineEnv;
  let pipeline: RunningPipeline;
  let db: ReturnType<typeof database>;
  const good: PatientRecordJson[] = [];
  const badIdentifiers: string[] = [];
  const expectedReasons: string[] = [];

  beforeAll(async () => {
    env = await preparePipelineEnv("e2e");
    db = database(env.databaseUrl);
    const producer = await rawProducer(env);
    const generator = createGenerator({ seed: 42, patients: 120 });
    for (let i = 0; i < GOOD; i++) good.push(generator.next());
    await producer.send(good);

    const bad: Array<{ key: Buffer; value: Buffer }> = [];
    for (const kind of Object.keys(POISON_KINDS) as PoisonKind[]) {
      const r = generator.next();
      badIdentifiers.push(...identifiersOf(r));
      bad.push({ key: Buffer.from("poison"), value: poison(kind, producer.encode(r), r.source_system) });
      expectedReasons.push(POISON_KINDS[kind]);
    }
    // Oversize: over MAX_RECORD_BYTES below.
    const big = generator.next();
    badIdentifiers.push(...identifiersOf(big));
    bad.push({
      key: Buffer.from("poison"),
      value: producer.encode({ ...big, clinical_notes: `${big.family_name} `.repeat(2000) }),
    });
    expectedReasons.push("RECORD_OVERSIZE");
    // A value the policy refuses (gender outside the allowed codes).
    const refused = generator.next();
    badIdentifiers.push(...identifiersOf(refused));
    bad.push({
      key: Buffer.from("poison"),
      value: producer.encode({ ...refused, gender: "not-a-gender-code", national_data_opt_out: false }),
    });
    expectedReasons.push("ANON_VALUE_INVALID");
    // A writer schema with a field the policy does not know: refused, never passed through.
    const rogueSchema = JSON.parse(JSON.stringify(loadSchema("patientRecord")));
    rogueSchema.fields.push({ name: "mothers_maiden_name", type: "string", default: "" });
    const rogueId = await new RegistryClient(stack().SCHEMA_REGISTRY_URL).register(
      `${env.rawTopic}-rogue-value`,
      rogueSchema,
    );
    const rogue = generator.next();
    badIdentifiers.push(...identifiersOf(rogue), "Featherstonehaugh");
    const rogueValue = fromJsonForm(loadSchema("patientRecord"), rogue);
    if (!rogueValue.ok) throw new Error("fixture");
    bad.push({
      key: Buffer.from("poison"),
      value: new AvroEncoder(rogueSchema, rogueId).encode({
        ...rogueValue.value,
        mothers_maiden_name: "Featherstonehaugh",
      }),
    });
    expectedReasons.push("ANON_FIELD_UNKNOWN");
    await producer.sendRaw(bad);
    await producer.close();

    pipeline = await startInProcess(env, { MAX_RECORD_BYTES: "8192" });
  });

  afterAll(async () => {
    await pipeline?.stop();
  });

  it("accounts for every input record exactly once: anonymised + withheld + dead-lettered = in", async () => {
    const total = GOOD + expectedReasons.length;
    const drained = await eventually(async () => {
      const c = await counts(db);
      return c.rows + c.withheld + c.deadLetters >= total;
    }, 90_000);
    expect(drained).toBe(true);
    const c = await counts(db);
    const optedOutOrMissing = good.filter((r) => r.national_data_opt_out !== false).length;
    expect(c.withheld).toBe(optedOutOrMissing);
    expect(c.rows).toBe(GOOD - optedOutOrMissing);
    expect(c.distinctRecords).toBe(c.rows);
    expect(c.deadLetters).toBe(expectedReasons.length);
    const offsets = await db.one<{ n: string; distinct: string }>(
      `SELECT count(*) AS n, count(DISTINCT (source_topic, source_partition, source_offset)) AS distinct FROM (
         SELECT source_topic, source_partition, source_offset FROM anonymised_patient_records
         UNION ALL SELECT source_topic, source_partition, source_offset FROM withheld_records
         UNION ALL SELECT source_topic, source_partition, source_offset FROM dead_letters) AS all_outcomes`,
    );
    expect(Number(offsets.n)).toBe(total);
    expect(Number(offsets.distinct)).toBe(total);
  });

  it("dead-letters each kind of bad input with its reason code, metadata only", async () => {
    const rows = await db.any<{ reason_code: string; message: string; field: string | null }>(
      "SELECT reason_code, message, field FROM dead_letters ORDER BY source_offset",
    );
    expect(rows.map((r) => r.reason_code).sort()).toEqual([...expectedReasons].sort());
    expect(rows.find((r) => r.reason_code === "ANON_FIELD_UNKNOWN")?.field).toBe("mothers_maiden_name");
    const text = JSON.stringify(rows);
    for (const id of badIdentifiers) expect(text).not.toContain(id);
  });

  it("writes the raw bytes to the dead-letter topic with error headers that carry no record value", async () => {
    const dlq = await readTopic(env.deadLetterTopic, expectedReasons.length);
    expect(dlq.length).toBe(expectedReasons.length);
    expect(dlq.map((m) => m.headers.get("errors.reason")).sort()).toEqual([...expectedReasons].sort());
    for (const m of dlq) {
      expect(m.headers.get("errors.topic")).toBe(env.rawTopic);
      expect(m.headers.get("errors.offset")).toMatch(/^\d+$/);
      const headerText = [...m.headers.values()].join("\n");
      for (const id of badIdentifiers) expect(headerText).not.toContain(id);
    }
  });

  it("publishes exactly the anonymised rows to the anonymised topic, and they hold no identifier", async () => {
    const c = await counts(db);
    const messages = await readTopic(env.anonymisedTopic, c.rows);
    expect(messages.length).toBe(c.rows);
    const type = avro.Type.forSchema(loadSchema("anonymisedPatientRecord") as avro.Schema);
    const fromTopic = messages.map((m) => type.fromBuffer(m.value.subarray(5)) as Record<string, unknown>);
    const rowIds = new Set(
      (await db.any<{ record_id: string }>("SELECT record_id FROM anonymised_patient_records")).map(
        (r) => r.record_id,
      ),
    );
    expect(new Set(fromTopic.map((r) => r["record_id"]))).toEqual(rowIds);
    const published = JSON.stringify(fromTopic);
    const dbText = JSON.stringify(await db.any("SELECT * FROM anonymised_patient_records"));
    for (const r of good) {
      for (const id of identifiersOf(r)) {
        expect(published).not.toContain(id);
        expect(dbText).not.toContain(id);
      }
    }
  });

  it("gives the same pseudonyms as the engine run directly (stable linkage for researchers)", async () => {
    const anonymiser = pipelineAnonymiser();
    const rows = await db.any<{
      record_id: string;
      patient_id: string;
      nhs_number: string;
      event_time: Date;
    }>("SELECT record_id, patient_id, nhs_number, event_time FROM anonymised_patient_records");
    const byId = new Map(rows.map((r) => [r.record_id, r]));
    let compared = 0;
    for (const json of good) {
      const converted = fromJsonForm(loadSchema("patientRecord"), json);
      if (!converted.ok) continue;
      const result = anonymiser.anonymise(converted.value);
      if (result.kind !== "anonymised") continue;
      const row = byId.get(result.value["record_id"] as string);
      expect(row).toBeDefined();
      expect(row?.patient_id).toBe(result.value["patient_id"]);
      expect(row?.nhs_number).toBe(result.value["nhs_number"]);
      expect(row?.event_time.getTime()).toBe(result.value["event_time"]);
      compared++;
    }
    expect(compared).toBe(rows.length);
  });
});
