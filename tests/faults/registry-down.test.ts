import { describe, expect, it } from "vitest";
import { POISON_KINDS, poison } from "../../dev/producer/poison.ts";
import {
  accounted,
  counts,
  describeExits,
  drained,
  eventually,
  makeRecords,
  produce,
  type Replica,
  rawProducer,
  startReplica,
} from "../support/pipeline.ts";
import { startRegistryProxy } from "../support/proxies.ts";
import { stack } from "../support/stack.ts";
import { waitFor } from "../support/wait.ts";
import { faultCase, verifyCase } from "./support/harness.ts";

const retryLogs = (replica: Replica) => (replica.output().match(/"transient\.retry"/g) ?? []).length;

describe("fault: schema registry down while records with a not-yet-cached schema id arrive", () => {
  const { cleanups, open } = faultCase();

  it("503s and refused connections are retried (no dead letter), the run completes when the registry returns; an unknown schema id is dead-lettered SCHEMA_UNKNOWN_ID", async () => {
    const { env, db } = await open("f-registry");
    const proxy = await startRegistryProxy(stack().SCHEMA_REGISTRY_URL);
    cleanups.push(() => proxy.close());
    const records = makeRecords(1200, 404);
    // The producer talks to the registry directly; only the pipeline sits behind the failing proxy.
    const producer = await rawProducer(env);
    cleanups.push(() => producer.close());
    const unknownId = () => poison("unknown-schema", producer.encode(records[0]!), records[0]!.source_system);

    const replica = startReplica(
      { ...env.env, SCHEMA_REGISTRY_URL: proxy.url, LOG_LEVEL: "debug" },
      "replica-a",
    );
    cleanups.push(() => replica.stop());
    // Started (it resolved its output schema id through the proxy) and in the group, before any record exists:
    // the writer schema of the raw records is not cached yet.
    expect(await eventually(async () => replica.output().includes('"group.joined"'), 90_000)).toBe(true);

    // Each outage lasts until the pipeline has demonstrably met it: several requests refused by the "registry" and
    // several retries logged; only then is "nothing decoded, nothing dead-lettered" asserted.
    const outageSeen = (mode: "503" | "refuse") => {
      const [requests, retries] = [proxy.requests()[mode], retryLogs(replica)];
      return waitFor(`the pipeline to meet the registry outage (${mode}) and retry`, async () => {
        return proxy.requests()[mode] >= requests + 3 && retryLogs(replica) >= retries + 3;
      });
    };
    proxy.setMode("503");
    await produce(producer, records.slice(0, 600));
    await producer.sendRaw([{ key: Buffer.from("poison"), value: unknownId() }]);
    await outageSeen("503");
    const during503 = await accounted(db);
    const deadDuring503 = (await counts(db).catch(() => ({ deadLetters: 0 }))).deadLetters;

    proxy.setMode("refuse");
    await produce(producer, records.slice(600));
    await outageSeen("refuse");
    const duringRefuse = await accounted(db);
    const deadDuringRefuse = (await counts(db).catch(() => ({ deadLetters: 0 }))).deadLetters;
    const seen = proxy.requests();

    proxy.setMode("pass");
    // After the registry is back: an id it has never issued is the record's fault, not the world's.
    await producer.sendRaw([{ key: Buffer.from("poison"), value: unknownId() }]);
    const total = records.length + 2;
    const ok = await drained(db, total, 120_000);
    const retries = retryLogs(replica);
    const stopped = await replica.stop();
    if (!ok) console.error(replica.output().slice(-5_000));
    await verifyCase({
      name: "4 registry down (503, then refused)",
      env,
      db,
      records,
      deadLetterReasons: [POISON_KINDS["unknown-schema"], POISON_KINDS["unknown-schema"]],
      note:
        `accounted during outage ${during503}/${duringRefuse}; registry requests 503=${seen["503"]} refused=${seen.refuse}; ` +
        `${retries} retry logs; pipeline: ${describeExits(replica)}`,
    });
    expect(seen["503"]).toBeGreaterThan(0);
    expect(seen.refuse).toBeGreaterThan(0);
    // Nothing decoded without its schema, and above all nothing dead-lettered because the registry was away.
    expect({ during503, duringRefuse, deadDuring503, deadDuringRefuse }).toEqual({
      during503: 0,
      duringRefuse: 0,
      deadDuring503: 0,
      deadDuringRefuse: 0,
    });
    expect(retries).toBeGreaterThan(0);
    expect(ok).toBe(true);
    expect(replica.exits.slice(0, -1)).toEqual([]);
    expect(stopped.code).toBe(0);
  });
});
