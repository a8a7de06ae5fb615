import { describe, expect, it } from "vitest";
import { StreamsBuilder } from "../../topology/dsl/builder.ts";
import { TopologyTestDriver } from "../../topology/runtime/test-driver.ts";
import { json, jsonSerde, parse } from "./helpers.ts";

type Order = { id: number; amount: number; region?: string };

describe("StreamsBuilder names", () => {
  it("generates Kafka Streams-style names from the node kind and a global counter", () => {
    const builder = new StreamsBuilder();
    const source = builder.stream<Buffer, Order>("orders", { value: jsonSerde() });
    const mapped = source.mapValues((o) => o).filter(() => true);
    mapped.peek(() => undefined).to("out", { value: jsonSerde() });
    mapped.map((k, v) => ({ key: k, value: v })).toStore("db");
    mapped.toDeadLetter(() => ({ code: "X", message: "x" }));

    expect(builder.build().nodes.map((n) => n.name)).toEqual([
      "KSTREAM-SOURCE-0000000000",
      "KSTREAM-MAPVALUES-0000000001",
      "KSTREAM-FILTER-0000000002",
      "KSTREAM-PEEK-0000000003",
      "KSTREAM-SINK-0000000004",
      "KSTREAM-MAP-0000000005",
      "KSTREAM-STORESINK-0000000006",
      "KSTREAM-DEADLETTER-0000000007",
    ]);
  });

  it("keeps given names, and still advances the counter so generated names stay stable", () => {
    const builder = new StreamsBuilder();
    builder
      .stream("in", { value: jsonSerde() }, "read-in")
      .mapValues((v) => v)
      .to("out", { value: jsonSerde() }, "write-out");
    expect(builder.build().nodes.map((n) => n.name)).toEqual([
      "read-in",
      "KSTREAM-MAPVALUES-0000000001",
      "write-out",
    ]);
  });

  it("rejects a node name used twice", () => {
    const builder = new StreamsBuilder();
    const stream = builder.stream("in", { value: jsonSerde() }, "step");
    expect(() => stream.mapValues((v) => v, "step")).toThrow('topology node name "step" is used twice');
  });

  it("rejects two branches of one split with the same name", () => {
    const builder = new StreamsBuilder();
    const split = builder
      .stream("in", { value: jsonSerde() })
      .split("route")
      .branch(() => true, "a");
    expect(() => split.branch(() => true, "a")).toThrow(/"route-a" is used twice/);
  });

  it("rejects a branch after the default branch", () => {
    const builder = new StreamsBuilder();
    const split = builder.stream("in", { value: jsonSerde() }).split("route");
    split.branch(() => true, "first").defaultBranch();
    expect(() => split.branch(() => true, "late")).toThrow(/no branch may follow the default branch/);
    expect(() => split.defaultBranch("second-default")).toThrow(/no branch may follow/);
  });

  it("rejects a branch after noDefaultBranch()", () => {
    const builder = new StreamsBuilder();
    const split = builder.stream("in", { value: jsonSerde() }).split("route");
    split.branch(() => true, "only").noDefaultBranch();
    expect(() => split.branch(() => true, "late")).toThrow(/no branch may follow/);
  });
});

describe("Topology", () => {
  it("rejects a topic that is the source of two streams", () => {
    const builder = new StreamsBuilder();
    builder.stream("in", { value: jsonSerde() }).to("a", { value: jsonSerde() });
    builder.stream("in", { value: jsonSerde() }).to("b", { value: jsonSerde() });
    expect(() => builder.build()).toThrow('topic "in" is the source of two streams');
  });

  it("rejects a topology without a source", () => {
    expect(() => new StreamsBuilder().build()).toThrow(/at least one source/);
  });

  it("lists its source topics, sink topics, stores and whether it dead-letters", () => {
    const builder = new StreamsBuilder();
    const a = builder.stream("in-a", { value: jsonSerde() });
    a.to("out", { value: jsonSerde() });
    a.toStore("db");
    const b = builder.stream("in-b", { value: jsonSerde() });
    b.to("out", { value: jsonSerde() });
    b.toStore("db");
    b.toStore("audit");
    const topology = builder.build();
    expect(topology.sourceTopics).toEqual(["in-a", "in-b"]);
    expect(topology.sinkTopics).toEqual(["out"]);
    expect(topology.stores).toEqual(["db", "audit"]);
    expect(topology.hasDeadLetters).toBe(false);

    const withDlq = new StreamsBuilder();
    withDlq.stream("in", { value: jsonSerde() }).toDeadLetter(() => ({ code: "C", message: "m" }));
    expect(withDlq.build().hasDeadLetters).toBe(true);
  });

  it("is immutable once built", () => {
    const builder = new StreamsBuilder();
    builder.stream("in", { value: jsonSerde() }).to("out", { value: jsonSerde() });
    const topology = builder.build();
    expect(Object.isFrozen(topology.nodes)).toBe(true);
    // Later additions to the builder do not leak into an already built topology.
    builder.stream("other", { value: jsonSerde() });
    expect(topology.sourceTopics).toEqual(["in"]);
  });

  it("describes the graph as text, with the split's branches in match order", () => {
    const builder = new StreamsBuilder();
    const branches = builder
      .stream<Buffer, Order>("orders", { value: jsonSerde() }, "orders-source")
      .filter((_k, o) => o.amount > 0)
      .split("by-size")
      .branch((_k, o) => o.amount > 100, "large")
      .defaultBranch("small");
    branches["large"]?.to("large-orders", { value: jsonSerde() });
    branches["small"]?.toStore("small-orders-db");
    branches["small"]?.toDeadLetter(() => ({ code: "C", message: "m" }), "reject");

    expect(builder.build().describe()).toMatchInlineSnapshot(`
      "Topology:
        Source: orders-source (topics: [orders])
          --> KSTREAM-FILTER-0000000001
        Processor: KSTREAM-FILTER-0000000001 (filter)
          --> by-size
          <-- orders-source
        Processor: by-size (split, first match wins: by-size-large, by-size-small [default])
          --> by-size-large, by-size-small
          <-- KSTREAM-FILTER-0000000001
        Processor: by-size-large (branch)
          --> KSTREAM-SINK-0000000005
          <-- by-size
        Processor: by-size-small (branch)
          --> KSTREAM-STORESINK-0000000006, reject
          <-- by-size
        Sink: KSTREAM-SINK-0000000005 (topic: large-orders)
          <-- by-size-large
        Sink: KSTREAM-STORESINK-0000000006 (store: small-orders-db)
          <-- by-size-small
        Sink: reject (dead-letter)
          <-- by-size-small
      "
    `);
  });

  it("serialises to JSON as names, kinds, topics and child names only", () => {
    const builder = new StreamsBuilder();
    builder
      .stream("in", { value: jsonSerde() }, "src")
      .mapValues((v) => v, "step")
      .to("out", { value: jsonSerde() }, "sink");
    const topology = builder.build();
    expect(topology.toJSON()).toEqual([
      { name: "src", kind: "source", topic: "in", children: ["step"] },
      { name: "step", kind: "mapValues", children: ["sink"] },
      { name: "sink", kind: "sink", topic: "out", children: [] },
    ]);
    // JSON.stringify uses it (no functions, no cycles through parents).
    expect(JSON.parse(JSON.stringify(topology))).toEqual(topology.toJSON());
  });
});

describe("KStream operators, run by the test driver", () => {
  async function run(
    build: (builder: StreamsBuilder) => void,
    inputs: Array<{ value: unknown; key?: string }>,
  ): Promise<TopologyTestDriver> {
    const builder = new StreamsBuilder();
    build(builder);
    const driver = new TopologyTestDriver(builder.build());
    for (const input of inputs) {
      await driver.pipeInput("in", json(input.value), input.key ? { key: Buffer.from(input.key) } : {});
    }
    return driver;
  }

  it("mapValues transforms the value and keeps the key", async () => {
    const driver = await run(
      (b) =>
        b
          .stream<Buffer, Order>("in", { value: jsonSerde() })
          .mapValues((o) => ({ ...o, amount: o.amount * 2 }))
          .to("out", { value: jsonSerde() }),
      [{ value: { id: 1, amount: 5 }, key: "k1" }],
    );
    const [message] = driver.readOutput("out");
    expect(message?.key?.toString()).toBe("k1");
    expect(parse(message?.value ?? Buffer.alloc(0))).toEqual({ id: 1, amount: 10 });
  });

  it("map re-keys the record; a non-buffer key without a key serde is written as its string", async () => {
    const driver = await run(
      (b) =>
        b
          .stream<Buffer, Order>("in", { value: jsonSerde() })
          .map((_k, o) => ({ key: o.id, value: o.amount }))
          .to("out", { value: jsonSerde() }),
      [{ value: { id: 42, amount: 7 } }],
    );
    const [message] = driver.readOutput("out");
    expect(message?.key?.toString()).toBe("42");
    expect(parse(message?.value ?? Buffer.alloc(0))).toBe(7);
  });

  it("decodes the key with the source's key serde when given", async () => {
    const builder = new StreamsBuilder();
    builder
      .stream<number, Order>("in", {
        key: { deserialize: (b) => Number(b.toString()) * 10, serialize: () => Buffer.alloc(0) },
        value: jsonSerde(),
      })
      .map((k, o) => ({ key: String(k), value: o }))
      .to("out", { value: jsonSerde() });
    const driver = new TopologyTestDriver(builder.build());
    await driver.pipeInput("in", json({ id: 1, amount: 1 }), { key: Buffer.from("4") });
    expect(driver.readOutput("out")[0]?.key?.toString()).toBe("40");
  });

  it("uses the sink's key serde when given", async () => {
    const driver = await run(
      (b) =>
        b
          .stream<Buffer, Order>("in", { value: jsonSerde() })
          .map((_k, o) => ({ key: o.id, value: o }))
          .to("out", {
            key: { serialize: (k) => Buffer.from(`id-${k}`), deserialize: () => 0 },
            value: jsonSerde(),
          }),
      [{ value: { id: 3, amount: 1 } }],
    );
    expect(driver.readOutput("out")[0]?.key?.toString()).toBe("id-3");
  });

  it("filter keeps only the records its predicate accepts", async () => {
    const driver = await run(
      (b) =>
        b
          .stream<Buffer, Order>("in", { value: jsonSerde() })
          .filter((_k, o) => o.amount > 10)
          .to("out", { value: jsonSerde() }),
      [{ value: { id: 1, amount: 5 } }, { value: { id: 2, amount: 50 } }, { value: { id: 3, amount: 10 } }],
    );
    expect(driver.readOutput("out").map((m) => (parse(m.value) as Order).id)).toEqual([2]);
  });

  it("peek sees every record with its context and passes it on unchanged", async () => {
    const seen: Array<{ id: number; offset: bigint; topic: string }> = [];
    const driver = await run(
      (b) =>
        b
          .stream<Buffer, Order>("in", { value: jsonSerde() })
          .peek((_k, o, c) => {
            seen.push({ id: o.id, offset: c.offset, topic: c.topic });
          })
          .to("out", { value: jsonSerde() }),
      [{ value: { id: 1, amount: 1 } }, { value: { id: 2, amount: 2 } }],
    );
    expect(seen).toEqual([
      { id: 1, offset: 0n, topic: "in" },
      { id: 2, offset: 1n, topic: "in" },
    ]);
    expect(driver.readOutput("out")).toHaveLength(2);
  });

  it("split sends each record down the first matching branch only, and the rest to the default", async () => {
    const driver = await run(
      (b) => {
        const branches = b
          .stream<Buffer, Order>("in", { value: jsonSerde() })
          .split()
          .branch((_k, o) => o.amount > 100, "large")
          .branch((_k, o) => o.amount > 10, "medium")
          .defaultBranch("small");
        branches["large"]?.to("large", { value: jsonSerde() });
        branches["medium"]?.to("medium", { value: jsonSerde() });
        branches["small"]?.to("small", { value: jsonSerde() });
      },
      [
        { value: { id: 1, amount: 500 } }, // matches "large" and "medium": first match wins
        { value: { id: 2, amount: 50 } },
        { value: { id: 3, amount: 5 } },
      ],
    );
    const ids = (topic: string) => driver.readOutput(topic).map((m) => (parse(m.value) as Order).id);
    expect(ids("large")).toEqual([1]);
    expect(ids("medium")).toEqual([2]);
    expect(ids("small")).toEqual([3]);
  });

  it("split returns the branch streams by name", () => {
    const builder = new StreamsBuilder();
    const branches = builder
      .stream("in", { value: jsonSerde() })
      .split()
      .branch(() => true, "a")
      .branch(() => true, "b")
      .defaultBranch();
    expect(Object.keys(branches)).toEqual(["a", "b", "default"]);
  });

  it("noDefaultBranch drops the records no branch matched", async () => {
    const driver = await run(
      (b) => {
        const branches = b
          .stream<Buffer, Order>("in", { value: jsonSerde() })
          .split()
          .branch((_k, o) => o.region === "north", "north")
          .noDefaultBranch();
        expect(Object.keys(branches)).toEqual(["north"]);
        branches["north"]?.to("north", { value: jsonSerde() });
      },
      [{ value: { id: 1, amount: 1, region: "north" } }, { value: { id: 2, amount: 1, region: "south" } }],
    );
    expect(driver.readOutput("north").map((m) => (parse(m.value) as Order).id)).toEqual([1]);
  });

  it("a stream with several children feeds each of them, in declaration order", async () => {
    const driver = await run(
      (b) => {
        const s = b.stream<Buffer, Order>("in", { value: jsonSerde() });
        s.to("copy-1", { value: jsonSerde() });
        s.toStore("db");
        s.to("copy-2", { value: jsonSerde() });
      },
      [{ value: { id: 1, amount: 1 } }],
    );
    expect(driver.readOutput("copy-1")).toHaveLength(1);
    expect(driver.readOutput("copy-2")).toHaveLength(1);
    expect(driver.readStore("db").map((r) => r.value)).toEqual([{ id: 1, amount: 1 }]);
  });

  it("to() serialises the value it receives with its own value serde", async () => {
    const calls: unknown[] = [];
    const driver = await run(
      (b) =>
        b
          .stream<Buffer, Order>("in", { value: jsonSerde() })
          .mapValues((o) => o.id)
          .to("out", {
            value: {
              serialize: (v) => {
                calls.push(v);
                return Buffer.from(String(v));
              },
              deserialize: () => 0,
            },
          }),
      [{ value: { id: 9, amount: 1 } }],
    );
    expect(calls).toEqual([9]);
    expect(driver.readOutput("out")[0]?.value.toString()).toBe("9");
  });
});
