import { murmur2 as clientMurmur2, compatibilityPartitioner } from "@platformatic/kafka";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { keyPartitioner, murmur2 } from "../../topology/runtime/partitioner.ts";

describe("keyPartitioner", () => {
  it("gives Kafka's murmur2 of known keys (values from the Java client's own tests)", () => {
    // org.apache.kafka.common.utils.UtilsTest#testMurmur2
    const cases: Array<[string, number]> = [
      ["21", -973932308],
      ["foobar", -790332482],
      ["a-little-bit-long-string", -985981536],
      ["a-little-bit-longer-string", -1486304829],
      ["lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971],
      ["abc", 479470107],
    ];
    for (const [key, hash] of cases) expect(murmur2(Buffer.from(key))).toBe(hash);
  });

  it("picks the partition the client's compatibility partitioner picks, for any key (property)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        const key = Buffer.from(bytes);
        expect(murmur2(key)).toBe(clientMurmur2(key));
        expect(keyPartitioner(undefined, key)).toBe(compatibilityPartitioner(undefined as never, key));
      }),
      { numRuns: 2000 },
    );
    expect(keyPartitioner(undefined, undefined)).toBe(0);
  });
});
