import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createPseudonymiser, normaliseNhsNumber, parseKeyring } from "../../anonymise/index.ts";
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
});
