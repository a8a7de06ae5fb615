import avro from "avsc";
import { afterAll, expect } from "vitest";
import type { PatientRecordJson } from "../../../dev/synthetic/index.ts";
import { loadSchema } from "../../../schemas/load.ts";
import { expectedOutcomes } from "../../support/anonymiser.ts";
import {
  counts,
  type Db,
  database,
  type PipelineEnv,
  preparePipelineEnv,
  readTopic,
} from "../../support/pipeline.ts";
import { recordFaultRow } from "./results.ts";

/**
 * What every fault file opens with: clean-ups run after its cases (last registered first), and `open`, which gives a
 * case its own topics, consumer group and database, the database's pool closed among the clean-ups.
 */
export function faultCase(): {
  cleanups: Array<() => Promise<unknown>>;
  open(prefix: string, options?: { partitions?: number }): Promise<{ env: PipelineEnv; db: Db }>;
} {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  });
  return {
    cleanups,
    async open(prefix, options) {
      const env = await preparePipelineEnv(prefix, options);
      const db = database(env.databaseUrl);
      cleanups.push(() => db.$pool.end());
      return { env, db };
    },
  };
}

/**
 * The fault suite's verdict on one case, recorded in the fault table before it is asserted:
 * - every input offset appears exactly once across anonymised rows, withheld rows and dead letters;
 * - no duplicate rows, and no duplicate records on the anonymised topic read with read_committed;
 * - every pseudonym equals the one the engine gives when run directly (a clean run);
 * - the dead letters are exactly the expected ones (by reason code).
 */
export async function verifyCase(options: {
  name: string;
  env: PipelineEnv;
  db: Db;
  records: PatientRecordJson[];
  deadLetterReasons: string[];
  note?: string;
}): Promise<void> {
  const { env, db, records } = options;
  const total = records.length + options.deadLetterReasons.length;
  const expected = expectedOutcomes(records);
  const c = await counts(db);
  const offsets = await db.one<{ n: string; d: string }>(
    `SELECT count(*) AS n, count(DISTINCT (source_topic, source_partition, source_offset)) AS d FROM (
       SELECT source_topic, source_partition, source_offset FROM anonymised_patient_records
       UNION ALL SELECT source_topic, source_partition, source_offset FROM withheld_records
       UNION ALL SELECT source_topic, source_partition, source_offset FROM dead_letters) o`,
  );
  const rows = await db.any<{ record_id: string; patient_id: string; nhs_number: string }>(
    "SELECT record_id, patient_id, nhs_number FROM anonymised_patient_records",
  );
  const reasons = (await db.any<{ reason_code: string }>("SELECT reason_code FROM dead_letters")).map(
    (r) => r.reason_code,
  );
  const published = await readTopic(env.anonymisedTopic, expected.anonymised.size, {
    idleMs: 3_000,
    timeoutMs: 60_000,
  });
  const type = avro.Type.forSchema(loadSchema("anonymisedPatientRecord") as avro.Schema);
  const topicIds = published.map(
    (m) => (type.fromBuffer(m.value.subarray(5)) as { record_id: string }).record_id,
  );
  let pseudonymsChecked = 0;
  let pseudonymMismatches = 0;
  const byId = new Map(rows.map((r) => [r.record_id, r]));
  for (const [id, want] of expected.anonymised) {
    const row = byId.get(id);
    if (!row) continue;
    if (row.patient_id === want.patient_id && row.nhs_number === want.nhs_number) pseudonymsChecked++;
    else pseudonymMismatches++;
  }
  const duplicates =
    Number(offsets.n) -
    Number(offsets.d) +
    (c.rows - c.distinctRecords) +
    (topicIds.length - new Set(topicIds).size);
  const lost = total - Number(offsets.d);
  recordFaultRow({
    case: options.name,
    recordsIn: total,
    anonymisedPlusWithheld: c.rows + c.withheld,
    deadLettered: c.deadLetters,
    duplicates,
    lost,
    pseudonymsChecked,
    note: [options.note, pseudonymMismatches ? `${pseudonymMismatches} pseudonym mismatches` : ""]
      .filter(Boolean)
      .join("; "),
  });

  expect({ lost, duplicates, pseudonymMismatches }).toEqual({
    lost: 0,
    duplicates: 0,
    pseudonymMismatches: 0,
  });
  expect(Number(offsets.n)).toBe(total);
  expect(c.rows).toBe(expected.anonymised.size);
  expect(c.withheld).toBe(expected.withheld);
  expect(new Set(rows.map((r) => r.record_id))).toEqual(new Set(expected.anonymised.keys()));
  expect(pseudonymsChecked).toBe(expected.anonymised.size);
  expect(reasons.sort()).toEqual([...options.deadLetterReasons].sort());
  expect(topicIds.length).toBe(expected.anonymised.size);
  expect(new Set(topicIds)).toEqual(new Set(expected.anonymised.keys()));
}
