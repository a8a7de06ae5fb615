import { afterEach, describe, expect, it } from "vitest";
import { TopologyFailedError } from "../../topology/dsl/errors.ts";
import type { ConsumedRecord } from "../../topology/runtime/record-processor.ts";
import { DEFAULT_YOUNG_GENERATION_MB, WorkerProcessing } from "../../topology/runtime/worker-processing.ts";

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

describe("WorkerProcessing", () => {
  it("gives the same batch, in the same order, as one thread would: outputs, stores, dead letters, counters", async () => {
    const p = start(2);
    await p.ready();
    const values = ["a", "bb", "bad", "ccc", "dd", "e", "bad", "ff"];
    const batch = await p.process(records(values), new AbortController().signal);
    expect(batch.messages.filter((m) => m.topic === "out").map((m) => m.value.toString())).toEqual([
      "A!",
      "BB!",
      "CCC!",
      "DD!",
      "E!",
      "FF!",
    ]);
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
    expect(batch.stores.get("db")?.map((r) => [r.value, r.offset])).toEqual([
      ["A!", 0n],
      ["BB!", 1n],
      ["CCC!", 3n],
      ["DD!", 4n],
      ["E!", 5n],
      ["FF!", 7n],
    ]);
    expect(batch.stores.get("dead")).toHaveLength(2);
    expect(batch.topicRecords).toBe(6);
    expect(Object.fromEntries(batch.counters)).toEqual({ "seen:1": 2, "seen:2": 3, "seen:3": 1 });
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
    pool = new WorkerProcessing({
      module: new URL("./fixtures/worker-topology.ts", import.meta.url),
      settings: { suffix: "!" },
      threads: 1,
      youngGenerationMb: 48,
      processing: { deadLetterTopic: "dlq", deadLetterStore: undefined, retry: { initialMs: 1, maxMs: 2 } },
    });
    const set = await pool.process(records(["limits"]), new AbortController().signal);
    expect([...set.counters.keys()]).toContain("young-generation-mb:48");
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
