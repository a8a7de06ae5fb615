/** Date and age generalisation. Dates are Avro `date` values: whole days since 1970-01-01 (UTC). */

export const MS_PER_DAY = 86_400_000;

/** The last civil date worked out by `civil` (module scratch: the hot path allocates no Date per field). */
let civilYear = 0;
let civilMonth = 0;
let civilDay = 0;

/** Days within JavaScript's Date range; beyond it, Date gives NaN fields and so does `civil`. */
const MAX_DATE_DAYS = 100_000_000;

/**
 * Sets civilYear, civilMonth (1-12) and civilDay (1-31) to the proleptic Gregorian date `days` after 1970-01-01,
 * as Date's UTC getters give it, by integer arithmetic (H. Hinnant's days-to-civil algorithm: 400-year eras of
 * 146,097 days, years starting on 1 March so that the leap day comes last).
 */
function civil(days: number): void {
  if (!Number.isInteger(days) || Math.abs(days) > MAX_DATE_DAYS) {
    const d = new Date(days * MS_PER_DAY);
    civilYear = d.getUTCFullYear();
    civilMonth = d.getUTCMonth() + 1;
    civilDay = d.getUTCDate();
    return;
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
  civilDay = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  civilMonth = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  civilYear = yearOfEra + era * 400 + (civilMonth <= 2 ? 1 : 0);
}

export function yearOf(days: number): number {
  civil(days);
  return civilYear;
}

/** `YYYY-MM`: keeps seasonality without the day. */
export function monthOf(days: number): string {
  civil(days);
  return `${civilYear}-${civilMonth < 10 ? "0" : ""}${civilMonth}`;
}

/** Completed years between a date of birth and a reference date (birthday not yet reached → one less). */
export function ageInYears(birthDays: number, referenceDays: number): number {
  civil(birthDays);
  const birthYear = civilYear;
  const birthMonth = civilMonth;
  const birthDay = civilDay;
  civil(referenceDays);
  let age = civilYear - birthYear;
  if (civilMonth < birthMonth || (civilMonth === birthMonth && civilDay < birthDay)) age--;
  return age;
}

/**
 * Age band of `width` years, top-coded: everyone at or over `topCode` is `"<topCode>+"` because very old ages
 * are rare enough to identify (the ONS and HIPAA Safe Harbor both top-code at 90).
 */
export function ageBand(age: number, width: number, topCode: number): string {
  if (age >= topCode) return `${topCode}+`;
  const low = Math.floor(age / width) * width;
  return `${low}-${Math.min(low + width - 1, topCode - 1)}`;
}
