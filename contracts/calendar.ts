/**
 * Calendar arithmetic on day counts (days since 1970-01-01, Avro's `date`), without a Date object per value: the
 * anonymiser generalises dates and the sink writes them, several per record. Results agree with Date's UTC getters
 * and toISOString across their range (tests check them against Date).
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

function two(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}

/** `YYYY-MM-DD` of a civil date of years 0 to 9999. */
function dayText(c: Readonly<CivilDate>): string {
  return `${String(c.year).padStart(4, "0")}-${two(c.month)}-${two(c.day)}`;
}

/** `YYYY-MM-DD` of a day count, as `new Date(days * MS_PER_DAY).toISOString().slice(0, 10)` writes it. */
export function isoDate(days: number): string {
  const c = civilFromDays(days);
  if (c.year < 0 || c.year > 9999) return new Date(days * MS_PER_DAY).toISOString().slice(0, 10);
  return dayText(c);
}

/** A time of day, as clockOf gives it. */
export interface ClockTime {
  hours: number;
  minutes: number;
  seconds: number;
  millis: number;
}

const clock: ClockTime = { hours: 0, minutes: 0, seconds: 0, millis: 0 };

/**
 * The time of day `ms` milliseconds after a midnight (an integer from 0 to one day less 1). The result is shared:
 * read it before the next call.
 */
export function clockOf(ms: number): Readonly<ClockTime> {
  let rest = ms;
  clock.millis = rest % 1000;
  rest = (rest - clock.millis) / 1000;
  clock.seconds = rest % 60;
  rest = (rest - clock.seconds) / 60;
  clock.minutes = rest % 60;
  clock.hours = (rest - clock.minutes) / 60;
  return clock;
}

/** `YYYY-MM-DDTHH:mm:ss.sssZ` of epoch milliseconds, as `new Date(ms).toISOString()` writes it. */
export function isoTimestamp(ms: number): string {
  const days = Math.floor(ms / MS_PER_DAY);
  const c = civilFromDays(days);
  if (!Number.isInteger(ms) || c.year < 0 || c.year > 9999) return new Date(ms).toISOString();
  const day = dayText(c);
  const t = clockOf(ms - days * MS_PER_DAY);
  const frac = t.millis < 10 ? `00${t.millis}` : t.millis < 100 ? `0${t.millis}` : `${t.millis}`;
  return `${day}T${two(t.hours)}:${two(t.minutes)}:${two(t.seconds)}.${frac}Z`;
}
