import {
  createRecord,
  createRecordsBatch,
  type MessageRecord,
  Reader,
  readRecordsBatch,
} from "@platformatic/kafka";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

/**
 * The Kafka client is patched (patches/, ADR 0007) to write each record of a produced batch into one buffer instead
 * of a buffer per field. The batch must hold the bytes the client's own record writer (`createRecord`, left as
 * published) gives, for any record: keys and values absent, empty or not, headers or none, timestamps before and
 * after the batch's first.
 */

/** The first record starts after the batch header: offset, length, epoch, magic, CRC and the fixed fields. */
const BATCH_HEADER_BYTES = 61;

const bytes = fc.oneof(
  fc.constant(undefined),
  fc.constant(Buffer.alloc(0)),
  fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
);

const message = fc.record({
  key: bytes,
  value: fc.uint8Array({ maxLength: 2_000 }).map((a) => Buffer.from(a)),
  headers: fc.option(
    fc
      .array(
        fc.tuple(
          fc.uint8Array({ minLength: 1, maxLength: 20 }).map((a) => Buffer.from(a)),
          fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)),
        ),
        { maxLength: 4 },
      )
      .map((entries) => new Map(entries)),
    { nil: undefined },
  ),
  timestamp: fc.bigInt({ min: 1_600_000_000_000n, max: 1_900_000_000_000n }),
});

function withoutUndefined(m: {
  key: Buffer | undefined;
  value: Buffer;
  headers: Map<Buffer, Buffer> | undefined;
  timestamp: bigint;
}): MessageRecord {
  const out: MessageRecord = { topic: "t", partition: 0, value: m.value, timestamp: m.timestamp };
  if (m.key !== undefined) out.key = m.key;
  if (m.headers !== undefined) out.headers = m.headers;
  return out;
}

describe("the patched record batch writer", () => {
  it("writes the bytes of the client's own record writer, record by record (property)", () => {
    fc.assert(
      fc.property(fc.array(message, { minLength: 1, maxLength: 30 }), (drawn) => {
        const messages = drawn.map(withoutUndefined);
        const first = messages[0]?.timestamp as bigint;
        const expected = Buffer.concat(messages.map((m, i) => createRecord({ ...m }, i, first).buffer));
        const batch = createRecordsBatch(messages.map((m) => ({ ...m }))).buffer;
        expect(batch.subarray(BATCH_HEADER_BYTES).equals(expected)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("reads back as the records written", () => {
    const messages: MessageRecord[] = [
      { topic: "t", key: Buffer.from("k1"), value: Buffer.from("v1"), timestamp: 1_700_000_000_500n },
      { topic: "t", value: Buffer.alloc(0), timestamp: 1_700_000_000_000n },
      {
        topic: "t",
        key: Buffer.alloc(0),
        value: Buffer.alloc(200, 7),
        headers: new Map([[Buffer.from("h"), Buffer.alloc(0)]]),
        timestamp: 1_700_000_001_000n,
      },
    ];
    const batch = readRecordsBatch(Reader.from(createRecordsBatch(messages.map((m) => ({ ...m })))));
    expect(batch.records.map((r) => [r.offsetDelta, r.timestampDelta, r.key, r.value, r.headers])).toEqual([
      [0, 0n, Buffer.from("k1"), Buffer.from("v1"), []],
      [1, -500n, null, Buffer.alloc(0), []],
      [2, 500n, Buffer.alloc(0), Buffer.alloc(200, 7), [[Buffer.from("h"), Buffer.alloc(0)]]],
    ]);
  });
});
