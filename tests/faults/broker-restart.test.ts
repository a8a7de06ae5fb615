import { afterAll, describe, expect, it } from "vitest";
import { database, preparePipelineEnv } from "../integration/support/pipeline.ts";
import {
  describeExits,
  drained,
  fatalLines,
  makeRecords,
  produce,
  rawProducer,
  startReplica,
  verifyCase,
  waitForProgress,
} from "./support/harness.ts";
import { startKafka, stopKafka } from "./support/stack-control.ts";

describe("fault: Kafka broker restart mid-run", () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  });

  it("the broker is stopped (SIGTERM) and restarted while records flow; every record ends up exactly once", async () => {
    const env = await preparePipelineEnv("f-broker");
    const db = database(env.databaseUrl);
    cleanups.push(() => db.$pool.end());
    const records = makeRecords(2000, 101);
    const first = await rawProducer(env);
    await produce(first, records.slice(0, 1000));
    await first.close();

    const replica = startReplica(env.env, "replica-a");
    cleanups.push(() => replica.stop());
    // Mid-run: some batches committed, more in flight.
    const before = await waitForProgress(db, 200);
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(1000);

    await stopKafka();
    await new Promise((r) => setTimeout(r, 5_000));
    await startKafka();

    const second = await rawProducer(env);
    await produce(second, records.slice(1000));
    await second.close();

    const ok = await drained(db, records.length, 180_000);
    const stopped = await replica.stop();
    if (!ok) console.error(replica.output().slice(-5_000));
    const note = `broker down ~5 s at ${before} accounted; pipeline: ${describeExits(replica)}${
      fatalLines(replica).length ? ` [${fatalLines(replica)[0]?.slice(0, 160)}]` : ""
    }`;
    await verifyCase({ name: "1 broker restart", env, db, records, deadLetterReasons: [], note });
    expect(ok).toBe(true);
    // Kafka being away is transient: ridden out in-process, not by crashing.
    expect(replica.exits.slice(0, -1)).toEqual([]);
    expect(stopped.code).toBe(0);
  });
});
