import avro from "avsc";
import { afterAll, describe, expect, it } from "vitest";
import { createGenerator } from "../../dev/synthetic/index.ts";
import { loadSchema } from "../../schemas/load.ts";
import {
  counts,
  database,
  eventually,
  exited,
  type PipelineEnv,
  preparePipelineEnv,
  rawProducer,
  readTopic,
  spawnPipeline,
  startInProcess,
} from "../support/pipeline.ts";
import { uniqueName } from "../support/stack.ts";

async function produce(env: PipelineEnv, n: number, seed: number): Promise<void> {
  const producer = await rawProducer(env);
  const generator = createGenerator({ seed, patients: 300 });
  for (let sent = 0; sent < n; sent += 500) {
    await producer.send(Array.from({ length: Math.min(500, n - sent) }, () => generator.next()));
  }
  await producer.close();
}

async function drained(
  db: ReturnType<typeof database>,
  total: number,
  timeoutMs = 120_000,
): Promise<boolean> {
  return eventually(async () => {
    const c = await counts(db);
    return c.rows + c.withheld + c.deadLetters >= total;
  }, timeoutMs);
}

/** Every outcome row is a distinct source offset, and there are exactly `total` of them. */
async function assertExactlyOnce(
  env: PipelineEnv,
  db: ReturnType<typeof database>,
  total: number,
): Promise<void> {
  const c = await counts(db);
  expect(c.rows + c.withheld + c.deadLetters).toBe(total);
  expect(c.distinctRecords).toBe(c.rows);
  const offsets = await db.one<{ n: string; d: string }>(
    `SELECT count(*) AS n, count(DISTINCT (source_partition, source_offset)) AS d FROM (
       SELECT source_partition, source_offset FROM anonymised_patient_records
       UNION ALL SELECT source_partition, source_offset FROM withheld_records
       UNION ALL SELECT source_partition, source_offset FROM dead_letters) o`,
  );
  expect(Number(offsets.n)).toBe(total);
  expect(Number(offsets.d)).toBe(total);
  const published = await readTopic(env.anonymisedTopic, c.rows, { idleMs: 3_000 });
  const type = avro.Type.forSchema(loadSchema("anonymisedPatientRecord") as avro.Schema);
  const ids = published.map((m) => (type.fromBuffer(m.value.subarray(5)) as { record_id: string }).record_id);
  expect(ids.length).toBe(c.rows);
  expect(new Set(ids).size).toBe(c.rows);
}

describe("exactly once across crashes, replicas and replays (real Kafka, registry, PostgreSQL)", () => {
  const dbs: Array<ReturnType<typeof database>> = [];
  afterAll(async () => {
    for (const db of dbs) if (!db.$pool.ended) await db.$pool.end();
  });

  for (const point of ["after-store-commit", "in-kafka-transaction", "before-store-commit"] as const) {
    it(`a replica SIGKILLed at ${point} and restarted ends with every record once`, {
      timeout: 240_000,
    }, async () => {
      const env = await preparePipelineEnv(`kill-${point.split("-")[0]}`);
      const db = database(env.databaseUrl);
      dbs.push(db);
      const total = 2000;
      await produce(env, total, 7);
      const victim = spawnPipeline({ ...env.env, FAULT_INJECTION: `${point}:3` }, "replica-a");
      const code = await Promise.race([
        exited(victim),
        new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 60_000)),
      ]);
      if (victim.signalCode !== "SIGKILL") console.error(victim.output());
      expect(victim.signalCode ?? code).toBe("SIGKILL");
      const before = await counts(db);
      expect(before.rows + before.withheld).toBeLessThan(total);
      // Same instance id: the restarted replica's transactional id fences the dead one's open transaction.
      const survivor = spawnPipeline(env.env, "replica-a");
      try {
        const ok = await drained(db, total, 90_000);
        if (!ok) console.error(survivor.output(), JSON.stringify(await counts(db)));
        expect(ok).toBe(true);
        await assertExactlyOnce(env, db, total);
      } finally {
        survivor.kill("SIGTERM");
        expect(await exited(survivor)).toBe(0);
      }
    });
  }

  it("two replicas share the partitions and the work, with no loss and no duplicate", async () => {
    const env = await preparePipelineEnv("replicas", { partitions: 6 });
    const db = database(env.databaseUrl);
    dbs.push(db);
    const total = 3000;
    const a = spawnPipeline({ ...env.env, LOG_LEVEL: "debug" }, "replica-a");
    const b = spawnPipeline({ ...env.env, LOG_LEVEL: "debug" }, "replica-b");
    try {
      // Both in the group before the records arrive, so that both get work.
      expect(
        await eventually(
          async () => a.output().includes('"group.joined"') && b.output().includes('"group.joined"'),
          60_000,
        ),
      ).toBe(true);
      await produce(env, total, 11);
      expect(await drained(db, total)).toBe(true);
      await assertExactlyOnce(env, db, total);
      for (const replica of [a, b]) expect(replica.output()).toContain('"batch.committed"');
    } finally {
      a.kill("SIGTERM");
      b.kill("SIGTERM");
      expect(await exited(a)).toBe(0);
      expect(await exited(b)).toBe(0);
    }
  });

  it("a second replica joining mid-stream (rebalance under load) loses nothing and duplicates nothing", async () => {
    const env = await preparePipelineEnv("join", { partitions: 6 });
    const db = database(env.databaseUrl);
    dbs.push(db);
    const total = 12_000;
    await produce(env, total, 13);
    const a = spawnPipeline({ ...env.env, BATCH_MAX_RECORDS: "500" }, "replica-a");
    let b: ReturnType<typeof spawnPipeline> | undefined;
    try {
      expect(
        await eventually(async () => {
          const c = await counts(db);
          return c.rows + c.withheld >= 1_500;
        }, 90_000),
      ).toBe(true);
      b = spawnPipeline({ ...env.env, BATCH_MAX_RECORDS: "500" }, "replica-b");
      const ok = await drained(db, total, 150_000);
      if (!ok) {
        console.error(JSON.stringify(await counts(db)));
        (await import("node:fs")).writeFileSync("/tmp/join-a.log", a.output());
        (await import("node:fs")).writeFileSync("/tmp/join-b.log", b.output());
      }
      expect(ok).toBe(true);
      await assertExactlyOnce(env, db, total);
    } finally {
      a.kill("SIGTERM");
      b?.kill("SIGTERM");
      await exited(a);
      if (b) await exited(b);
    }
  }, 300_000);

  it("a SIGTERM drains, commits and exits 0; a replay from offset 0 into a fresh group leaves the sink unchanged", async () => {
    const env = await preparePipelineEnv("replay");
    const db = database(env.databaseUrl);
    dbs.push(db);
    const total = 1500;
    await produce(env, total, 5);
    const first = spawnPipeline(env.env, "replica-a");
    expect(await drained(db, total)).toBe(true);
    first.kill("SIGTERM");
    expect(await exited(first)).toBe(0);
    const snapshot = await db.any("SELECT * FROM anonymised_patient_records ORDER BY record_id");
    const group = uniqueName("replay-fresh-group");
    const replay = await startInProcess(env, { CONSUMER_GROUP: group });
    try {
      const caughtUp = await eventually(async () => {
        const r = await db.one<{ n: string }>(
          "SELECT coalesce(sum(next_offset), 0) AS n FROM sink_offsets WHERE consumer_group = $1",
          [group],
        );
        return Number(r.n) >= total;
      }, 90_000);
      expect(caughtUp).toBe(true);
    } finally {
      await replay.stop();
    }
    const after = await db.any("SELECT * FROM anonymised_patient_records ORDER BY record_id");
    expect(after).toEqual(snapshot);
    const c = await counts(db);
    expect(c.rows + c.withheld + c.deadLetters).toBe(total);
  });
});
