import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import pgPromise from "pg-promise";
import type { StackEndpoints } from "../../dev/stack/env-file.ts";
import { ensureTopics } from "../../ops/kafka-admin.ts";
import { registerSchemas } from "../../schemas/register.ts";

export const keyringJson = readFileSync(
  new URL("../../tests/fixtures/keyring.json", import.meta.url),
  "utf8",
);

const base = pgPromise();
/**
 * A database whose pool ignores errors of idle connections: a pool ended here may still be closing a connection
 * when a database is dropped WITH (FORCE) or the stack stops, and the server's notice then arrives as an error
 * event on a pool pg-promise no longer listens to, which must not end the benchmark.
 */
const pgp = (url: string) => {
  const db = base(url);
  db.$pool.on("error", () => undefined);
  return db;
};

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

/**
 * Exactly-once check: per partition, the source offsets below sink_offsets.next_offset that have no row in any of
 * the three tables (anonymised, withheld, dead letter). Returned as ranges [from, to] inclusive; empty when complete.
 */
export async function missingOffsets(
  databaseUrl: string,
): Promise<Array<{ partition: number; from: number; to: number }>> {
  const db = pgp(databaseUrl);
  try {
    const rows = await db.any<{ p: number; lo: string; hi: string; next: string }>(
      `WITH seen AS (
         SELECT source_partition AS p, source_offset AS o FROM anonymised_patient_records
         UNION ALL SELECT source_partition, source_offset FROM withheld_records
         UNION ALL SELECT source_partition, source_offset FROM dead_letters),
       runs AS (SELECT p, o, o - row_number() OVER (PARTITION BY p ORDER BY o) AS grp FROM seen)
       SELECT r.p, min(r.o) AS lo, max(r.o) AS hi, s.next_offset AS next
       FROM runs r JOIN sink_offsets s ON s.partition = r.p
       GROUP BY r.p, r.grp, s.next_offset ORDER BY r.p, lo`,
    );
    const out: Array<{ partition: number; from: number; to: number }> = [];
    const byPartition = new Map<number, Array<{ lo: number; hi: number; next: number }>>();
    for (const r of rows) {
      const list = byPartition.get(r.p) ?? [];
      list.push({ lo: Number(r.lo), hi: Number(r.hi), next: Number(r.next) });
      byPartition.set(r.p, list);
    }
    for (const [partition, list] of byPartition) {
      let expect = 0;
      for (const run of list) {
        if (run.lo > expect) out.push({ partition, from: expect, to: run.lo - 1 });
        expect = run.hi + 1;
      }
      const next = list[0]!.next;
      if (next > expect) out.push({ partition, from: expect, to: next - 1 });
    }
    return out;
  } finally {
    await db.$pool.end();
  }
}
