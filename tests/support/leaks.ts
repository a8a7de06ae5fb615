import {
  dateSpellings,
  nameSpellings,
  nhsNumberSpellings,
  type PatientRecordJson,
  phoneSpellings,
  postcodeSpellings,
} from "../../dev/synthetic/index.ts";

/**
 * Leak detection shared by the privacy property test and the chaos run: is any spelling of a synthetic record's
 * identifiers present in some output?
 */

/** Keyed pseudonyms ("PAT-k1-…") and placeholders ("[NAME]") are not identifiers: taken out before name searches. */
const TOKEN = /\b[A-Z]{2,5}-[A-Za-z0-9_]{1,16}-[A-Z2-7]{26}\b/g;
const PLACEHOLDER = /\[[A-Z_]{2,20}\]/g;
const WORD = (s: string) =>
  new RegExp(`(?<![\\p{L}\\p{N}])${s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![\\p{L}\\p{N}])`, "iu");

export function withoutTokens(text: string): string {
  return text.replace(TOKEN, "\u0000").replace(PLACEHOLDER, "\u0000");
}

/** Identifier spellings that may not appear anywhere in a record's output, as [field, spelling]. */
function anywhereSpellings(json: PatientRecordJson): Array<[string, string]> {
  const out: Array<[string, string]> = [
    ...nhsNumberSpellings(json.nhs_number).map((s): [string, string] => ["nhs_number", s]),
    ...(json.phone ? phoneSpellings(json.phone).map((s): [string, string] => ["phone", s]) : []),
    ...postcodeSpellings(json.postcode).map((s): [string, string] => ["postcode", s]),
    ["record_id", json.record_id],
    ["patient_id", json.patient_id],
    ["patient_id", json.patient_id.toLowerCase()],
  ];
  if (json.email) out.push(["email", json.email], ["email", json.email.toUpperCase()]);
  return out;
}

/** Spellings searched as whole words in free text (names collide with parts of tokens otherwise). */
function wordSpellings(json: PatientRecordJson): Array<[string, string]> {
  return [
    ...nameSpellings(json.given_name, json.family_name).map((s): [string, string] => ["name", s]),
    ...dateSpellings(json.date_of_birth).map((s): [string, string] => ["date_of_birth", s]),
    ["address_line", json.address_line],
  ];
}

/** Every spelling of every identifier of a record, as [field, spelling]. */
export function identifierSpellings(json: PatientRecordJson): Array<[string, string]> {
  return [...anywhereSpellings(json), ...wordSpellings(json)];
}

/**
 * The fields of `json` some spelling of which survived in its own output: `output` is the whole anonymised record
 * as text, `notes` its free text (searched word by word for names, dates of birth and the address).
 */
export function recordLeaks(json: PatientRecordJson, output: string, notes: string): string[] {
  const problems = new Set<string>();
  for (const [field, s] of anywhereSpellings(json)) if (output.includes(s)) problems.add(field);
  const free = withoutTokens(notes);
  for (const [field, s] of wordSpellings(json)) if (WORD(s).test(free)) problems.add(`${field} (in notes)`);
  if (/QQ ?\d{2} ?\d{2} ?\d{2} ?[A-D]/.test(free)) problems.add("ni_number (in notes)");
  return [...problems];
}

/** Lower-case word sequences of a text: letters, digits and "@" kept, everything else a separator. */
function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}@]+/u)
    .filter(Boolean);
}

const MAX_WORDS = 5;

/**
 * Every identifier of many records at once, for large texts (logs, metrics, headers, tables) where a substring
 * search per spelling would be too slow: texts and spellings are both cut into words, and a spelling is found when
 * its word sequence occurs in the text, case-insensitively (digits also as one run, so "943 476 5919" and
 * "943-476-5919" both match 9434765919). A single name on its own is matched only as written in the record (a
 * proper noun): in lower case or capitals many names are ordinary words or labels of these texts ("name", "field",
 * the scrubber's entity label NAME); full names are matched in any case.
 */
export class IdentifierIndex {
  readonly #needles = new Map<string, string>();
  readonly #names = new Set<string>();

  add(json: PatientRecordJson): void {
    for (const [field, s] of identifierSpellings(json)) {
      const w = words(s);
      if (w.length === 0 || w.length > MAX_WORDS) continue;
      if (field === "name" && w.length === 1) {
        if (s !== s.toLowerCase() && s !== s.toUpperCase() && s.length >= 3) this.#names.add(s);
        continue;
      }
      this.#needles.set(w.join(" "), field);
      if (/^[\d\s()+-]+$/.test(s)) this.#needles.set(s.replace(/\D/g, ""), field);
    }
  }

  get size(): number {
    return this.#needles.size + this.#names.size;
  }

  /** The identifier fields found in `text`, with one example spelling each (the caller decides what to print). */
  scan(text: string): Map<string, string> {
    const found = new Map<string, string>();
    const clean = withoutTokens(text);
    for (const word of clean.split(/[^\p{L}\p{N}]+/u)) {
      if (this.#names.has(word) && !found.has("name")) found.set("name", word);
    }
    const w = words(clean);
    const check = (candidate: string) => {
      const field = this.#needles.get(candidate);
      if (field && !found.has(field)) found.set(field, candidate);
    };
    for (let i = 0; i < w.length; i++) {
      let digits = "";
      for (let n = 1; n <= MAX_WORDS && i + n <= w.length; n++) {
        check(w.slice(i, i + n).join(" "));
        const next = w[i + n - 1]!;
        if (/^\d+$/.test(next) && (n === 1 || digits !== "")) {
          digits += next;
          if (n > 1) check(digits);
        } else digits = "";
      }
    }
    return found;
  }
}
