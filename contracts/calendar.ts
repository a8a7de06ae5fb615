/**
 * Calendar arithmetic on day counts (days since 1970-01-01, Avro's `date`), without a Date object per value: the
 * anonymiser generalises dates, several per record. Results agree with Date's UTC getters across their range (tests
 * check them against Date).
 */

export const MS_PER_DAY = 86_400_000;

/** Days within Date's range (±100,000,000); beyond it Date's fields are NaN, and so are civilFromDays's. */
const MAX_DATE_DAYS = 100_000_000;

/** The civil date of the last civilFromDays call: one object, reused, so a call allocates nothing. */
export interface CivilDate {
  year: number;
  /** 1-12 */
  month: number;
  /** 1-31 */
  day: number;
}

const civil: CivilDate = { year: 0, month: 0, day: 0 };

/**
 * The proleptic Gregorian date `days` after 1970-01-01, as Date's UTC getters give it, by integer arithmetic
 * (H. Hinnant's days-to-civil algorithm: 400-year eras of 146,097 days, years starting on 1 March so that the leap
 * day comes last). The result is shared: read it before the next call.
 */
export function civilFromDays(days: number): Readonly<CivilDate> {
  if (!Number.isInteger(days) || Math.abs(days) > MAX_DATE_DAYS) {
    const d = new Date(days * MS_PER_DAY);
    civil.year = d.getUTCFullYear();
    civil.month = d.getUTCMonth() + 1;
    civil.day = d.getUTCDate();
    return civil;
  }
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  civil.day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  civil.month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  civil.year = yearOfEra + era * 400 + (civil.month <= 2 ? 1 : 0);
  return civil;
}
