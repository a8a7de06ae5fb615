import { foldString, keyOf } from "./fold.ts";
import { gazetteer } from "./gazetteer.ts";
import { CLINICAL } from "./vocabulary.ts";

/**
 * The ways a note may write the record's own name parts and address, as folded needles (see fold.ts): the
 * folding already makes case, diacritics and transliteration, and hyphen/space/apostrophe/full-stop variants
 * meet; this file adds the renderings folding cannot see: separators dropped ("O'Neill" → "ONeill"), German and
 * Nordic two-letter spellings (ü → ue, ø → oe, å → aa), Gaelic prefixes (Ó/O'/Ua, Mac/Mc/M', Ní/Nic), each part
 * of a name on its own, the house number with the street, and street types written out or abbreviated.
 */

/** Parts that are never matched on their own: particles that are also ordinary words or parts of other names. */
const PARTICLES = new Set([
  "o",
  "ua",
  "ui",
  "mac",
  "mc",
  "m",
  "ni",
  "nic",
  "nig",
  "de",
  "del",
  "della",
  "der",
  "den",
  "van",
  "von",
  "da",
  "das",
  "dos",
  "di",
  "du",
  "la",
  "le",
  "al",
  "el",
  "bin",
  "bint",
  "binti",
  "ibn",
  "ap",
  "ab",
  "ter",
  "st",
]);

/** Patterns used when renderings are built (once per distinct value, memoised by the caller). */
const NAME_SEPARATOR = /['’‘`´-]/gu;
const HAS_NAME_SEPARATOR = /['’‘`´-]/u;
const NAME_PARTS = /[\s\-‐–—'’‘`´]+/u;
const ADDRESS_PARTS = /[,;\n]/;
const APOSTROPHES = /['’‘`´]/gu;
const THREE_LETTERS = /[a-z]{3}/;
const FLAT_WORDS = /\b(?:flat|apartment|apt|unit)\b/g;

/** Any letter TWO_LETTER_SPELLINGS rewrites: a value without one has no other spelling. */
const SPELLED_TWO_WAYS = /[äÄöÖüÜøØåÅ]/;
const TWO_LETTER_SPELLINGS: ReadonlyArray<readonly [RegExp, string]> = [
  [/[äÄ]/g, "ae"],
  [/[öÖ]/g, "oe"],
  [/[üÜ]/g, "ue"],
  [/[øØ]/g, "oe"],
  [/[åÅ]/g, "aa"],
];

/** Ó/O'/Ua before a family name: with an apostrophe or a space, or Ó (or a capital O before a capital) joined. */
const O_PREFIX = /^(?:(?:[OoÓó]|[Uu][AaIiÍí])(?:['’‘`´]\s?|\s)|[Óó]|O(?=\p{Lu}\p{Ll}))(?=\p{L}{2})/u;
/** Mac/Mc/M' before a family name: Mc always; Mac when separated or before a capital ("MacLeod", not "Mackay"). */
const MAC_PREFIX = /^(?:M[Cc]|mc|[Mm]['’‘]|[Mm]ac(?:['’‘\s]|(?=\p{Lu})))\s?(?=\p{L}{2})/u;
const NI_PREFIX = /^(?:ní|ni|nic|nig)\s(?=\p{L}{2})/iu;

const PREFIX_CLASSES: ReadonlyArray<readonly [RegExp, readonly string[]]> = [
  [O_PREFIX, ["o ", "o", "ua "]],
  [MAC_PREFIX, ["mac ", "mac", "mc ", "mc"]],
  [NI_PREFIX, ["ni ", "nic "]],
];

/** The first letters a Gaelic prefix can start with (O, Ó, Ua, Ui; Mac, Mc, M'; Ní, Nic, Nig), in either case. */
const PREFIX_FIRST = /^[OoÓóUuMmNn]/;
const NO_VARIANTS: readonly string[] = [];

/** Gaelic prefix variants of a family name: O'Brien → o brien, obrien, ua brien; McLeod → macleod, mac leod… */
function gaelicVariants(word: string): readonly string[] {
  if (!PREFIX_FIRST.test(word)) return NO_VARIANTS;
  for (const [re, forms] of PREFIX_CLASSES) {
    // The O class is case-sensitive on purpose: "OBrien" is O'Brien, "Olive" and "Omar" are not.
    const m = re.exec(word);
    if (m) return forms.map((f) => f + word.slice(m[0].length));
  }
  return NO_VARIANTS;
}

function withSpellings(value: string): string[] {
  const out = [value];
  if (!SPELLED_TWO_WAYS.test(value)) return out;
  let german = value;
  for (const [re, two] of TWO_LETTER_SPELLINGS) german = german.replace(re, two);
  if (german !== value) out.push(german);
  return out;
}

function addFolded(into: Set<string>, s: string): void {
  const f = foldString(s);
  if (f.length >= 2) into.add(f);
}

/** Folded needles for one name field (given or family name, possibly of several words). */
export function nameRenderings(value: string): string[] {
  const needles = new Set<string>();
  for (const v of withSpellings(value.trim())) {
    addFolded(needles, v);
    // Separators dropped: "O'Neill" → "ONeill", "Smith-Jones" → "SmithJones".
    if (HAS_NAME_SEPARATOR.test(v)) addFolded(needles, v.replace(NAME_SEPARATOR, ""));
    // Gaelic prefixes: a multi-word value ("Ó Súilleabháin", "Nic Dhòmhnaill") or one word ("McDonald").
    for (const g of gaelicVariants(v)) addFolded(needles, g);
    for (const part of v.split(NAME_PARTS)) {
      const folded = foldString(part);
      if (folded.length >= 2 && !PARTICLES.has(folded)) needles.add(folded);
      for (const g of gaelicVariants(part)) addFolded(needles, g);
    }
  }
  return [...needles];
}

/**
 * Listed as nicknames, but not to be looked for as one: a suffix and a name prefix, and words a note uses for other
 * things when written with a capital: kinship words ("Nan", "Nana"), a feeding tube ("Peg"), a day count ("Day 3").
 * Kept short on purpose: a nickname not listed here is looked for.
 */
const NOT_NICKNAMES = new Set(["jr", "mc", "nan", "nana", "ma", "pa", "gran", "sis", "bro", "peg", "day"]);

/** The other names of a name (nicknameRenderings), in two kinds by how a note must write them to count. */
export interface OtherNames {
  /** No English word ("Seun", "Dottie"): matched wherever the note writes them, in any case, as the name is. */
  readonly plain: readonly string[];
  /** Matched where the note writes them with a capital and then small letters ("Dot", "Paddy"). */
  readonly titled: readonly string[];
  /**
   * Among the most common English words (SCOWL level 10: "Will", "Mark"): matched only with a capital and not
   * where a sentence or line starts, where "Will review" is a word.
   */
  readonly midSentence: readonly string[];
}

const MOST_COMMON_LEVEL = 10;

/**
 * Folded nicknames of a given name's parts ("Dorothy" → dot, dottie, dolly; "Patrick" → paddy, pat), one way
 * only: a record holds the name in full, and a note may use a short form; a short form's possible full names are
 * many ("Chris": Christopher, Christine, Crystal…) and would be other people. The parts themselves are left out.
 * Many nicknames are also words ("Pat", "Dot", "Will"): the scrubber matches them only as a note writes a name
 * (scrub-text.ts, findOwn).
 */
export function nicknameRenderings(value: string): OtherNames {
  const { NICKNAMES, WORD_LEVEL } = gazetteer();
  const parts = new Set<string>();
  for (const part of value.trim().split(NAME_PARTS)) {
    const folded = foldString(part);
    if (folded.length >= 2) parts.add(folded);
  }
  const plain = new Set<string>();
  const titled = new Set<string>();
  const midSentence = new Set<string>();
  for (const part of parts) {
    for (const short of shortenedForms(part))
      if (!parts.has(short) && !WORD_LEVEL.has(short)) plain.add(short);
    const others = NICKNAMES.get(part) ?? [];
    const clipped = clippedForm(part);
    // A clip the list lacks counts only as a note writes a name ("Lor!" for Lorcan; not "amb to ward" for Ambrose).
    if (clipped !== undefined && !others.includes(clipped) && !parts.has(clipped) && !CLINICAL.has(clipped))
      ((WORD_LEVEL.get(clipped) ?? 99) <= MOST_COMMON_LEVEL ? midSentence : titled).add(clipped);
    for (const other of others) {
      const folded = foldString(other);
      if (folded.length < 2 || parts.has(folded) || NOT_NICKNAMES.has(folded)) continue;
      const level = WORD_LEVEL.get(folded);
      // Two letters ("Jo", "Al") only as a note writes a name, whatever the word lists say.
      if (level === undefined && folded.length >= 3) plain.add(folded);
      else (level !== undefined && level <= MOST_COMMON_LEVEL ? midSentence : titled).add(folded);
    }
  }
  return { plain: [...plain], titled: [...titled], midSentence: [...midSentence] };
}

const VOWELS = /[aeiouy]/;
const CONSONANTS_VOWELS_CONSONANT = /^[^aeiouy]{1,3}[aeiouy]{1,2}[^aeiouy]/;

/**
 * A given name clipped after its first syllable, the way English shortens names ("Lorcan" → Lor, "Jennifer" → Jen,
 * "Victoria" → Vic): one to three consonants, a vowel or two and one consonant, three letters at least, from a name
 * of six letters or more with a vowel after the clip. Most clips are in the nickname list already; this finds those
 * it lacks.
 */
function clippedForm(part: string): string | undefined {
  if (part.length < 6) return undefined;
  const m = CONSONANTS_VOWELS_CONSONANT.exec(part);
  if (m === null || m[0].length < 3 || !VOWELS.test(part.slice(m[0].length))) return undefined;
  return m[0];
}

/**
 * Yoruba names are often used without their first element ("Oluwaseun" → Seun, "Babatunde" → Tunde, "Adebayo" →
 * Bayo, "Olusegun" → Segun, "Ayodele" → Dele), which no list of English nicknames holds; the longest element that
 * leads the name is dropped.
 */
const LEADING_ELEMENTS = ["oluwa", "olu", "baba", "ade", "ayo"];
/** The first element of an Arabic compound name stands alone ("Abdulrahman" → Abdul). */
const STANDING_ELEMENTS = ["abdul", "abdel"];

/**
 * Short forms of one folded name part made by the rules above: at least three letters left, and no English word
 * (the caller checks: "Adeline" gives no "line").
 */
function shortenedForms(part: string): string[] {
  const out: string[] = [];
  for (const e of LEADING_ELEMENTS)
    if (part.startsWith(e) && part.length - e.length >= 3) {
      out.push(part.slice(e.length));
      break;
    }
  for (const e of STANDING_ELEMENTS) if (part.startsWith(e) && part.length - e.length >= 3) out.push(e);
  return out;
}

/** Street types: the full word, then its abbreviations (Royal Mail style and common ones). */
export const STREET_TYPES: ReadonlyArray<readonly [string, ...string[]]> = [
  ["road", "rd"],
  ["street", "st", "str"],
  ["avenue", "ave", "av"],
  ["close", "cl"],
  ["lane", "ln"],
  ["drive", "dr", "drv"],
  ["crescent", "cres", "cresc", "cr"],
  ["gardens", "gdns", "gdn", "gards"],
  ["place", "pl"],
  ["court", "ct", "crt"],
  ["terrace", "terr", "ter", "tce"],
  ["square", "sq"],
  ["grove", "gr", "gro", "grv"],
  ["park", "pk"],
  ["parade", "pde"],
  ["green", "grn"],
  ["way", "wy"],
  ["walk", "wlk"],
  ["mews", "mws"],
  ["hill", "hl"],
  ["rise", "ri"],
  ["row"],
  ["mount", "mt"],
  ["view", "vw"],
  ["vale"],
  ["gate", "gt"],
  ["heights", "hts"],
  ["boulevard", "blvd"],
  ["broadway", "bdwy"],
  ["esplanade", "esp"],
  ["highway", "hwy"],
  ["approach", "app"],
  ["circus", "circ"],
  ["wharf"],
  ["yard", "yd"],
  ["quay"],
  ["chase"],
  ["meadows", "mdws"],
  ["fields", "flds"],
];

const TYPE_FORMS = new Map<string, readonly string[]>();
for (const forms of STREET_TYPES) for (const f of forms) TYPE_FORMS.set(f, forms);

/**
 * A part of an address that names where someone lives by its kind after its name ("Heatherlea Care Home", "Rosewood
 * Lodge Nursing Home", "Cottam Lane Travellers Site", "c/o Salvation Army Hostel"): the name alone, folded.
 */
const ESTABLISHMENT =
  /^(?:c\/o |c o )?(?<name>.+?) (?:(?:nursing|care|residential|rest|retirement|childrens|group) home|home|hostel|(?:travellers?|gypsy|caravan) (?:site|park)|refuge|supported (?:housing|living))$/;

/** The last word of every kind ESTABLISHMENT ends with: a part without one is no establishment. */
const ESTABLISHMENT_KIND = / (?:home|hostel|site|park|refuge|housing|living)$/;

const HOUSE = /^(?:(?:flat|apartment|apt|unit)\s+\w{1,6}\s+)?(\d{1,5})([a-z])?\s+/;

/** Folded needles for an address line: the whole line, the street with and without the number, every type form. */
export function addressRenderings(value: string): string[] {
  const needles = new Set<string>();
  addFolded(needles, value);
  const parts = value.split(ADDRESS_PARTS);
  // Each part, then the parts that had apostrophes without them ("St John's Road" → "St Johns Road"): a part
  // without one would only give its needles again.
  const withoutApostrophes = parts.map((p) => p.replace(APOSTROPHES, "")).filter((p, i) => p !== parts[i]);
  const { TOWNS } = gazetteer();
  for (const part of [...parts, ...withoutApostrophes]) {
    // A town after the street ("7 Mill Close, Peterborough") is not looked for alone: the town's hospital, its
    // services and its football club are not the patient; the whole line, with the town, still is.
    if (part !== parts[0] && TOWNS.has(keyOf(part))) continue;
    const folded = foldString(part);
    // A part that names nothing on its own ("Flat 3") is not matched alone.
    if (!THREE_LETTERS.test(folded.replace(FLAT_WORDS, ""))) continue;
    needles.add(folded);
    // "Heatherlea Care Home", "c/o Salvation Army Hostel": a note names the place without its kind.
    const named = ESTABLISHMENT_KIND.test(folded) ? ESTABLISHMENT.exec(folded)?.groups?.["name"] : undefined;
    if (named !== undefined && THREE_LETTERS.test(named)) needles.add(named);
    const house = HOUSE.exec(`${folded} `);
    const rest = house ? folded.slice(house[0].length).trim() : folded;
    const words = rest.split(" ").filter((w) => w.length > 0);
    const last = words[words.length - 1];
    const forms = last === undefined ? undefined : TYPE_FORMS.get(last);
    const stems =
      forms === undefined ? [words.join(" ")] : forms.map((f) => [...words.slice(0, -1), f].join(" "));
    const name = forms === undefined ? words : words.slice(0, -1);
    for (const street of stems) {
      // The street on its own only when it names something ("Church Road", not "Road").
      if (name.join("").length >= 3) needles.add(street);
      if (house) {
        const [, number, letter] = house;
        needles.add(`${number} ${street}`);
        if (letter) {
          needles.add(`${number}${letter} ${street}`);
          needles.add(`${number} ${letter} ${street}`);
        }
      }
    }
  }
  return [...needles];
}
