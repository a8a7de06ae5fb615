import { describe, expect, it } from "vitest";
import type { OutgoingMessage } from "../../topology/runtime/materialise.ts";
import type { ConsumedRecord } from "../../topology/runtime/record-processor.ts";
import {
  packMessages,
  packRecords,
  unpackMessages,
  unpackRecords,
} from "../../topology/runtime/worker-wire.ts";

/** What a worker thread receives: the message as structured clone delivers it (transferred buffers moved). */
function acrossThreads<T>(value: T, transfer: ArrayBuffer[]): T {
  return structuredClone(value, { transfer });
}

describe("worker wire format", () => {
  it("carries records across intact: positions, keys, values, absent keys and values, headers", () => {
    const records: ConsumedRecord[] = [
      {
        topic: "a",
        partition: 3,
        offset: 2n ** 40n,
        timestamp: 17n,
        key: Buffer.from("k1"),
        value: Buffer.from([0, 1, 255]),
        headers: new Map(),
      },
      {
        topic: "b",
        partition: 0,
        offset: 0n,
        timestamp: 0n,
        key: undefined,
        value: undefined,
        headers: new Map([["h", Buffer.from("x")]]),
      },
      {
        topic: "a",
        partition: 1,
        offset: 5n,
        timestamp: -1n,
        key: Buffer.alloc(0),
        value: Buffer.from("v"),
        headers: new Map(),
      },
    ];
    const { packed, transfer } = packRecords(records);
    const received = acrossThreads(packed, transfer);
    const back = unpackRecords(received);
    expect(back).toEqual(records);
    for (const r of back) if (r.value) expect(Buffer.isBuffer(r.value)).toBe(true);
    // A range of them, as a worker unpacks a slice part by part.
    expect(unpackRecords(received, 1, 3)).toEqual(records.slice(1, 3));
    expect(unpackRecords(received, 2, 10)).toEqual(records.slice(2));
    expect(unpackRecords(received, 3)).toEqual([]);
  });

  it("carries outputs across intact, dead-letter headers and partitions included", () => {
    const messages: OutgoingMessage[] = [
      { topic: "out", key: Buffer.from("p"), value: Buffer.from("avro") },
      {
        topic: "dlq",
        key: undefined,
        value: Buffer.alloc(0),
        headers: new Map([["errors.reason", Buffer.from("CODE")]]),
        partition: 2,
      },
    ];
    const { packed, transfer } = packMessages(messages);
    const back = unpackMessages(acrossThreads(packed, transfer));
    expect(back).toEqual(messages);
    expect(Buffer.isBuffer(back[1]?.headers?.get("errors.reason"))).toBe(true);
  });

  it("packs an empty batch", () => {
    const { packed, transfer } = packRecords([]);
    expect(unpackRecords(acrossThreads(packed, transfer))).toEqual([]);
  });
});
