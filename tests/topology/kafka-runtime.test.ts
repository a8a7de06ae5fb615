import { ProtocolError } from "@platformatic/kafka";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { StreamsBuilder } from "../../topology/dsl/builder.ts";
import { deadLetterEverything } from "../../topology/runtime/handlers.ts";
import { KafkaRuntime } from "../../topology/runtime/kafka-runtime.ts";
import { InlineProcessing } from "../../topology/runtime/processing.ts";
import type { StoreBatch } from "../../topology/runtime/store.ts";
import {
  type FakeBroker,
  FakeConsumer,
  fakeBroker,
  fakeProducer,
  message,
  networkError,
  resetOffsets,
  stableReader,
} from "./fake-kafka.ts";
import { jsonSerde } from "./helpers.ts";

/** raw → upper-case → "out" and the "db" store. */
function topology() {
  const b = new StreamsBuilder();
  const s = b.stream<Buffer, string>("raw", {
    value: { deserialize: (d) => d.toString(), serialize: (v) => Buffer.from(v) },
  });
  const upper = s.mapValues((v) => v.toUpperCase(), "upper");
  upper.to("out", { value: jsonSerde() });
  upper.toStore("db");
  return b.build();
}

interface Harness {
  runtime: KafkaRuntime;
  broker: FakeBroker;
  consumers: FakeConsumer[];
  stored: StoreBatch[];
  events: string[];
  /** Resolves the next store commit when `holdStore` is set (waits until one is waiting). */
  releaseStore(): Promise<void>;
  /** Store commits held and waiting (with `holdStore`). */
  storesWaiting(): number;
  /** Lets the held batch whose first value is `first` be processed (with `heldProcessing`; waits until it is held). */
  releaseProcessing(first: string): Promise<void>;
}

type Process = InlineProcessing["process"];

/**
 * A stage that overlaps batches as the worker threads do: it processes them one at a time in the order given, and
 * settles every other batch 10 ms late, so that a later batch often settles first.
 */
function overlappingProcess(inline: InlineProcessing): Process {
  let queue: Promise<unknown> = Promise.resolve();
  let taken = 0;
  return async (records, signal) => {
    const late = taken++ % 2 === 0;
    const result = queue.then(() => inline.process(records, signal));
    queue = result.catch(() => undefined);
    const processed = await result;
    if (late) await new Promise((r) => setTimeout(r, 10));
    return processed;
  };
}

/** A stage that records `process:<values>` as it takes a batch and holds it until released (by its first value). */
function heldProcess(
  inline: InlineProcessing,
  events: string[],
  heldBatches: Map<string, () => void>,
): Process {
  return async (records, signal) => {
    const values = records.map((r) => r.value?.toString() ?? "");
    events.push(`process:${values.join(",")}`);
    await new Promise<void>((r) => heldBatches.set(values[0] ?? "", r));
    return inline.process(records, signal);
  };
}

function harness(
  options: {
    maxRecords?: number;
    maxInFlight?: number;
    holdStore?: boolean;
    /** Runs the topology through a processing stage that records the assignments it is told of. */
    assignments?: Array<Array<{ topic: string; partition: number }>>;
    /**
     * Runs the topology through a processing stage that holds each batch until `releaseProcessing` lets it go
     * (any held batch, by its first value), recording `process:<values>` as it takes one; `overlaps` as given.
     */
    heldProcessing?: { overlaps: boolean };
    /** Runs the topology through a stage that overlaps batches as the worker threads do (overlappingProcess). */
    overlapping?: boolean;
  } = {},
): Harness {
  const broker = fakeBroker();
  const retry = { initialMs: 1, maxMs: 2 };
  const told = options.assignments;
  const held = options.heldProcessing;
  const events: string[] = [];
  const heldBatches = new Map<string, () => void>();
  const stage =
    told || held || options.overlapping
      ? {
          processing: (() => {
            const inline = new InlineProcessing(() => topology(), {
              handlers: deadLetterEverything,
              deadLetterTopic: "dlq",
              deadLetterStore: undefined,
              retry,
            });
            const process: Process = options.overlapping
              ? overlappingProcess(inline)
              : held
                ? heldProcess(inline, events, heldBatches)
                : (records, signal) => inline.process(records, signal);
            return {
              overlaps: held?.overlaps ?? options.overlapping,
              process,
              assigned: (partitions: ReadonlyArray<{ topic: string; partition: number }>) => {
                told?.push([...partitions]);
              },
              close: () => inline.close(),
            };
          })(),
          sourceTopics: ["raw"],
        }
      : { topology: topology() };
  const consumers: FakeConsumer[] = [];
  const stored: StoreBatch[] = [];
  const waiting: Array<() => void> = [];
  const runtime = new KafkaRuntime({
    ...stage,
    clientId: "t",
    groupId: "g",
    transactionalId: "g-1",
    bootstrapBrokers: ["127.0.0.1:1"],
    deadLetterTopic: "dlq",
    batch: { maxRecords: options.maxRecords ?? 2, maxMs: 5 },
    maxInFlightBatches: options.maxInFlight ?? 3,
    retry,
    store: {
      async commit(batch) {
        if (options.holdStore) await new Promise<void>((r) => waiting.push(r));
        stored.push(batch);
        events.push(`store:${[...batch.records.get("db")!].map((r) => r.value).join(",")}`);
        return { written: batch.records.get("db")?.length ?? 0, skipped: 0 };
      },
    },
    observer: {
      paused: (p) => events.push(p ? "paused" : "resumed"),
      kafkaOutage: (cause, active) => events.push(`outage:${cause}:${active}`),
      batchCommitted: (info) => events.push(`committed:${info.records}`),
      fatal: () => events.push("fatal"),
    },
    clients: {
      createProducer: () => fakeProducer(broker),
      createConsumer: () => {
        const c = new FakeConsumer(consumers.length + 1);
        consumers.push(c);
        return c;
      },
      readStableOffsets: stableReader(broker),
    },
  });
  return {
    runtime,
    broker,
    consumers,
    stored,
    events,
    releaseStore: async () => {
      await vi.waitFor(() => expect(waiting.length).toBeGreaterThan(0));
      waiting.shift()?.();
    },
    storesWaiting: () => waiting.length,
    releaseProcessing: async (first) => {
      await vi.waitFor(() => expect(heldBatches.has(first)).toBe(true));
      heldBatches.get(first)?.();
      heldBatches.delete(first);
    },
  };
}

const outputs = (broker: FakeBroker) =>
  broker.committed
    .flat()
    .filter((m) => m.topic === "out")
    .map((m) => JSON.parse(m.value.toString()) as string);

/**
 * A started runtime owning partition 0 whose first batch (of `values`) waits on its store commit (the database is
 * away); returns the consumer and the records delivered.
 */
async function withHeldBatch(h: Harness, values: string[]) {
  await h.runtime.start();
  const c = h.consumers[0]!;
  await c.join(1, [{ topic: "raw", partitions: [0] }]);
  const delivered = values.map((v) => message("raw", 0, v));
  for (const r of delivered) c.stream!.deliver(r);
  await vi.waitFor(() => expect(h.storesWaiting()).toBe(1));
  return { c, delivered };
}

/** Runs `check` while every held store commit is let through. */
async function releasingStores(h: Harness, check: () => Promise<void>): Promise<void> {
  const releasing = setInterval(() => void h.releaseStore().catch(() => undefined), 5);
  try {
    await check();
  } finally {
    clearInterval(releasing);
  }
}

beforeEach(() => resetOffsets());
afterEach(() => vi.restoreAllMocks());

describe("KafkaRuntime (fake clients)", () => {
  it("gives an overlapping processing stage the next batch before the previous one is processed, and commits in batch order", async () => {
    const h = harness({ heldProcessing: { overlaps: true } });
    await h.runtime.start();
    await h.consumers[0]!.join(1, [{ topic: "raw", partitions: [0] }]);
    for (const v of ["a", "b", "c", "d"]) h.consumers[0]!.stream!.deliver(message("raw", 0, v));
    // Both batches are with the stage while the first is still being processed.
    await vi.waitFor(() =>
      expect(h.events.filter((e) => e.startsWith("process"))).toEqual(["process:a,b", "process:c,d"]),
    );
    // The second finishes first; nothing is stored or committed before the first.
    await h.releaseProcessing("c");
    await new Promise((r) => setTimeout(r, 20));
    expect(h.events.filter((e) => e.startsWith("store") || e.startsWith("committed"))).toEqual([]);
    await h.releaseProcessing("a");
    await vi.waitFor(() => expect(outputs(h.broker)).toEqual(["A", "B", "C", "D"]));
    expect(h.events.filter((e) => e.startsWith("store"))).toEqual(["store:A,B", "store:C,D"]);
    expect(h.broker.offsets.get("raw")?.get(0)).toBe(4n);
    await h.runtime.stop();
  });

  it("gives any other processing stage the next batch only once the previous one is processed", async () => {
    const h = harness({ heldProcessing: { overlaps: false } });
    await h.runtime.start();
    await h.consumers[0]!.join(1, [{ topic: "raw", partitions: [0] }]);
    for (const v of ["a", "b", "c", "d"]) h.consumers[0]!.stream!.deliver(message("raw", 0, v));
    await vi.waitFor(() => expect(h.events).toContain("process:a,b"));
    await new Promise((r) => setTimeout(r, 20));
    expect(h.events.filter((e) => e.startsWith("process"))).toEqual(["process:a,b"]);
    await h.releaseProcessing("a");
    await h.releaseProcessing("c");
    await vi.waitFor(() => expect(outputs(h.broker)).toEqual(["A", "B", "C", "D"]));
    await h.runtime.stop();
  });

  it("tells its processing stage the partitions it owns at every join", async () => {
    const assignments: Array<Array<{ topic: string; partition: number }>> = [];
    const h = harness({ assignments });
    await h.runtime.start();
    await h.consumers[0]!.join(1, [{ topic: "raw", partitions: [0, 2] }]);
    h.consumers[0]!.stream!.deliver(message("raw", 0, "a", 0n));
    h.consumers[0]!.stream!.deliver(message("raw", 2, "b", 0n));
    await vi.waitFor(() => expect(outputs(h.broker).sort()).toEqual(["A", "B"]));
    await h.consumers[0]!.join(2, [{ topic: "raw", partitions: [1] }]);
    await vi.waitFor(() => expect(assignments).toHaveLength(2));
    expect(assignments.map((a) => a.map((p) => p.partition).sort())).toEqual([[0, 2], [1]]);
    await h.runtime.stop();
  });

  it("rides out a broker outage: consumption restarts on a new consumer, readiness reports it, nothing is duplicated", async () => {
    const h = harness();
    await h.runtime.start();
    await h.consumers[0]!.join(1, [{ topic: "raw", partitions: [0] }]);
    const first = ["a", "b", "c"].map((v) => message("raw", 0, v));
    for (const r of first) h.consumers[0]!.stream!.deliver(r);
    await vi.waitFor(() => expect(outputs(h.broker)).toEqual(["A", "B", "C"]));
    let refusals = 3;
    const consume = FakeConsumer.prototype.consume;
    vi.spyOn(FakeConsumer.prototype, "consume").mockImplementation(function (this: FakeConsumer) {
      return refusals-- > 0 ? Promise.reject(networkError()) : consume.call(this);
    });
    h.consumers[0]!.stream!.fail(networkError());
    await vi.waitFor(() => expect(h.events).toContain("outage:KAFKA_UNREACHABLE:true"));
    await vi.waitFor(() => expect(h.events).toContain("outage:KAFKA_UNREACHABLE:false"));
    expect(h.runtime.kafkaTrouble).toBeUndefined();
    expect(h.runtime.state).toBe("running");
    const next = h.consumers.at(-1)!;
    await next.join(2, [{ topic: "raw", partitions: [0] }]);
    // A re-read that starts too early (the client's own committed-offset read is not stable) is dropped.
    next.stream!.deliver(first[1]!);
    next.stream!.deliver(first[2]!);
    next.stream!.deliver(message("raw", 0, "d"));
    await vi.waitFor(() => expect(outputs(h.broker)).toEqual(["A", "B", "C", "D"]));
    await h.runtime.stop();
  });

  it("fails, reporting the error through done, when the producer is fenced", async () => {
    const h = harness();
    await h.runtime.start();
    await h.consumers[0]!.join(1, [{ topic: "raw", partitions: [0] }]);
    h.broker.failNext.set("send", new ProtocolError("PRODUCER_FENCED"));
    for (const v of ["a", "b"]) h.consumers[0]!.stream!.deliver(message("raw", 0, v));
    await expect(h.runtime.done).rejects.toThrow(/KAFKA_FENCED/);
    expect(h.runtime.state).toBe("failed");
    expect(h.events).toContain("fatal");
    expect(outputs(h.broker)).toEqual([]);
  });
});

// The runtime's ordering, rebalance and re-delivery behaviour, with a processing stage that takes one batch at a time
// and with one that overlaps batches as the worker threads do (later batches settling first).
describe.each([
  ["one batch at a time", {}],
  ["overlapping batches", { overlapping: true }],
] as const)("KafkaRuntime (fake clients, processing %s)", (_kind, kind) => {
  it("commits each batch to the store, then to Kafka with its offsets, in consumption order", async () => {
    const h = harness(kind);
    await h.runtime.start();
    await h.consumers[0]!.join(1, [{ topic: "raw", partitions: [0] }]);
    for (const v of ["a", "b", "c", "d", "e"]) h.consumers[0]!.stream!.deliver(message("raw", 0, v));
    await vi.waitFor(() => expect(outputs(h.broker)).toEqual(["A", "B", "C", "D", "E"]));
    expect(h.events.filter((e) => e.startsWith("store"))).toEqual(["store:A,B", "store:C,D", "store:E"]);
    expect(h.broker.offsets.get("raw")?.get(0)).toBe(5n);
    await h.runtime.stop();
  });

  it("processes the next batch while one waits on its commit, and pauses consumption at the in-flight limit", async () => {
    const h = harness({ ...kind, holdStore: true, maxInFlight: 2 });
    await h.runtime.start();
    await h.consumers[0]!.join(1, [{ topic: "raw", partitions: [0] }]);
    for (const v of ["a", "b", "c", "d"]) h.consumers[0]!.stream!.deliver(message("raw", 0, v));
    await vi.waitFor(() => expect(h.events).toContain("paused"));
    expect(h.consumers[0]!.stream!.paused).toBe(true);
    // Batch 2 was processed while batch 1 waited on its store commit.
    expect(h.events.filter((e) => e.startsWith("store"))).toEqual([]);
    await h.releaseStore();
    await h.releaseStore();
    await vi.waitFor(() => expect(outputs(h.broker)).toEqual(["A", "B", "C", "D"]));
    expect(h.events).toContain("resumed");
    h.consumers[0]!.stream!.deliver(message("raw", 0, "e"));
    await h.releaseStore();
    await vi.waitFor(() => expect(outputs(h.broker)).toHaveLength(5));
    await h.runtime.stop();
  });

  it("drops a re-delivered record it already holds or has committed", async () => {
    const h = harness(kind);
    await h.runtime.start();
    await h.consumers[0]!.join(1, [{ topic: "raw", partitions: [0] }]);
    const records = ["a", "b"].map((v) => message("raw", 0, v));
    for (const r of records) h.consumers[0]!.stream!.deliver(r);
    await vi.waitFor(() => expect(outputs(h.broker)).toHaveLength(2));
    for (const r of records) h.consumers[0]!.stream!.deliver(r);
    h.consumers[0]!.stream!.deliver(message("raw", 0, "c"));
    await vi.waitFor(() => expect(outputs(h.broker)).toEqual(["A", "B", "C"]));
    await h.runtime.stop();
  });

  it("resumes a newly assigned partition after the group's committed offset (read stable), not before it", async () => {
    const h = harness(kind);
    h.broker.offsets.set("raw", new Map([[1, 3n]]));
    await h.runtime.start();
    await h.consumers[0]!.join(1, [{ topic: "raw", partitions: [1] }]);
    // The client's own re-read may start below a transaction that was still committing.
    for (let o = 1n; o <= 4n; o++) h.consumers[0]!.stream!.deliver(message("raw", 1, `x${o}`, o));
    await vi.waitFor(() => expect(h.broker.offsets.get("raw")?.get(1)).toBe(5n));
    expect(outputs(h.broker)).toEqual(["X3", "X4"]);
    await h.runtime.stop();
  });

  it("takes a batch again under the new assignment when the group rebalances during its commit", async () => {
    const h = harness({ ...kind, maxRecords: 4 });
    await h.runtime.start();
    const c = h.consumers[0]!;
    await c.join(1, [{ topic: "raw", partitions: [0, 1] }]);
    h.broker.failNext.set("addOffset", new ProtocolError("REBALANCE_IN_PROGRESS"));
    for (const [p, v] of [
      [0, "a"],
      [1, "b"],
      [0, "c"],
      [1, "d"],
    ] as const)
      c.stream!.deliver(message("raw", p, v));
    // Partition 1 moves to another replica while the commit is retried.
    await c.join(2, [{ topic: "raw", partitions: [0] }]);
    await vi.waitFor(() => expect(outputs(h.broker)).toEqual(["A", "C"]));
    expect(h.broker.offsets.get("raw")?.get(1)).toBeUndefined();
    expect(h.broker.log.filter((l) => l.includes("addOffset:raw/0")).at(-1)).toMatch(/g2$/);
    await h.runtime.stop();
  });

  it("does not publish twice a record fetched again after its partition moved away and back while a batch held it", async () => {
    const h = harness({ ...kind, holdStore: true, maxInFlight: 3 });
    // Batch 1 waits on its store commit (the database is away) while the group moves partition 0 away and back.
    const { c, delivered: first } = await withHeldBatch(h, ["a", "b"]);
    await c.join(2, []);
    await c.join(3, [{ topic: "raw", partitions: [0] }]);
    // The client re-reads the partition from its committed offset: the same two records again, a second batch.
    for (const r of first) c.stream!.deliver(r);
    await h.releaseStore();
    await h.releaseStore();
    c.stream!.deliver(message("raw", 0, "c"));
    await h.releaseStore();
    await vi.waitFor(() => expect(h.broker.offsets.get("raw")?.get(0)).toBe(3n));
    expect(outputs(h.broker)).toEqual(["A", "B", "C"]);
    await h.runtime.stop();
  });

  it("does not commit past records it dropped: a later batch held while its partition moved away and back loses that partition's records for good", async () => {
    const h = harness({ ...kind, holdStore: true, maxInFlight: 3 });
    // Two batches in flight ([a, b] waits on its store commit, [c, d] processed behind it); partition 0 moves away.
    const { c, delivered: all } = await withHeldBatch(h, ["a", "b", "c", "d"]);
    await c.join(2, []);
    // The first batch finishes while the partition is away: it commits nothing of partition 0.
    await h.releaseStore();
    await vi.waitFor(() => expect(h.events).toContain("committed:0"));
    // The partition comes back before the second batch has committed, and the client reads it again from the
    // committed offset (nothing committed: from a).
    await c.join(3, [{ topic: "raw", partitions: [0] }]);
    for (const r of all) c.stream!.deliver(r);
    await releasingStores(h, async () => {
      await vi.waitFor(() => expect(h.broker.offsets.get("raw")?.get(0)).toBe(4n));
      // Before the fix the second batch kept [c, d] and committed offset 4 on its own: a and b were lost.
      await vi.waitFor(() => expect(outputs(h.broker)).toEqual(["A", "B", "C", "D"]));
    });
    await h.runtime.stop();
  });

  it("ignores what the stream fetched before a join: a late record must not hide the re-read of a partition that came back", async () => {
    const h = harness({ ...kind, holdStore: true, maxInFlight: 3 });
    // Batch [a, b] waits on its store commit (the database is away) while partition 0 moves away and comes back.
    const { c, delivered: first } = await withHeldBatch(h, ["a", "b"]);
    const before = c.stream!;
    await c.join(2, []);
    await c.join(3, [{ topic: "raw", partitions: [0] }]);
    // The stream of before the joins delivers the partition's next record (buffered while paused, or a fetch
    // answering late); then the new stream reads the partition from its committed offset.
    const late = message("raw", 0, "c");
    before.deliver(late);
    expect(c.stream).not.toBe(before);
    for (const r of [...first, late]) c.stream!.deliver(r);
    await releasingStores(h, async () => {
      await vi.waitFor(() => expect(h.broker.offsets.get("raw")?.get(0)).toBe(3n));
      // Taken as the partition's last held offset, the late c would make a and b look like re-deliveries.
      expect(outputs(h.broker)).toEqual(["A", "B", "C"]);
    });
    await h.runtime.stop();
  });

  it("commits what it holds on stop", async () => {
    const h = harness({ ...kind, maxRecords: 100 });
    await h.runtime.start();
    await h.consumers[0]!.join(1, [{ topic: "raw", partitions: [0] }]);
    h.consumers[0]!.stream!.deliver(message("raw", 0, "a"));
    await h.runtime.stop();
    expect(outputs(h.broker)).toEqual(["A"]);
    expect(h.runtime.state).toBe("stopped");
    await expect(h.runtime.done).resolves.toBeUndefined();
  });
});
