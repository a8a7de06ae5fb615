import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { Admin, Consumer } from "@platformatic/kafka";
import pgPromise from "pg-promise";
import { PIPELINE_NODE_OPTIONS } from "../../app/node-options.ts";
import { type RunningPipeline, startPipeline } from "../../app/pipeline.ts";
import { RawRecordProducer } from "../../dev/producer/raw-producer.ts";
import { PROJECT_ROOT } from "../../dev/stack/paths.ts";
import { createGenerator, type PatientRecordJson } from "../../dev/synthetic/index.ts";
import { loadConfig } from "../../ops/config.ts";
import { ensureTopics } from "../../ops/kafka-admin.ts";
import { createLogger } from "../../ops/logger.ts";
import { registerSchemas } from "../../schemas/register.ts";
import { keyringJson } from "./anonymiser.ts";
import { createDatabase, stack, uniqueName } from "./stack.ts";
import { eventually, sleep } from "./wait.ts";

/**
 * The one pipeline harness of the integration, fault and chaos suites: a fresh environment per test file (topics,
 * group, database, schemas), the synthetic producer, the pipeline in-process or as replica processes run as an
 * orchestrator would, and the readers and counters the assertions use.
 */
export { eventually };

export interface PipelineEnv {
  env: Record<string, string>;
  rawTopic: string;
  anonymisedTopic: string;
  deadLetterTopic: string;
  group: string;
  databaseUrl: string;
}

/** Fresh topics, consumer group and database for one test file; schemas registered under its subjects. */
export async function preparePipelineEnv(
  name: string,
  options: { partitions?: number } = {},
): Promise<PipelineEnv> {
  const s = stack();
  const rawTopic = uniqueName(`${name}-raw`);
  const anonymisedTopic = uniqueName(`${name}-anon`);
  const deadLetterTopic = uniqueName(`${name}-dlq`);
  const group = uniqueName(`${name}-group`);
  const databaseUrl = await createDatabase(name);
  const partitions = options.partitions ?? 3;
  await ensureTopics(s.KAFKA_BOOTSTRAP_SERVERS.split(","), [
    { name: rawTopic, partitions },
    { name: anonymisedTopic, partitions },
    { name: deadLetterTopic, partitions: 1 },
  ]);
  await registerSchemas({ registryUrl: s.SCHEMA_REGISTRY_URL, rawTopic, anonymisedTopic });
  return {
    rawTopic,
    anonymisedTopic,
    deadLetterTopic,
    group,
    databaseUrl,
    env: {
      KAFKA_BOOTSTRAP_SERVERS: s.KAFKA_BOOTSTRAP_SERVERS,
      SCHEMA_REGISTRY_URL: s.SCHEMA_REGISTRY_URL,
      DATABASE_URL: databaseUrl,
      KEYRING_JSON: keyringJson,
      RAW_TOPIC: rawTopic,
      ANONYMISED_TOPIC: anonymisedTopic,
      DEAD_LETTER_TOPIC: deadLetterTopic,
      CONSUMER_GROUP: group,
      BATCH_MAX_RECORDS: "100",
      BATCH_MAX_MS: "100",
      HTTP_PORT: "0",
      LOG_LEVEL: "info",
      RETRY_INITIAL_MS: "50",
      RETRY_MAX_MS: "1000",
      // A killed replica's partitions move after this long: short, so crash tests do not wait 30 s.
      KAFKA_SESSION_TIMEOUT_MS: "8000",
    },
  };
}

export interface Counts {
  rows: number;
  distinctRecords: number;
  withheld: number;
  deadLetters: number;
}

const pgp = pgPromise();
export function database(url: string) {
  return pgp(url);
}

export async function counts(db: ReturnType<typeof database>): Promise<Counts> {
  const r = await db.one<{ rows: string; distinct_records: string; withheld: string; dead_letters: string }>(
    `SELECT (SELECT count(*) FROM anonymised_patient_records) AS rows,
            (SELECT count(DISTINCT record_id) FROM anonymised_patient_records) AS distinct_records,
            (SELECT count(*) FROM withheld_records) AS withheld,
            (SELECT count(*) FROM dead_letters) AS dead_letters`,
  );
  return {
    rows: Number(r.rows),
    distinctRecords: Number(r.distinct_records),
    withheld: Number(r.withheld),
    deadLetters: Number(r.dead_letters),
  };
}

/**
 * Reads a whole topic from the beginning with read_committed. Stops once at least `expected` records have arrived and
 * nothing more came for `idleMs` (so a duplicate would be counted), or at the timeout.
 */
export async function readTopic(
  topic: string,
  expected: number,
  options: { timeoutMs?: number; idleMs?: number; maxBytes?: number } = {},
): Promise<Array<{ key: Buffer | undefined; value: Buffer; headers: Map<string, string> }>> {
  const consumer = new Consumer({
    clientId: "test-reader",
    groupId: uniqueName("reader"),
    bootstrapBrokers: stack().KAFKA_BOOTSTRAP_SERVERS.split(","),
  });
  const out: Array<{ key: Buffer | undefined; value: Buffer; headers: Map<string, string> }> = [];
  try {
    const stream = await consumer.consume({
      topics: [topic],
      mode: "earliest",
      autocommit: false,
      ...(options.maxBytes ? { maxBytes: options.maxBytes, maxBytesPerPartition: options.maxBytes } : {}),
    });
    const deadline = setTimeout(() => void stream.close(), options.timeoutMs ?? 60_000);
    let idle: NodeJS.Timeout | undefined;
    const armIdle = () => {
      if (idle) clearTimeout(idle);
      if (out.length >= expected) idle = setTimeout(() => void stream.close(), options.idleMs ?? 2_000);
    };
    armIdle();
    for await (const message of stream) {
      const headers = new Map<string, string>();
      for (const [k, v] of message.headers) headers.set(k.toString(), v.toString());
      out.push({ key: message.key ?? undefined, value: message.value, headers });
      armIdle();
    }
    clearTimeout(deadline);
    if (idle) clearTimeout(idle);
  } finally {
    await consumer.close(true);
  }
  return out;
}

/** Starts `node app/main.ts` as a separate process, with the Node options it ships with (for kill and replica tests). */
export function spawnPipeline(
  env: Record<string, string>,
  instanceId: string,
): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, [...PIPELINE_NODE_OPTIONS, "app/main.ts"], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env, INSTANCE_ID: instanceId },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    output += d.toString();
  });
  return Object.assign(child, { output: () => output });
}

export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

/** The pipeline in this process, configured for `env` (plus overrides), logging at `warn` unless told otherwise. */
export function startInProcess(
  env: PipelineEnv,
  overrides: Record<string, string> = {},
  options: { logger?: ReturnType<typeof createLogger>; http?: boolean } = {},
): Promise<RunningPipeline> {
  return startPipeline(
    loadConfig({ ...env.env, ...overrides }),
    options.logger ?? createLogger({ level: "warn" }),
    { http: options.http ?? false },
  );
}

/** Deterministic synthetic records (same seed, same records, same expected pseudonyms). */
export function makeRecords(n: number, seed: number, patients = 300): PatientRecordJson[] {
  const generator = createGenerator({ seed, patients });
  return Array.from({ length: n }, () => generator.next());
}

/** The project's synthetic producer, writing to the environment's raw topic. */
export function rawProducer(env: PipelineEnv, registryUrl = stack().SCHEMA_REGISTRY_URL) {
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
    if (options.gapMs) await sleep(options.gapMs);
  }
}

/** Outcomes in the sink so far (0 before the pipeline has created its tables). */
export async function accounted(db: Db): Promise<number> {
  const c = await counts(db).catch(() => undefined);
  return c ? c.rows + c.withheld + c.deadLetters : 0;
}

/** Waits until at least `n` outcomes are in the sink; returns how many there are then (or at the deadline). */
export async function waitForProgress(db: Db, n: number, timeoutMs = 60_000): Promise<number> {
  await eventually(async () => (await accounted(db)) >= n, timeoutMs, 100);
  return accounted(db);
}

/** Waits until at least `total` outcomes are in the sink. */
export function drained(db: Db, total: number, timeoutMs = 120_000): Promise<boolean> {
  return eventually(async () => (await accounted(db)) >= total, timeoutMs, 500);
}

export type Db = ReturnType<typeof database>;

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

/** A replica's whole /metrics text. */
export async function metricsText(port: number): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(3_000) });
  return response.text();
}

/** One gauge or counter value from a replica's /metrics, or undefined. */
export async function scrape(port: number, metric: string): Promise<number | undefined> {
  const text = await metricsText(port);
  const line = text.split("\n").find((l) => l.startsWith(`${metric} `) || l.startsWith(`${metric}{`));
  return line === undefined ? undefined : Number(line.split(" ").pop());
}

export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

export function withAdmin<T>(work: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = new Admin({
    clientId: "test-admin",
    bootstrapBrokers: stack().KAFKA_BOOTSTRAP_SERVERS.split(","),
  });
  return work(admin).finally(() => admin.close());
}

/** The group's committed Kafka offsets for the raw topic, by partition. */
export function kafkaCommitted(group: string, topic: string): Promise<Map<number, bigint>> {
  return withAdmin(async (admin) => {
    const [g] = await admin.listConsumerGroupOffsets({ groups: [group] });
    const out = new Map<number, bigint>();
    for (const t of g?.topics ?? []) {
      if (t.name !== topic) continue;
      for (const p of t.partitions) out.set(p.partitionIndex, p.committedOffset);
    }
    return out;
  });
}

export type ExitRecord = { code: number | null; signal: NodeJS.Signals | null };

/**
 * A pipeline replica run as an orchestrator would run it: a child process (`node app/main.ts`) that is started again
 * after it exits (the product fails closed by exiting non-zero and relies on a restart). Every exit is recorded, with
 * whether the harness asked for it, so that a test can tell a crash from a requested stop.
 */
export interface Replica {
  readonly instanceId: string;
  readonly pid: () => number | undefined;
  /** Every exit: when, whether the harness asked for it, and the last lines that process wrote. */
  readonly exits: Array<ExitRecord & { requested?: "SIGTERM" | "SIGKILL"; at: number; lastLines: string[] }>;
  /** How many times the process was started (1 + restarts). */
  readonly starts: () => number;
  output(): string;
  /** SIGTERM and wait for exit; after `graceMs` SIGKILL. The replica is not started again. */
  stop(graceMs?: number): Promise<ExitRecord & { killed: boolean }>;
  /** A fault: SIGKILL or SIGTERM now (SIGKILL after `graceMs` if a SIGTERM is not obeyed); restarted afterwards. */
  signal(
    signal: "SIGTERM" | "SIGKILL",
    graceMs?: number,
  ): Promise<(ExitRecord & { killed: boolean }) | undefined>;
}

export function startReplica(
  env: Record<string, string>,
  instanceId: string,
  options: { restart?: boolean; restartDelayMs?: number } = {},
): Replica {
  const restart = options.restart ?? true;
  let stopping = false;
  let starts = 0;
  let requested: "SIGTERM" | "SIGKILL" | undefined;
  let log = "";
  const exits: Replica["exits"] = [];
  let child: ReturnType<typeof spawnPipeline>;
  const running = () => child.exitCode === null && child.signalCode === null;
  const launch = () => {
    starts++;
    requested = undefined;
    child = spawnPipeline(env, instanceId);
    const current = child;
    current.once("exit", (code, signal) => {
      log += current.output();
      const lastLines = current.output().trimEnd().split("\n").slice(-30);
      exits.push({ code, signal, at: Date.now(), lastLines, ...(requested ? { requested } : {}) });
      if (!stopping && restart) setTimeout(() => !stopping && launch(), options.restartDelayMs ?? 1_000);
    });
  };
  const end = async (signal: "SIGTERM" | "SIGKILL", graceMs: number) => {
    const current = child;
    if (!running()) return undefined;
    const ended = new Promise<ExitRecord>((resolve) =>
      current.once("exit", (code, sig) => resolve({ code, signal: sig })),
    );
    requested = signal;
    current.kill(signal);
    const timer = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), graceMs).unref());
    const first = await Promise.race([ended, timer]);
    if (first !== "timeout") return { ...first, killed: signal === "SIGKILL" };
    requested = "SIGKILL";
    current.kill("SIGKILL");
    return { ...(await ended), killed: true };
  };
  launch();
  return {
    instanceId,
    exits,
    starts: () => starts,
    pid: () => (running() ? child.pid : undefined),
    output: () => log + (running() ? child.output() : ""),
    signal: (signal, graceMs = 45_000) => end(signal, graceMs),
    async stop(graceMs = 30_000) {
      stopping = true;
      const ended = await end("SIGTERM", graceMs);
      return ended ?? { code: child.exitCode, signal: child.signalCode, killed: false };
    },
  };
}

/** Exits other than the final, requested one: "no crash" or e.g. "2 exit(s) + restart (code 1, code 1)". */
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
