/** Date and age generalisation. Dates are Avro `date` values: whole days since 1970-01-01 (UTC). */

import { civilFromDays } from "../contracts/calendar.ts";

export function yearOf(days: number): number {
  return civilFromDays(days).year;
}

/** `YYYY-MM`: keeps seasonality without the day. */
export function monthOf(days: number): string {
  const { year, month } = civilFromDays(days);
  return `${year}-${month < 10 ? "0" : ""}${month}`;
}

/** Completed years between a date of birth and a reference date (birthday not yet reached → one less). */
export function ageInYears(birthDays: number, referenceDays: number): number {
  const birth = civilFromDays(birthDays);
  const birthYear = birth.year;
  const birthMonth = birth.month;
  const birthDay = birth.day;
  const reference = civilFromDays(referenceDays);
  let age = reference.year - birthYear;
  if (reference.month < birthMonth || (reference.month === birthMonth && reference.day < birthDay)) age--;
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
