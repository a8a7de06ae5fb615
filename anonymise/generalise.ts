/** Date and age generalisation. Dates are Avro `date` values: whole days since 1970-01-01 (UTC). */

export const MS_PER_DAY = 86_400_000;

function utc(days: number): Date {
  return new Date(days * MS_PER_DAY);
}

export function yearOf(days: number): number {
  return utc(days).getUTCFullYear();
}

/** `YYYY-MM`: keeps seasonality without the day. */
export function monthOf(days: number): string {
  const d = utc(days);
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
}

/** Completed years between a date of birth and a reference date (birthday not yet reached → one less). */
export function ageInYears(birthDays: number, referenceDays: number): number {
  const b = utc(birthDays);
  const r = utc(referenceDays);
  let age = r.getUTCFullYear() - b.getUTCFullYear();
  const beforeBirthday =
    r.getUTCMonth() < b.getUTCMonth() ||
    (r.getUTCMonth() === b.getUTCMonth() && r.getUTCDate() < b.getUTCDate());
  if (beforeBirthday) age--;
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
