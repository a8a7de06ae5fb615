import { describe, expect, it } from "vitest";
import {
  accounted,
  database,
  describeExits,
  drained,
  fatalLines,
  freePort,
  makeRecords,
  produce,
  rawProducer,
  rssMb,
  scrape,
  startReplica,
  waitForProgress,
} from "../support/pipeline.ts";
import { startDelayProxy } from "../support/proxies.ts";
import { startPostgres, stopPostgres } from "../support/stack-control.ts";
import { faultCase, verifyCase } from "./support/harness.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("fault: PostgreSQL down and PostgreSQL slow", () => {
  const { cleanups, open } = faultCase();

  it("PostgreSQL stopped for ~30 s: the pipeline pauses with bounded memory, resumes, skips nothing, dead-letters nothing", async () => {
    const opened = await open("f-pgdown");
    let db = opened.db;
    const env = opened.env;
    const records = makeRecords(3000, 202);
    const httpPort = await freePort();
    const producer = await rawProducer(env);
    cleanups.push(() => producer.close());
    await produce(producer, records.slice(0, 1000));

    const replica = startReplica({ ...env.env, HTTP_PORT: String(httpPort) }, "replica-a");
    cleanups.push(() => replica.stop());
    const before = await waitForProgress(db, 300);
    expect(before).toBeLessThan(1000);
    const baselineRss = rssMb(replica.pid()!);

    await stopPostgres();
    let pausedSeen = false;
    let peakRss = baselineRss;
    const outageStarted = Date.now();
    // Records keep arriving while the database is away: they must wait in Kafka, not in memory.
    await produce(producer, records.slice(1000), { chunk: 500 });
    while (Date.now() - outageStarted < 30_000) {
      const pid = replica.pid();
      if (pid) peakRss = Math.max(peakRss, rssMb(pid));
      if ((await scrape(httpPort, "anonymiser_consumer_paused").catch(() => undefined)) === 1)
        pausedSeen = true;
      await sleep(1_000);
    }
    await startPostgres();
    // startLocalPostgres's readiness probe calls pgp.end(), which ends every pg-promise pool in this process.
    db = database(env.databaseUrl);
    const reopened = db;
    cleanups.push(() => reopened.$pool.end());

    const ok = await drained(db, records.length, 120_000);
    const exitsDuringRun = replica.exits.length;
    const stopped = await replica.stop();
    if (!ok) console.error(replica.output().slice(-5_000));
    const note =
      `db down ${Math.round((Date.now() - outageStarted) / 1000)} s from ${before} accounted; paused=${pausedSeen}; ` +
      `RSS ${Math.round(baselineRss)}→peak ${Math.round(peakRss)} MB; pipeline: ${describeExits(replica)}` +
      (fatalLines(replica)[0] ? ` [${fatalLines(replica)[0]!.slice(0, 160)}]` : "");
    await verifyCase({ name: "2 postgres down ~30 s", env, db, records, deadLetterReasons: [], note });
    expect(ok).toBe(true);
    expect(pausedSeen).toBe(true);
    // Bounded: one batch in flight and one waiting, not the 2,000 records that arrived during the outage.
    expect(peakRss - baselineRss).toBeLessThan(200);
    expect(exitsDuringRun).toBe(0);
    expect(stopped.code).toBe(0);
  });

  it("PostgreSQL slow (every chunk delayed 50–200 ms by a TCP proxy): counts exact", async () => {
    const { env, db } = await open("f-pgslow");
    const direct = new URL(env.databaseUrl);
    const proxy = await startDelayProxy({ targetPort: Number(direct.port), minDelayMs: 50, maxDelayMs: 200 });
    cleanups.push(() => proxy.close());
    const slowUrl = new URL(env.databaseUrl);
    slowUrl.port = String(proxy.port);
    const records = makeRecords(1500, 303);
    const producer = await rawProducer(env);
    await produce(producer, records);
    await producer.close();

    const replica = startReplica({ ...env.env, DATABASE_URL: slowUrl.toString() }, "replica-a");
    cleanups.push(() => replica.stop());
    const ok = await drained(db, records.length, 180_000);
    const stopped = await replica.stop();
    if (!ok) console.error(replica.output().slice(-5_000), await accounted(db));
    await verifyCase({
      name: "3 postgres slow (50-200 ms/chunk)",
      env,
      db,
      records,
      deadLetterReasons: [],
      note: `${proxy.chunksDelayed()} chunks delayed; pipeline: ${describeExits(replica)}`,
    });
    expect(proxy.chunksDelayed()).toBeGreaterThan(100);
    expect(ok).toBe(true);
    expect(replica.exits.slice(0, -1)).toEqual([]);
    expect(stopped.code).toBe(0);
  });
});
