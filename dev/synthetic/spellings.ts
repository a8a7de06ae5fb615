/**
 * The several ways one identifier is written in free text. The generator uses them to write notes; the tests use
 * the same lists to check that no spelling of a record's identifiers survives anonymisation.
 */

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

export function nhsNumberSpellings(nhs: string): string[] {
  const d = nhs.replace(/\D/g, "");
  return [
    d,
    `${d.slice(0, 3)} ${d.slice(3, 6)} ${d.slice(6)}`,
    `${d.slice(0, 3)}-${d.slice(3, 6)}-${d.slice(6)}`,
  ];
}

/** National and international forms of a GB number written nationally (0...). */
export function phoneSpellings(phone: string): string[] {
  const national = phone.trim();
  const compact = national.replace(/\s/g, "");
  const nsn = compact.slice(1);
  const nsnSpaced = national.slice(1);
  return [national, compact, `+44 ${nsnSpaced}`, `+44${nsn}`, `+44 (0)${nsnSpaced}`, `0044 ${nsnSpaced}`];
}

export function nameSpellings(given: string, family: string): string[] {
  const forms = [given, family, `${given} ${family}`, `${family}, ${given}`];
  return forms.flatMap((f) => [f, f.toUpperCase(), f.toLowerCase()]);
}

export function postcodeSpellings(postcode: string): string[] {
  const spaced = postcode.toUpperCase();
  const compact = spaced.replace(/\s/g, "");
  return [spaced, compact, spaced.toLowerCase(), compact.toLowerCase()];
}

/** A date of birth "YYYY-MM-DD" in common clinical forms. */
export function dateSpellings(iso: string): string[] {
  const [y, m, d] = iso.split("-") as [string, string, string];
  const month = MONTHS[Number(m) - 1] as string;
  const day = String(Number(d));
  return [
    iso,
    `${d}/${m}/${y}`,
    `${d}.${m}.${y}`,
    `${d}-${m}-${y}`,
    `${day} ${month} ${y}`,
    `${day} ${month.slice(0, 3)} ${y}`,
    `${month} ${day}, ${y}`,
  ];
}
