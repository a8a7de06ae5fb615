import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LruCache } from "../../anonymise/lru.ts";

type Op = { kind: "set"; key: string; value: number } | { kind: "get"; key: string };

const keys = fc.oneof(
  fc.constantFrom("a", "b", "c", "", "NHS-k1-AAAA", "9990000018"),
  fc.string({ maxLength: 12 }),
  fc.integer({ min: 0, max: 40 }).map((n) => `key-${n}`),
  // Longer than 16: hashed on the length and the first and last eight characters, so these share one hash.
  fc.integer({ min: 0, max: 40 }).map((n) => `12 Mill Road ${n}, Nowhere`),
);
const ops = fc.array(
  fc.oneof(
    fc.record({ kind: fc.constant("set" as const), key: keys, value: fc.integer() }),
    fc.record({ kind: fc.constant("get" as const), key: keys }),
  ),
  { maxLength: 300 },
);

describe("LruCache", () => {
  it("returns only the value last set for a key, and keeps every key used within the last capacity / 2 insertions", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 24 }), ops, (capacity, list: Op[]) => {
        const cache = new LruCache<number>(capacity);
        const last = new Map<string, number>();
        /** The insertion count when each key was last set or found. */
        const touched = new Map<string, number>();
        /**
         * Insertions so far, counting every hit as one too (a hit in the old generation re-inserts its key): at
         * least as many as the cache made.
         */
        let insertions = 0;
        const generation = Math.max(1, Math.floor(capacity / 2));
        for (const op of list) {
          if (op.kind === "set") {
            cache.set(op.key, op.value);
            last.set(op.key, op.value);
            touched.set(op.key, ++insertions);
          } else {
            const got = cache.get(op.key);
            if (got !== undefined) {
              expect(got).toBe(last.get(op.key));
              touched.set(op.key, ++insertions);
            } else if (last.has(op.key)) {
              expect(insertions - (touched.get(op.key) as number)).toBeGreaterThanOrEqual(generation);
            }
          }
          // Two generations of capacity / 2 (one each when the capacity is 1).
          expect(cache.size).toBeLessThanOrEqual(2 * generation);
        }
      }),
    );
  });

  it("finds every key of two full generations, whose tables are half full and so probe past collisions", () => {
    const all = Array.from({ length: 64 }, (_, i) => `key-${i * 64}`);
    const filled = () => {
      const cache = new LruCache<string>(64);
      for (const k of all) cache.set(k, `v:${k}`);
      return cache;
    };
    expect(filled().size).toBe(64);
    // A fresh cache for each key: a hit in the old generation promotes its key and may end that generation.
    for (const k of all) expect(filled().get(k)).toBe(`v:${k}`);
    expect(filled().get("key-absent")).toBeUndefined();
  });

  it("keeps apart long keys that share their length and first and last eight characters (one hash)", () => {
    const same = Array.from({ length: 40 }, (_, i) => `PAT-k1-${String(i).padStart(4, "0")}XXXXXXXXXXXXXXXX`);
    const cache = new LruCache<number>(200);
    for (const [i, k] of same.entries()) cache.set(k, i);
    for (const [i, k] of same.entries()) expect(cache.get(k)).toBe(i);
    expect(cache.get(`PAT-k1-9999XXXXXXXXXXXXXXXX`)).toBeUndefined();
    expect(cache.size).toBe(40);
  });

  it("keeps every entry while its table grows from a few slots to a generation's", () => {
    const cache = new LruCache<number>(1000);
    const keys = Array.from({ length: 500 }, (_, i) => `NHS-k1-${(i * 2654435761) >>> 0}`);
    for (const [i, k] of keys.entries()) cache.set(k, i);
    // All in the young generation: hits there insert nothing, so every key must still be found.
    for (const [i, k] of keys.entries()) expect(cache.get(k)).toBe(i);
    expect(cache.size).toBe(500);
    const more = Array.from({ length: 500 }, (_, i) => `more-${i}`);
    for (const [i, k] of more.entries()) cache.set(k, i);
    for (const [i, k] of more.entries()) expect(cache.get(k)).toBe(i);
  });

  it("counts hits and misses, and holds nothing at capacity 0 or after clear", () => {
    const none = new LruCache<number>(0);
    none.set("a", 1);
    expect(none.get("a")).toBeUndefined();
    expect(none.size).toBe(0);
    const cache = new LruCache<number>(8);
    cache.set("a", 1);
    expect(cache.get("a")).toBe(1);
    expect(cache.get("b")).toBeUndefined();
    expect({ hits: cache.hits, misses: cache.misses }).toEqual({ hits: 1, misses: 1 });
    cache.clear();
    expect(cache.get("a")).toBeUndefined();
    expect(cache.size).toBe(0);
  });
});
