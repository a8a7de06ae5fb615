/** NHS number rules: 10 digits, the last a modulus-11 check digit (NHS Data Dictionary). */

const NON_DIGIT_SEPARATORS = /[\s-]/g;
const TEN_DIGITS = /^\d{10}$/;

/** Strip the spaces and dashes people type, so `943 476 5919` and `943-476-5919` are one identifier. */
export function normaliseNhsNumber(raw: string): string | null {
  const compact = raw.replace(NON_DIGIT_SEPARATORS, "");
  return TEN_DIGITS.test(compact) ? compact : null;
}

/** The check digit for the first nine digits, or null when the remainder makes it 10 (never issued). */
export function nhsCheckDigit(firstNine: string): number | null {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += (firstNine.charCodeAt(i) - 48) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 11) return 0;
  if (check === 10) return null;
  return check;
}

/** True for ten digits whose last digit is the modulus-11 check digit of the first nine. */
export function isValidNhsNumber(digits: string): boolean {
  if (!TEN_DIGITS.test(digits)) return false;
  const check = nhsCheckDigit(digits.slice(0, 9));
  return check !== null && check === digits.charCodeAt(9) - 48;
}
