import { describe, expect, it } from "vitest";
import {
  describeExits,
  drained,
  eventually,
  makeRecords,
  produce,
  rawProducer,
  startReplica,
  waitForProgress,
} from "../support/pipeline.ts";
import { waitFor } from "../support/wait.ts";
import { faultCase, verifyCase } from "./support/harness.ts";

const joins = (output: string) => (output.match(/"group\.joined"/g) ?? []).length;
const commits = (output: string) => (output.match(/"batch\.committed"/g) ?? []).length;

describe("fault: scaling 1 → 3 → 1 replicas under load", () => {
  const { cleanups, open } = faultCase();

  it("two replicas join and then leave (SIGTERM) while records flow; every record once, no duplicates", async () => {
    const { env, db } = await open("f-scale", { partitions: 6 });
    const records = makeRecords(3000, 505);
    const debug = { ...env.env, LOG_LEVEL: "debug" };
    const a = startReplica(debug, "replica-a");
    cleanups.push(() => a.stop());
    expect(await eventually(async () => a.output().includes('"group.joined"'), 90_000)).toBe(true);

    const producer = await rawProducer(env);
    cleanups.push(() => producer.close());
    // A steady load over ~30 s, so that both rebalances happen while records arrive.
    const load = produce(producer, records, { chunk: 100, gapMs: 1_000 });

    await waitForProgress(db, 300);
    const b = startReplica(debug, "replica-b");
    const c = startReplica(debug, "replica-c");
    cleanups.push(
      () => b.stop(),
      () => c.stop(),
    );
    const scaledUp = await eventually(async () => commits(b.output()) > 0 && commits(c.output()) > 0, 60_000);
    // Three replicas share the load for a while before two of them leave: each of the new ones commits three more
    // batches after its first.
    const [b0, c0] = [commits(b.output()), commits(c.output())];
    await waitFor("both new replicas to commit three more batches", async () => {
      return commits(b.output()) >= b0 + 3 && commits(c.output()) >= c0 + 3;
    });
    const bc = { b: commits(b.output()), c: commits(c.output()) };
    const [sb, sc] = await Promise.all([b.stop(), c.stop()]);
    await load;
    const ok = await drained(db, records.length, 120_000);
    const sa = await a.stop();
    if (!ok) console.error(a.output().slice(-5_000));
    await verifyCase({
      name: "5 scaling 1→3→1 under load",
      env,
      db,
      records,
      deadLetterReasons: [],
      note:
        `batches b=${bc.b} c=${bc.c} while scaled up; a joined ${joins(a.output())}x; ` +
        `exits a:${describeExits(a)} b:${describeExits(b)} c:${describeExits(c)}`,
    });
    expect(scaledUp).toBe(true);
    expect(ok).toBe(true);
    for (const s of [sa, sb, sc]) expect(s).toEqual({ code: 0, signal: null, killed: false });
    for (const r of [a, b, c]) expect(r.exits.slice(0, -1)).toEqual([]);
  });
});
