/**
 * UK postcodes are OUTWARD (area + district) then INWARD (sector digit + unit letters). The inward code is always
 * digit-letter-letter, so the outward code is found by structure: whatever precedes the last three characters,
 * validated against the outward patterns. Cutting a fixed number of characters would be wrong for `M1 1AE`
 * (district M1) versus `SW1A 1AA` (district SW1A).
 */

const POSTCODE = /^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9])([A-Z]{2})$/;
const GIRO = "GIR0AA";

export interface ParsedPostcode {
  readonly outward: string;
  readonly sector: string;
}

export function parsePostcode(raw: string): ParsedPostcode | null {
  if (raw.length > 16) return null;
  const compact = raw.replace(/\s/g, "").toUpperCase();
  if (compact === GIRO) return { outward: "GIR", sector: "GIR 0" };
  const m = POSTCODE.exec(`${compact.slice(0, -3)} ${compact.slice(-3)}`);
  if (m === null) return null;
  const outward = m[1] as string;
  return { outward, sector: `${outward} ${m[2]}` };
}

/** Postcode district (outward code), e.g. `SW1A 1AA` → `SW1A`; null when not a UK postcode. */
export function postcodeDistrict(raw: string): string | null {
  return parsePostcode(raw)?.outward ?? null;
}

/** Postcode sector, e.g. `SW1A 1AA` → `SW1A 1`; null when not a UK postcode. */
export function postcodeSector(raw: string): string | null {
  return parsePostcode(raw)?.sector ?? null;
}
