import { ProtocolError } from "@platformatic/kafka";
import { describe, expect, it } from "vitest";
import { TopologyFailedError } from "../../topology/dsl/errors.ts";
import { chunkBySize, TransactionalCommitter } from "../../topology/runtime/kafka-committer.ts";
import type { OutgoingMessage } from "../../topology/runtime/materialise.ts";
import { type FakeBroker, fakeBroker, fakeProducer, networkError, stableReader } from "./fake-kafka.ts";

const out = (n: number): OutgoingMessage[] =>
  Array.from({ length: n }, (_, i) => ({ topic: "anon", key: undefined, value: Buffer.from(`v${i}`) }));
const last = [
  { topic: "raw", partition: 0, offset: 9n },
  { topic: "raw", partition: 1, offset: 4n },
];
const membership = { generationId: 7, memberId: "m1", coordinatorId: 1 };

function committer(
  broker: FakeBroker,
  options: {
    generation?: () => number;
    commitButLoseAnswer?: () => boolean;
    reader?: ReturnType<typeof stableReader>;
    events?: string[];
  } = {},
) {
  const events = options.events ?? [];
  return new TransactionalCommitter({
    groupId: "g",
    createProducer: () =>
      fakeProducer(
        broker,
        options.commitButLoseAnswer ? { commitButLoseAnswer: options.commitButLoseAnswer } : {},
      ),
    readStableOffsets: options.reader ?? stableReader(broker),
    retry: { initialMs: 1, maxMs: 2 },
    signal: new AbortController().signal,
    membership: () => ({ generation: options.generation?.() ?? 1, membership }),
    observer: {
      retry: (cause) => events.push(`retry:${cause}`),
      transactionAborted: (cause) => events.push(`aborted:${cause}`),
      kafkaTrouble: (cause) => events.push(`trouble:${cause ?? "over"}`),
    },
  });
}

describe("TransactionalCommitter", () => {
  it("sends the outputs, then commits the offsets of the batch under the current membership, in one transaction", async () => {
    const broker = fakeBroker();
    expect(await committer(broker).commit(out(3), last, 1)).toBe("committed");
    expect(broker.log).toEqual([
      "p1:begin",
      "p1:send:3",
      "p1:addConsumer:g",
      "p1:addOffset:raw/0@9:g7",
      "p1:addOffset:raw/1@4:g7",
      "p1:commit",
    ]);
    expect(broker.offsets.get("raw")?.get(0)).toBe(10n);
  });

  it("aborts and answers rebalanced when the group re-joined since the batch was processed", async () => {
    const broker = fakeBroker();
    const events: string[] = [];
    expect(await committer(broker, { generation: () => 2, events }).commit(out(1), last, 1)).toBe(
      "rebalanced",
    );
    expect(broker.log).toEqual(["p1:begin", "p1:abort"]);
    expect(broker.committed).toEqual([]);
    expect(events).toEqual(["aborted:rebalance"]);
  });

  it("answers rebalanced when the coordinator refuses the offsets for an old generation", async () => {
    const broker = fakeBroker();
    broker.failNext.set("addOffset", new ProtocolError("ILLEGAL_GENERATION"));
    expect(await committer(broker).commit(out(1), last, 1)).toBe("rebalanced");
    expect(broker.committed).toEqual([]);
  });

  it("retries a broker failure with a fresh attempt until it commits, reporting the trouble and its end", async () => {
    const broker = fakeBroker();
    const events: string[] = [];
    broker.failNext.set("send", networkError());
    expect(await committer(broker, { events }).commit(out(2), last, 1)).toBe("committed");
    expect(broker.committed).toHaveLength(1);
    expect(events).toEqual([
      "trouble:KAFKA_UNREACHABLE",
      "aborted:kafka",
      "retry:KAFKA_UNREACHABLE",
      "trouble:over",
    ]);
  });

  it("replaces the producer when the failed transaction could not be aborted", async () => {
    const broker = fakeBroker();
    broker.failNext.set("send", networkError());
    broker.failNext.set("abort", networkError());
    await committer(broker).commit(out(1), last, 1);
    expect(broker.producersCreated).toBe(2);
    expect(broker.committed).toHaveLength(1);
  });

  it("does not produce twice when a commit went through but its answer was lost", async () => {
    const broker = fakeBroker();
    let lose = true;
    const c = committer(broker, {
      commitButLoseAnswer: () => {
        const now = lose;
        lose = false;
        return now;
      },
    });
    expect(await c.commit(out(2), last, 1)).toBe("committed");
    expect(broker.committed).toHaveLength(1);
    // The second producer's transaction only resolved the outcome, then was aborted.
    expect(broker.log.slice(-2)).toEqual(["p2:begin", "p2:abort"]);
  });

  it("produces again when a commit of unknown outcome did not go through", async () => {
    const broker = fakeBroker();
    broker.failNext.set("commit", networkError());
    expect(await committer(broker).commit(out(2), last, 1)).toBe("committed");
    expect(broker.committed).toHaveLength(1);
    expect(broker.log.filter((l) => l.endsWith(":commit"))).toHaveLength(2);
  });

  it("keeps asking until the coordinator answers before deciding an unknown outcome", async () => {
    const broker = fakeBroker();
    let lose = true;
    let unavailable = 3;
    const reader = stableReader(broker);
    const c = committer(broker, {
      commitButLoseAnswer: () => {
        const now = lose;
        lose = false;
        return now;
      },
      reader: async (topics) => {
        if (unavailable-- > 0) throw new ProtocolError("UNSTABLE_OFFSET_COMMIT");
        return reader(topics);
      },
    });
    expect(await c.commit(out(1), last, 1)).toBe("committed");
    expect(broker.committed).toHaveLength(1);
  });

  it.each([
    ["a fenced producer", "PRODUCER_FENCED"],
    ["an output the broker will never accept", "MESSAGE_TOO_LARGE"],
    ["refused permissions", "TRANSACTIONAL_ID_AUTHORIZATION_FAILED"],
  ])("stops the pipeline on %s", async (_what, apiId) => {
    const broker = fakeBroker();
    broker.failNext.set("send", new ProtocolError(apiId));
    const error = await committer(broker)
      .commit(out(1), last, 1)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TopologyFailedError);
    expect((error as Error).message).toMatch(/^KAFKA_/);
    expect(broker.committed).toEqual([]);
  });
});

describe("chunkBySize", () => {
  it("splits messages into requests under the byte limit, keeping their order", () => {
    const messages = Array.from({ length: 10 }, (_, i) => ({ value: Buffer.alloc(100, i) }));
    const chunks = chunkBySize(messages, 400);
    expect(chunks.flat()).toEqual(messages);
    for (const chunk of chunks) expect(chunk.length).toBeLessThanOrEqual(2);
  });

  it("puts a message larger than the limit in a request of its own", () => {
    const chunks = chunkBySize([{ value: Buffer.alloc(10) }, { value: Buffer.alloc(1_000) }], 100);
    expect(chunks.map((c) => c.length)).toEqual([1, 1]);
  });
});
