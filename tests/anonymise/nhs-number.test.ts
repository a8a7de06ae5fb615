import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isValidNhsNumber, nhsCheckDigit, normaliseNhsNumber } from "../../anonymise/index.ts";

const validNhs = fc
  .stringMatching(/^\d{9}$/)
  .filter((nine) => nhsCheckDigit(nine) !== null)
  .map((nine) => `${nine}${nhsCheckDigit(nine)}`);

describe("NHS number", () => {
  it("validates the modulus-11 check digit of known examples", () => {
    expect(isValidNhsNumber("9434765919")).toBe(true);
    expect(isValidNhsNumber("9434765918")).toBe(false);
    expect(isValidNhsNumber("943476591")).toBe(false);
  });

  it("normalises spaces and dashes to one form", () => {
    expect(normaliseNhsNumber("943 476 5919")).toBe("9434765919");
    expect(normaliseNhsNumber("943-476-5919")).toBe("9434765919");
    expect(normaliseNhsNumber(" 9434765919 ")).toBe("9434765919");
    expect(normaliseNhsNumber("943 476 591")).toBeNull();
    expect(normaliseNhsNumber("94347659AB")).toBeNull();
  });

  it("detects every single-digit error (property)", () => {
    fc.assert(
      fc.property(validNhs, fc.nat(9), fc.integer({ min: 1, max: 9 }), (nhs, pos, delta) => {
        expect(isValidNhsNumber(nhs)).toBe(true);
        const d = (Number(nhs[pos]) + delta) % 10;
        const changed = `${nhs.slice(0, pos)}${d}${nhs.slice(pos + 1)}`;
        expect(isValidNhsNumber(changed)).toBe(false);
      }),
    );
  });
});
