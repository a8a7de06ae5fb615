import { createHmac, randomBytes } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createPseudonymiser, normaliseNhsNumber, parseKeyring } from "../../anonymise/index.ts";
import { BYPASS_WINDOWS, CACHE_WINDOW, MIN_HIT_SHARE } from "../../anonymise/pseudonymise.ts";
import { keyring } from "./helpers.ts";

const TOKEN = /^PAT-k1-[A-Z2-7]{26}$/;

describe("pseudonymise", () => {
  it("is deterministic per key and shaped PREFIX-keyId-base32 (property)", () => {
    const a = createPseudonymiser(keyring, 0);
    const b = createPseudonymiser(keyring, 100);
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (v) => {
        const t = a.token("PAT", v);
        expect(t).toMatch(TOKEN);
        expect(b.token("PAT", v)).toBe(t);
        expect(b.token("PAT", v)).toBe(t);
      }),
    );
  });

  it("gives one token for every spelling of an NHS number", () => {
    const p = createPseudonymiser(keyring, 0);
    const tokens = ["943 476 5919", "9434765919", "943-476-5919"].map((s) =>
      p.token("NHS", normaliseNhsNumber(s)!),
    );
    expect(new Set(tokens).size).toBe(1);
  });

  it("separates domains: the same value under two prefixes gives unrelated tokens", () => {
    const p = createPseudonymiser(keyring, 0);
    const pat = p.token("PAT", "9434765919").split("-")[2];
    const nhs = p.token("NHS", "9434765919").split("-")[2];
    expect(pat).not.toBe(nhs);
  });

  it("distinct identifiers get distinct tokens (property)", () => {
    const p = createPseudonymiser(keyring, 0);
    fc.assert(
      fc.property(fc.string(), fc.string(), (x, y) => {
        fc.pre(x !== y);
        expect(p.token("PAT", x)).not.toBe(p.token("PAT", y));
      }),
    );
  });

  it("key rotation: a new active key gives new tokens carrying the new key id", () => {
    const text = JSON.parse(
      JSON.stringify({ active: "k1", keys: { k1: randomBytes(32).toString("base64") } }),
    );
    const before = createPseudonymiser(parseKeyring(JSON.stringify(text)), 0);
    const rotated = createPseudonymiser(
      parseKeyring(
        JSON.stringify({ active: "k2", keys: { ...text.keys, k2: randomBytes(32).toString("base64") } }),
      ),
      0,
    );
    const t1 = before.token("PAT", "RX11234567");
    const t2 = rotated.token("PAT", "RX11234567");
    expect(t1.startsWith("PAT-k1-")).toBe(true);
    expect(t2.startsWith("PAT-k2-")).toBe(true);
    expect(t1.slice(7)).not.toBe(t2.slice(7));
  });

  it("date shift is per subject, bounded, never zero (property)", () => {
    const p = createPseudonymiser(keyring, 10);
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.integer({ min: 1, max: 400 }), (subject, max) => {
        const s = p.dateShiftDays(subject, max);
        expect(s).not.toBe(0);
        expect(Math.abs(s)).toBeLessThanOrEqual(max);
        expect(Number.isInteger(s)).toBe(true);
        expect(p.dateShiftDays(subject, max)).toBe(s);
      }),
    );
  });

  it("date shifts cover both directions across patients", () => {
    const p = createPseudonymiser(keyring, 0);
    const shifts = Array.from({ length: 2000 }, (_, i) => p.dateShiftDays(`PAT-k1-${i}`, 180));
    expect(Math.min(...shifts)).toBeLessThan(-150);
    expect(Math.max(...shifts)).toBeGreaterThan(150);
  });

  it("the token cache counts hits and misses and returns the same tokens", () => {
    const p = createPseudonymiser(keyring, 2);
    const t = p.token("PAT", "a");
    p.token("PAT", "a");
    p.token("PAT", "b");
    p.token("PAT", "c");
    expect(p.token("PAT", "a")).toBe(t);
    expect(p.cacheStats()).toMatchObject({ hits: 1, capacity: 2 });
    expect(p.cacheStats().size).toBeLessThanOrEqual(2);
  });

  it("gives the known tokens and shifts for a fixed key, with or without the cache (format is stable)", () => {
    const fixed = parseKeyring(
      JSON.stringify({ active: "k7", keys: { k7: Buffer.alloc(32, 7).toString("base64") } }),
    );
    for (const size of [0, 10]) {
      const p = createPseudonymiser(fixed, size);
      expect(p.token("PAT", "RX11234567")).toBe("PAT-k7-WPIIZVVUCJLJ2SVWOHQDWJTTJO");
      expect(p.token("NHS", "9990001234")).toBe("NHS-k7-GSKQ2RKOPVNYTYPAIH4NXZT5HH");
      expect(p.token("REC", "3f1e2d4c-0000-4000-8000-000000000001")).toBe(
        "REC-k7-SCCYSULPE6GYXDGANABBMOYEQR",
      );
      expect(p.dateShiftDays("NHS-k7-GSKQ2RKOPVNYTYPAIH4NXZT5HH", 180)).toBe(96);
      expect(p.dateShiftDays("x", 30)).toBe(-6);
    }
  });

  it("date shifts follow their definition: the first four bytes of HMAC(key, 'DATE-SHIFT:' + subject) (property)", () => {
    const p = createPseudonymiser(keyring, 0);
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.integer({ min: 1, max: 400 }), (subject, max) => {
        const n =
          createHmac("sha256", keyring.activeKey).update(`DATE-SHIFT:${subject}`).digest().readUInt32BE(0) %
          (2 * max);
        expect(p.dateShiftDays(subject, max)).toBe(n < max ? -(n + 1) : n - max + 1);
      }),
      { numRuns: 500 },
    );
  });

  it("pins the token format: PREFIX-keyId- and the base32 of HMAC-SHA-256(key, 'PREFIX:' + value) (property)", () => {
    // Keys shorter than, as long as and longer than SHA-256's 64-byte block (a longer key is hashed first), and
    // long inputs in any script: the token is the base32 of the MAC's first 130 bits, whatever the input.
    for (const bytes of [32, 64, 65, 200]) {
      const material = Buffer.from(Array.from({ length: bytes }, (_, i) => (i * 37 + bytes) & 255));
      const ring = parseKeyring(JSON.stringify({ active: "k2", keys: { k2: material.toString("base64") } }));
      const p = createPseudonymiser(ring, 0);
      const check = (v: string) => {
        const mac = createHmac("sha256", material).update(`PAT:${v}`).digest();
        expect(p.token("PAT", v)).toBe(`PAT-k2-${base32Of(mac).slice(0, 26)}`);
      };
      for (const long of ["é".repeat(1_000), "x".repeat(5_000), "𝔸".repeat(300), "a".repeat(300)])
        check(long);
      check("short after long");
      fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 700, size: "max" }), check), {
        numRuns: 150,
      });
    }
  });

  it("runs a kind without its cache once it hits too rarely to pay, and tries the cache again later", () => {
    const cached = createPseudonymiser(keyring, 64);
    const plain = createPseudonymiser(keyring, 0);
    for (let i = 0; i < CACHE_WINDOW; i++) {
      // Record ids never repeat; eight patients recur.
      expect(cached.token("REC", `record-${i}`)).toBe(plain.token("REC", `record-${i}`));
      expect(cached.token("PAT", `patient-${i % 8}`)).toBe(plain.token("PAT", `patient-${i % 8}`));
    }
    // After one window the record ids' cache is dropped: only the patients' tokens stay.
    expect(cached.cacheStats()).toMatchObject({ hits: CACHE_WINDOW - 8, misses: CACHE_WINDOW + 8, size: 8 });
    // Without its cache for BYPASS_WINDOWS windows, a record id is computed every time, even one that repeats.
    for (let i = 0; i < BYPASS_WINDOWS * CACHE_WINDOW; i++) {
      expect(cached.token("REC", `again-${i % 4}`)).toBe(plain.token("REC", `again-${i % 4}`));
    }
    expect(cached.cacheStats()).toMatchObject({ hits: CACHE_WINDOW - 8, size: 8 });
    // Then the cache is tried again, from empty.
    for (let i = 0; i < 100; i++) cached.token("REC", `again-${i % 4}`);
    expect(cached.cacheStats()).toMatchObject({ hits: CACHE_WINDOW - 8 + 96, size: 12 });
  });

  it("keeps a kind's cache while at least a quarter of its lookups hit, and drops it below that", () => {
    const cached = createPseudonymiser(keyring, 64);
    const plain = createPseudonymiser(keyring, 0);
    // An eighth of LOW's lookups repeat a value, half of HIGH's.
    for (let i = 0; i < CACHE_WINDOW; i++) {
      const low = i % 8 === 0 ? "recurring" : `low-${i}`;
      const high = i % 2 === 0 ? "recurring" : `high-${i}`;
      expect(cached.token("LOW", low)).toBe(plain.token("LOW", low));
      expect(cached.token("HIGH", high)).toBe(plain.token("HIGH", high));
    }
    const hitsAfter = (prefix: string) => {
      const before = cached.cacheStats().hits;
      for (let i = 0; i < 10; i++) cached.token(prefix, "recurring");
      return cached.cacheStats().hits - before;
    };
    expect(hitsAfter("HIGH")).toBe(10);
    expect(hitsAfter("LOW")).toBe(0);
    expect(MIN_HIT_SHARE).toBe(0.25);
  });
});

/** RFC 4648 base32 without padding, written out plainly for the test. */
function base32Of(bytes: Buffer): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const b of bytes) bits += b.toString(2).padStart(8, "0");
  let out = "";
  for (let i = 0; i + 5 <= bits.length; i += 5) out += alphabet[Number.parseInt(bits.slice(i, i + 5), 2)];
  return out;
}
