import { getPriority } from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import { isPreparedRow, type PreparedRow } from "../../contracts/stores.ts";
import { TopologyFailedError } from "../../topology/dsl/errors.ts";
import type { ConsumedRecord } from "../../topology/runtime/record-processor.ts";
import type { StoreRecord } from "../../topology/runtime/store.ts";
import {
  DEFAULT_PROCESSING_THREAD_NICENESS,
  DEFAULT_YOUNG_GENERATION_MB,
  WorkerProcessing,
} from "../../topology/runtime/worker-processing.ts";
import { lowerThreadPriority } from "../../topology/runtime/worker-slice.ts";

const records = (values: string[]): ConsumedRecord[] =>
  values.map((v, i) => ({
    topic: "raw",
    partition: i % 3,
    offset: BigInt(i),
    timestamp: 1n,
    key: Buffer.from(`k${i}`),
    value: Buffer.from(v),
    headers: new Map(),
  }));

let pool: WorkerProcessing | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

function start(threads: number, retries: string[] = []) {
  pool = new WorkerProcessing({
    module: new URL("./fixtures/worker-topology.ts", import.meta.url),
    settings: { suffix: "!" },
    threads,
    minSlice: 2,
    processing: { deadLetterTopic: "dlq", deadLetterStore: "dead", retry: { initialMs: 1, maxMs: 2 } },
    onRetry: (code) => retries.push(code),
  });
  return pool;
}

/** One worker with the fixture topology and the given options (young generation, niceness). */
function startOne(options: { youngGenerationMb?: number; niceness?: number }) {
  pool = new WorkerProcessing({
    module: new URL("./fixtures/worker-topology.ts", import.meta.url),
    settings: { suffix: "!" },
    threads: 1,
    ...options,
    processing: { deadLetterTopic: "dlq", deadLetterStore: undefined, retry: { initialMs: 1, maxMs: 2 } },
  });
  return pool;
}

describe("WorkerProcessing", () => {
  it("gives what one thread would: every output, each partition's in its order; dead letters last", async () => {
    const p = start(2);
    await p.ready();
    const values = ["a", "bb", "bad", "ccc", "dd", "e", "bad", "ff"];
    const batch = await p.process(records(values), new AbortController().signal);
    expect(
      batch.messages
        .filter((m) => m.topic === "out")
        .map((m) => m.value.toString())
        .sort(),
    ).toEqual(["A!", "BB!", "CCC!", "DD!", "E!", "FF!"]);
    expect(Buffer.isBuffer(batch.messages[0]?.value)).toBe(true);
    // Dead letters come after every output, carrying the raw bytes.
    expect(batch.messages.slice(6).map((m) => [m.topic, m.value.toString()])).toEqual([
      ["dlq", "bad"],
      ["dlq", "bad"],
    ]);
    expect(batch.deadLetters.map((d) => [d.reason.code, d.position.offset])).toEqual([
      ["ITEM_BAD", 2n],
      ["ITEM_BAD", 6n],
    ]);
    // Each partition's outputs in offset order (partition = offset % 3 here).
    const db = batch.stores.get("db") ?? [];
    expect(db.map((r) => r.offset).sort((a, b) => Number(a - b))).toEqual([0n, 1n, 3n, 4n, 5n, 7n]);
    for (const partition of [0n, 1n, 2n]) {
      const offsets = db.filter((r) => r.offset % 3n === partition).map((r) => r.offset);
      expect(offsets).toEqual([...offsets].sort((a, b) => Number(a - b)));
    }
    // The store's records crossed as rows prepared in the worker, packed: each still its own text and position.
    const rowText = (r: StoreRecord) => {
      const row = r.value as PreparedRow;
      return Buffer.from(row.bytes.subarray(row.start, row.end)).toString();
    };
    expect(new Map(db.map((r) => [r.offset, rowText(r)]))).toEqual(
      new Map([
        [0n, "A!"],
        [1n, "BB!"],
        [3n, "CCC!"],
        [4n, "DD!"],
        [5n, "E!"],
        [7n, "FF!"],
      ]),
    );
    expect(db.every((r) => isPreparedRow(r.value) && r.value.policy_version === "fixture")).toBe(true);
    expect(batch.stores.get("dead")).toHaveLength(2);
    expect(batch.topicRecords).toBe(6);
    expect(Object.fromEntries(batch.counters)).toEqual({ "seen:1": 2, "seen:2": 3, "seen:3": 1 });
  });

  /** Records of `partitions`, `perPartition` each, interleaved, with values "p<partition>-<i>". */
  const spread = (partitions: number[], perPartition: number): ConsumedRecord[] =>
    Array.from({ length: perPartition }, (_, i) =>
      partitions.map((partition) => ({
        topic: "raw",
        partition,
        offset: BigInt(i),
        timestamp: 1n,
        key: undefined,
        value: Buffer.from(`p${partition}-${i}`),
        headers: new Map(),
      })),
    ).flat();

  /** Which worker threads processed each partition's records, from the fixture's counters. */
  const workersByPartition = (counters: Map<string, number>): Map<string, Set<string>> => {
    const out = new Map<string, Set<string>>();
    for (const key of counters.keys()) {
      const [kind, thread, partition] = key.split(":");
      if (kind !== "worker" || thread === undefined || partition === undefined) continue;
      out.set(partition, (out.get(partition) ?? new Set()).add(thread));
    }
    return out;
  };

  it("gives each partition one worker, the assigned partitions spread over the workers, batch after batch", async () => {
    const p = start(2);
    p.assigned([3, 1, 0, 2].map((partition) => ({ topic: "raw", partition })));
    const seen = new Map<string, Set<string>>();
    for (let b = 0; b < 3; b++) {
      const batch = await p.process(spread([0, 1, 2, 3], 4), new AbortController().signal);
      for (const [partition, threads] of workersByPartition(batch.counters))
        for (const t of threads) seen.set(partition, (seen.get(partition) ?? new Set()).add(t));
      // Each partition's outputs keep their order.
      const out = batch.messages.map((m) => m.value.toString());
      for (const partition of [0, 1, 2, 3]) {
        const mine = out.filter((v) => v.startsWith(`P${partition}-`));
        expect(mine).toEqual([0, 1, 2, 3].map((i) => `P${partition}-${i}!`));
      }
    }
    const [w0, w1, w2, w3] = ["p0", "p1", "p2", "p3"].map((k) => [...(seen.get(k) ?? [])]);
    for (const w of [w0, w1, w2, w3]) expect(w).toHaveLength(1);
    expect(w0).toEqual(w2);
    expect(w1).toEqual(w3);
    expect(w0).not.toEqual(w1);
  });

  it("cuts a batch of one partition into equal slices for every worker, keeping its order", async () => {
    const p = start(2);
    p.assigned([{ topic: "raw", partition: 0 }]);
    const batch = await p.process(spread([0], 8), new AbortController().signal);
    expect(workersByPartition(batch.counters).get("p0")?.size).toBe(2);
    expect(batch.messages.map((m) => m.value.toString())).toEqual(
      Array.from({ length: 8 }, (_, i) => `P0-${i}!`),
    );
    expect(batch.stores.get("db")?.map((r) => r.offset)).toEqual(
      Array.from({ length: 8 }, (_, i) => BigInt(i)),
    );
  });

  it("brings a slice of several parts back whole: every part's rows, in order, each its own text and position", async () => {
    const p = start(1);
    const batch = await p.process(spread([3], 250), new AbortController().signal);
    const db = batch.stores.get("db") ?? [];
    expect(db.map((r) => r.offset)).toEqual(Array.from({ length: 250 }, (_, i) => BigInt(i)));
    expect(db.every((r) => r.topic === "raw" && r.partition === 3 && r.timestamp === 1n)).toBe(true);
    const texts = db.map((r) => {
      const row = r.value as PreparedRow;
      return Buffer.from(row.bytes.subarray(row.start, row.end)).toString();
    });
    expect(texts).toEqual(Array.from({ length: 250 }, (_, i) => `P3-${i}!`));
    // Parts of 100 records: three buffers, each holding its part's rows.
    expect(new Set(db.map((r) => (r.value as PreparedRow).bytes)).size).toBe(3);
  });

  it("retries a transient failure inside the worker and reports the retry", async () => {
    const retries: string[] = [];
    const p = start(1, retries);
    const batch = await p.process(records(["x", "flaky-1", "y"]), new AbortController().signal);
    expect(batch.messages.map((m) => m.value.toString())).toEqual(["X!", "FLAKY-1!", "Y!"]);
    expect(retries).toEqual(["DB_DOWN"]);
  });

  it("fails closed when a worker dies: the batch and every later one are refused", async () => {
    const p = start(1);
    const error = await p
      .process(records(["a", "crash"]), new AbortController().signal)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TopologyFailedError);
    await expect(p.process(records(["a"]), new AbortController().signal)).rejects.toThrow();
  });

  it("gives each worker the young generation it is configured with (default or set)", async () => {
    const p = start(1);
    const batch = await p.process(records(["limits"]), new AbortController().signal);
    expect([...batch.counters.keys()]).toContain(`young-generation-mb:${DEFAULT_YOUNG_GENERATION_MB}`);
    await p.close();
    const set = await startOne({ youngGenerationMb: 48 }).process(
      records(["limits"]),
      new AbortController().signal,
    );
    expect([...set.counters.keys()]).toContain("young-generation-mb:48");
  });

  it.runIf(process.platform === "linux")(
    "runs the processing threads below the event loop in the scheduler, and leaves the main thread as it was",
    async () => {
      const before = getPriority(0);
      expect(before).toBeLessThan(19);
      const p = start(2);
      const batch = await p.process(
        records(["priority", "priority"]).map((r, i) => ({ ...r, partition: i })),
        new AbortController().signal,
      );
      expect(
        batch.counters.get(`niceness:${Math.min(19, before + DEFAULT_PROCESSING_THREAD_NICENESS)}`),
      ).toBe(2);
      expect(getPriority(0)).toBe(before);
      await p.close();
      const unchanged = await startOne({ niceness: 0 }).process(
        records(["priority"]),
        new AbortController().signal,
      );
      expect([...unchanged.counters.keys()]).toContain(`niceness:${before}`);
    },
  );

  it("lowers a thread's priority relative to its own, capped at 19; keeps it when the call fails or off Linux", () => {
    const os = (start: number, platform = "linux") => {
      let value = start;
      return {
        platform,
        get: () => value,
        set: (v: number) => {
          value = v;
        },
        get value() {
          return value;
        },
      };
    };
    const five = os(5);
    expect(lowerThreadPriority(10, five)).toBe(15);
    expect(five.value).toBe(15);
    const high = os(15);
    expect(lowerThreadPriority(10, high)).toBe(19);
    expect(high.value).toBe(19);
    const off = os(0);
    expect(lowerThreadPriority(0, off)).toBeUndefined();
    expect(off.value).toBe(0);
    const mac = os(0, "darwin");
    expect(lowerThreadPriority(10, mac)).toBeUndefined();
    expect(mac.value).toBe(0);
    const refused = {
      platform: "linux",
      get: () => 0,
      set: () => {
        throw new Error("EACCES");
      },
    };
    expect(lowerThreadPriority(10, refused)).toBeUndefined();
  });

  it("reports a module that cannot build its topology at start-up", async () => {
    pool = new WorkerProcessing({
      module: new URL("./fixtures/does-not-exist.ts", import.meta.url),
      settings: {},
      threads: 1,
      processing: { deadLetterTopic: "dlq", deadLetterStore: undefined, retry: { initialMs: 1, maxMs: 2 } },
    });
    await expect(pool.ready()).rejects.toThrow(/processing worker/);
  });
});
