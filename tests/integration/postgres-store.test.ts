import pgPromise from "pg-promise";
import { afterAll, describe, expect, it } from "vitest";
import type { StoreBatch, StoreRecord } from "../../contracts/stores.ts";
import { PATIENT_STORES } from "../../contracts/stores.ts";
import { migrate } from "../../sinks/migrate.ts";
import { PostgresStore } from "../../sinks/postgres-store.ts";
import { createDatabase } from "../support/stack.ts";

const TOPIC = "patient-records-raw";

/** An anonymised record as the store receives it (values by column), at `offset` of partition 0. */
function research(recordId: string, offset: bigint, note: string): StoreRecord {
  return {
    key: null,
    topic: TOPIC,
    partition: 0,
    offset,
    timestamp: 0n,
    value: {
      record_id: recordId,
      event_time: 1_704_067_200_000,
      source_system: "EPR",
      patient_id: "PAT-k1-AAAA",
      nhs_number: "NHS-k1-BBBB",
      year_of_birth: 1950,
      age_band: "70-74",
      gender: "female",
      ethnic_category: "A",
      postcode_district: "NW3",
      gp_practice_code: "A81001",
      admission_date: null,
      discharge_date: null,
      diagnosis_codes: ["I10"],
      clinical_notes: note,
      policy_version: "3",
      strategy: "pseudonymisation",
      key_id: "k1",
      pipeline_version: "test",
    },
  };
}

function batch(records: StoreRecord[], nextOffset: bigint): StoreBatch {
  return {
    consumerGroup: "store-test",
    records: new Map([[PATIENT_STORES.anonymised, records]]),
    offsets: [{ topic: TOPIC, partition: 0, nextOffset }],
  };
}

describe("the PostgreSQL store's research rows on the real server", () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it("copies new rows straight in, and keeps the first row of a record id sent again while writing the rest of its batch", async () => {
    const url = await createDatabase("store");
    const store = new PostgresStore(url);
    cleanups.push(() => store.close());
    await migrate(store.db);
    const reader = pgPromise()(url);
    cleanups.push(() => reader.$pool.end());
    const rows = () =>
      reader.map(
        "SELECT record_id, source_offset, clinical_notes FROM anonymised_patient_records ORDER BY 2",
        [],
        (r) => [r.record_id, Number(r.source_offset), r.clinical_notes],
      );

    await store.commit(batch([research("REC-k1-A", 0n, "first"), research("REC-k1-B", 1n, "b")], 2n));
    expect(await rows()).toEqual([
      ["REC-k1-A", 0, "first"],
      ["REC-k1-B", 1, "b"],
    ]);

    // The same source record produced twice (offsets 2 and 3 carry REC-k1-A again), beside a new one.
    await store.commit(
      batch(
        [research("REC-k1-A", 2n, "again"), research("REC-k1-C", 3n, "c"), research("REC-k1-A", 4n, "again")],
        5n,
      ),
    );
    expect(await rows()).toEqual([
      ["REC-k1-A", 0, "first"],
      ["REC-k1-B", 1, "b"],
      ["REC-k1-C", 3, "c"],
    ]);
    const offset = await reader.one<{ next_offset: string }>(
      "SELECT next_offset FROM sink_offsets WHERE consumer_group = 'store-test'",
    );
    expect(offset.next_offset).toBe("5");
  });
});
