/**
 * The PostgreSQL writer alone: PostgresStore.commit (unnest multi-row INSERT plus the offset bookkeeping and audit
 * row, one transaction per batch) against COPY FROM STDIN of the same rows into the same table (one transaction per
 * batch, no bookkeeping), and one COPY of all rows as the floor. pg-copy-streams is not installed: COPY goes through
 * a small "submittable" on the pg client that pg-promise wraps (the same protocol messages pg-copy-streams sends).
 */
import { createAnonymiser, parseKeyring } from "../../anonymise/index.ts";
import type { StackEndpoints } from "../../dev/stack/env-file.ts";
import type { PatientRecordJson } from "../../dev/synthetic/index.ts";
import { PIPELINE_VERSION } from "../../ops/version.ts";
import { fromJsonForm } from "../../schemas/json-form.ts";
import { loadAllSchemas } from "../../schemas/load.ts";
import type { AnonymisedPatientRecord } from "../../schemas/types.ts";
import { migrate } from "../../sinks/migrate.ts";
import { PostgresStore, type SinkRecord } from "../../sinks/postgres-store.ts";
import { createDatabase, dropDatabase, keyringJson, pgp } from "./setup.ts";

const COLUMNS =
  "record_id, event_time, source_system, patient_id, nhs_number, year_of_birth, age_band, gender, ethnic_category, " +
  "postcode_district, gp_practice_code, admission_date, discharge_date, diagnosis_codes, clinical_notes, " +
  "policy_version, strategy, key_id, pipeline_version, source_topic, source_partition, source_offset";

interface PgConnection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
}

/** COPY ... FROM STDIN as a pg submittable: sends the prepared chunks when the server asks for data. */
class CopyIn {
  readonly text: string;
  readonly #chunks: Buffer[];
  #error: unknown;
  rowCount = 0;
  readonly done: Promise<number>;
  #resolve!: (n: number) => void;
  #reject!: (e: unknown) => void;
  constructor(text: string, chunks: Buffer[]) {
    this.text = text;
    this.#chunks = chunks;
    this.done = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }
  submit(connection: PgConnection): void {
    connection.query(this.text);
  }
  handleCopyInResponse(connection: PgConnection): void {
    for (const chunk of this.#chunks) connection.sendCopyFromChunk(chunk);
    connection.endCopyFrom();
  }
  handleCommandComplete(msg: { text: string }): void {
    this.rowCount = Number(/\d+$/.exec(msg.text)?.[0] ?? 0);
  }
  handleError(error: unknown): void {
    this.#error = error;
  }
  handleReadyForQuery(): void {
    if (this.#error) this.#reject(this.#error);
    else this.#resolve(this.rowCount);
  }
  handleEmptyQuery(): void {}
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleCopyData(): void {}
}

const esc = (s: string) =>
  s.replace(/[\\\n\r\t]/g, (c) => (c === "\\" ? "\\\\" : c === "\n" ? "\\n" : c === "\r" ? "\\r" : "\\t"));
const txt = (v: unknown) => (v === null || v === undefined ? "\\N" : esc(String(v)));
const day = (d: number | null) => (d === null ? "\\N" : new Date(d * 86_400_000).toISOString().slice(0, 10));
const arr = (a: readonly string[]) =>
  esc(`{${a.map((x) => `"${x.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(",")}}`);

/** Text-format COPY rows for the research table: the same values PostgresStore writes. */
function copyText(records: readonly SinkRecord[]): Buffer {
  const lines: string[] = new Array(records.length);
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    const v = r.value as AnonymisedPatientRecord;
    lines[i] = [
      txt(v.record_id),
      new Date(v.event_time).toISOString(),
      txt(v.source_system),
      txt(v.patient_id),
      txt(v.nhs_number),
      txt(v.year_of_birth),
      txt(v.age_band),
      txt(v.gender),
      txt(v.ethnic_category),
      txt(v.postcode_district),
      txt(v.gp_practice_code),
      day(v.admission_date),
      day(v.discharge_date),
      arr(v.diagnosis_codes),
      txt(v.clinical_notes),
      txt(v.policy_version),
      txt(v.strategy),
      txt(v.key_id),
      txt(v.pipeline_version),
      txt(r.topic),
      String(r.partition),
      r.offset.toString(),
    ].join("\t");
  }
  return Buffer.from(`${lines.join("\n")}\n`);
}

export interface SinkResult {
  rows: number;
  batchSize: number;
  rounds: number;
  storeCommitRowsPerSecond: number;
  copyPerBatchRowsPerSecond: number;
  copySingleRowsPerSecond: number;
  ratioStoreToCopyPerBatch: number;
  ratioStoreToCopySingle: number;
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
  const records: SinkRecord[] = [];
  const next = [0n, 0n, 0n, 0n];
  for (const json of source) {
    const raw = fromJsonForm(schemas.patientRecord, json);
    if (!raw.ok) continue;
    const result = anonymiser.anonymise(raw.value);
    if (result.kind !== "anonymised") continue;
    const partition = records.length % 4;
    records.push({
      value: result.value,
      topic: "bench-raw",
      partition,
      offset: next[partition]!++,
      timestamp: 0n,
    });
  }
  const batches: SinkRecord[][] = [];
  for (let i = 0; i < records.length; i += options.batchSize)
    batches.push(records.slice(i, i + options.batchSize));

  const url = await createDatabase(endpoints, "sink");
  const store = new PostgresStore(url, { poolSize: 4 });
  await migrate(store.db);
  const db = pgp(url);
  const samples: Record<string, number[]> = { store: [], copyPerBatch: [], copySingle: [] };
  const reset = () => db.none("TRUNCATE anonymised_patient_records, sink_offsets, audit_batches; CHECKPOINT");

  const methods: Record<string, () => Promise<void>> = {
    store: async () => {
      for (const batch of batches) {
        const last = new Map<number, bigint>();
        for (const r of batch) last.set(r.partition, r.offset + 1n);
        await store.commit({
          consumerGroup: "bench-sink",
          records: new Map([["anonymised", batch]]),
          offsets: [...last].map(([partition, nextOffset]) => ({
            topic: "bench-raw",
            partition,
            nextOffset,
          })),
        });
      }
    },
    copyPerBatch: async () => {
      const connection = await db.connect();
      try {
        for (const batch of batches) {
          await connection.none("BEGIN");
          const copy = new CopyIn(`COPY anonymised_patient_records (${COLUMNS}) FROM STDIN`, [
            copyText(batch),
          ]);
          (connection.client as unknown as { query(q: unknown): void }).query(copy);
          await copy.done;
          await connection.none("COMMIT");
        }
      } finally {
        connection.done();
      }
    },
    copySingle: async () => {
      const connection = await db.connect();
      try {
        const copy = new CopyIn(`COPY anonymised_patient_records (${COLUMNS}) FROM STDIN`, [
          copyText(records),
        ]);
        (connection.client as unknown as { query(q: unknown): void }).query(copy);
        await copy.done;
      } finally {
        connection.done();
      }
    },
  };
  try {
    // Warm-up (caches, JIT), then alternate the order each round so drift does not favour one method.
    await methods["store"]!();
    await reset();
    await methods["copyPerBatch"]!();
    for (let round = 0; round < options.rounds; round++) {
      const order =
        round % 2 === 0 ? ["store", "copyPerBatch", "copySingle"] : ["copySingle", "copyPerBatch", "store"];
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
    await store.close();
    await db.$pool.end();
    await dropDatabase(endpoints, url);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const s = median(samples["store"]!);
  const cb = median(samples["copyPerBatch"]!);
  const cs = median(samples["copySingle"]!);
  return {
    rows: records.length,
    batchSize: options.batchSize,
    rounds: options.rounds,
    storeCommitRowsPerSecond: s,
    copyPerBatchRowsPerSecond: cb,
    copySingleRowsPerSecond: cs,
    ratioStoreToCopyPerBatch: s / cb,
    ratioStoreToCopySingle: s / cs,
    samples,
  };
}
