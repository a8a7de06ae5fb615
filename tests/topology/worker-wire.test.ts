import { describe, expect, it } from "vitest";
import type { PreparedRow, StoreRecord } from "../../contracts/stores.ts";
import type { OutgoingMessage } from "../../topology/runtime/materialise.ts";
import type { ConsumedRecord } from "../../topology/runtime/record-processor.ts";
import {
  packMessages,
  packRecords,
  packRows,
  unpackMessages,
  unpackRecords,
  unpackRows,
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

  describe("rows prepared for a store", () => {
    /** Rows of one fresh buffer (a transfer detaches it), and a copy of them to compare with afterwards. */
    function prepared(
      keys: ReadonlyArray<string | undefined> = [undefined, "PAT-k1-X", undefined, undefined],
    ) {
      const bytes = new Uint8Array([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
      const row = (start: number, end: number, policy = "1.2.0", key = "k1"): PreparedRow => ({
        bytes,
        start,
        end,
        policy_version: policy,
        key_id: key,
      });
      const records: StoreRecord[] = [
        { key: keys[0], value: row(0, 4), topic: "raw", partition: 2, offset: 2n ** 40n, timestamp: 17n },
        { key: keys[1], value: row(4, 4), topic: "raw", partition: 0, offset: 0n, timestamp: -1n },
        { key: keys[2], value: row(4, 9, "1.3.0"), topic: "other", partition: 1, offset: 5n, timestamp: 0n },
        { key: keys[3], value: row(9, 10), topic: "raw", partition: 2, offset: 6n, timestamp: 1n },
      ];
      const copy = Uint8Array.from(bytes);
      const expected = records.map((r) => ({ ...r, value: { ...(r.value as PreparedRow), bytes: copy } }));
      return { bytes, records, expected, row };
    }

    it("carries them across intact: positions, keys, row bounds, stamps, one buffer for every row", () => {
      const { bytes, records, expected } = prepared();
      const packed = packRows(records);
      if (packed === undefined) throw new Error("not packed");
      // The rows' own buffer is not listed: whoever prepared the rows transfers it.
      expect(packed.transfer).not.toContain(bytes.buffer);
      expect(packed.packed.keys).toEqual([undefined, "PAT-k1-X", undefined, undefined]);
      expect(packed.packed.stamps).toEqual([
        ["1.2.0", "k1"],
        ["1.3.0", "k1"],
      ]);
      const back = unpackRows(acrossThreads(packed.packed, [...packed.transfer, bytes.buffer]));
      expect(back).toEqual(expected);
      expect(new Set(back.map((r) => (r.value as PreparedRow).bytes)).size).toBe(1);
    });

    it("has no key list when no record has a key", () => {
      const { records, expected } = prepared([undefined, undefined, undefined, undefined]);
      const packed = packRows(records);
      if (packed === undefined) throw new Error("not packed");
      expect(packed.packed.keys).toBeUndefined();
      expect(unpackRows(acrossThreads(packed.packed, packed.transfer))).toEqual(expected);
    });

    it("refuses more distinct stamps or topics than its indexes hold, rather than wrap", () => {
      const { records, row } = prepared();
      const first = records[0] as StoreRecord;
      const stamps = Array.from({ length: 0x10001 }, (_, i) => ({ ...first, value: row(0, 1, `v${i}`) }));
      expect(() => packRows(stamps)).toThrow(RangeError);
      const topics = Array.from({ length: 0x10001 }, (_, i) => ({ ...first, topic: `t${i}` }));
      expect(() => packRows(topics)).toThrow(RangeError);
    });

    it("leaves records alone unless every value is a row of one and the same buffer", () => {
      const { records, row } = prepared();
      const first = records[0] as StoreRecord;
      expect(packRows([])).toBeUndefined();
      expect(packRows([...records, { ...first, value: { plain: true } }])).toBeUndefined();
      expect(packRows([{ ...first, value: "text" }, ...records])).toBeUndefined();
      const elsewhere = { ...row(0, 1), bytes: new Uint8Array(1) };
      expect(packRows([...records, { ...first, value: elsewhere }])).toBeUndefined();
    });
  });
});
