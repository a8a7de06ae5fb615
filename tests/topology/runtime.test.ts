import { describe, expect, it } from "vitest";
import { SchemaError } from "../../schemas/errors.ts";
import { StreamsBuilder } from "../../topology/dsl/builder.ts";
import {
  isPermanentRecordError,
  isTransient,
  PermanentRecordError,
  TopologyFailedError,
  TransientError,
} from "../../topology/dsl/errors.ts";
import type { Topology } from "../../topology/dsl/topology.ts";
import type { RecordContext, Serde } from "../../topology/dsl/types.ts";
import { BatchCollector } from "../../topology/runtime/batch.ts";
import { DLQ_HEADERS, deadLetterHeaders } from "../../topology/runtime/dead-letter.ts";
import {
  deadLetterEverything,
  type ExceptionHandlers,
  failOnError,
  reasonFor,
} from "../../topology/runtime/handlers.ts";
import { materialise } from "../../topology/runtime/materialise.ts";
import { type ConsumedRecord, RecordProcessor } from "../../topology/runtime/record-processor.ts";
import { TopologyTestDriver } from "../../topology/runtime/test-driver.ts";
import { headerText, json, jsonSerde, parse } from "./helpers.ts";

/** A value that must never reach a reason, a header or an error message. */
const SECRET = "943 476 5919";

const DLQ = { deadLetterTopic: "dlq", deadLetterStore: "dead-letters" };

type Item = { id: number; fail?: "plain" | "permanent" | "transient" };

function failIfAsked(item: Item): Item {
  if (item.fail === "plain") throw new Error(`cannot handle NHS number ${SECRET}`);
  if (item.fail === "permanent") throw new PermanentRecordError("ITEM_BAD", "item refused (field id)");
  if (item.fail === "transient") throw new TransientError("DB_DOWN", "database unavailable");
  return item;
}

/** in → (out-a, store db) then a failing step → out-b: a failure in the second child must undo the first. */
function fanOutTopology(valueSerde: Serde<Item> = jsonSerde()): Topology {
  const builder = new StreamsBuilder();
  const s = builder.stream<Buffer, Item>("in", { value: valueSerde });
  s.to("out-a", { value: jsonSerde() });
  s.toStore("db");
  s.mapValues(failIfAsked, "check").to("out-b", { value: jsonSerde() });
  return builder.build();
}

function consumed(value: unknown, offset = 0n, key?: Buffer): ConsumedRecord {
  return {
    topic: "in",
    partition: 2,
    offset,
    timestamp: 1_700_000_000_000n,
    key,
    value: json(value),
    headers: new Map(),
  };
}

function context(overrides: Partial<RecordContext> = {}): RecordContext {
  return {
    topic: "in",
    partition: 1,
    offset: 41n,
    timestamp: 1_700_000_000_123n,
    rawKey: Buffer.from("raw-key"),
    rawValue: Buffer.from([0, 1, 2, 0xff]),
    rawHeaders: new Map(),
    ...overrides,
  };
}

describe("TopologyTestDriver", () => {
  it("runs a record through the whole graph and exposes outputs and stores once", async () => {
    const driver = new TopologyTestDriver(fanOutTopology(), DLQ);
    await driver.pipeInput("in", json({ id: 1 }), { key: Buffer.from("k"), partition: 3, timestamp: 5n });
    const outA = driver.readOutput("out-a");
    expect(outA).toHaveLength(1);
    expect(outA[0]?.key?.toString()).toBe("k");
    expect(parse(outA[0]?.value ?? Buffer.alloc(0))).toEqual({ id: 1 });
    expect(driver.readOutput("out-b")).toHaveLength(1);
    expect(driver.readStore("db")).toEqual([
      { key: Buffer.from("k"), value: { id: 1 }, topic: "in", partition: 3, offset: 0n, timestamp: 5n },
    ]);
    // Reading forgets, like consuming an output topic.
    expect(driver.readOutput("out-a")).toEqual([]);
    expect(driver.readStore("db")).toEqual([]);
  });

  it("numbers offsets per topic partition from zero", async () => {
    const driver = new TopologyTestDriver(fanOutTopology(), DLQ);
    await driver.pipeInput("in", json({ id: 1 }));
    await driver.pipeInput("in", json({ id: 2 }), { partition: 1 });
    await driver.pipeInput("in", json({ id: 3 }));
    expect(driver.readStore("db").map((r) => [r.partition, r.offset])).toEqual([
      [0, 0n],
      [1, 0n],
      [0, 1n],
    ]);
  });

  it("refuses a record on a topic the topology does not read", async () => {
    const driver = new TopologyTestDriver(fanOutTopology(), DLQ);
    await expect(driver.pipeInput("elsewhere", json({ id: 1 }))).rejects.toBeInstanceOf(TopologyFailedError);
  });

  it("awaits asynchronous deserialisers (a schema fetched on first use)", async () => {
    const asyncSerde: Serde<Item> = {
      deserialize: async (data) => JSON.parse(data.toString()) as Item,
      serialize: () => Buffer.alloc(0),
    };
    const driver = new TopologyTestDriver(fanOutTopology(asyncSerde), DLQ);
    await driver.pipeInput("in", json({ id: 7 }));
    expect(driver.readStore("db").map((r) => r.value)).toEqual([{ id: 7 }]);
  });
});

describe("a record that fails half-way", () => {
  it("leaves no partial output: only its dead letter", async () => {
    const driver = new TopologyTestDriver(fanOutTopology(), DLQ);
    const raw = json({ id: 1, fail: "permanent" });
    await driver.pipeInput("in", raw, { key: Buffer.from("k1") });
    expect(driver.readOutput("out-a")).toEqual([]);
    expect(driver.readOutput("out-b")).toEqual([]);
    expect(driver.readStore("db")).toEqual([]);
    const [dead] = driver.readOutput("dlq");
    expect(dead?.value).toEqual(raw);
    expect(headerText(dead?.headers)[DLQ_HEADERS.reason]).toBe("ITEM_BAD");
  });

  it("does not undo the records processed before it in the same batch", () => {
    const processor = new RecordProcessor(fanOutTopology(), deadLetterEverything, { canDeadLetter: true });
    const batch = new BatchCollector();
    processor.process(consumed({ id: 1 }, 0n), batch);
    processor.process(consumed({ id: 2, fail: "plain" }, 1n), batch);
    processor.process(consumed({ id: 3 }, 2n), batch);
    expect(batch.topics.map((t) => [t.topic, (parse(t.value) as Item).id])).toEqual([
      ["out-a", 1],
      ["out-b", 1],
      ["out-a", 3],
      ["out-b", 3],
    ]);
    expect(batch.stores.get("db")?.map((r) => r.context.offset)).toEqual([0n, 2n]);
    expect(batch.deadLetters.map((d) => d.context.offset)).toEqual([1n]);
    expect(batch.size).toBe(7);
  });

  it("a value the sink serde refuses is that record's dead letter, not the batch's failure", async () => {
    const builder = new StreamsBuilder();
    const s = builder.stream<Buffer, Item>("in", { value: jsonSerde() });
    s.toStore("db");
    s.to("out", {
      value: {
        serialize: (v) => {
          if (v.id < 0) throw new PermanentRecordError("ENCODE_FAILED", "value does not fit (field id)");
          return json(v);
        },
        deserialize: () => ({ id: 0 }),
      },
    });
    const driver = new TopologyTestDriver(builder.build(), DLQ);
    await driver.pipeInput("in", json({ id: -1 }));
    await driver.pipeInput("in", json({ id: 1 }));
    expect(driver.readStore("db").map((r) => r.value)).toEqual([{ id: 1 }]);
    expect(driver.readOutput("out")).toHaveLength(1);
    expect(
      driver.readStore("dead-letters").map((r) => (r.value as { reasonCode: string }).reasonCode),
    ).toEqual(["ENCODE_FAILED"]);
  });
});

describe("BatchCollector mark/rollback", () => {
  const topology = fanOutTopology();
  const sink = topology.nodes.find((n) => n.kind === "sink");
  const store = topology.nodes.find((n) => n.kind === "store-sink");

  it("rolls back topic, store and dead-letter output, including stores first used after the mark", () => {
    if (sink?.kind !== "sink" || store?.kind !== "store-sink") throw new Error("fixture");
    const batch = new BatchCollector();
    batch.toTopic(sink, undefined, { id: 1 }, context());
    batch.toStore(store, undefined, { id: 1 }, context());
    const mark = batch.mark();
    batch.toTopic(sink, undefined, { id: 2 }, context());
    batch.toStore(store, undefined, { id: 2 }, context());
    batch.toStore({ ...store, store: "late" }, undefined, { id: 2 }, context());
    batch.toDeadLetter(sink, { code: "C", message: "m" }, context());
    expect(batch.size).toBe(6);
    batch.rollback(mark);
    expect(batch.size).toBe(2);
    expect(batch.topics.map((t) => parse(t.value))).toEqual([{ id: 1 }]);
    expect(batch.stores.get("db")?.map((r) => r.value)).toEqual([{ id: 1 }]);
    expect(batch.stores.get("late") ?? []).toEqual([]);
    expect(batch.deadLetters).toEqual([]);
  });

  it("rolls back to an inner mark, then to an outer one, store by store", () => {
    if (store?.kind !== "store-sink") throw new Error("fixture");
    const other = { ...store, store: "other" };
    const batch = new BatchCollector();
    batch.toStore(store, undefined, { id: 1 }, context());
    batch.toStore(other, undefined, { id: 1 }, context());
    const outer = batch.mark();
    batch.toStore(other, undefined, { id: 2 }, context());
    const inner = batch.mark();
    batch.toStore(store, undefined, { id: 3 }, context());
    batch.toStore(other, undefined, { id: 3 }, context());
    batch.toStore(store, undefined, { id: 3 }, context());
    batch.rollback(inner);
    expect(batch.stores.get("db")?.map((r) => r.value)).toEqual([{ id: 1 }]);
    expect(batch.stores.get("other")?.map((r) => r.value)).toEqual([{ id: 1 }, { id: 2 }]);
    batch.toStore(store, undefined, { id: 4 }, context());
    batch.rollback(outer);
    expect(batch.stores.get("db")?.map((r) => r.value)).toEqual([{ id: 1 }]);
    expect(batch.stores.get("other")?.map((r) => r.value)).toEqual([{ id: 1 }]);
    batch.toStore(other, undefined, { id: 5 }, context());
    expect(batch.size).toBe(3);
  });

  it("writes null and undefined keys as no key, and buffers as they are", () => {
    if (sink?.kind !== "sink") throw new Error("fixture");
    const batch = new BatchCollector();
    batch.toTopic(sink, null, 1, context());
    batch.toTopic(sink, undefined, 2, context());
    batch.toTopic(sink, Buffer.from([1, 2]), 3, context());
    expect(batch.topics.map((t) => t.key)).toEqual([undefined, undefined, Buffer.from([1, 2])]);
  });
});

describe("RecordProcessor error handling", () => {
  it("rethrows transient errors from processing, leaving nothing behind", () => {
    const processor = new RecordProcessor(fanOutTopology(), deadLetterEverything, { canDeadLetter: true });
    const batch = new BatchCollector();
    expect(() => processor.process(consumed({ id: 1, fail: "transient" }), batch)).toThrow(TransientError);
    expect(batch.size).toBe(0);
  });

  it("rethrows transient errors from a synchronous deserialiser instead of dead-lettering", () => {
    const transientSerde: Serde<Item> = {
      deserialize: () => {
        throw new SchemaError("REGISTRY_UNAVAILABLE", "registry answered 503", { transient: true });
      },
      serialize: () => Buffer.alloc(0),
    };
    const processor = new RecordProcessor(fanOutTopology(transientSerde), deadLetterEverything, {
      canDeadLetter: true,
    });
    const batch = new BatchCollector();
    expect(() => processor.process(consumed({ id: 1 }), batch)).toThrow(/registry answered 503/);
    expect(batch.size).toBe(0);
  });

  it("rejects with transient errors from an asynchronous deserialiser instead of dead-lettering", async () => {
    const transientSerde: Serde<Item> = {
      deserialize: () => Promise.reject(new TransientError("REGISTRY_DOWN", "registry unreachable")),
      serialize: () => Buffer.alloc(0),
    };
    const driver = new TopologyTestDriver(fanOutTopology(transientSerde), DLQ);
    await expect(driver.pipeInput("in", json({ id: 1 }))).rejects.toMatchObject({ code: "REGISTRY_DOWN" });
    expect(driver.readOutput("dlq")).toEqual([]);
    expect(driver.readStore("dead-letters")).toEqual([]);
  });

  it.each([
    {
      kind: "synchronous",
      code: "SCHEMA_WRONG_MAGIC",
      deserialize: (): Item => {
        throw new SchemaError("SCHEMA_WRONG_MAGIC", "record does not start with magic byte 0");
      },
    },
    {
      kind: "asynchronous",
      code: "AVRO_TRUNCATED",
      deserialize: (): Promise<Item> =>
        Promise.reject(new SchemaError("AVRO_TRUNCATED", "record body ends early")),
    },
  ])("dead-letters a permanent $kind deserialisation error with its code", async ({ code, deserialize }) => {
    const serde: Serde<Item> = { deserialize, serialize: () => Buffer.alloc(0) };
    const driver = new TopologyTestDriver(fanOutTopology(serde), DLQ);
    await driver.pipeInput("in", json({ id: 1 }));
    expect(driver.readStore("dead-letters").map((r) => r.value)).toEqual([
      expect.objectContaining({ reasonCode: code, node: "dead-letter-handler", exception: "SchemaError" }),
    ]);
    expect(headerText(driver.readOutput("dlq")[0]?.headers)[DLQ_HEADERS.reason]).toBe(code);
    expect(driver.readStore("db")).toEqual([]);
    expect(driver.readOutput("out-a")).toEqual([]);
  });

  it("a third-party deserialiser error is dead-lettered as DESERIALIZATION_FAILED without its message", async () => {
    const builder = new StreamsBuilder();
    builder.stream("in", { value: jsonSerde() }).toStore("db");
    const driver = new TopologyTestDriver(builder.build(), DLQ);
    const raw = Buffer.from(`{"nhs": "${SECRET}"`); // JSON.parse quotes its input in the message
    await driver.pipeInput("in", raw);
    const [dead] = driver.readOutput("dlq");
    const headers = headerText(dead?.headers);
    expect(headers[DLQ_HEADERS.reason]).toBe("DESERIALIZATION_FAILED");
    expect(headers[DLQ_HEADERS.exception]).toBe("SyntaxError");
    expect(dead?.value).toEqual(raw);
    expect(JSON.stringify(headers)).not.toContain(SECRET);
  });

  it("stops with TopologyFailedError when the handler answers FAIL", async () => {
    const driver = new TopologyTestDriver(fanOutTopology(), { ...DLQ, handlers: failOnError });
    const error = await driver.pipeInput("in", json({ id: 1, fail: "plain" })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TopologyFailedError);
    expect((error as TopologyFailedError).code).toBe("TOPOLOGY_FAILED");
    expect((error as Error).message).toContain("PROCESSING_FAILED");
    expect((error as Error).message).toContain("in/0@0");
    expect((error as Error).message).not.toContain(SECRET);
    expect((error as Error).cause).toBeInstanceOf(Error);
    expect(driver.readOutput("dlq")).toEqual([]);
    expect(driver.readOutput("out-a")).toEqual([]);
  });

  it("stops with TopologyFailedError on a deserialisation FAIL answer", async () => {
    const handlers: ExceptionHandlers = { deserialization: () => "FAIL", processing: () => "CONTINUE" };
    const builder = new StreamsBuilder();
    builder.stream("in", { value: jsonSerde() }).toStore("db");
    const driver = new TopologyTestDriver(builder.build(), { ...DLQ, handlers });
    await expect(driver.pipeInput("in", Buffer.from("not json"))).rejects.toThrow(
      /deserialization failed at in\/0@0 \(DESERIALIZATION_FAILED\)/,
    );
  });

  it("stops with TopologyFailedError when there is nowhere to dead-letter", async () => {
    const driver = new TopologyTestDriver(fanOutTopology());
    await expect(driver.pipeInput("in", json({ id: 1, fail: "permanent" }))).rejects.toBeInstanceOf(
      TopologyFailedError,
    );
  });

  it("gives the handlers the error and where the record came from", async () => {
    const calls: Array<{ error: unknown; offset: bigint; node: string }> = [];
    const handlers: ExceptionHandlers = {
      deserialization: () => "CONTINUE",
      processing: (error, ctx, node) => {
        calls.push({ error, offset: ctx.offset, node });
        return "CONTINUE";
      },
    };
    const driver = new TopologyTestDriver(fanOutTopology(), { ...DLQ, handlers });
    await driver.pipeInput("in", json({ id: 1 }));
    await driver.pipeInput("in", json({ id: 2, fail: "permanent" }));
    expect(calls).toHaveLength(1);
    expect(calls[0]?.offset).toBe(1n);
    expect(calls[0]?.error).toBeInstanceOf(PermanentRecordError);
  });
});

describe("reasonFor", () => {
  it("keeps code, message and extra of our permanent errors", () => {
    const error = new SchemaError("AVRO_TRAILING_BYTES", "3 bytes follow the record body (schema 9)", {
      extra: { "schema.id": "9" },
    });
    expect(reasonFor(error, "deserialization")).toEqual({
      code: "AVRO_TRAILING_BYTES",
      message: "3 bytes follow the record body (schema 9)",
      exception: "SchemaError",
      extra: { "schema.id": "9" },
    });
    expect(reasonFor(new PermanentRecordError("P", "refused"), "processing")).toEqual({
      code: "P",
      message: "refused",
      exception: "PermanentRecordError",
    });
  });

  it("keeps code and message of our transient errors", () => {
    expect(reasonFor(new TransientError("T", "database restarting"), "processing")).toMatchObject({
      code: "T",
      message: "database restarting",
    });
  });

  it("never copies a third-party error's message", () => {
    const reasons = [
      reasonFor(new TypeError(`bad value ${SECRET}`), "processing", "anonymise"),
      reasonFor(new RangeError(`bad value ${SECRET}`), "deserialization"),
    ];
    expect(reasons).toEqual([
      {
        code: "PROCESSING_FAILED",
        message: "unexpected TypeError during processing in anonymise",
        exception: "TypeError",
      },
      {
        code: "DESERIALIZATION_FAILED",
        message: "unexpected RangeError during deserialization",
        exception: "RangeError",
      },
    ]);
  });

  it("does not trust errors that are only half flagged", () => {
    // Flagged but without a string code, or with a code but no flag: both treated as third-party.
    const noCode = Object.assign(new Error(`value ${SECRET}`), { permanent: true });
    const noFlag = Object.assign(new Error(`value ${SECRET}`), { code: "ECONNRESET" });
    const truthyFlag = Object.assign(new Error(`value ${SECRET}`), { permanent: "yes", code: "X" });
    for (const error of [noCode, noFlag, truthyFlag]) {
      const reason = reasonFor(error, "processing");
      expect(reason.code).toBe("PROCESSING_FAILED");
      expect(reason.message).not.toContain(SECRET);
    }
    expect(isPermanentRecordError(noCode)).toBe(false);
    expect(isTransient(noFlag)).toBe(false);
  });

  it("describes thrown non-errors by their type only", () => {
    expect(reasonFor(SECRET, "processing")).toEqual({
      code: "PROCESSING_FAILED",
      message: "unexpected string during processing",
      exception: "string",
    });
    expect(reasonFor(null, "deserialization").exception).toBe("object");
  });
});

describe("materialise", () => {
  function batchWithOneOfEach(): BatchCollector {
    const topology = fanOutTopology();
    const processor = new RecordProcessor(topology, deadLetterEverything, { canDeadLetter: true });
    const batch = new BatchCollector();
    processor.process(consumed({ id: 1 }, 10n, Buffer.from("good-key")), batch);
    processor.process(consumed({ id: 2, fail: "permanent" }, 11n, Buffer.from("bad-key")), batch);
    return batch;
  }

  it("sends dead letters to the DLQ topic as the raw consumed bytes with errors.* headers", () => {
    const { messages } = materialise(batchWithOneOfEach(), DLQ);
    expect(messages.map((m) => m.topic)).toEqual(["out-a", "out-b", "dlq"]);
    const dead = messages[2];
    expect(dead?.key).toEqual(Buffer.from("bad-key"));
    expect(dead?.value).toEqual(json({ id: 2, fail: "permanent" }));
    expect(headerText(dead?.headers)).toEqual({
      "errors.exception": "PermanentRecordError",
      "errors.message": "item refused (field id)",
      "errors.reason": "ITEM_BAD",
      "errors.node": "dead-letter-handler",
      "errors.topic": "in",
      "errors.partition": "2",
      "errors.offset": "11",
      "errors.timestamp": "1700000000000",
    });
    // Only the dead letter carries headers; regular outputs do not.
    expect(messages[0]?.headers).toBeUndefined();
  });

  it("sends dead-letter metadata, never the record, to the dead-letter store", () => {
    const { stores } = materialise(batchWithOneOfEach(), DLQ);
    expect(stores.get("db")?.map((r) => r.offset)).toEqual([10n]);
    expect(stores.get("dead-letters")).toEqual([
      {
        key: undefined,
        value: {
          reasonCode: "ITEM_BAD",
          exception: "PermanentRecordError",
          message: "item refused (field id)",
          node: "dead-letter-handler",
          topic: "in",
          partition: 2,
          offset: 11n,
          timestamp: 1_700_000_000_000n,
          extra: {},
        },
        topic: "in",
        partition: 2,
        offset: 11n,
        timestamp: 1_700_000_000_000n,
      },
    ]);
  });

  it("honours a missing dead-letter topic or store", () => {
    const storeOnly = materialise(batchWithOneOfEach(), {
      deadLetterTopic: undefined,
      deadLetterStore: "dl",
    });
    expect(storeOnly.messages.map((m) => m.topic)).toEqual(["out-a", "out-b"]);
    expect(storeOnly.stores.get("dl")).toHaveLength(1);
    const topicOnly = materialise(batchWithOneOfEach(), {
      deadLetterTopic: "dlq",
      deadLetterStore: undefined,
    });
    expect(topicOnly.messages.map((m) => m.topic)).toEqual(["out-a", "out-b", "dlq"]);
    expect([...topicOnly.stores.keys()]).toEqual(["db"]);
  });

  it("writes an empty value for a dead letter whose record had none (a tombstone)", () => {
    const processor = new RecordProcessor(fanOutTopology(), deadLetterEverything, { canDeadLetter: true });
    const batch = new BatchCollector();
    processor.process({ ...consumed({}), value: undefined }, batch);
    const { messages } = materialise(batch, DLQ);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.value).toEqual(Buffer.alloc(0));
    expect(headerText(messages[0]?.headers)[DLQ_HEADERS.reason]).toBe("DESERIALIZATION_FAILED");
  });
});

describe("deadLetterHeaders", () => {
  it("adds extra metadata as errors.<name> headers and defaults the exception name", () => {
    const headers = headerText(
      deadLetterHeaders(
        { code: "C", message: "m", extra: { "schema.id": "12", field: "gender" } },
        context(),
        "n",
      ),
    );
    expect(headers).toMatchObject({
      "errors.exception": "Error",
      "errors.schema.id": "12",
      "errors.field": "gender",
      "errors.offset": "41",
      "errors.partition": "1",
    });
  });
});

describe("wiring faults stop the pipeline instead of dead-lettering every record", () => {
  it("an asynchronous serde on to() rejects with TopologyFailedError", async () => {
    const builder = new StreamsBuilder();
    builder
      .stream<Buffer, Item>("in", { value: jsonSerde<Item>() })
      .to("out", { value: { serialize: async () => Buffer.from("x"), deserialize: () => ({ id: 0 }) } });
    const driver = new TopologyTestDriver(builder.build(), DLQ);
    await expect(driver.pipeInput("in", json({ id: 1 }))).rejects.toBeInstanceOf(TopologyFailedError);
    expect(driver.readOutput("dlq")).toEqual([]);
  });
});
