/**
 * The PostgreSQL writer alone, with the same offset bookkeeping and audit row per batch (one transaction each):
 * PostgresStore.commit with research rows by COPY (the default), against the same commit with one unnest INSERT; and
 * one plain COPY of all rows in the same binary format, no bookkeeping, as the floor.
 */
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { from as copyFrom } from "pg-copy-streams";
import { createAnonymiser, parseKeyring } from "../../anonymise/index.ts";
import type { StoreRecord } from "../../contracts/stores.ts";
import type { StackEndpoints } from "../../dev/stack/env-file.ts";
import type { PatientRecordJson } from "../../dev/synthetic/index.ts";
import { PIPELINE_VERSION } from "../../ops/version.ts";
import { fromJsonForm } from "../../schemas/json-form.ts";
import { loadAllSchemas } from "../../schemas/load.ts";
import { migrate } from "../../sinks/migrate.ts";
import { copyChunks, PostgresStore, RESEARCH_TABLE } from "../../sinks/postgres-store.ts";
import { createDatabase, dropDatabase, keyringJson, pgp } from "./setup.ts";

export interface SinkResult {
  rows: number;
  batchSize: number;
  rounds: number;
  /** PostgresStore.commit, research rows by COPY (the default). */
  copyCommitRowsPerSecond: number;
  /** PostgresStore.commit, research rows by one unnest INSERT. */
  unnestCommitRowsPerSecond: number;
  copySingleRowsPerSecond: number;
  ratioCopyToUnnest: number;
  ratioCopyCommitToCopySingle: number;
  samples: Record<string, number[]>;
}

export async function sinkBench(
  endpoints: StackEndpoints,
  source: PatientRecordJson[],
  options: { batchSize: number; rounds: number },
): Promise<SinkResult> {
  const schemas = loadAllSchemas();
  const anonymiser = createAnonymiser({
    rawSchema: schemas.patientRecord,
    anonymisedSchema: schemas.anonymisedPatientRecord,
    keyring: parseKeyring(keyringJson),
    strategy: "pseudonymisation",
    pipelineVersion: PIPELINE_VERSION,
  });
  const records: StoreRecord[] = [];
  const next = [0n, 0n, 0n, 0n];
  for (const json of source) {
    const raw = fromJsonForm(schemas.patientRecord, json);
    if (!raw.ok) continue;
    const result = anonymiser.anonymise(raw.value);
    if (result.kind !== "anonymised") continue;
    const partition = records.length % 4;
    records.push({
      key: undefined,
      value: result.value,
      topic: "bench-raw",
      partition,
      offset: next[partition]!++,
      timestamp: 0n,
    });
  }
  const batches: StoreRecord[][] = [];
  for (let i = 0; i < records.length; i += options.batchSize)
    batches.push(records.slice(i, i + options.batchSize));

  const url = await createDatabase(endpoints, "sink");
  const stores = {
    // Each store its own application name: two pools of one configuration make pg-promise warn of a duplicate.
    copy: new PostgresStore(
      { connectionString: url, application_name: "bench-sink-copy" },
      { poolSize: 4, insertMode: "copy" },
    ),
    unnest: new PostgresStore(
      { connectionString: url, application_name: "bench-sink-unnest" },
      { poolSize: 4, insertMode: "unnest" },
    ),
  };
  await migrate(stores.copy.db);
  const db = pgp(url);
  const samples: Record<string, number[]> = { copy: [], unnest: [], copySingle: [] };
  const reset = () => db.none(`TRUNCATE ${RESEARCH_TABLE}, sink_offsets, audit_batches; CHECKPOINT`);
  const commitAll = async (store: PostgresStore) => {
    for (const batch of batches) {
      const last = new Map<number, bigint>();
      for (const r of batch) last.set(r.partition, r.offset + 1n);
      await store.commit({
        consumerGroup: "bench-sink",
        records: new Map([["anonymised", batch]]),
        offsets: [...last].map(([partition, nextOffset]) => ({ topic: "bench-raw", partition, nextOffset })),
      });
    }
  };
  const methods: Record<string, () => Promise<void>> = {
    copy: () => commitAll(stores.copy),
    unnest: () => commitAll(stores.unnest),
    copySingle: async () => {
      const connection = await db.connect();
      try {
        const client = connection.client as unknown as { query<T>(q: T): T };
        const stream = client.query(copyFrom(stores.copy.copyStatement(RESEARCH_TABLE)));
        await pipeline(Readable.from(copyChunks(stores.copy.fieldColumns, records)), stream);
      } finally {
        connection.done();
      }
    },
  };
  try {
    // Warm-up (caches, JIT), then alternate the order each round so drift does not favour one method.
    await methods["copy"]!();
    await reset();
    await methods["unnest"]!();
    for (let round = 0; round < options.rounds; round++) {
      const order = round % 2 === 0 ? ["copy", "unnest", "copySingle"] : ["copySingle", "unnest", "copy"];
      for (const name of order) {
        await reset();
        const t0 = performance.now();
        await methods[name]!();
        const seconds = (performance.now() - t0) / 1000;
        const count = Number(
          (await db.one<{ n: string }>("SELECT count(*) AS n FROM anonymised_patient_records")).n,
        );
        if (count !== records.length)
          throw new Error(`sink bench ${name}: ${count} rows, expected ${records.length}`);
        samples[name]!.push(records.length / seconds);
      }
    }
  } finally {
    await stores.copy.close();
    await stores.unnest.close();
    await db.$pool.end();
    await dropDatabase(endpoints, url);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const c = median(samples["copy"]!);
  const u = median(samples["unnest"]!);
  const cs = median(samples["copySingle"]!);
  return {
    rows: records.length,
    batchSize: options.batchSize,
    rounds: options.rounds,
    copyCommitRowsPerSecond: c,
    unnestCommitRowsPerSecond: u,
    copySingleRowsPerSecond: cs,
    ratioCopyToUnnest: c / u,
    ratioCopyCommitToCopySingle: c / cs,
    samples,
  };
}
