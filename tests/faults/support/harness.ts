import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { Admin } from "@platformatic/kafka";
import avro from "avsc";
import { expect } from "vitest";
import { createAnonymiser, parseKeyring } from "../../../anonymise/index.ts";
import { RawRecordProducer } from "../../../dev/producer/raw-producer.ts";
import { createGenerator, type PatientRecordJson } from "../../../dev/synthetic/index.ts";
import { PIPELINE_VERSION } from "../../../ops/version.ts";
import { fromJsonForm } from "../../../schemas/json-form.ts";
import { loadSchema } from "../../../schemas/load.ts";
import {
  counts,
  type database,
  eventually,
  keyringJson,
  type PipelineEnv,
  readTopic,
  spawnPipeline,
} from "../../integration/support/pipeline.ts";
import { stack } from "../../integration/support/stack.ts";
import { recordFaultRow } from "./results.ts";

export type Db = ReturnType<typeof database>;

/** Deterministic synthetic records for a case (same seed, same records, same expected pseudonyms). */
export function makeRecords(n: number, seed: number): PatientRecordJson[] {
  const generator = createGenerator({ seed, patients: 300 });
  return Array.from({ length: n }, () => generator.next());
}

export async function rawProducer(env: PipelineEnv, registryUrl = stack().SCHEMA_REGISTRY_URL) {
  return RawRecordProducer.create({
    bootstrap: stack().KAFKA_BOOTSTRAP_SERVERS.split(","),
    registryUrl,
    topic: env.rawTopic,
  });
}

/** Produces in chunks, optionally spaced out so that the pipeline is mid-run while a fault is injected. */
export async function produce(
  producer: RawRecordProducer,
  records: PatientRecordJson[],
  options: { chunk?: number; gapMs?: number } = {},
): Promise<void> {
  const chunk = options.chunk ?? 250;
  for (let i = 0; i < records.length; i += chunk) {
    await producer.send(records.slice(i, i + chunk));
    if (options.gapMs) await new Promise((r) => setTimeout(r, options.gapMs));
  }
}

/** Outcomes in the sink so far (0 before the pipeline has created its tables). */
export async function accounted(db: Db): Promise<number> {
  const c = await counts(db).catch(() => undefined);
  return c ? c.rows + c.withheld + c.deadLetters : 0;
}

/** Waits until at least `n` outcomes are in the sink (a fault is then injected mid-run). */
export async function waitForProgress(db: Db, n: number, timeoutMs = 60_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const done = await accounted(db);
    if (done >= n || Date.now() > deadline) return done;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits until at least `total` outcomes are in the sink. */
export function drained(db: Db, total: number, timeoutMs = 120_000): Promise<boolean> {
  return eventually(async () => (await accounted(db)) >= total, timeoutMs, 500);
}

/** A free TCP port on loopback (for a replica's /metrics). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** One gauge or counter value from a replica's /metrics, or undefined. */
export async function scrape(port: number, metric: string): Promise<number | undefined> {
  const text = await (
    await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(3_000) })
  ).text();
  const line = text.split("\n").find((l) => l.startsWith(`${metric} `) || l.startsWith(`${metric}{`));
  return line === undefined ? undefined : Number(line.split(" ").pop());
}

export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

/** The group's committed Kafka offsets for the raw topic, by partition. */
export async function kafkaCommitted(group: string, topic: string): Promise<Map<number, bigint>> {
  const admin = new Admin({
    clientId: "faults-admin",
    bootstrapBrokers: stack().KAFKA_BOOTSTRAP_SERVERS.split(","),
  });
  try {
    const [g] = await admin.listConsumerGroupOffsets({ groups: [group] });
    const out = new Map<number, bigint>();
    for (const t of g?.topics ?? []) {
      if (t.name !== topic) continue;
      for (const p of t.partitions) out.set(p.partitionIndex, p.committedOffset);
    }
    return out;
  } finally {
    await admin.close();
  }
}

export function withAdmin<T>(work: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = new Admin({
    clientId: "faults-admin",
    bootstrapBrokers: stack().KAFKA_BOOTSTRAP_SERVERS.split(","),
  });
  return work(admin).finally(() => admin.close());
}

interface Expected {
  anonymised: Map<string, { patient_id: unknown; nhs_number: unknown }>;
  withheld: number;
}

/** What a clean run gives: the engine run directly on the same records, outside the pipeline. */
export function expectedOutcomes(records: PatientRecordJson[]): Expected {
  const anonymiser = createAnonymiser({
    rawSchema: loadSchema("patientRecord"),
    anonymisedSchema: loadSchema("anonymisedPatientRecord"),
    keyring: parseKeyring(keyringJson),
    strategy: "pseudonymisation",
    pipelineVersion: PIPELINE_VERSION,
  });
  const anonymised = new Map<string, { patient_id: unknown; nhs_number: unknown }>();
  let withheld = 0;
  for (const json of records) {
    const converted = fromJsonForm(loadSchema("patientRecord"), json);
    if (!converted.ok) throw new Error("fixture record does not fit the contract");
    const result = anonymiser.anonymise(converted.value);
    if (result.kind === "anonymised") {
      anonymised.set(result.value["record_id"] as string, {
        patient_id: result.value["patient_id"],
        nhs_number: result.value["nhs_number"],
      });
    } else if (result.kind === "withheld") withheld++;
    else throw new Error(`fixture record fails anonymisation: ${result.code}`);
  }
  return { anonymised, withheld };
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

/**
 * A pipeline replica run as an orchestrator would run it: a child process (`node app/main.ts`) that is started again
 * after it exits on its own (the product fails closed by exiting non-zero and relies on a restart). Every exit is
 * recorded, so that a test can report whether the fault crashed the process or was ridden out in-process.
 */
export interface Replica {
  readonly instanceId: string;
  readonly pid: () => number | undefined;
  readonly exits: Array<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
  /** SIGTERM and wait for exit 0; after `graceMs` SIGKILL. Returns how it ended. */
  stop(graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; killed: boolean }>;
}

export function startReplica(
  env: Record<string, string>,
  instanceId: string,
  options: { restart?: boolean } = {},
): Replica {
  const restart = options.restart ?? true;
  let stopping = false;
  let log = "";
  const exits: Replica["exits"] = [];
  let child: ReturnType<typeof spawnPipeline>;
  const launch = () => {
    child = spawnPipeline(env, instanceId);
    const current = child;
    current.once("exit", (code, signal) => {
      log += current.output();
      exits.push({ code, signal });
      if (!stopping && restart) setTimeout(() => !stopping && launch(), 1_000);
    });
  };
  launch();
  return {
    instanceId,
    exits,
    pid: () => (child.exitCode === null && child.signalCode === null ? child.pid : undefined),
    output: () => log + (child.exitCode === null && child.signalCode === null ? child.output() : ""),
    async stop(graceMs = 30_000) {
      stopping = true;
      const current = child;
      if (current.exitCode !== null || current.signalCode !== null) {
        return { code: current.exitCode, signal: current.signalCode, killed: false };
      }
      const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        current.once("exit", (code, signal) => resolve({ code, signal })),
      );
      current.kill("SIGTERM");
      const timer = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), graceMs));
      const first = await Promise.race([ended, timer]);
      if (first !== "timeout") return { ...first, killed: false };
      current.kill("SIGKILL");
      return { ...(await ended), killed: true };
    },
  };
}

/** Exits other than the final, requested one: "none" or e.g. "2 exits (code 1, code 1)". */
export function describeExits(replica: Replica, finalStopIncluded = true): string {
  const unplanned = finalStopIncluded ? replica.exits.slice(0, -1) : replica.exits;
  if (unplanned.length === 0) return "no crash";
  return `${unplanned.length} exit(s) + restart (${unplanned.map((e) => e.signal ?? `code ${e.code}`).join(", ")})`;
}

/** The fatal/start-failure lines of a replica's log (allow-listed JSON: codes, no record values). */
export function fatalLines(replica: Replica): string[] {
  return replica
    .output()
    .split("\n")
    .filter((l) => /"level":"?(fatal|60)|pipeline\.failed|start_failed|pipeline\.crashed/.test(l))
    .slice(0, 5);
}
