import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { civilFromDays, MS_PER_DAY } from "../../contracts/calendar.ts";

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
});
