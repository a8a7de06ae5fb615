import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ageBand,
  ageInYears,
  monthOf,
  parsePostcode,
  postcodeDistrict,
  postcodeSector,
  yearOf,
} from "../../anonymise/index.ts";

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;

describe("date generalisation", () => {
  it("keeps year or year-month only", () => {
    expect(yearOf(day("1948-06-12"))).toBe(1948);
    expect(monthOf(day("1948-06-12"))).toBe("1948-06");
  });

  it("computes completed years around birthdays and leap days", () => {
    expect(ageInYears(day("1948-06-12"), day("2025-06-11"))).toBe(76);
    expect(ageInYears(day("1948-06-12"), day("2025-06-12"))).toBe(77);
    expect(ageInYears(day("2000-02-29"), day("2025-02-28"))).toBe(24);
    expect(ageInYears(day("2000-02-29"), day("2025-03-01"))).toBe(25);
  });

  it("gives the calendar Date gives, for every day Date can hold and beyond (property)", () => {
    const viaDate = (days: number) => new Date(days * 86_400_000);
    const anyDay = fc.oneof(
      fc.integer({ min: -800_000, max: 800_000 }),
      fc.integer({ min: -100_000_010, max: 100_000_010 }),
      fc.double({ min: -1e6, max: 1e6, noNaN: true }),
    );
    fc.assert(
      fc.property(anyDay, anyDay, (a, b) => {
        const d = viaDate(a);
        expect(yearOf(a)).toBe(d.getUTCFullYear());
        expect(monthOf(a)).toBe(`${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`);
        const r = viaDate(b);
        let age = r.getUTCFullYear() - d.getUTCFullYear();
        if (
          r.getUTCMonth() < d.getUTCMonth() ||
          (r.getUTCMonth() === d.getUTCMonth() && r.getUTCDate() < d.getUTCDate())
        )
          age--;
        expect(ageInYears(a, b)).toBe(age);
      }),
      { numRuns: 2000 },
    );
  });

  it("bands ages in 5s and top-codes at 90+", () => {
    expect(ageBand(0, 5, 90)).toBe("0-4");
    expect(ageBand(44, 5, 90)).toBe("40-44");
    expect(ageBand(89, 5, 90)).toBe("85-89");
    expect(ageBand(90, 5, 90)).toBe("90+");
    expect(ageBand(104, 5, 90)).toBe("90+");
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 89 }), (age) => {
        const [lo, hi] = ageBand(age, 5, 90).split("-").map(Number) as [number, number];
        expect(age).toBeGreaterThanOrEqual(lo);
        expect(age).toBeLessThanOrEqual(hi);
      }),
    );
  });
});

describe("postcode generalisation by structure", () => {
  it.each([
    ["SW1A 1AA", "SW1A", "SW1A 1"],
    ["sw1a1aa", "SW1A", "SW1A 1"],
    ["M1 1AE", "M1", "M1 1"],
    ["M11AE", "M1", "M1 1"],
    ["B33 8TH", "B33", "B33 8"],
    ["CR2 6XH", "CR2", "CR2 6"],
    ["DN55 1PT", "DN55", "DN55 1"],
    ["W1A 0AX", "W1A", "W1A 0"],
    ["EC1A 1BB", "EC1A", "EC1A 1"],
    [" ls1  4ap ", "LS1", "LS1 4"],
    ["GIR 0AA", "GIR", "GIR 0"],
  ])("%s → district %s, sector %s", (raw, district, sector) => {
    expect(postcodeDistrict(raw)).toBe(district);
    expect(postcodeSector(raw)).toBe(sector);
  });

  it.each(["", "SW1A", "12345", "SW1A 1A", "not a postcode", "ABC1 1AA", "SW1A 1AA EXTRA"])(
    "refuses %j rather than guessing",
    (raw) => {
      expect(parsePostcode(raw)).toBeNull();
    },
  );
});
