import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { civilFromDays, isoDate, isoTimestamp, MS_PER_DAY } from "../../contracts/calendar.ts";

/** Days across the years 0000-9999, all of Date's range, beyond it, and fractional ones. */
const anyDay = fc.oneof(
  fc.integer({ min: -719_528, max: 2_932_896 }),
  fc.integer({ min: -100_000_010, max: 100_000_010 }),
  fc.double({ min: -1e6, max: 1e6, noNaN: true }),
);

describe("calendar arithmetic on day counts", () => {
  it("gives Date's UTC year, month and day (property)", () => {
    fc.assert(
      fc.property(anyDay, (days) => {
        const d = new Date(days * MS_PER_DAY);
        const { year, month, day } = civilFromDays(days);
        expect([year, month, day]).toEqual([d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()]);
      }),
      { numRuns: 3000 },
    );
  });

  it("writes dates and timestamps as toISOString does, where Date can (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: -719_528, max: 2_932_896 }), (days) => {
        expect(isoDate(days)).toBe(new Date(days * MS_PER_DAY).toISOString().slice(0, 10));
      }),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: -62_167_219_200_000, max: 253_402_300_799_999 }),
          fc.integer({ min: -8.64e15, max: 8.64e15 }),
          fc.double({ min: -1e13, max: 1e13, noNaN: true }),
        ),
        (ms) => {
          expect(isoTimestamp(ms)).toBe(new Date(ms).toISOString());
        },
      ),
      { numRuns: 3000 },
    );
    expect(isoDate(0)).toBe("1970-01-01");
    expect(isoTimestamp(-1)).toBe("1969-12-31T23:59:59.999Z");
    expect(isoTimestamp(951_782_400_000)).toBe("2000-02-29T00:00:00.000Z");
  });
});
