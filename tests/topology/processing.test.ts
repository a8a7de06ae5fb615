import { describe, expect, it } from "vitest";
import { StreamsBuilder } from "../../topology/dsl/builder.ts";
import { TopologyFailedError, TransientError } from "../../topology/dsl/errors.ts";
import { deadLetterEverything, failOnError } from "../../topology/runtime/handlers.ts";
import { InlineProcessing, type TopologyFactory } from "../../topology/runtime/processing.ts";
import type { ConsumedRecord } from "../../topology/runtime/record-processor.ts";

const records = (values: string[]): ConsumedRecord[] =>
  values.map((v, i) => ({
    topic: "raw",
    partition: 0,
    offset: BigInt(i),
    timestamp: 1n,
    key: undefined,
    value: Buffer.from(v),
    headers: new Map(),
  }));

/** raw → (fails transiently once on "flaky", permanently on "bad") → "out"; counts the records it sees. */
const factory: TopologyFactory = (count) => {
  let flaky = true;
  const b = new StreamsBuilder();
  b.stream<Buffer, string>("raw", {
    value: { deserialize: (d) => d.toString(), serialize: (v) => Buffer.from(v) },
  })
    .mapValues((v) => {
      if (v === "flaky" && flaky) {
        flaky = false;
        throw new TransientError("REGISTRY_UNAVAILABLE", "try again");
      }
      if (v === "bad") throw new Error("refused");
      count(`seen:${v}`);
      return v.toUpperCase();
    }, "upper")
    .to("out", { value: { serialize: (v: string) => Buffer.from(v), deserialize: (d) => d.toString() } });
  return b.build();
};

describe("InlineProcessing", () => {
  it("retries a transient failure record by record, dead-letters a permanent one, and counts per batch", async () => {
    const retries: string[] = [];
    const stage = new InlineProcessing(factory, {
      handlers: deadLetterEverything,
      deadLetterTopic: "dlq",
      deadLetterStore: undefined,
      retry: { initialMs: 1, maxMs: 2 },
      onRetry: (code) => retries.push(code),
    });
    const batch = await stage.process(records(["a", "flaky", "bad", "a"]), new AbortController().signal);
    expect(batch.messages.map((m) => `${m.topic}:${m.value.toString()}`)).toEqual([
      "out:A",
      "out:FLAKY",
      "out:A",
      "dlq:bad",
    ]);
    expect(retries).toEqual(["REGISTRY_UNAVAILABLE"]);
    expect(batch.deadLetters.map((d) => [d.reason.code, d.position.offset])).toEqual([
      ["PROCESSING_FAILED", 2n],
    ]);
    expect(batch.topicRecords).toBe(3);
    expect(Object.fromEntries(batch.counters)).toEqual({ "seen:a": 2, "seen:flaky": 1 });
    // Counters belong to one batch.
    const next = await stage.process(records(["a"]), new AbortController().signal);
    expect(Object.fromEntries(next.counters)).toEqual({ "seen:a": 1 });
  });

  it("stops instead of dead-lettering when the handlers say FAIL", async () => {
    const stage = new InlineProcessing(factory, {
      handlers: failOnError,
      deadLetterTopic: "dlq",
      deadLetterStore: undefined,
      retry: { initialMs: 1, maxMs: 2 },
    });
    await expect(stage.process(records(["bad"]), new AbortController().signal)).rejects.toBeInstanceOf(
      TopologyFailedError,
    );
  });

  it("gives up retrying once stopped", async () => {
    const stop = new AbortController();
    stop.abort();
    const stage = new InlineProcessing(factory, {
      handlers: deadLetterEverything,
      deadLetterTopic: "dlq",
      deadLetterStore: undefined,
      retry: { initialMs: 1, maxMs: 2 },
    });
    await expect(stage.process(records(["flaky"]), stop.signal)).rejects.toBeInstanceOf(TransientError);
  });
});
