import { describe, expect, it } from "vitest";
import {
  describeExits,
  drained,
  fatalLines,
  freePort,
  makeRecords,
  produce,
  rawProducer,
  startReplica,
  waitForProgress,
} from "../support/pipeline.ts";
import { startKafka, stopKafka } from "../support/stack-control.ts";
import { waitFor } from "../support/wait.ts";
import { faultCase, verifyCase } from "./support/harness.ts";

/** The readiness answer of a replica, or "down" when it does not answer at all. */
async function readiness(port: number): Promise<"ready" | "not-ready" | "down"> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(3_000) });
    const body = (await res.json()) as { status: string; checks?: Record<string, boolean> };
    return res.status === 200 && body.status === "ready" ? "ready" : "not-ready";
  } catch {
    return "down";
  }
}

/** 120 s in CI; `FAULT_OUTAGE_SECONDS=300 npm run test:faults -- broker-outage` holds the broker away longer. */
const OUTAGE_MS = Number(process.env["FAULT_OUTAGE_SECONDS"] ?? 120) * 1000;

describe(`fault: Kafka broker away for ${OUTAGE_MS / 1000} s under load`, () => {
  const { cleanups, open } = faultCase();

  it(
    "both replicas stay up, report not-ready during the outage and ready after it, and every record ends up exactly once",
    async () => {
      const { env, db } = await open("f-outage");
      const records = makeRecords(23000, 202);
      const first = await rawProducer(env);
      await produce(first, records.slice(0, 1000));

      const ports = [await freePort(), await freePort()];
      const replicas = ports.map((port, i) =>
        startReplica(
          { ...env.env, BATCH_MAX_RECORDS: "50", HTTP_PORT: String(port), KAFKA_SESSION_TIMEOUT_MS: "10000" },
          `outage-${i}`,
        ),
      );
      for (const r of replicas) cleanups.push(() => r.stop());
      await waitFor(
        "both replicas ready",
        async () => (await Promise.all(ports.map(readiness))).every((s) => s === "ready"),
        { timeoutMs: 90_000, everyMs: 500 },
      );
      // Under load: a burst lands just before the broker goes, so batches are in flight and records wait behind them.
      const warm = await waitForProgress(db, 1_000);
      await produce(first, records.slice(1000, 21000));
      await first.close();
      const before = await waitForProgress(db, warm + 200);
      expect(before).toBeLessThan(21000);

      await stopKafka();
      const outageStarted = Date.now();
      const seen = ports.map(() => new Set<string>());
      await waitFor(
        "both replicas to report not-ready",
        async () => {
          const states = await Promise.all(ports.map(readiness));
          for (const [i, s] of states.entries()) seen[i]!.add(s);
          return states.every((s) => s === "not-ready");
        },
        { timeoutMs: OUTAGE_MS, everyMs: 500 },
      );
      // Ride out the rest of the outage, checking that nobody stops answering.
      while (Date.now() - outageStarted < OUTAGE_MS) {
        const states = await Promise.all(ports.map(readiness));
        for (const [i, s] of states.entries()) seen[i]!.add(s);
        await new Promise((r) => setTimeout(r, 2_000));
      }
      await startKafka();
      await waitFor(
        "both replicas ready again",
        async () => (await Promise.all(ports.map(readiness))).every((s) => s === "ready"),
        { timeoutMs: 180_000, everyMs: 500 },
      );

      const second = await rawProducer(env);
      await produce(second, records.slice(21000));
      await second.close();
      const ok = await drained(db, records.length, 240_000);
      const stopped = await Promise.all(replicas.map((r) => r.stop()));
      if (!ok) for (const r of replicas) console.error(r.output().slice(-5_000));
      const outages = replicas.map((r) => (r.output().match(/"kafka\.unavailable"/g) ?? []).length);
      const note = `broker down ${OUTAGE_MS / 1000} s at ${before}/21000 accounted; kafka.unavailable logs ${outages.join("/")}; replicas: ${replicas.map((r) => describeExits(r)).join(" / ")}${
        replicas.some((r) => fatalLines(r).length)
          ? ` [${replicas.flatMap(fatalLines)[0]?.slice(0, 160)}]`
          : ""
      }`;
      await verifyCase({
        name: `7 broker away ${OUTAGE_MS / 1000} s, two replicas`,
        env,
        db,
        records,
        deadLetterReasons: [],
        note,
      });
      expect(ok).toBe(true);
      // Never down: the HTTP server answered throughout, and no replica exited before it was asked to.
      for (const s of seen) expect([...s]).not.toContain("down");
      for (const r of replicas) expect(r.exits.slice(0, -1)).toEqual([]);
      for (const s of stopped) expect(s.code).toBe(0);
    },
    OUTAGE_MS + 300_000,
  );
});
