import { describe, expect, it } from "vitest";
import { deadLetterEverything } from "../../topology/runtime/handlers.ts";
import type { ConsumedRecord } from "../../topology/runtime/record-processor.ts";
import type { StoreRecord } from "../../topology/runtime/store.ts";
import type { WireBatch } from "../../topology/runtime/worker-processing.ts";
import { SliceProcessor } from "../../topology/runtime/worker-slice.ts";
import { packRecords, unpackMessages } from "../../topology/runtime/worker-wire.ts";
import { build } from "./fixtures/worker-topology.ts";

const slice = (values: string[]): ConsumedRecord[] =>
  values.map((v, i) => ({
    topic: "raw",
    partition: 1,
    offset: BigInt(10 + i),
    timestamp: 1n,
    key: undefined,
    value: Buffer.from(v),
    headers: new Map(),
  }));

const options = {
  handlers: deadLetterEverything,
  deadLetterTopic: "dlq",
  deadLetterStore: undefined,
  retry: { initialMs: 1, maxMs: 2 },
};

describe("SliceProcessor (a processing worker's step per slice)", () => {
  it("processes a slice, prepares each store's records and names every buffer to transfer", async () => {
    const counters = new Map<string, number>();
    const prepared = new ArrayBuffer(8);
    const seen: Array<[string, number]> = [];
    const slicer = new SliceProcessor(
      build({ suffix: "!" }, (key, n = 1) => counters.set(key, (counters.get(key) ?? 0) + n)),
      (store: string, records: StoreRecord[]) => {
        seen.push([store, records.length]);
        return {
          records: records.map((r) => ({ ...r, value: `prepared ${String(r.value)}` })),
          transfer: [prepared],
        };
      },
      options,
    );
    const { parts, transfer } = await slicer.process(
      slice(["ab", "bad", "cd"]),
      new AbortController().signal,
      counters,
    );
    expect(parts).toHaveLength(1);
    const batch = parts[0] as WireBatch;

    expect(seen).toEqual([["db", 2]]);
    expect(batch.stores).toEqual([
      [
        "db",
        [
          expect.objectContaining({ offset: 10n, value: "prepared AB!" }),
          expect.objectContaining({ offset: 12n, value: "prepared CD!" }),
        ],
      ],
    ]);
    expect(batch.topicRecords).toBe(2);
    expect(batch.deadLetters).toEqual([
      {
        reason: expect.objectContaining({ code: "ITEM_BAD" }),
        position: { topic: "raw", partition: 1, offset: 11n },
      },
    ]);
    expect(batch.counters).toEqual([["seen:2", 2]]);
    const messages = unpackMessages(batch.messages);
    expect(messages.map((m) => [m.topic, m.value?.toString()])).toEqual([
      ["out", "AB!"],
      ["out", "CD!"],
      ["dlq", "bad"],
    ]);
    expect(transfer).toContain(prepared);
    const { bytes, spans, topicIndex } = batch.messages;
    const messageBuffers = [bytes.buffer, spans.buffer, topicIndex.buffer];
    expect(transfer).toEqual(expect.arrayContaining(messageBuffers));
  });

  /** A slicer whose prepareStore makes each record a row of `bytes` (with a field `more`), marked as rows or not. */
  const rowsSlicer = (bytes: Uint8Array<ArrayBuffer>, rows: boolean) =>
    new SliceProcessor(
      build({ suffix: "!" }, () => undefined),
      (_store: string, records: StoreRecord[]) => ({
        records: records.map((r, i) => ({
          ...r,
          value: { bytes, start: i, end: i + 1, policy_version: "p", key_id: "k", more: i },
        })),
        transfer: [bytes.buffer],
        rows,
      }),
      options,
    );

  it("packs a store's records into typed arrays when prepareStore marks them as rows of one buffer", async () => {
    const bytes = new Uint8Array(16);
    const { parts, transfer } = await rowsSlicer(bytes, true).process(
      slice(["ab", "bad", "cd"]),
      new AbortController().signal,
      new Map(),
    );
    const batch = parts[0] as WireBatch;
    expect(batch.stores).toEqual([]);
    expect(batch.rows.map(([name, packed]) => [name, packed.count])).toEqual([["db", 2]]);
    const packed = batch.rows[0]?.[1];
    expect([...(packed?.offsets ?? [])]).toEqual([10n, 12n]);
    expect(transfer).toContain(bytes.buffer);
    expect(transfer).toContain(packed?.offsets.buffer);
  });

  it("copies rows that prepareStore does not mark as rows as they are, every field kept", async () => {
    const { parts } = await rowsSlicer(new Uint8Array(16), false).process(
      slice(["ab", "cd"]),
      new AbortController().signal,
      new Map(),
    );
    expect(parts[0]?.rows).toEqual([]);
    expect(parts[0]?.stores).toEqual([
      [
        "db",
        [
          expect.objectContaining({ offset: 10n, value: expect.objectContaining({ more: 0 }) }),
          expect.objectContaining({ offset: 11n, value: expect.objectContaining({ more: 1 }) }),
        ],
      ],
    ]);
  });

  it("leaves store records as they are without prepareStore", async () => {
    const slicer = new SliceProcessor(
      build({ suffix: "" }, () => undefined),
      undefined,
      options,
    );
    const { parts, transfer } = await slicer.process(slice(["x"]), new AbortController().signal, new Map());
    expect(parts[0]?.stores).toEqual([["db", [expect.objectContaining({ value: "X" })]]]);
    expect(transfer.length).toBeGreaterThan(0);
    expect(transfer.every((b) => b instanceof ArrayBuffer)).toBe(true);
  });

  it("cuts a slice into parts in order, each with its own outputs, counters and transferred buffers", async () => {
    const counters = new Map<string, number>();
    const prepared: ArrayBuffer[] = [];
    const slicer = new SliceProcessor(
      build({ suffix: "!" }, (key, n = 1) => counters.set(key, (counters.get(key) ?? 0) + n)),
      (_store: string, records: StoreRecord[]) => {
        prepared.push(new ArrayBuffer(records.length));
        return { records, transfer: prepared.slice(-1) };
      },
      options,
      2,
    );
    const { parts, transfer } = await slicer.process(
      slice(["ab", "bad", "cde", "f", "gh"]),
      new AbortController().signal,
      counters,
    );

    expect(parts.map((p) => unpackMessages(p.messages).map((m) => m.value?.toString()))).toEqual([
      ["AB!", "bad"],
      ["CDE!", "F!"],
      ["GH!"],
    ]);
    expect(parts.map((p) => p.topicRecords)).toEqual([1, 2, 1]);
    expect(parts.map((p) => p.deadLetters.map((d) => d.position.offset))).toEqual([[11n], [], []]);
    expect(parts.map((p) => (p.stores[0]?.[1] ?? []).map((r) => r.offset))).toEqual([
      [10n],
      [12n, 13n],
      [14n],
    ]);
    expect(parts.map((p) => p.counters)).toEqual([
      [["seen:2", 1]],
      [
        ["seen:3", 1],
        ["seen:1", 1],
      ],
      [["seen:2", 1]],
    ]);
    expect(counters.size).toBe(0);
    for (const p of parts) expect(transfer).toContain(p.messages.bytes.buffer);
    expect(prepared).toHaveLength(3);
    expect(transfer).toEqual(expect.arrayContaining(prepared));

    // Packed as the pool sends them, the same records give the same parts (unpacked one part at a time).
    const packed = await slicer.process(
      packRecords(slice(["ab", "bad", "cde", "f", "gh"])).packed,
      new AbortController().signal,
      counters,
    );
    expect(packed.parts.map((p) => unpackMessages(p.messages).map((m) => m.value?.toString()))).toEqual([
      ["AB!", "bad"],
      ["CDE!", "F!"],
      ["GH!"],
    ]);
    expect(packed.parts.map((p) => p.deadLetters.map((d) => d.position.offset))).toEqual([[11n], [], []]);
  });
});
