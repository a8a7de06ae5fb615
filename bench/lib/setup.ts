import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import pgPromise from "pg-promise";
import { ensureTopics } from "../../ops/kafka-admin.ts";
import { registerSchemas } from "../../ops/producer/register.ts";
import type { StackEndpoints } from "../../ops/stack/env-file.ts";

export const keyringJson = readFileSync(
  new URL("../../tests/fixtures/keyring.json", import.meta.url),
  "utf8",
);

const pgp = pgPromise();

export { pgp };

export function uniqueName(prefix: string): string {
  return `bench-${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
}

export async function createDatabase(endpoints: StackEndpoints, prefix: string): Promise<string> {
  const name = uniqueName(prefix).replaceAll("-", "_").toLowerCase();
  const admin = pgp(endpoints.DATABASE_URL);
  await admin.none("CREATE DATABASE $1:name", [name]);
  await admin.$pool.end();
  const url = new URL(endpoints.DATABASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops the benchmark databases (they can hold hundreds of MB each). */
export async function dropDatabase(endpoints: StackEndpoints, url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  const admin = pgp(endpoints.DATABASE_URL);
  try {
    await admin.none("DROP DATABASE IF EXISTS $1:name WITH (FORCE)", [name]);
  } finally {
    await admin.$pool.end();
  }
}

export function bootstrap(endpoints: StackEndpoints): string[] {
  return endpoints.KAFKA_BOOTSTRAP_SERVERS.split(",");
}

export async function topics(
  endpoints: StackEndpoints,
  specs: Array<{ name: string; partitions: number }>,
): Promise<void> {
  await ensureTopics(bootstrap(endpoints), specs, "bench-admin");
}

/** Output topics, dead-letter topic, database and schema subjects for one pipeline run on an existing raw topic. */
export async function pipelineEnv(
  endpoints: StackEndpoints,
  options: {
    rawTopic: string;
    partitions: number;
    batchMaxRecords: number;
    batchMaxMs: number;
    extra?: Record<string, string>;
  },
): Promise<{ env: Record<string, string>; databaseUrl: string; group: string }> {
  const anonymisedTopic = uniqueName("anon");
  const deadLetterTopic = uniqueName("dlq");
  const group = uniqueName("group");
  await topics(endpoints, [
    { name: anonymisedTopic, partitions: options.partitions },
    { name: deadLetterTopic, partitions: 1 },
  ]);
  await registerSchemas({
    registryUrl: endpoints.SCHEMA_REGISTRY_URL,
    rawTopic: options.rawTopic,
    anonymisedTopic,
  });
  const databaseUrl = await createDatabase(endpoints, "db");
  return {
    databaseUrl,
    group,
    env: {
      KAFKA_BOOTSTRAP_SERVERS: endpoints.KAFKA_BOOTSTRAP_SERVERS,
      SCHEMA_REGISTRY_URL: endpoints.SCHEMA_REGISTRY_URL,
      DATABASE_URL: databaseUrl,
      KEYRING_JSON: keyringJson,
      RAW_TOPIC: options.rawTopic,
      ANONYMISED_TOPIC: anonymisedTopic,
      DEAD_LETTER_TOPIC: deadLetterTopic,
      CONSUMER_GROUP: group,
      BATCH_MAX_RECORDS: String(options.batchMaxRecords),
      BATCH_MAX_MS: String(options.batchMaxMs),
      HTTP_PORT: "0",
      LOG_LEVEL: "warn",
      ...(options.extra ?? {}),
    },
  };
}

export async function dbCounts(
  databaseUrl: string,
): Promise<{ rows: number; withheld: number; deadLetters: number; offsets: number }> {
  const db = pgp(databaseUrl);
  try {
    const r = await db.one<{ rows: string; withheld: string; dead: string; offsets: string | null }>(
      `SELECT (SELECT count(*) FROM anonymised_patient_records) AS rows,
              (SELECT count(*) FROM withheld_records) AS withheld,
              (SELECT count(*) FROM dead_letters) AS dead,
              (SELECT sum(next_offset) FROM sink_offsets) AS offsets`,
    );
    return {
      rows: Number(r.rows),
      withheld: Number(r.withheld),
      deadLetters: Number(r.dead),
      offsets: Number(r.offsets ?? 0),
    };
  } finally {
    await db.$pool.end();
  }
}
