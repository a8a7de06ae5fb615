import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { Consumer } from "@platformatic/kafka";
import pgPromise from "pg-promise";
import { PROJECT_ROOT } from "../../../dev/stack/paths.ts";
import { ensureTopics } from "../../../ops/kafka-admin.ts";
import { registerSchemas } from "../../../schemas/register.ts";
import { createDatabase, stack, uniqueName } from "./stack.ts";

export const keyringJson = readFileSync(new URL("../../fixtures/keyring.json", import.meta.url), "utf8");

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

/** Polls until `probe` returns true or the time runs out (then the last value is reported by the caller). */
export async function eventually(
  probe: () => Promise<boolean>,
  timeoutMs = 60_000,
  everyMs = 250,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    // A probe that throws (a table not created yet, a server restarting) just means "not yet".
    if (await probe().catch(() => false)) return true;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return false;
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
  options: { timeoutMs?: number; idleMs?: number } = {},
): Promise<Array<{ key: Buffer | undefined; value: Buffer; headers: Map<string, string> }>> {
  const consumer = new Consumer({
    clientId: "test-reader",
    groupId: uniqueName("reader"),
    bootstrapBrokers: stack().KAFKA_BOOTSTRAP_SERVERS.split(","),
  });
  const out: Array<{ key: Buffer | undefined; value: Buffer; headers: Map<string, string> }> = [];
  try {
    const stream = await consumer.consume({ topics: [topic], mode: "earliest", autocommit: false });
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

/** Starts `node app/main.ts` as a separate process (for kill and replica tests). */
export function spawnPipeline(
  env: Record<string, string>,
  instanceId: string,
): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, ["app/main.ts"], {
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
