import { describe, expect, it } from "vitest";
import {
  accounted,
  describeExits,
  drained,
  eventually,
  fatalLines,
  makeRecords,
  produce,
  rawProducer,
  startReplica,
  waitForProgress,
} from "../support/pipeline.ts";
import { startKafka, stopKafka } from "../support/stack-control.ts";
import { faultCase, verifyCase } from "./support/harness.ts";

describe("fault: Kafka broker restart mid-run", () => {
  const { cleanups, open } = faultCase();

  it("the broker is stopped (SIGTERM) and restarted while records flow; every record ends up exactly once", async () => {
    const { env, db } = await open("f-broker");
    const records = makeRecords(3000, 101);
    const first = await rawProducer(env);
    await produce(first, records.slice(0, 2000));
    await first.close();

    // Smaller batches: more commits in flight when the broker goes away.
    const replica = startReplica({ ...env.env, BATCH_MAX_RECORDS: "50" }, "replica-a");
    cleanups.push(() => replica.stop());
    // Mid-run: some batches committed, more in flight.
    const before = await waitForProgress(db, 200);
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(2000);

    await stopKafka();
    // Still work to do when the broker went away: the fault hit mid-run, not an idle pipeline.
    const atStop = await accounted(db);
    // The outage lasts at least 5 s and until the pipeline has met it (a retry logged since the stop); the broker
    // comes back after 10 s in any case, so that the case stays a short outage (its length is in the note).
    const retryLogs = () => (replica.output().match(/"transient\.retry"/g) ?? []).length;
    const retriesAtStop = retryLogs();
    const stoppedAt = Date.now();
    const outageMet = await eventually(
      async () => retryLogs() > retriesAtStop && Date.now() - stoppedAt >= 5_000,
      10_000,
    );
    const downS = Math.round((Date.now() - stoppedAt) / 1000);
    await startKafka();

    const second = await rawProducer(env);
    await produce(second, records.slice(2000));
    await second.close();

    const ok = await drained(db, records.length, 180_000);
    const stopped = await replica.stop();
    if (!ok) console.error(replica.output().slice(-5_000));
    const retries = retryLogs();
    const note = `broker stopped at ${before}-${atStop}/2000 accounted, down ${downS} s (retry seen while down: ${outageMet}); ${retries} retry logs; pipeline: ${describeExits(replica)}${
      fatalLines(replica).length ? ` [${fatalLines(replica)[0]?.slice(0, 160)}]` : ""
    }`;
    await verifyCase({ name: "1 broker restart", env, db, records, deadLetterReasons: [], note });
    expect(atStop).toBeLessThan(2000);
    expect(ok).toBe(true);
    // Kafka being away is transient: ridden out in-process, not by crashing.
    expect(replica.exits.slice(0, -1)).toEqual([]);
    expect(stopped.code).toBe(0);
  });
});
