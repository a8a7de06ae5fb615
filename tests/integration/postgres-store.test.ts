import fc from "fast-check";
import pgPromise from "pg-promise";
import { afterAll, describe, expect, it } from "vitest";
import type { StoreBatch, StoreRecord } from "../../contracts/stores.ts";
import { PATIENT_STORES } from "../../contracts/stores.ts";
import { migrate } from "../../sinks/migrate.ts";
import { PostgresStore } from "../../sinks/postgres-store.ts";
import { copyText, pgDays, pgMillis } from "../support/copy-binary.ts";
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
  /** A store on a fresh, migrated database, and a connection to read it back with. */
  async function storeOn(name: string) {
    const url = await createDatabase(name);
    const store = new PostgresStore(url);
    cleanups.push(() => store.close());
    await migrate(store.db);
    const reader = pgPromise()(url);
    cleanups.push(() => reader.$pool.end());
    return { store, reader };
  }

  it("copies new rows straight in, and keeps the first row of a record id sent again while writing the rest of its batch", async () => {
    const { store, reader } = await storeOn("store");
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

  // Text beyond ASCII and lone halves of surrogate pairs (read back as U+FFFD, as Buffer writes them); days and
  // milliseconds across PostgreSQL's whole range from 4713 BC, negative included.
  it("reads back every value the binary COPY wrote, whatever it is (property)", async () => {
    const { store, reader } = await storeOn("store_values");
    const values = fc.record({
      event_time: pgMillis,
      year_of_birth: fc.option(fc.integer(), { nil: null }),
      admission_date: fc.option(pgDays, { nil: null }),
      diagnosis_codes: fc.array(copyText, { maxLength: 4 }),
      clinical_notes: fc.option(copyText, { nil: null }),
    });
    let next = 0n;
    await fc.assert(
      fc.asyncProperty(fc.array(values, { minLength: 1, maxLength: 5 }), async (drawn) => {
        const first = next;
        const records = drawn.map((v, i) => {
          const r = research(`REC-k1-${first + BigInt(i)}`, first + BigInt(i), "");
          return { ...r, value: { ...(r.value as object), ...v } };
        });
        next += BigInt(records.length);
        await store.commit(batch(records, next));
        const rows = await reader.map(
          `SELECT (extract(epoch FROM event_time) * 1000)::bigint AS event_ms, year_of_birth,
                  admission_date - date '1970-01-01' AS admission_days, diagnosis_codes, clinical_notes
             FROM anonymised_patient_records WHERE source_offset >= $1 ORDER BY source_offset`,
          [first.toString()],
          (r) => [Number(r.event_ms), r.year_of_birth, r.admission_days, r.diagnosis_codes, r.clinical_notes],
        );
        const asWritten = (s: string) => Buffer.from(s, "utf8").toString("utf8");
        expect(rows).toEqual(
          drawn.map((v) => [
            v.event_time,
            v.year_of_birth,
            v.admission_date,
            v.diagnosis_codes.map(asWritten),
            v.clinical_notes === null ? null : asWritten(v.clinical_notes),
          ]),
        );
      }),
      { numRuns: 25 },
    );
  });
});
