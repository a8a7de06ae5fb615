import { keyOf } from "./fold.ts";
import { gazetteer } from "./gazetteer.ts";
import {
  AFTER_PRONOUN_I,
  CALENDAR,
  CLINICAL,
  COUNTRIES,
  CUE_PHRASES,
  EPONYM_HEADS,
  FILLERS,
  FINDINGS,
  INSTITUTION_EPONYMS,
  isDemonym,
  JOB_TITLES,
  LANGUAGE_CUES,
  LANGUAGE_HEADS,
  LANGUAGES,
  NAME_JOINERS,
  NOT_INITIALS,
  OPENING_WORDS,
  ORG_HEADS,
  PERSON_NOUNS,
  PERSON_VERBS,
  PLACE_HEADS,
  PLACE_LEADS,
  RELATION_MODIFIERS,
  ROLE_NOUNS,
  SERVICE_ABBREVIATIONS,
  SPECIALTIES,
  SPEECH_VERBS,
  STAFF_ROLES,
  TITLES,
  UNLISTED_WORDS,
} from "./vocabulary.ts";

/**
 * Finds people's names in a clinical note without knowing who they are: relatives, carers, neighbours, staff.
 * Rule-based and linear: the note is cut into word tokens once; each token is classified by gazetteer look-ups
 * (folded keys, so case and diacritics do not matter); runs of name-like tokens form candidate groups; a group is
 * a name when the evidence is enough for the note's casing:
 *
 * - a cue before it (a title, a kinship or role word, a verb such as "spoke to", "accompanied by", "lives with")
 *   or after it ("(wife)", ", her son", "rang", "says");
 * - two or more name words together ("Grace Walker", "Oluwaseun Adeyemi"), at least one of them a known name
 *   that is not a common English word;
 * - one known name that is not an English word ("Siobhan", "Nnamdi"), in any case.
 *
 * Common English words that are also names ("Will", "May", "Grace", "Hope", "Mark", "Bill", "Walker") need a
 * capital and a cue or a partner name; clinical words (eponyms, scores, abbreviations, wards) are never names
 * unless a cue names them; a word before "disease", "syndrome", "ward"… is an eponym or a place.
 */

export interface NameSpan {
  readonly start: number;
  readonly end: number;
}

const Shape = { Lower: 0, Capitalised: 1, Upper: 2, Other: 3 } as const;
type Shape = (typeof Shape)[keyof typeof Shape];

/** How much a token looks like a name on its own. */
const Kind = {
  /** Not a name: a common word that is no name, a clinical word, a cue word. */
  None: 0,
  /** In the name gazetteer, but a common English word and not a given name: "Walker", "Brown", "Ward". */
  Weak: 1,
  /** An English given name that is also a common word: "Grace", "Will", "Mark". */
  AmbiguousGiven: 2,
  /** Capitalised, in no gazetteer and no dictionary: "Nnamdi" (only in capitalised text). */
  Unknown: 3,
  /** A known name that is not a common English word: "Siobhan", "Patel", "Kowalczyk". */
  Strong: 4,
} as const;
type Kind = (typeof Kind)[keyof typeof Kind];

interface Token {
  start: number;
  /** End of the name part (a possessive "'s" is left out). */
  end: number;
  key: string;
  /** Gazetteer and vocabulary facts about the key (factsOf). */
  bits: number;
  /** Written with letters beyond ASCII (see WordFacts). */
  accented: boolean;
  /** Keys of the parts of a hyphenated word. */
  parts: readonly string[];
  shape: Shape;
  /** Touches a digit ("NEWS2", "HbA1c", "7B"). */
  digitAdjacent: boolean;
  /** Directly after a slash: a unit ("mmol/mol") or a list of codes. */
  afterSlash: boolean;
  /** Followed directly by a full stop (an initial "J." or an abbreviation). */
  dotAfter: boolean;
  kind: Kind;
}

/** A common English word: SCOWL level up to 50 (levels 55-70 are rare words such as "warfarin"). */
const COMMON_LEVEL = 50;

function isLetter(code: number): boolean {
  if (code < 128) return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
  return LETTER.test(String.fromCharCode(code));
}
const LETTER = /[\p{L}\p{M}]/u;
const UPPER = /\p{Lu}/u;
const LOWER = /\p{Ll}/u;

/** The character after one or two spaces at `at` (NaN when there are none, or more). */
function firstAfterSpaces(text: string, at: number): number {
  if (text.charCodeAt(at) !== 32) return Number.NaN;
  const next = text.charCodeAt(at + 1);
  return next === 32 ? text.charCodeAt(at + 2) : next;
}

function isLowerAscii(code: number): boolean {
  return code >= 97 && code <= 122;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isApostrophe(code: number): boolean {
  return code === 39 || code === 0x2019 || code === 0x2018;
}

function shapeOf(word: string): Shape {
  let upper = 0;
  let lower = 0;
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (c >= 65 && c <= 90) upper++;
    else if (c >= 97 && c <= 122) lower++;
    else if (c >= 128) {
      const ch = word[i] as string;
      if (UPPER.test(ch)) upper++;
      else if (LOWER.test(ch)) lower++;
    }
  }
  if (upper === 0) return Shape.Lower;
  if (lower === 0) return upper >= 2 ? Shape.Upper : Shape.Capitalised;
  const first = word.charCodeAt(0);
  return (first >= 65 && first <= 90) || UPPER.test(word[0] as string) ? Shape.Capitalised : Shape.Other;
}

interface WordFacts {
  readonly key: string;
  readonly bits: number;
  /** Written with letters beyond ASCII ("Huệ", "Łukasz"): English clinical words are not. */
  readonly accented: boolean;
  readonly parts: readonly string[];
  readonly shape: Shape;
}

const ACCENTED = /[\u0080-\uffff]/;
/** The pronoun "I" with a verb ("I'm", "I'll"): the speaker, never a name part. */
const CONTRACTION = /^I['’](?:ve|m|ll|d)$/;

/** Key, parts and shape of a word as written, memoised: words recur from note to note. */
const wordMemo = new Map<string, WordFacts>();

function wordFacts(word: string): WordFacts {
  let w = wordMemo.get(word);
  if (w === undefined) {
    const key = keyOf(word);
    w = {
      key,
      // "I've", "I'm", "I'll", "I'd": the speaker, never part of a name, whatever the gazetteer says of "Ive".
      bits: CONTRACTION.test(word) ? BLOCK_BIT : factsOf(key),
      accented: ACCENTED.test(word),
      parts: word.includes("-") ? word.split("-").map(keyOf) : [],
      shape: shapeOf(word),
    };
    if (wordMemo.size >= 100_000) wordMemo.clear();
    wordMemo.set(word, w);
  }
  return w;
}

/**
 * Token objects are reused from call to call (the engine is synchronous; each worker thread has its own module
 * instance): a note's tokens then cost no garbage. Only the array of the note's tokens is new.
 */
const pool: Token[] = [];
const NO_PARTS: readonly string[] = [];

function tokenAt(n: number): Token {
  let t = pool[n];
  if (t === undefined) {
    t = {
      start: 0,
      end: 0,
      key: "",
      bits: 0,
      parts: [],
      accented: false,
      shape: Shape.Lower,
      digitAdjacent: false,
      afterSlash: false,
      dotAfter: false,
      kind: Kind.None,
    };
    pool.push(t);
  }
  return t;
}

/**
 * Plain ASCII words seen before, in a direct-mapped cache indexed by a hash of their lower-case letters computed
 * while scanning: a word seen before costs one array read and a character comparison, no new string. A slot
 * holds the last word that hashed to it; a miss falls back to factsOf (memoised by key).
 */
const SLOT_BITS = 14;
const slotKeys: string[] = new Array<string>(1 << SLOT_BITS).fill("");
const slotFacts = new Int32Array(1 << SLOT_BITS);

function sameWord(text: string, start: number, end: number, key: string): boolean {
  if (key.length !== end - start) return false;
  for (let j = 0; j < key.length; j++)
    if ((text.charCodeAt(start + j) | 32) !== key.charCodeAt(j)) return false;
  return true;
}

/** Sets the token's key and facts for a plain ASCII word. */
function setPlainWord(t: Token, text: string, start: number, end: number, hash: number): void {
  const slot = hash & ((1 << SLOT_BITS) - 1);
  const cached = slotKeys[slot] as string;
  if (sameWord(text, start, end, cached)) {
    t.key = cached;
    t.bits = slotFacts[slot] as number;
    return;
  }
  const key = text.slice(start, end).toLowerCase();
  const bits = factsOf(key);
  slotKeys[slot] = key;
  slotFacts[slot] = bits;
  t.key = key;
  t.bits = bits;
}

/** Cuts the note into word tokens and measures its casing (see modeOf) in the same pass. */
interface Group {
  first: number;
  end: number;
  name: boolean;
  /** A place, an organisation, a language or an eponym (eponymOrPlace): never a name, even in a list. */
  thing: boolean;
}

/** Candidate groups, reused from note to note like the tokens. */
const groupPool: Group[] = [];
const currentGroups: Group[] = [];

/** The current note's tokens: the same array every call, refilled from the pool (no allocation). */
const current: Token[] = [];
/** All facts bits of the current note's tokens, OR-ed: lets whole passes be skipped when nothing can use them. */
let noteBits = 0;

function tokenise(text: string): Shape {
  noteBits = 0;
  let count = 0;
  let upper = 0;
  let lower = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c0 = text.charCodeAt(i);
    if (c0 < 65 || (c0 > 90 && c0 < 97) || (c0 > 122 && c0 < 128) || (c0 >= 128 && !isLetter(c0))) {
      i++;
      continue;
    }
    const start = i;
    let wordUpper = 0;
    let wordLower = 0;
    let plain = true;
    let hash = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c >= 65 && c <= 90) {
        wordUpper++;
        hash = (hash * 31 + c + 32) | 0;
        i++;
      } else if (c >= 97 && c <= 122) {
        wordLower++;
        hash = (hash * 31 + c) | 0;
        i++;
      } else if (c >= 128 && isLetter(c)) {
        plain = false;
        i++;
      }
      // Internal apostrophes and hyphens: O'Neill, Smith-Jones, Ní; not a trailing one.
      else if ((isApostrophe(c) || c === 45) && i + 1 < n && isLetter(text.charCodeAt(i + 1))) {
        plain = false;
        i++;
      } else break;
    }
    upper += wordUpper;
    lower += wordLower;
    let end = i;
    // Possessive: "Sarah's" is the name "Sarah".
    if (
      end - start > 3 &&
      isApostrophe(text.charCodeAt(end - 2)) &&
      (text[end - 1] === "s" || text[end - 1] === "S")
    )
      end -= 2;
    const t = tokenAt(count++);
    if (plain) {
      // ASCII letters only (most words): the key is the word in lower case, found by a hash of its letters
      // computed while scanning, so a word seen before costs no new string.
      setPlainWord(t, text, start, end, hash);
      t.parts = NO_PARTS;
      t.accented = false;
      t.shape =
        wordUpper === 0
          ? Shape.Lower
          : wordLower === 0
            ? wordUpper >= 2
              ? Shape.Upper
              : Shape.Capitalised
            : (text.charCodeAt(start) as number) <= 90
              ? Shape.Capitalised
              : Shape.Other;
    } else {
      const facts = wordFacts(text.slice(start, end));
      t.key = facts.key;
      t.bits = facts.bits;
      t.parts = facts.parts;
      t.accented = facts.accented;
      t.shape = facts.shape;
    }
    const before = start > 0 ? text.charCodeAt(start - 1) : 32;
    const after = i < n ? text.charCodeAt(i) : 32;
    // A common lower-case word of three letters or more that is nothing to the detector (no name, cue, filler,
    // clinical or place word; short words may belong to a cue such as "c/o") is not kept: later passes skip it,
    // and a gap containing it breaks every cue and name run as before.
    if (t.shape === Shape.Lower && end - start >= 3 && (t.bits & SIGNIFICANT_BITS) === 0) {
      const level = t.bits >> LEVEL_SHIFT;
      if (level !== 0 && level <= COMMON_LEVEL) {
        count--;
        continue;
      }
    }
    noteBits |= t.bits;
    t.start = start;
    t.end = end;
    t.digitAdjacent =
      isDigit(before) || isDigit(after) || (after === 45 && i + 1 < n && isDigit(text.charCodeAt(i + 1)));
    t.afterSlash = before === 47;
    t.dotAfter = after === 46;
    t.kind = Kind.None;
  }
  current.length = 0;
  for (let k = 0; k < count; k++) current.push(pool[k] as Token);
  return modeOf(upper, lower);
}

/** Facts about a key, as bits: one memoised look-up per distinct word instead of a dozen set look-ups per token. */
const NAME_BIT = 1;
const GIVEN_BIT = 2;
/** Clinical, calendar, title, kinship or filler word: never a name part on its own. */
const BLOCK_BIT = 4;
const PERSON_NOUN_BIT = 8;
const TITLE_BIT = 16;
const FILLER_BIT = 32;
const EPONYM_HEAD_BIT = 64;
const PLACE_HEAD_BIT = 128;
const SPEECH_BIT = 256;
const PERSON_VERB_BIT = 512;
const JOINER_BIT = 1024;
const PARTICLE_BIT = 2048;
const CLINICAL_BIT = 4096;
const PHRASE_END_BIT = 8192;
const CALENDAR_BIT = 16384;
const ROLE_BIT = 32768;
/** Any word of a cue phrase ("handed over to"): kept as a token even when it is a common word. */
const PHRASE_WORD_BIT = 65536;
const LANGUAGE_BIT = 131072;
/** A word about speaking ("speaks", "language"): kept as a token so that languageGroup can see it; never a name. */
const LANGUAGE_CUE_BIT = 262144;
/** A country's name (COUNTRIES): a place where the text makes it one (countryPlace). */
const COUNTRY_BIT = 524288;
/** A town or city of the UK or Ireland (the gazetteer's TOWNS): a place, unless a cue makes it a person. */
const TOWN_BIT = 1048576;
const LEVEL_SHIFT = 21;
/** Every bit except the level: a word with none of them is an ordinary word to the detector. */
const SIGNIFICANT_BITS = (1 << LEVEL_SHIFT) - 1;

const facts = new Map<string, number>();

function factsOf(k: string): number {
  let f = facts.get(k);
  if (f === undefined) {
    const sets: ReadonlyArray<readonly [ReadonlySet<string>, number]> = FACT_SETS;
    f = (WORD_LEVEL.get(k) ?? UNLISTED_WORDS.get(k) ?? 0) << LEVEL_SHIFT;
    for (const [set, bit] of sets) if (set.has(k)) f |= bit;
    if (CALENDAR.has(k)) f |= CALENDAR_BIT | BLOCK_BIT;
    // "Punjabi leaflet", "speaks Urdu": a language, though the surname lists have it (eponymOrPlace decides).
    if (LANGUAGES.has(k)) f |= LANGUAGE_BIT;
    if (COUNTRIES.has(k)) f |= COUNTRY_BIT;
    if (LANGUAGE_CUES.has(k)) f |= LANGUAGE_CUE_BIT | BLOCK_BIT;
    // "Specialist", "CAMHS": never a name part, but not a clinical word that would hide the name before it.
    if (JOB_TITLES.has(k) || SERVICE_ABBREVIATIONS.has(k) || SPECIALTIES.has(k) || FINDINGS.has(k))
      f |= BLOCK_BIT;
    if ((f & (CLINICAL_BIT | TITLE_BIT | PERSON_NOUN_BIT | FILLER_BIT)) !== 0) f |= BLOCK_BIT;
    // "St Thomas'", "Royal Free": the first word of a place, never part of a person's name.
    if (k === "st" || k === "saint" || k === "royal") f |= BLOCK_BIT;
    // "Orthogeriatrics", "Neuroradiology", "Physiotherapy": a specialty or service, never a name.
    if (SERVICE_ENDING.test(k)) f |= BLOCK_BIT;
    if (PHRASE_WORDS.has(k)) f |= PHRASE_WORD_BIT;
    const phrases = PHRASES_BY_LAST.get(k);
    if (phrases !== undefined) {
      f |= PHRASE_END_BIT;
      // A one-word cue ("per", "named", "rang") is never itself part of the name it introduces.
      if (phrases.some((p) => p.length === 1)) f |= BLOCK_BIT;
    }
    if (facts.size >= 100_000) facts.clear();
    facts.set(k, f);
  }
  return f;
}

/**
 * `list[i]`, or undefined before its start. An array read at -1 looks up a property named "-1" (through the
 * prototype chain), and a read site that has done so once handles every later read the slow, generic way: the
 * token before a note's first word is asked for often.
 */
function item<T>(list: readonly T[], i: number): T | undefined {
  return i >= 0 ? list[i] : undefined;
}

function has(t: Token | undefined, bit: number): boolean {
  return t !== undefined && (t.bits & bit) !== 0;
}

function levelOf(t: Token): number | undefined {
  const level = t.bits >> LEVEL_SHIFT;
  return level === 0 ? undefined : level;
}

/**
 * One space and a capital letter alone, then a comma, a semicolon, a colon or a bracket (a space before it
 * allowed), or the line's end: what an initial closing a name looks like ("Mehwish K, CNS", "Berit W (post MI)").
 * Not "I", nor "L" and "R", which are sides ("Mrs Quarshie R breast"); a letter before a word stays ("Chinelo B
 * neg", "Mr Adewunmi K 6.1", "T wave").
 */
const INITIAL_AFTER = /[ ][A-HJ-KM-QS-Z](?=[ ]?[,;:()]|\.?[ \t]*(?:\r?\n|$))/uy;

function initialAt(text: string, at: number): boolean {
  INITIAL_AFTER.lastIndex = at;
  return INITIAL_AFTER.test(text);
}

/** O'Brien, McGibson, MacLeod as keys: "obrien", "mcgibson", "macleod". */
const GAELIC_STEM = /^(?:o|mc|mac)(?=[a-z]{3})/;

function classify(t: Token, mode: Shape): Kind {
  const k = t.key;
  if (k.length < 2 || t.digitAdjacent || t.afterSlash || has(t, BLOCK_BIT)) return Kind.None;
  // In mixed-case text a short all-capitals word is an abbreviation (ALI, ED, PE), not a name.
  if (abbreviation(t, mode)) return Kind.None;
  const level = levelOf(t);
  const common = level !== undefined && level <= COMMON_LEVEL;
  const given = has(t, GIVEN_BIT);
  if (given || has(t, NAME_BIT)) {
    // "Huệ", "Tăng": a name whose plain spelling is an English word ("hue", "tang") is still a name as written.
    if (!common || t.accented) return Kind.Strong;
    // A common word in lower case within capitalised prose is that word ("with", "will", "mark").
    if (mode === Shape.Capitalised && t.shape === Shape.Lower) return Kind.None;
    // Without capitals to go by, the commonest words ("present", "back", "will") are never name parts.
    if (mode !== Shape.Capitalised && (level as number) <= 10) return Kind.None;
    return given ? Kind.AmbiguousGiven : Kind.Weak;
  }
  // O'Brien, McGibson, MacLeod: the stem is a name.
  const stem = k.charCodeAt(0) === 111 || k.charCodeAt(0) === 109 ? GAELIC_STEM.exec(k) : null;
  if (stem && NAMES.has(k.slice(stem[0].length)) && !WORD_LEVEL.has(k)) return Kind.Strong;
  // Hyphenated names: every part a name ("Smith-Jones", "Lebsack-Douglas").
  if (
    t.parts.length > 1 &&
    t.parts.every((p) => (NAMES.has(p) || GIVEN.has(p)) && (factsOf(p) & BLOCK_BIT) === 0) &&
    t.parts.some((p) => (WORD_LEVEL.get(p) ?? 99) > COMMON_LEVEL)
  )
    return Kind.Strong;
  if (level === undefined && mode === Shape.Capitalised && t.shape === Shape.Capitalised) return Kind.Unknown;
  // A capitals word in mixed text ("OBANIJESU SALAKO"): a candidate that needs a strong partner or a cue.
  if (level === undefined && mode === Shape.Capitalised && t.shape === Shape.Upper && k.length >= 4)
    return Kind.Unknown;
  return Kind.None;
}

/** "IgA", "IgG", "IgM", "IgE", "IgD": an immunoglobulin, written so, is no name ("Iga" is). */
function immunoglobulin(text: string, t: Token): boolean {
  return (
    text.charCodeAt(t.start) === 73 &&
    text.charCodeAt(t.start + 1) === 103 &&
    "ADEGM".includes(text[t.start + 2] as string)
  );
}

/** Cue phrases by their last word: a token is checked only against the phrases that end with it. */
const PHRASES_BY_LAST = new Map<string, Array<readonly string[]>>();
for (const phrase of CUE_PHRASES) {
  const last = phrase[phrase.length - 1] as string;
  const list = PHRASES_BY_LAST.get(last) ?? [];
  list.push(phrase);
  PHRASES_BY_LAST.set(last, list);
}

const PHRASE_WORDS: ReadonlySet<string> = new Set(CUE_PHRASES.flat());

function endsCuePhrase(tokens: readonly Token[], i: number, text: string): boolean {
  const phrases = PHRASES_BY_LAST.get((tokens[i] as Token).key);
  if (phrases === undefined) return false;
  for (const phrase of phrases) if (phraseEndsAt(tokens, i, phrase, text)) return true;
  return false;
}

/** The gap between two tokens allows a cue to reach across it: spaces, ':', ',', '(', '-', '/' but no sentence end. */
/**
 * Gap patterns are matched in place (sticky, from the end of one token to the start of the next) so checking a
 * gap allocates nothing; `empty` is whether the pattern accepts no gap at all (before the first token).
 */
interface GapPattern {
  readonly re: RegExp;
  readonly empty: boolean;
  /**
   * Whether the pattern takes a gap of one space, for a pattern that matches no letter (LETTER_FREE); undefined for
   * one that may ("'s", "aged"), whose match from the gap can run on into the next word.
   */
  readonly oneSpace: boolean | undefined;
}

/**
 * A pattern's source that can match no letter: no letter in it but in the escapes \s and \d, no "." and no escape
 * that stands for letters (\w, \S, \p{…}).
 */
const LETTER_FREE = /^(?:\\[sd()./-]|[^\\.A-Za-z])*$/;

function gapPattern(re: RegExp): GapPattern {
  // The match must end where the next token starts (a letter), so alternatives are tried until one reaches it.
  const sticky = new RegExp(`(?:${re.source})(?=[\\p{L}\\p{M}])`, `${re.flags.replace("u", "")}uy`);
  const whole = new RegExp(`^(?:${re.source})$`, re.flags);
  // Between two words one space apart, a pattern that matches no letter can end only right after the space (the
  // next word starts with a letter, which it cannot take): the gap alone decides, the same for every such gap.
  const oneSpace = LETTER_FREE.test(re.source) ? whole.test(" ") : undefined;
  return { re: sticky, empty: whole.test(""), oneSpace };
}

/** Whether the text between token `a` and token `a + 1` is all of a match of the pattern. */
function gapIs(pattern: GapPattern, text: string, tokens: readonly Token[], a: number): boolean {
  const left = item(tokens, a);
  const right = tokens[a + 1];
  if (left === undefined || right === undefined) return pattern.empty;
  // Most gaps are one space: answered without running the pattern where the space alone decides.
  if (pattern.oneSpace !== undefined && right.start === left.end + 1 && text.charCodeAt(left.end) === 32)
    return pattern.oneSpace;
  pattern.re.lastIndex = left.end;
  return pattern.re.test(text) && pattern.re.lastIndex === right.start;
}

/** Between a cue and a name: "wife: Jane", "son (Tom)", "friend \"Tommo\"", "called “Gazza”". */
const CUE_GAP = gapPattern(/(?:'s|’s|s'|')?[\s:,(\-–/]{0,6}["“‘]?/);
const NAME_GAP = gapPattern(/ {1,2}|-/);
const GAP_1 = gapPattern(/[\s/-]{1,3}/);
const GAP_2 = gapPattern(/\s{0,3}\(\s{0,3}/);
/** Between an eponym and its head: "Crohn's disease", "Graves' disease", "Hudson mask". */
const EPONYM_GAP = gapPattern(/(?:'s|’s|s'|')?\s{1,2}/i);
const GAP_3 = gapPattern(/\s{1,2}/);
/** Between two items of a list: a comma, a slash or an arrow, spaces. */
const LIST_GAP = gapPattern(/[ ]{0,2}(?:[,/→]|->)[ ]{0,2}/);
const GAP_4 = gapPattern(/\.?\s{1,2}/);
/** After a kinship word: "wife Jane", "son: Tom", "her son, Tom", "mother (Precious)". */
const GAP_5 = gapPattern(/(?:[:,]? {1,2}| {0,2}\( {0,2})["“‘]?/);
const GAP_6 = gapPattern(/ {0,2}\( {0,2}/);
const GAP_7 = gapPattern(/\. {1,2}/);
const GAP_8 = gapPattern(/\s{0,2}[(,–-]\s{0,2}/);
const GAP_9 = gapPattern(/ {1,2}/);
const GAP_10 = gapPattern(/\s{0,2}[,&]\s{0,2}/);
const GAP_11 = gapPattern(/,?\s{1,2}/);
/** After a role word used as a heading: "DN: Robin". */
const ROLE_COLON = gapPattern(/: {1,2}/);

const INTERPRETING: ReadonlySet<string> = new Set([
  "interpreter",
  "interpreters",
  "translator",
  "translators",
]);

/**
 * After a role word, the name follows a space or a colon ("Physio Sanfeng", "DN: Robin"), or stands alone in a
 * bracket ("dietitian (Amber)", "receptionist (Shaz)"); after an interpreter, a bracket holds the language too
 * ("interpreter (Tigrinya, Selam)").
 */
function roleGap(text: string, tokens: readonly Token[], i: number): boolean {
  // "SHO Will review", "FY1 May need": a role and a modal verb, not a name.
  if (gapIs(GAP_9, text, tokens, i) || gradeGap(text, tokens, i)) return notModal(text, tokens, i + 1);
  const interpreter = INTERPRETING.has((tokens[i] as Token).key);
  const next = tokens[i + 1];
  if (next === undefined) return false;
  // 'cellmate "Tonka"': a name in quotes.
  if (gapIs(QUOTE_OPEN, text, tokens, i)) {
    NICKNAME_CLOSE.lastIndex = next.end;
    return NICKNAME_CLOSE.test(text);
  }
  // After a colon a role is often a heading ("Physio: Review in 2/52", "GP: Will see"): only a known given name
  // follows it as a name ("DN: Robin"), or anything after an interpreter ("Interpreter: Amharic, Selam").
  if (gapIs(ROLE_COLON, text, tokens, i))
    return interpreter || (has(next, GIVEN_BIT) && notModal(text, tokens, i + 1));
  if (!gapIs(GAP_2, text, tokens, i)) return false;
  if (interpreter) return true;
  NAME_IN_BRACKET.lastIndex = next.start;
  return NAME_IN_BRACKET.test(text);
}

/** A foundation doctor's year between the role and the name: "fy1 Temitope", "s/b fy1 oyinkan". */
const GRADE_GAP = gapPattern(/\d[ ]{1,2}/);

function gradeGap(text: string, tokens: readonly Token[], i: number): boolean {
  return (tokens[i] as Token).key === "fy" && gapIs(GRADE_GAP, text, tokens, i);
}

/** One or two capitalised words, then the bracket closes. */
const NAME_IN_BRACKET =
  /\p{Lu}\p{Ll}[\p{L}\p{M}'’-]{0,30}(?:[ ]\p{Lu}\p{Ll}[\p{L}\p{M}'’-]{0,30})?[ ]{0,2}\)/uy;

/** The word before a bracket that opens right before a name: "liaison (", "staff member (". */
const WORD_BEFORE_BRACKET = /([A-Za-z]{3,20})[ ]{0,2}\([ ]{0,2}$/;
/** Words for a person at work, besides the job titles, that a name in a bracket may follow. */
const MEMBER_WORDS: ReadonlySet<string> = new Set(["member", "staff", "colleague", "volunteer", "contact"]);

/**
 * A name alone in a bracket after a job title or a word for a member of staff: "drug and alcohol liaison (Declan)", "a
 * staff member (Bex)". Read from the text: the tokens leave out ordinary words ("member").
 */
function nameAfterJobTitle(text: string, tokens: readonly Token[], first: number): boolean {
  const t = tokens[first] as Token;
  if (text.charCodeAt(t.start - 1) !== 40 && text.charCodeAt(t.start - 2) !== 40) return false;
  const m = WORD_BEFORE_BRACKET.exec(text.slice(Math.max(0, t.start - 24), t.start));
  if (m === null) return false;
  const key = (m[1] as string).toLowerCase();
  if (!JOB_TITLES.has(key) && !MEMBER_WORDS.has(key)) return false;
  NAME_IN_BRACKET.lastIndex = t.start;
  return NAME_IN_BRACKET.test(text);
}

function precededByCue(text: string, tokens: readonly Token[], first: number): boolean {
  if (nameAfterJobTitle(text, tokens, first)) return true;
  let i = first - 1;
  let skipped = 0;
  let languages = 0;
  let particles = 0;
  while (i >= 0) {
    const t = tokens[i] as Token;
    if (!gapIs(CUE_GAP, text, tokens, i) && !titleDot(text, tokens, i) && !gradeGap(text, tokens, i))
      return false;
    if (isCueWord(tokens, i, text)) {
      // "interpreter (Tigrinya, Selam)": an interpreter's name may follow a bracket and the language.
      if (INTERPRETING.has(t.key)) return roleGap(text, tokens, i);
      if (languages > 0) return false;
      if (particles > 0) return has(t, TITLE_BIT);
      return !has(t, ROLE_BIT) || (i === first - 1 && roleGap(text, tokens, i));
    }
    if (has(t, LANGUAGE_BIT) && !has(t, FILLER_BIT)) languages++;
    // "Mr van Zyl": particles between a title and the name.
    else if (particleAt(tokens, i) && gapIs(NAME_GAP, text, tokens, i)) particles++;
    else if (!has(t, FILLER_BIT)) return false;
    if (++skipped > 3) return false;
    i--;
  }
  return false;
}

/** Titles written short, whose full stop marks the abbreviation. */
const SHORT_TITLES: ReadonlySet<string> = new Set([
  "mr",
  "mrs",
  "ms",
  "mx",
  "dr",
  "prof",
  "rev",
  "revd",
  "fr",
  "sr",
  "cllr",
  "sgt",
  "insp",
  "pc",
]);

/**
 * "Dr. Brown", "Fr. Dominic": a short title's full stop is not the end of a sentence; a word's is ("his sister.
 * Moved to AMU").
 */
function titleDot(text: string, tokens: readonly Token[], i: number): boolean {
  const t = tokens[i] as Token;
  return has(t, TITLE_BIT) && SHORT_TITLES.has(t.key) && gapIs(GAP_7, text, tokens, i);
}

function phraseEndsAt(tokens: readonly Token[], i: number, phrase: readonly string[], text: string): boolean {
  const from = i - phrase.length + 1;
  if (from < 0) return false;
  for (let j = 0; j < phrase.length; j++) {
    if ((tokens[from + j] as Token).key !== phrase[j]) return false;
    if (j > 0 && !gapIs(GAP_1, text, tokens, from + j - 1)) return false;
  }
  return true;
}

/** An age and sex right after a name: "Edna Cartwright 88F", "ZHANG Wei, 67M", "Tom 4yo". */
const AGE_SEX_AFTER = /,?[ ]{1,2}\d{1,3}[ ]?(?:[MF]|yo|y\/o|yrs?|years?[ -]old)(?![\p{L}\p{N}])/uy;

/** A UK phone number in a bracket right after a name: "Morwenna (07700 900123)", "Idris (tel 0161 496 0000)". */
const PHONE_AFTER =
  /[ ]{0,2}\((?:tel:?|mob:?|mobile:?)?[ ]?(?:\+44[ ]?(?:\(0\))?[ ]?|0)\d(?:[ ]?\d){8,9}\)/uy;

/** Words that may not describe the role in a bracket after a name: "Bisoprolol (per GP)" is no person. */
const NOT_ROLE_MODIFIERS: ReadonlySet<string> = new Set([
  "per",
  "by",
  "from",
  "to",
  "via",
  "with",
  "for",
  "as",
  "at",
  "in",
  "on",
  "of",
  "and",
  "or",
  "not",
  "no",
  "if",
]);

/**
 * A bracket right after a name that says who the person is, the role alone or with a word or two before it: "Liezl
 * (nurse)", "Grace (POA nurse)", "Joy (night RN)", "Mercy (senior carer)", "Shona (practice nurse)", "Bex (dialysis
 * physio)". The role is a kinship or role noun, a staff role, or a nurse or sister; the words before it describe
 * it, and are no preposition ("(per GP)"). Read from the text: the tokens leave out ordinary words ("dialysis").
 */
const BRACKETED_ROLE = /[ ]?\(((?:[A-Za-z][A-Za-z&-]{0,20} ){0,2})([A-Za-z]{2,20})\)/y;

function bracketedRoleAfter(text: string, tokens: readonly Token[], last: number): boolean {
  const end = (tokens[last] as Token).end;
  // Most names have no bracket after them: look for one before reading the words in it.
  if (text.charCodeAt(end) !== 40 && (text.charCodeAt(end) !== 32 || text.charCodeAt(end + 1) !== 40))
    return false;
  BRACKETED_ROLE.lastIndex = end;
  const m = BRACKETED_ROLE.exec(text);
  if (m === null) return false;
  for (const word of (m[1] as string).split(" ")) {
    if (word.length === 0) continue;
    const key = word.toLowerCase();
    if (NOT_ROLE_MODIFIERS.has(key) || (factsOf(key) & (PERSON_NOUN_BIT | TITLE_BIT | FILLER_BIT)) !== 0)
      return false;
  }
  const role = (m[2] as string).toLowerCase();
  return (factsOf(role) & (PERSON_NOUN_BIT | ROLE_BIT)) !== 0 || role === "nurse" || role === "sister";
}

/**
 * What a person is to do, right after a name: "Gethin to drive her in", "Ama will collect him", "Rhodri has agreed
 * to stay". The verbs are things people do for a patient; a clinical subject is not followed by them ("Plan to
 * review", "Dressing to stay" is a thing the tokens never make a name candidate).
 */
const PERSON_ACTION_AFTER =
  /[ ]{1,2}(?:to|will|would|can|could|should|(?:is|are)(?:[ ]going)?[ ]to|(?:has|had)[ ]agreed[ ]to|agreed[ ]to|offered[ ]to)[ ]{1,2}(?:drive|bring|collect|visit|call|ring|phone|come|attend|accompany|pick|stay|help|speak|contact|sit|take|text|email|support|look[ ]after|care[ ]for)\b/y;
/**
 * Arranging things, right after a name: "Opal to arrange transport", "Coral to chase the letter". Tests, drugs and
 * services are arranged too ("Troponin to chase", "Reablement to update"): only after a word the lists hold as a
 * name, of one part ("Follow-up to book" stays).
 */
const ARRANGING_AFTER =
  /[ ]{1,2}(?:to|will)[ ]{1,2}(?:sort|arrange|chase|book|organi[sz]e|liaise|update|inform|join|ask|send)\b/y;

/**
 * A word that is also one of the commonest English words ("Hope", "Will", "Art"), starting a sentence, before an
 * action: the word's own sense ("Hope to call family") is as likely as a name.
 */
function actionAfter(text: string, tokens: readonly Token[], last: number): boolean {
  const t = tokens[last] as Token;
  // Every action starts with a space and a word in small letters: most names are followed by neither.
  if (!isLowerAscii(firstAfterSpaces(text, t.end))) return false;
  PERSON_ACTION_AFTER.lastIndex = t.end;
  if (!PERSON_ACTION_AFTER.test(text)) {
    ARRANGING_AFTER.lastIndex = t.end;
    if (
      !ARRANGING_AFTER.test(text) ||
      !has(t, GIVEN_BIT | NAME_BIT) ||
      t.parts.length > 1 ||
      has(t, CLINICAL_BIT)
    )
      return false;
  }
  if (MODAL_NAMES.has(t.key)) return false;
  const level = levelOf(t);
  return level === undefined || level > 10 || !sentenceStart(text, tokens, last);
}

/** Auxiliaries between a name and a verb only a person does ("has asked", "had said"; not a passive's "was"). */
const AUXILIARIES: ReadonlySet<string> = new Set(["has", "had", "will", "would"]);

/** Where a person comes from: "Kerry from the community team", "Ros from the hospice", "Sue from Social Services". */
const FROM_SERVICE_AFTER =
  /[ ]{1,2}from[ ]{1,2}(?:the[ ]{1,2})?(?:\p{Lu}\p{Ll}|hospice|crisis|council|team|practice|surgery|ward|school|nursery|pharmacy|housing|agency|charity|church|mosque|temple|police|social|ambulance|district|community|home[ ]care|care[ ]agency)/uy;

/** A given name, capitalised, before where the person comes from (not a common word starting a sentence). */
function fromServiceAfter(text: string, tokens: readonly Token[], last: number): boolean {
  const t = tokens[last] as Token;
  if (!has(t, GIVEN_BIT) || t.shape !== Shape.Capitalised || MODAL_NAMES.has(t.key)) return false;
  if (firstAfterSpaces(text, t.end) !== 102) return false;
  FROM_SERVICE_AFTER.lastIndex = t.end;
  if (!FROM_SERVICE_AFTER.test(text)) return false;
  const level = levelOf(t);
  return level === undefined || level > 10 || !sentenceStart(text, tokens, last);
}

/** "who" and what a person is or does: "met Zorya, who lives nearby", "supportive of Jo who was tearful". */
const WHO_AFTER =
  /,?[ ]{1,2}who[ ]{1,2}(?:is|was|has|had|lives|lived|works|worked|rang|called|visits|visited|helps|helped|cares|cared|says|said|came|comes|knows|knew)\b/y;
/**
 * A copula and what the person is to the patient after a name, with up to two words that describe it between
 * (RELATION_MODIFIERS): "Honey has been her main carer", "Dusty was his key worker", "Dusty is the ward sister".
 */
const COPULA_RELATION_AFTER =
  /[ ]{1,2}(?:is|was|has[ ]{1,2}been|had[ ]{1,2}been|will[ ]{1,2}be|remains|became)[ ]{1,2}(?:(?:her|his|their|the|our|my|a|an)[ ]{1,2})?(\p{Ll}+)(?:[ ]{1,2}(\p{Ll}+))?(?:[ ]{1,2}(\p{Ll}+))?/uy;
/** After the word for the person, a word that makes it an organisation's: "is her main carer agency". */
const ORGANISATION_AFTER =
  /[ ]{1,2}(?:agency|agencies|service|services|team|company|provider|firm|scheme)\b/y;

function relationAfter(text: string, t: Token): boolean {
  COPULA_RELATION_AFTER.lastIndex = t.end;
  const m = COPULA_RELATION_AFTER.exec(text);
  if (m === null) return false;
  for (let k = 1; k <= 3 && m[k] !== undefined; k++) {
    const word = m[k] as string;
    if ((factsOf(keyOf(word)) & (PERSON_NOUN_BIT | ROLE_BIT)) !== 0) {
      ORGANISATION_AFTER.lastIndex = t.end + m[0].lastIndexOf(word) + word.length;
      return !ORGANISATION_AFTER.test(text);
    }
    if (!RELATION_MODIFIERS.has(word)) return false;
  }
  return false;
}

/** Being present or told, closing the clause: "Jo present.", "Radoslava aware, agrees". */
const PRESENT_AFTER = /[ ]{1,2}(?:present|aware|in attendance)(?:[ ]throughout)?(?=[ ]?[.,;)\r\n]|$)/y;
/** A verb of care: "Radoslava gave him a drink", "Jo escorted her back". */
const CARE_VERB_AFTER =
  /[ ]{1,2}(?:gave|gives|assisted|assists|washed|showered|bathed|repositioned|escorted|prompted|reassured|noticed|witnessed)[ ]/y;

/**
 * A capitalised given name that is no clinical word, before a verb of care, or before PRESENT_AFTER when it is no
 * English word of the common levels either (SCOWL 35 and below): not "Oramorph gave good relief" (no given name),
 * "Pain present", "Family aware", "Bank aware", "Iris present".
 */
function givenNameAction(text: string, t: Token): boolean {
  if (t.shape !== Shape.Capitalised || !has(t, GIVEN_BIT) || has(t, CLINICAL_BIT)) return false;
  CARE_VERB_AFTER.lastIndex = t.end;
  if (CARE_VERB_AFTER.test(text)) return true;
  if ((levelOf(t) ?? 99) <= 35) return false;
  PRESENT_AFTER.lastIndex = t.end;
  return PRESENT_AFTER.test(text);
}

function followedByCue(text: string, tokens: readonly Token[], last: number): boolean {
  // "My sister Nhung": the determiner, which folds to the same key as the name "Mỹ".
  if ((tokens[last] as Token).key === "my" && !(tokens[last] as Token).accented) return false;
  AGE_SEX_AFTER.lastIndex = (tokens[last] as Token).end;
  if (AGE_SEX_AFTER.test(text)) return true;
  PHONE_AFTER.lastIndex = (tokens[last] as Token).end;
  if (PHONE_AFTER.test(text)) return true;
  WHO_AFTER.lastIndex = (tokens[last] as Token).end;
  if (WHO_AFTER.test(text)) return true;
  if (relationAfter(text, tokens[last] as Token) || givenNameAction(text, tokens[last] as Token)) return true;
  if (bracketedRoleAfter(text, tokens, last)) return true;
  if (actionAfter(text, tokens, last) || fromServiceAfter(text, tokens, last)) return true;
  let i = last + 1;
  let skipped = 0;
  while (i < tokens.length) {
    const t = tokens[i] as Token;
    if (!gapIs(CUE_GAP, text, tokens, i - 1) && !gapIs(GAP_2, text, tokens, i - 1)) return false;
    if (has(t, PERSON_NOUN_BIT))
      return !subjectBeforeRole(text, tokens, last, i) && !roleOpensBracket(text, tokens, i - 1, t);
    if (skipped === 0 && has(t, PERSON_VERB_BIT) && gapIs(GAP_3, text, tokens, i - 1)) return true;
    // "Opal has asked", "Coral had said": after a given name, an auxiliary, then a verb only a person does; not
    // after a place's preposition ("her manager at Heathrow has agreed"), nor a word no list holds as a given name
    // ("Sertraline has helped").
    if (
      skipped === 0 &&
      AUXILIARIES.has(t.key) &&
      has(tokens[last], GIVEN_BIT) &&
      !placePreposition(text, tokens, last) &&
      gapIs(GAP_3, text, tokens, i - 1) &&
      has(tokens[i + 1], PERSON_VERB_BIT) &&
      gapIs(GAP_3, text, tokens, i)
    )
      return true;
    // "Oyinkan reports she…", "Clemency states that…": a verb of speech after a capitalised given name or a word no
    // list knows, not even as an English word, then what a person reports (a pronoun, "that", "feeling"…); not
    // after a family name, which may be a device's or a test's ("Holter reports"), a rare English word ("Angiogram
    // reported"), an abbreviation ("LOC reported"), nor before a result ("Troponin reported as 5").
    if (skipped === 0 && has(t, SPEECH_BIT) && gapIs(GAP_3, text, tokens, i - 1)) {
      const name = tokens[last] as Token;
      if (last !== i - 1 || name.shape !== Shape.Capitalised || has(name, CLINICAL_BIT)) return false;
      if (!((name.kind === Kind.Unknown && levelOf(name) === undefined) || has(name, GIVEN_BIT)))
        return false;
      NEXT_WORD.lastIndex = t.end;
      const reported = NEXT_WORD.exec(text)?.[1]?.toLowerCase();
      return reported !== undefined && WHAT_A_PERSON_REPORTS.has(reported);
    }
    if (!has(t, FILLER_BIT) || ++skipped > 2) return false;
    i++;
  }
  return false;
}

/**
 * "Salvation Army (adviser Tonks Pennock)": a staff role opening a bracket with a capitalised word after it
 * introduces the person in the bracket, not the word before it ("Blossom (night nurse)", "Ikaika (student nurse)",
 * "Tom (physio)" still name it).
 */
const CAPITAL_AFTER = /[ ]{1,2}\p{Lu}/uy;

function roleOpensBracket(text: string, tokens: readonly Token[], before: number, role: Token): boolean {
  // A capitalised word that is no English word is a name whatever the bracket holds ("Zorya (HCA Tonks
  // chaperoned)"); an English word, an abbreviation or a word in small letters is not ("Army", "ASC", "prazosin").
  const word = tokens[before] as Token;
  if (!has(role, ROLE_BIT) || (word.shape === Shape.Capitalised && levelOf(word) === undefined)) return false;
  if (!gapIs(GAP_2, text, tokens, before)) return false;
  CAPITAL_AFTER.lastIndex = role.end;
  return CAPITAL_AFTER.test(text);
}

/** Words that open what a person says after a verb of speech: "reports she…", "states that…", "denies feeling…". */
const WHAT_A_PERSON_REPORTS: ReadonlySet<string> = new Set([
  "she",
  "he",
  "they",
  "that",
  "i",
  "her",
  "his",
  "their",
  "feeling",
  "being",
  "having",
  "to",
]);

/**
 * "ESOL teacher", "PhD student", "ICU physio": a word in capitals or mixed case right before a role, a space
 * between, is the subject or the place of the role, not a person.
 */
function subjectBeforeRole(text: string, tokens: readonly Token[], last: number, role: number): boolean {
  const t = tokens[last] as Token;
  return (
    role === last + 1 &&
    has(tokens[role], ROLE_BIT) &&
    t.shape !== Shape.Lower &&
    capitalsIn(text, t) >= 2 &&
    gapIs(GAP_9, text, tokens, last)
  );
}

function capitalsIn(text: string, t: Token): number {
  let n = 0;
  for (let i = t.start; i < t.end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 65 && c <= 90) n++;
  }
  return n;
}

/**
 * Place words that, after a possessive in small letters, are someone's home or where they go: "at cousin X's house",
 * "X's place", "daughter X's school play".
 */
const HOME_WORDS: ReadonlySet<string> = new Set([
  "house",
  "place",
  "home",
  "flat",
  "bungalow",
  "caravan",
  "school",
  "nursery",
  "college",
  "work",
  "office",
  "garden",
  "room",
]);

/** "Nazanin's house": a possessive before a home word in small letters is someone's home, not a place. */
function possessiveHome(text: string, group: Token, head: Token): boolean {
  return isApostrophe(text.charCodeAt(group.end)) && head.shape === Shape.Lower && HOME_WORDS.has(head.key);
}

/**
 * "Cllr Ikaika Gillow's ward fund", "Dr Pennock's clinic": after a title, a possessive before a place word in small
 * letters is the person's ward or clinic, not a place named after someone ("Florence Ward").
 */
function titledPossessive(
  text: string,
  tokens: readonly Token[],
  first: number,
  group: Token,
  head: Token,
): boolean {
  if (head.shape !== Shape.Lower || !isApostrophe(text.charCodeAt(group.end)) || first === 0) return false;
  return (
    has(item(tokens, first - 1), TITLE_BIT) &&
    (gapIs(GAP_4, text, tokens, first - 1) || titleDot(text, tokens, first - 1))
  );
}

/** The word after a group names a thing (disease, ward, road) rather than a person. */
function eponymOrPlace(
  text: string,
  tokens: readonly Token[],
  first: number,
  last: number,
  capitalText: boolean,
): boolean {
  const next = tokens[last + 1];
  const lastToken = tokens[last] as Token;
  // "From Eritrea via Ethiopia, Sudan", "still in Libya": a country after a word of where one is or goes, or in a
  // list beside another country. A country anywhere else may be a person ("Kenya rang", "Sudan (son)").
  if ((noteBits & COUNTRY_BIT) !== 0 && countryPlace(text, tokens, first, last)) return true;
  if (
    next &&
    (has(next, EPONYM_HEAD_BIT) ||
      (has(next, PLACE_HEAD_BIT) &&
        // No place's name opens with an initial: "R. Dunnock ED cons" is a person.
        !(last > first && personInitial(text, tokens[first] as Token)) &&
        !possessiveHome(text, lastToken, next) &&
        !titledPossessive(text, tokens, first, lastToken, next))) &&
    gapIs(EPONYM_GAP, text, tokens, last)
  )
    return true;
  // "Bluebird Care", "Age UK": the organisation head is the group's own last word; not "Service" before a job
  // ("Anna Hughes Service Manager") or after a given name alone ("Tariq Service").
  if (
    capitalText &&
    last > first &&
    lastToken.shape === Shape.Capitalised &&
    ORG_HEADS.has(lastToken.key) &&
    !(
      lastToken.key === "service" &&
      ((next !== undefined && (JOB_TITLES.has(next.key) || next.key === "user" || next.key === "users")) ||
        (last === first + 1 &&
          has(tokens[first], GIVEN_BIT) &&
          (tokens[first] as Token).kind === Kind.Strong))
    )
  )
    return true;
  // "Bengali interpreter", "Kurdish-speaking": a language.
  if (lastToken.parts.length > 1 && LANGUAGE_HEADS.has(lastToken.parts[lastToken.parts.length - 1] as string))
    return true;
  // Not a person's name of two words or more before "interpreter" ("V. Okparaeke interpreter", "Tancredi Dunnock translator").
  if (
    next &&
    LANGUAGE_HEADS.has(next.key) &&
    gapIs(GAP_3, text, tokens, last) &&
    !(last > first && !has(lastToken, LANGUAGE_BIT) && personHead(text, tokens[first] as Token))
  )
    return true;
  if (languageGroup(text, tokens, first, last)) return true;
  // A place or organisation of a few capitalised words ending in a head: "Stornoway Health Centre", "Leicester Royal
  // Infirmary", "Wiltshire Farm Foods".
  for (let k = last + 1; capitalText && k <= last + 3 && k < tokens.length; k++) {
    const t = tokens[k] as Token;
    if (!gapIs(GAP_3, text, tokens, k - 1) || t.shape !== Shape.Capitalised || has(t, FILLER_BIT)) break;
    if (ORG_HEADS.has(t.key) || has(t, PLACE_HEAD_BIT)) return true;
  }
  // A town before a postcode: "Stornoway, HS1 2QX".
  POSTCODE_AFTER.lastIndex = lastToken.end;
  if (POSTCODE_AFTER.test(text)) return true;
  for (let k = first + 1; k <= last; k++) if (has(tokens[k] as Token, EPONYM_HEAD_BIT)) return true;
  const previous = item(tokens, first - 1);
  return previous !== undefined && PLACE_LEADS.has(previous.key) && gapIs(GAP_4, text, tokens, first - 1);
}

/** Words after which a country is where someone is, comes from or goes: "in Libya", "via Sudan", "fled Syria". */
const COUNTRY_LEADS: ReadonlySet<string> = new Set([
  "in",
  "of",
  "from",
  "via",
  "through",
  "across",
  "into",
  "fled",
  "left",
  "leaving",
  "visiting",
  "born",
]);
/** The one or two words right before a word, on its line. */
const WORDS_BEFORE = /(?:(?<motion>[A-Za-z]+)[ ]{1,2})?(?<lead>[A-Za-z]+)[ ]{1,2}$/;
/** Going somewhere: "to" before a country only after one of these ("went to Jamaica", not "spoke to Kenya"). */
const MOTION_BEFORE_TO: ReadonlySet<string> = new Set([
  "go",
  "goes",
  "going",
  "went",
  "gone",
  "travel",
  "travels",
  "travelling",
  "travelled",
  "return",
  "returns",
  "returning",
  "returned",
  "move",
  "moves",
  "moving",
  "moved",
  "fly",
  "flies",
  "flying",
  "flew",
  "flown",
  "back",
  "deported",
  "removed",
  "holiday",
  "trip",
  "home",
]);

/**
 * The group is one country that is no given name ("Chad", "Jordan", "Georgia", "India" are), perhaps with a word
 * that leads it ("From Eritrea" at a line's start), and it is a place: after a word of where one is or goes ("in",
 * "via", "went to"), after a town and a comma, or beside another country in a list ("via Mali, Niger"). Never before
 * a bracket ("Sudan (son)"); in a list, not before a verb of a person or of speech ("Kenya rang").
 */
function countryPlace(text: string, tokens: readonly Token[], first: number, last: number): boolean {
  let at = -1;
  for (let k = first; k <= last; k++) {
    const t = tokens[k] as Token;
    if (has(t, COUNTRY_BIT) && !has(t, GIVEN_BIT)) {
      if (at >= 0) return false;
      at = k;
    } else if (!COUNTRY_LEADS.has(t.key)) return false;
  }
  if (at < 0) return false;
  const country = tokens[at] as Token;
  if (text.charCodeAt(country.end) === 40 || firstAfterSpaces(text, country.end) === 40) return false;
  // The words before it, read from the text (the tokens leave common words out).
  const before = WORDS_BEFORE.exec(text.slice(Math.max(0, country.start - 40), country.start))?.groups;
  const lead = before?.["lead"]?.toLowerCase();
  if (lead !== undefined) {
    if (COUNTRY_LEADS.has(lead)) return true;
    const motion = before?.["motion"]?.toLowerCase();
    if (lead === "to" && motion !== undefined && MOTION_BEFORE_TO.has(motion)) return true;
  }
  // "Lagos, Nigeria": a town, then its country.
  if (/\p{Lu}\p{Ll}+, $/u.test(text.slice(Math.max(0, country.start - 30), country.start))) return true;
  const next = tokens[at + 1];
  if (next !== undefined && has(next, PERSON_VERB_BIT | SPEECH_BIT) && gapIs(GAP_3, text, tokens, at))
    return false;
  // In a list: a country right before or after it, a comma or "and" between.
  const listed = (k: number) => {
    const t = item(tokens, k);
    return t !== undefined && has(t, COUNTRY_BIT) && !has(t, GIVEN_BIT);
  };
  return (
    (listed(at - 1) && gapIs(LIST_GAP, text, tokens, at - 1)) ||
    (listed(at + 1) && gapIs(LIST_GAP, text, tokens, at)) ||
    (item(tokens, at - 1)?.key === "and" && listed(at - 2)) ||
    (tokens[at + 1]?.key === "and" && listed(at + 2))
  );
}

/**
 * A language, not a person: a lone language word ("Punjabi leaflet", "prefers English", "speaks Urdu and English"),
 * or several right after a word about speaking ("first language Welsh English"). Not when a title or kinship word
 * comes before it, or a kinship word or a verb of a person after it: "Mum (Shona)", "Mrs English", "Shona
 * (daughter)", "Shona rang".
 */
function languageGroup(text: string, tokens: readonly Token[], first: number, last: number): boolean {
  for (let k = first; k <= last; k++) if (!has(tokens[k], LANGUAGE_BIT)) return false;
  const before = item(tokens, first - 1);
  if (has(before, TITLE_BIT | PERSON_NOUN_BIT) && !INTERPRETING.has((before as Token).key)) return false;
  const next = tokens[last + 1];
  if (has(next, SPEECH_BIT | PERSON_VERB_BIT) && gapIs(GAP_3, text, tokens, last)) return false;
  if (has(next, PERSON_NOUN_BIT) && gapIs(GAP_5, text, tokens, last)) return false;
  // "Shona (practice nurse)": a role described in a bracket after it makes the word a person.
  if (bracketedRoleAfter(text, tokens, last)) return false;
  return first === last || has(before, LANGUAGE_CUE_BIT);
}

const PLACE_PREPOSITIONS: ReadonlySet<string> = new Set(["in", "at", "from", "near"]);

/** Heads right after an eponym or a few words on: "Garden classification", "Payne-Martin category II". */
const CLASS_HEADS: ReadonlySet<string> = new Set(["category", "classification"]);
/** A procedure named after its surgeon: "… oesophagectomy", "… fundoplication", "… manoeuvre". */
const PROCEDURE = /(?:ectomy|otomy|ostomy|plasty|pexy|plication|scopy)$/;

/** Participles that qualify a clinical head rather than say what a person did. */
const QUALIFYING_PARTICIPLES: ReadonlySet<string> = new Set(
  "associated related induced mediated based linked reversed acquired inherited".split(" "),
);

/** Up to three words after a group, each after one or two spaces (a hyphen inside a word is part of it). */
const WORDS_AFTER =
  /(?:[ ]{1,2}([A-Za-z][A-Za-z-]{0,30}))(?:[ ]{1,2}([A-Za-z][A-Za-z-]{0,30}))?(?:[ ]{1,2}([A-Za-z][A-Za-z-]{0,30}))?/y;

/**
 * One to three words after the group, in the same phrase (single spaces, no punctuation), end in an eponym head:
 * the group is the eponym. A word of a person (a kinship or role word, a title, a verb of speech or of a person)
 * ends the search, and a possessive group is left to the next-word rule ("Jane's pain score" is hers).
 */
function eponymAhead(text: string, tokens: readonly Token[], last: number): boolean {
  const group = tokens[last] as Token;
  const next = text.charCodeAt(group.end);
  if (next === 39 || next === 0x2019) return false;
  WORDS_AFTER.lastIndex = group.end;
  const m = WORDS_AFTER.exec(text);
  if (m === null) return false;
  for (let w = 1; w <= 3; w++) {
    const word = m[w];
    if (word === undefined) return false;
    const key = word.toLowerCase();
    if (PERSON_NOUNS.has(key) || TITLES.has(key) || PERSON_VERBS.has(key) || SPEECH_VERBS.has(key))
      return false;
    if (CLASS_HEADS.has(key) || PROCEDURE.test(key)) return true;
    // A word on ("Bristol stool type 6"): a head right after the group is eponymOrPlace's.
    if (w > 1 && (EPONYM_HEADS.has(key) || key === "type")) return true;
    // A verb in the past tense: the group did something ("Merryn Gillow used breathing exercises"); not a participle
    // that qualifies the head ("Charcot Marie Tooth associated neuropathy").
    if (key.length >= 4 && key.endsWith("ed") && !QUALIFYING_PARTICIPLES.has(key)) return false;
  }
  return false;
}

/** After a role abbreviation (and its grade digits, "FY1"): the end of the note, a line or a clause, or "for". */
const CLAUSE_END = /\d{0,2}(?:[ ]{0,2}(?:$|[\n.,;:)/–-])| {1,2}for\b)/y;

function clauseEndsAt(text: string, at: number): boolean {
  CLAUSE_END.lastIndex = at;
  return CLAUSE_END.test(text);
}

/** ", HS1 2QX": a UK postcode right after a word makes the word a town. */
const POSTCODE_AFTER = /,? {1,2}[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}(?![\p{L}\p{N}])/uy;

/**
 * A preposition of place in small letters right before `first`; with `opening`, also one that opens a sentence ("In
 * Leeds since 2019").
 */
function placePreposition(text: string, tokens: readonly Token[], first: number, opening = false): boolean {
  const previous = item(tokens, first - 1);
  return (
    previous !== undefined &&
    (previous.shape === Shape.Lower ||
      (opening && previous.shape === Shape.Capitalised && sentenceStart(text, tokens, first - 1))) &&
    PLACE_PREPOSITIONS.has(previous.key) &&
    gapIs(GAP_9, text, tokens, first - 1)
  );
}

/** Words before "from" that say a person or a thing comes from a place ("moved from", "originally from"). */
const FROM_A_PLACE: ReadonlySet<string> = new Set(
  `moved move moving arrived arriving came come comes coming returned returning travelled traveled travelling
  flew flown originally originates emigrated relocated transferred discharged is was are were family relatives
  lives lived living visiting far travel travels`.split(/\s+/),
);

/**
 * The group [first, last] names a place: it follows a preposition of place in small letters, or one opening a
 * sentence ("In Leeds since 2019"), "from" only after a word of coming from somewhere ("moved from Kuwait City");
 * and it is one word, or several of which none is a given name nor the last a building's ("in Hong Kong"; not "in
 * Milton Keynes", which stays a name, nor "at Bradmore House").
 */
function placeGroup(text: string, tokens: readonly Token[], groupFirst: number, last: number): boolean {
  // A preposition opening a sentence may lead the group itself ("From Chengdu").
  const leads = groupFirst < last && PLACE_PREPOSITIONS.has((tokens[groupFirst] as Token).key);
  const first = leads ? groupFirst + 1 : groupFirst;
  if (!placePreposition(text, tokens, first, true)) return false;
  const previous = tokens[first - 1] as Token;
  // A call, a text or a visit comes from a person as often as from a place: "from" only after a word of coming.
  if (previous.key === "from" && !FROM_A_PLACE.has(wordBefore(text, previous.start))) return false;
  for (let k = first; k <= last; k++) {
    const t = tokens[k] as Token;
    if (t.shape !== Shape.Capitalised) return false;
    if (first !== last && has(t, GIVEN_BIT)) return false;
  }
  // "at Bradmore House": a building someone lives or stays in is left to the address rules.
  if (first !== last && has(tokens[last], PLACE_HEAD_BIT)) return false;
  // "In Ravinder's opinion", "found in Aroha's father": a possessive is a person's; so is a name a comma then says
  // who it is ("found in Lachlan, the patient's son", "in Chidinma, who is well").
  return !possessiveAt(text, (tokens[last] as Token).end) && !appositionAfter(text, tokens, last);
}

const POSSESSIVE_AT = /['’]s?(?![\p{L}\p{N}])/uy;

function possessiveAt(text: string, at: number): boolean {
  POSSESSIVE_AT.lastIndex = at;
  return POSSESSIVE_AT.test(text);
}

/** A comma, then "who" or a determiner that says who the person is: ", her younger brother", ", the patient's son". */
const APPOSITION = /[ ]?,[ ]{1,2}(?:who|whose|his|her|their|the|our|my|patient's|pt's)(?![\p{L}\p{N}])/uy;

function appositionAfter(text: string, tokens: readonly Token[], last: number): boolean {
  APPOSITION.lastIndex = (tokens[last] as Token).end;
  return APPOSITION.test(text);
}

/**
 * Words before "from" that say something came from a person: a call, a message, a letter, a visit, a complaint
 * ("call from Michelle", "divorce from Mandy"), or a shift handed over ("taking over from Oonagh"); a delivery or a referral comes from a firm or a place as often.
 */
const FROM_A_PERSON: ReadonlySet<string> = new Set(
  `call calls phone phoned message messages text texts texted email emails letter letters card visit visits
  complaint complaints collateral divorce divorced separated separation apology gift flowers concerns
  over handover`.split(/\s+/),
);

/** The word right before `at` (one space or two between), in small letters, or "". */
const WORD_BEFORE = /([A-Za-z]+)[ ]{1,2}$/;

function wordBefore(text: string, at: number): string {
  return WORD_BEFORE.exec(text.slice(Math.max(0, at - 20), at))?.[1]?.toLowerCase() ?? "";
}

/** "call from Michelle": after "from" and a word of contact, a given name that is no English word. */
function givenNameFrom(text: string, tokens: readonly Token[], first: number): boolean {
  const head = tokens[first] as Token;
  const from = tokens[first - 1] as Token;
  return (
    from.key === "from" &&
    head.kind === Kind.Strong &&
    has(head, GIVEN_BIT) &&
    !has(head, COUNTRY_BIT | LANGUAGE_BIT | TOWN_BIT) &&
    FROM_A_PERSON.has(wordBefore(text, from.start))
  );
}

/**
 * A short number, a class letter or a Roman numeral right after a word ("Wells 4", "Weber B", "Garden III"). A lone
 * "I" is the speaker when a contraction or a word that follows the pronoun comes next ("tell Omari I'm fine",
 * "Omari I think rang"), not a class.
 */
const SCORE_AFTER =
  /(?:'s|’s|s'|')?[ ]{1,2}(?:(?<of>\d{1,3})(?:[.,]\d{1,3}|\/(?<max>\d{1,3}))?(?![\d]| \d)|[A-E](?![\p{L}\p{N}])|(?<roman>I{1,3}|IV|V)(?![\p{L}\p{N}]))/uy;
/** The pronoun's contraction ("I'm", "I’d"), or one to two spaces and a word that may follow it. */
const PRONOUN_FOLLOWS = /['’]|[ ]{1,2}(?<word>[a-z]+(?:'[a-z]+)?)(?![\p{L}\p{N}])/uy;

/** A day and a month right after a word: "… Pennock 11/12". */
const DAY_MONTH_AFTER = /[ ]{1,2}\d{1,2}\/\d{1,2}(?![\d/])/y;

function dayMonthAfter(text: string, t: Token): boolean {
  DAY_MONTH_AFTER.lastIndex = t.end;
  return DAY_MONTH_AFTER.test(text);
}

function scoreAfter(text: string, t: Token): boolean {
  SCORE_AFTER.lastIndex = t.end;
  const m = SCORE_AFTER.exec(text);
  if (m === null) return false;
  // "Gemma 24/10": more than the maximum is a day and a month, not a score out of it ("MMSE 24/30").
  const max = m.groups?.["max"];
  if (max !== undefined) return Number(m.groups?.["of"]) <= Number(max);
  if (m.groups?.["roman"] !== "I") return true;
  PRONOUN_FOLLOWS.lastIndex = SCORE_AFTER.lastIndex;
  const next = PRONOUN_FOLLOWS.exec(text);
  if (next === null) return true;
  const word = next.groups?.["word"];
  return (
    word !== undefined && !AFTER_PRONOUN_I.has(word) && !AFTER_PRONOUN_I.has(word.replace(/'[a-z]+$/, ""))
  );
}

/** The note's casing: capitalised prose, all capitals, or all lower case (capitals then say nothing). */
function modeOf(upper: number, lower: number): Shape {
  if (lower === 0 && upper > 0) return Shape.Upper;
  if (upper * 50 < lower && upper <= 2) return Shape.Lower;
  if (lower * 10 < upper) return Shape.Upper;
  return Shape.Capitalised;
}

/** The token starts a sentence, a line, a list item or a bracket: its capital says nothing. */
function sentenceStart(text: string, tokens: readonly Token[], i: number): boolean {
  // Look back over spaces and quotes from the token: the start of the note, a sentence or line break, a bullet, a
  // bracket, or a number (a time, a score) before it all make its capital say nothing.
  let j = (tokens[i] as Token).start - 1;
  while (j >= 0 && (text[j] === " " || text[j] === '"' || text[j] === "'")) j--;
  if (j < 0) return true;
  const c = text[j] as string;
  return ".!?:;\n•*(|-".includes(c) || (c >= "0" && c <= "9");
}

/** An initial: one capital letter, alone, before a capitalised name ("J Smith", "J. Smith"). */
function isInitial(text: string, t: Token): boolean {
  return (
    t.end - t.start === 1 &&
    !t.digitAdjacent &&
    (!t.afterSlash || (t.dotAfter && nameBeforeSlash(text, t.start - 1))) &&
    UPPER.test(text[t.start] as string)
  );
}

/**
 * A capitalised word of three letters or more ends right before the slash at `slash`: "Wheelwright/K. Fashanu" has a
 * name before the initial; "mmol/L. Plan", "IU/L. Home" have units.
 */
function nameBeforeSlash(text: string, slash: number): boolean {
  let i = slash;
  while (i > 0 && /\p{Ll}/u.test(text[i - 1] as string)) i--;
  if (slash - i < 2 || i === 0 || !/\p{Lu}/u.test(text[i - 1] as string)) return false;
  if (i >= 2 && /[\p{L}\p{N}]/u.test(text[i - 2] as string)) return false;
  // A family name and a rare word at most ("Wheelwright/K."; not "Type/A.", "Group/O.", "Clindamycin/C. Diff").
  const key = keyOf(text.slice(i - 1, slash));
  return NAMES.has(key) && (WORD_LEVEL.get(key) ?? 99) >= 50;
}

/** A name's first word that only a person's name opens with: an initial or a given name the lists hold as one. */
function personHead(text: string, head: Token): boolean {
  return personInitial(text, head) || (head.kind === Kind.Strong && has(head, GIVEN_BIT));
}

/**
 * Titles that make a rare word after them a name in a note in capitals ("DR WHEELWRIGHT", "PC KHAN"); not "FATHER",
 * "SISTER" or "NURSE", which a family history or a role writes before a condition ("FATHER GOUT").
 */
const CAPITALS_TITLES: ReadonlySet<string> = new Set(
  "mr mrs ms miss mx dr prof pc pcso sgt ps dc ds insp inspector constable detective".split(" "),
);

/** Words of the police in a note in capitals: "PC" there is a constable, not the presenting complaint. */
const POLICE = /POLICE|CUSTODY|ARREST|OFFICER|CONSTABLE|COLLAR|CONSTABULARY/;

/** An initial that can open a name: "A" and "I" only with a full stop ("J Smith", "A. Walker"; not "A Walker"). */
function initialName(text: string, head: Token): boolean {
  return isInitial(text, head) && (head.dotAfter || (head.key !== "a" && head.key !== "i"));
}

/** The points of the compass, which shorten places as initials do: "N. Tees", "W. Herts ICU", "S. Wales". */
const COMPASS: ReadonlySet<string> = new Set(["n", "s", "e", "w"]);

/** An initial that opens only a person's name: not a point of the compass. */
function personInitial(text: string, head: Token): boolean {
  return initialName(text, head) && !COMPASS.has(head.key);
}

/** Units and services a hospital's name may stand before: "John Radcliffe ICU", "Mary Seacole HDU". */
const UNIT_ABBREVIATIONS: ReadonlySet<string> = new Set(
  "icu itu hdu ccu cicu nicu picu scbu amu cdu sdec ed ae opd mau sau ent mdt mri ct pet ward gp".split(" "),
);

/**
 * A kinship word that is also a given name, capitalised between another person's word and a name: "his partner Nana
 * Yaa Asantewaa" (not "his nana Joan", nor "Nana Joan" alone, a grandmother as often).
 */
function kinWordAsGivenName(text: string, tokens: readonly Token[], i: number): boolean {
  const t = tokens[i] as Token;
  const before = item(tokens, i - 1);
  return (
    t.shape === Shape.Capitalised &&
    has(t, PERSON_NOUN_BIT) &&
    has(t, GIVEN_BIT) &&
    !has(t, ROLE_BIT) &&
    before !== undefined &&
    has(before, PERSON_NOUN_BIT) &&
    !has(before, TITLE_BIT) &&
    gapIs(NAME_GAP, text, tokens, i - 1)
  );
}

/**
 * A town's name where the words around it make it a place (townContext), or a group a town opens before words that
 * no name list holds ("Leeds Magistrates", "Warrington Collegiate"; not "Tamworth Fashanu", "Redditch Baker", "Bracknell
 * Holly"). A town's name is a family name as often ("Bracknell assisted with the wash", "Attendees: Tamworth, Redditch",
 * "(Quenby)" signing a note, "Tamworth → Redditch" on a handover sheet), so only a word of residence before it or a
 * service after it makes it a place; a city of two words or more ("Milton Keynes") needs neither.
 */
function townGroup(text: string, tokens: readonly Token[], first: number, last: number): boolean {
  const head = tokens[first] as Token;
  if (first === last) return has(head, TOWN_BIT) && townContext(text, tokens, first, last);
  if (TOWN_HEADS.has(head.key)) {
    let key = "";
    for (let k = first; k <= last; k++) key += (tokens[k] as Token).key;
    if (TOWNS.has(key)) return CITIES.has(key) || townContext(text, tokens, first, last);
  }
  if (!has(head, TOWN_BIT) || has(head, GIVEN_BIT)) return false;
  for (let k = first + 1; k <= last; k++) {
    const t = tokens[k] as Token;
    if (t.shape !== Shape.Capitalised || has(t, NAME_BIT | GIVEN_BIT) || t.kind === Kind.Unknown)
      return false;
    // "Redditch Team Leader": a job after the town's word makes it a person's name.
    if (JOB_TITLES.has(t.key) || has(t, PERSON_NOUN_BIT)) return false;
  }
  return true;
}

/** Words right before a town that make it where someone lives or was born: "lives Bracknell", "born Redditch". */
const TOWN_LEADS: ReadonlySet<string> = new Set("lives living lived based born".split(" "));
/** A move of home, then "to", before a town: "moved to Tamworth" (not "went to Bracknell", "transferred to Redditch"). */
const MOVED_TO = /\b(?:move[ds]?|moving|relocat(?:ed|ing|es?))[ ]{1,2}to[ ]{1,2}$/i;
/** The word right after a town, one or two spaces between. */
const WORD_AFTER_TOWN = /[ ]{1,2}([A-Za-z][A-Za-z'’-]{1,30})/y;

/** WORD_AFTER_TOWN read at `at`: the word (group 1) and where it ends, or null. */
function wordAfterTown(text: string, at: number): { word: string; end: number } | null {
  WORD_AFTER_TOWN.lastIndex = at;
  const next = WORD_AFTER_TOWN.exec(text);
  return next === null ? null : { word: next[1] as string, end: next.index + next[0].length };
}

/**
 * What makes a town's name in [first, last] a place: a word of residence before it ("lives", "born", "moved to"), or
 * a service a few words after it, the words between in small letters and none a verb or a person's word, and no
 * role after the service ("Tamworth menopause clinic", "Bracknell diabetes team"; not "Bracknell physio", "Bracknell team
 * leader", "Bracknell took bloods to the clinic"). Not a possessive ("moved to Redditch's caseload").
 */
function townContext(text: string, tokens: readonly Token[], first: number, last: number): boolean {
  const start = (tokens[first] as Token).start;
  const end = (tokens[last] as Token).end;
  if (possessiveAt(text, end)) return false;
  if (TOWN_LEADS.has(wordBefore(text, start))) return true;
  if (MOVED_TO.test(text.slice(Math.max(0, start - 24), start))) return true;
  let at = end;
  for (let n = 0; n < 3; n++) {
    const next = wordAfterTown(text, at);
    if (next === null) return false;
    const { word } = next;
    const key = keyOf(word);
    const facts = factsOf(key);
    if ((facts & (PERSON_NOUN_BIT | TITLE_BIT | ROLE_BIT | PERSON_VERB_BIT | SPEECH_BIT)) !== 0) return false;
    if (SERVICE_HEADS.has(key) || ORG_HEADS.has(key) || (facts & PLACE_HEAD_BIT) !== 0)
      return !roleAfter(text, next.end);
    if (word !== word.toLowerCase() || VERB_FORM.test(key) || FUNCTION_WORDS.has(key)) return false;
    at = next.end;
  }
  return false;
}

/** A role or a job right after a service: "team leader", "office manager", "housing officer". */
function roleAfter(text: string, at: number): boolean {
  const next = wordAfterTown(text, at);
  if (next === null) return false;
  const key = keyOf(next.word);
  return (
    key === "leader" ||
    JOB_TITLES.has(key) ||
    ROLE_NOUNS.has(key) ||
    (factsOf(key) & (PERSON_NOUN_BIT | ROLE_BIT)) !== 0
  );
}

/**
 * What a town names before it, besides PLACE_HEADS ("clinic", "hospital", "ward") and ORG_HEADS ("team", "service"):
 * "Tamworth menopause clinics", "Bracknell housing office".
 */
const SERVICE_HEADS: ReadonlySet<string> = new Set(["clinics", "hospitals", "office", "board"]);
/** Words that end the phrase a town could open: "Updated Darlington on the ward" is about a person. */
const FUNCTION_WORDS: ReadonlySet<string> = new Set(
  "the a an on in at to with for of and or by from into onto about after before over under re is was has had will".split(
    " ",
  ),
);
/** A past tense or a present participle: the word after a family name, as often as not ("Bracknell assisted"). */
const VERB_FORM = /(?:ed|ing)$/;

/** No word of [first, last] is one of the commoner English words ("Farrier", "Fashanu"; not "Faint"). */
function rareWords(tokens: readonly Token[], first: number, last: number): boolean {
  for (let k = first; k <= last; k++) if ((levelOf(tokens[k] as Token) ?? 99) < 35) return false;
  return true;
}

/** Every word of [first, last] is in small letters and an English word ("coli sens"). */
function lowerWords(tokens: readonly Token[], first: number, last: number): boolean {
  for (let k = first; k <= last; k++) {
    const t = tokens[k] as Token;
    if (t.shape !== Shape.Lower || levelOf(t) === undefined || t.accented) return false;
  }
  return true;
}

function decide(text: string, tokens: readonly Token[], first: number, last: number, mode: Shape): boolean {
  const size = last - first + 1;
  let lowerNonStrong = false;
  let capitalisedUnknown = false;
  const capitalText = mode === Shape.Capitalised;
  let strong = 0;
  let ambiguous = 0;
  let unknown = 0;
  let weak = 0;
  for (let k = first; k <= last; k++) {
    const t = tokens[k] as Token;
    if (t.shape === Shape.Lower && t.kind !== Kind.Strong && !has(t, PARTICLE_BIT)) lowerNonStrong = true;
    if (t.kind === Kind.Unknown && t.shape === Shape.Capitalised) capitalisedUnknown = true;
    if (t.kind === Kind.Strong) strong++;
    else if (t.kind === Kind.AmbiguousGiven) ambiguous++;
    else if (t.kind === Kind.Unknown) unknown++;
    else if (t.kind === Kind.Weak) weak++;
  }
  const head = tokens[first] as Token;
  // "follow-up", "drop-in": a lower-case compound of English words in capitalised prose is a word, cue or not.
  if (
    size === 1 &&
    capitalText &&
    head.shape === Shape.Lower &&
    head.parts.length > 1 &&
    head.parts.every((p) => WORD_LEVEL.has(p))
  )
    return false;
  const after = tokens[last + 1];
  // "Kerry Blenkinsop RN", "A. Fennimore FY1 for Dr Osei": a role abbreviation closing the clause signs a name; so
  // does one written in capitals after a capitalised name of two words or more, wherever the clause goes on ("Jo
  // Gill RN to Sam", "T. Wrobel FY1 bleep 4421").
  const signed =
    after !== undefined &&
    STAFF_ROLES.has(after.key) &&
    gapIs(GAP_11, text, tokens, last) &&
    (clauseEndsAt(text, after.end) ||
      (capitalText && size >= 2 && head.shape !== Shape.Lower && after.shape !== Shape.Lower));
  // "family in Donegal phones", "parents in Abuja: mum …": after a preposition of place, a place, though a verb or
  // a kinship word follows; not before a role that says who it is ("call from Okafor (GP)", "from Patel, pharmacist").
  if (
    !signed &&
    size <= 4 &&
    placeGroup(text, tokens, first, last) &&
    !(has(after, PERSON_NOUN_BIT) && has(after, ROLE_BIT)) &&
    !bracketedRoleAfter(text, tokens, last)
  )
    return false;
  const cued = signed || precededByCue(text, tokens, first) || followedByCue(text, tokens, last);
  if (size === 1 && kinAdjacent(text, tokens, first, mode)) return true;
  // "referred to Tamworth menopause clinic", "lives Bracknell": a town, where the words around it make it one, unless a
  // title, a kinship or role word, or a word after it makes it a person ("Mrs Bracknell", "Bracknell said").
  if (
    !signed &&
    !has(item(tokens, first - 1), TITLE_BIT | PERSON_NOUN_BIT) &&
    townGroup(text, tokens, first, last) &&
    !followedByCue(text, tokens, last)
  )
    return false;
  // "Wells 4", "Rockall 3", "Weber B", "Garden III", "Dukes' C": a score or a class, unless a cue names a person.
  // Not after a known given name and a family name ("Gillian Rook 10/12"): scores follow one eponym.
  const givenAndFamily =
    size >= 2 &&
    head.kind === Kind.Strong &&
    has(head, GIVEN_BIT) &&
    has(tokens[last], NAME_BIT) &&
    dayMonthAfter(text, tokens[last] as Token);
  if (!cued && !givenAndFamily && scoreAfter(text, tokens[last] as Token)) return false;
  // "Abbey pain scale", "Ottawa ankle rules", "Ivor Lewis oesophagectomy": an eponym a few words before its head.
  if (!cued && eponymAhead(text, tokens, last)) return false;
  // "Marie Curie", "Sarah Hodgkin…": a name-like word right before a clinical word is part of a clinical phrase.
  // Not a role right after a name that is no lone unknown word: it says who the person is ("Gareth Pryce physio";
  // not "Post-op physio").
  const roleAfter = has(after, PERSON_NOUN_BIT) && (size >= 2 || strong + ambiguous > 0);
  // Nor an abbreviation in capitals after a cued name, or one of two words with a name the lists know, in
  // capitalised prose: it is a role or a finding beside the person ("Ysolde Brereton PT", "uncle Crispin Dunleavy
  // MI at 50"), not the end of a phrase ("L. Faint NPDR", "E. coli UTI" stay).
  const abbreviationAfter =
    capitalText &&
    after?.shape === Shape.Upper &&
    (!UNIT_ABBREVIATIONS.has(after.key) || personInitial(text, head)) &&
    (tokens[last] as Token).shape === Shape.Capitalised &&
    (cued ||
      (size >= 2 &&
        (strong + ambiguous > 0 || (personInitial(text, head) && rareWords(tokens, first + 1, last)))));
  if (
    !signed &&
    !abbreviationAfter &&
    after !== undefined &&
    has(after, CLINICAL_BIT) &&
    (!cued || !(has(after, PLACE_HEAD_BIT) || roleAfter)) &&
    gapIs(GAP_9, text, tokens, last)
  )
    return false;
  // "in Leeds", "from Manchester": a lone capitalised word after a place preposition is a place.
  if (!cued && size === 1 && placePreposition(text, tokens, first) && !givenNameFrom(text, tokens, first))
    return false;
  // In capitalised prose a lower-case word is not a name unless it is a strong one or a cue names it; nor are
  // words in small letters that are all English words, however rare ("coli sens").
  if (!cued && capitalText && (lowerNonStrong || lowerWords(tokens, first, last))) return false;
  if (cued) {
    if (strong + unknown > 0) return true;
    if (ambiguous > 0) return capitalText ? head.shape !== Shape.Lower : notModal(text, tokens, last);
    // A weak word (a surname that is also a word) after a cue: only capitalised, not a very common word, and
    // after a kinship word or title ("neighbour Walker"), not a verb ("reviewed by Tissue Viability"), or before
    // a staff role that signs it. Before a role described in a bracket ("Blossom (night nurse)") a less common
    // word will do: a thing is not followed by who it is (while "Lung CNS" is a service).
    if (weak === 0 || head.shape === Shape.Lower) return false;
    // "seen by Q. Farrier", "Dr M. Thresher": an initial before the word makes it a name, as it does uncued.
    if (capitalText && size >= 2 && personInitial(text, head)) return true;
    const level = WORD_LEVEL.get(head.key) ?? 99;
    const before = item(tokens, afterParticles(tokens, first) - 1);
    // In a note all in capitals, only a title right before a rare word makes it a name ("PC MALLARD"; not "DR WARD").
    if (!capitalText)
      return (
        size === 1 &&
        level >= 50 &&
        CAPITALS_TITLES.has((before as Token).key) &&
        (gapIs(GAP_9, text, tokens, first - 1) || titleDot(text, tokens, first - 1)) &&
        // "PC" is the presenting complaint as often ("PC GOUT"): a constable only where the note speaks of police.
        ((before as Token).key !== "pc" || POLICE.test(text))
      );
    if (level >= 35 && (signed || has(before, PERSON_NOUN_BIT | TITLE_BIT))) return true;
    // One of the rarest words the lists count as common, before a verb only a person does ("Hawker rang", "Falconer says").
    if (
      level >= COMMON_LEVEL &&
      size === 1 &&
      has(after, PERSON_VERB_BIT) &&
      gapIs(GAP_3, text, tokens, last)
    )
      return true;
    return level >= 20 && bracketedRoleAfter(text, tokens, last);
  }
  if (size >= 2) {
    if (strong >= 1) return true;
    // "J Smith", "J. Walker": an initial before a capitalised name word ("A" and "I" only with a full stop).
    if (capitalText && initialName(text, head) && weak + ambiguous + unknown >= 1) return true;
    if (capitalText && ambiguous >= 1 && strong + ambiguous + unknown + weak === size) return true;
    return capitalText && capitalisedUnknown && ambiguous + weak >= 1;
  }
  // A given name that is also a less common word, capitalised in the middle of a sentence: "told John", "with
  // Holly". The commonest such words ("Will", "Hope", "Mark", "Grace") start clauses too often to count.
  if (
    ambiguous === 1 &&
    capitalText &&
    head.shape === Shape.Capitalised &&
    (levelOf(head) ?? 0) >= 35 &&
    !sentenceStart(text, tokens, first)
  )
    return true;
  if (strong === 1) {
    // A lone strong name of two letters ("Li", "Ng"), a short all-capitals word, or a lower-case word in
    // capitalised prose ("hosp", an abbreviation that is also a name somewhere) needs a cue.
    // In capitalised prose a lone name in lower case or capitals must be no English word at all, nor hyphenated
    // ("zainab", "HABIBA"; not "non-tender", "situ", "PERLA", which the allow-list and these rules keep).
    if (capitalText && head.shape !== Shape.Capitalised)
      return head.key.length >= 4 && levelOf(head) === undefined && head.parts.length === 0;
    return head.key.length >= 3;
  }
  return false;
}

/**
 * A word right next to a kinship or role noun ("Neighbour Sun", "Son May called", "hope (granddaughter)") is a
 * name even when it is also an English word, if it is capitalised in prose or a known given name.
 */
function kinAdjacent(text: string, tokens: readonly Token[], i: number, mode: Shape): boolean {
  const t = tokens[i] as Token;
  const previous = item(tokens, i - 1);
  const next = tokens[i + 1];
  const before =
    previous !== undefined &&
    (has(previous, PERSON_NOUN_BIT) || has(previous, TITLE_BIT)) &&
    (has(previous, ROLE_BIT)
      ? roleGap(text, tokens, i - 1)
      : gapIs(GAP_5, text, tokens, i - 1) || titleDot(text, tokens, i - 1));
  const after =
    next !== undefined &&
    has(next, PERSON_NOUN_BIT) &&
    gapIs(GAP_6, text, tokens, i) &&
    !roleOpensBracket(text, tokens, i, next);
  if (!before && !after) return false;
  if (has(t, EPONYM_HEAD_BIT) || t.digitAdjacent || t.afterSlash) return false;
  if (has(t, CLINICAL_BIT)) return false;
  if (before && roleTitle(previous as Token, t)) return false;
  if (after || (mode === Shape.Capitalised && t.shape === Shape.Capitalised)) return true;
  if (t.shape === Shape.Lower && NEVER_NAMES_IN_SMALL_LETTERS.has(t.key)) return false;
  return has(t, GIVEN_BIT) && notModal(text, tokens, i);
}

/**
 * Right after a kinship word or title, in capitalised prose: a capitalised English word ("Her father, Miracle",
 * "Neighbour Sun") or a month or day abbreviation that is no English word ("nephew Jun") is the person's name.
 */
function wordNameBesideKin(tokens: readonly Token[], cue: number, k: number, mode: Shape): boolean {
  const t = tokens[k] as Token;
  if (k !== cue + 1 || !has(tokens[cue], PERSON_NOUN_BIT | TITLE_BIT)) return false;
  if (t.key.length < 2 || t.digitAdjacent || t.afterSlash) return false;
  if (has(t, CLINICAL_BIT | TITLE_BIT | PERSON_NOUN_BIT | FILLER_BIT | EPONYM_HEAD_BIT | PLACE_HEAD_BIT))
    return false;
  if (has(t, CALENDAR_BIT)) return levelOf(t) === undefined;
  // "Consultant Nephrologist", "Consultant Orthopaedic Surgeon": a specialty after a title is no name.
  if (has(t, BLOCK_BIT)) return false;
  if (roleTitle(tokens[cue] as Token, t)) return false;
  // "Family Engagement plan", "Parent Education class": after a capitalised cue, a common English word that
  // no list holds as a name is a word of a title or a service ("mum Sunshine", "Sister Faith" stay names).
  if (
    (tokens[cue] as Token).shape === Shape.Capitalised &&
    !has(t, NAME_BIT | GIVEN_BIT) &&
    (levelOf(t) ?? 99) <= 35
  )
    return false;
  return mode === Shape.Capitalised && t.shape === Shape.Capitalised;
}

/**
 * "Assistant Director", "Volunteer Services", "Adviser Team", "Mate Crime": one of the roles that open job titles
 * and services, capitalised, and a capitalised English word that is no given name make a title or a service, not a
 * role and a name ("Volunteer Faith", "Teacher Summer" still are).
 */
const TITLE_OPENING_ROLES: ReadonlySet<string> = new Set(
  "assistant volunteer volunteers adviser advisor concierge facilitator mate pal".split(" "),
);

function roleTitle(role: Token, t: Token): boolean {
  return (
    TITLE_OPENING_ROLES.has(role.key) &&
    role.shape === Shape.Capitalised &&
    t.shape === Shape.Capitalised &&
    !has(t, GIVEN_BIT) &&
    (levelOf(t) ?? 99) <= COMMON_LEVEL
  );
}

/**
 * Words the given-name lists hold that, in small letters beside a kinship word, are a verb or a word for a person:
 * "uncle had fits", "family man".
 */
const NEVER_NAMES_IN_SMALL_LETTERS: ReadonlySet<string> = new Set(
  "had has did was man son my any else even far way see say saw read wait".split(" "),
);

/** A given name that is also a word or a month, right beside a kinship or role word: "Son May", "hope (niece)". */
function givenBesideKin(text: string, tokens: readonly Token[], i: number): boolean {
  const t = tokens[i] as Token;
  if (t.key.length < 2 || t.digitAdjacent || t.afterSlash || !has(t, GIVEN_BIT)) return false;
  if (t.shape === Shape.Lower && NEVER_NAMES_IN_SMALL_LETTERS.has(t.key)) return false;
  if (has(t, CLINICAL_BIT) || has(t, PERSON_NOUN_BIT) || has(t, TITLE_BIT) || has(t, FILLER_BIT))
    return false;
  const previous = item(tokens, i - 1);
  const next = tokens[i + 1];
  const before =
    previous !== undefined && has(previous, PERSON_NOUN_BIT) && gapIs(GAP_5, text, tokens, i - 1);
  const after = next !== undefined && has(next, PERSON_NOUN_BIT) && gapIs(GAP_6, text, tokens, i);
  return (before && notModal(text, tokens, i)) || after;
}

/** "son will call" is a modal verb, not Will: in lower-case or capital text, a given name that is a modal needs more. */
/** The word after a token, when only white space separates them. */
const NEXT_WORD = /\s{1,2}([A-Za-z]{2,20})/y;

/** Given names that are also verbs opening clauses ("Will review", "May need", "Mark the site"). */
const MODAL_NAMES: ReadonlySet<string> = new Set(["will", "may", "can", "mark"]);

function notModal(text: string, tokens: readonly Token[], last: number): boolean {
  const t = tokens[last] as Token;
  if (!MODAL_NAMES.has(t.key)) return true;
  NEXT_WORD.lastIndex = t.end;
  const next = NEXT_WORD.exec(text)?.[1]?.toLowerCase();
  if (next === undefined) return true;
  // "son will called", "May rang": a past tense or a verb of speech after it makes it a name; so does a word no
  // modal verb comes before ("Will to mobilise him", "May is aware").
  return (
    (factsOf(next) & (SPEECH_BIT | PERSON_VERB_BIT)) !== 0 || next.endsWith("ed") || NOT_AFTER_MODAL.has(next)
  );
}

const NOT_AFTER_MODAL: ReadonlySet<string> = new Set(["to", "is", "was", "has", "and", "says"]);

const PARTICLES: ReadonlySet<string> = new Set([
  "o",
  "mac",
  "mc",
  "ni",
  "nic",
  "ua",
  "van",
  "von",
  "de",
  "da",
  "di",
  "du",
  "le",
  "la",
  "al",
  "el",
  "bin",
  "ap",
  "ab",
]);

/** The apostrophe of the Gaelic article "a'" and one space. */
const ELIDED_ARTICLE = /^['’][ ]$/;

/**
 * "Dr Nic an Ghoill", "Ailbhe Mac an Bhaird", "Sìne Nic a' Phì": the article after "Mac" or "Nic" and the word after it are part of the
 * name. Returns the name's new last token.
 */
function gaelicLinkAfter(text: string, tokens: readonly Token[], end: number): number {
  const t = tokens[end] as Token;
  if (t.key !== "mac" && t.key !== "nic" && t.key !== "mhic") return end;
  const article = tokens[end + 1];
  const word = tokens[end + 2];
  if (article === undefined || word === undefined || word.shape === Shape.Lower) return end;
  // "an", or "a'" with its apostrophe ("Nic a' Phearsain").
  const elided = article.key === "a" && ELIDED_ARTICLE.test(text.slice(article.end, word.start));
  if (article.key !== "an" && !elided) return end;
  return gapIs(NAME_GAP, text, tokens, end) && (elided || gapIs(NAME_GAP, text, tokens, end + 1))
    ? end + 2
    : end;
}

/** "Ms van der Meulen", "Dr de la Fuente": particles right before a name found are part of it. */
function particlesBefore(text: string, tokens: readonly Token[], first: number): number {
  let f = first;
  if (f >= 2 && ARTICLES_AFTER_PARTICLE.has((tokens[f - 1] as Token).key) && has(tokens[f - 2], PARTICLE_BIT))
    f -= gapIs(NAME_GAP, text, tokens, f - 1) && gapIs(NAME_GAP, text, tokens, f - 2) ? 2 : 0;
  else if (
    f >= 1 &&
    has(tokens[f - 1], PARTICLE_BIT) &&
    (tokens[f - 1] as Token).key.length >= 2 &&
    !(tokens[f - 1] as Token).afterSlash &&
    gapIs(NAME_GAP, text, tokens, f - 1)
  )
    f--;
  return f;
}

/** A particle, or the second word of a two-word one ("van der"). */
function particleAt(tokens: readonly Token[], j: number): boolean {
  return (
    has(tokens[j], PARTICLE_BIT) ||
    (j > 0 && ARTICLES_AFTER_PARTICLE.has((tokens[j] as Token).key) && has(tokens[j - 1], PARTICLE_BIT))
  );
}

/** The first of the particles right before `first` ("Mr van den Brugge": "van"), or `first` when none is. */
function afterParticles(tokens: readonly Token[], first: number): number {
  let f = first;
  while (f > 0 && first - f < 2 && particleAt(tokens, f - 1)) f--;
  return f;
}

/** The second word of a two-word particle: "van der", "van den", "von der". */
const ARTICLES_AFTER_PARTICLE: ReadonlySet<string> = new Set(["der", "den"]);

function joinsGroup(text: string, tokens: readonly Token[], i: number): boolean {
  return (
    gapIs(NAME_GAP, text, tokens, i) ||
    (gapIs(GAP_7, text, tokens, i) && (tokens[i] as Token).end - (tokens[i] as Token).start === 1)
  );
}

/** A word that could be a name nobody listed: letters, not a common word, not clinical, not a cue. */
/** Endings of specialties and services, not names: "Orthogeriatrics", "Neuroradiology", "Physiotherapy". */
const SERVICE_ENDING = /(?:ology|ologist|ologists|iatrics|iatry|therapy|graphy|ics|typing|otomy)$/;

/**
 * In capitalised prose a short all-capitals word is an abbreviation ("used CBT thought", "informed DSL"), which a
 * verb does not make a name; a kinship word or title still does ("nephew JUN", "XU (daughter)").
 */
function abbreviation(t: Token, mode: Shape): boolean {
  return mode === Shape.Capitalised && t.shape === Shape.Upper && t.key.length <= 3;
}

/** An abbreviation that is in no name list: "CBT", "DSL"; not "KIM", "LI", "ALI" ("seen by KIM"). */
function unlistedAbbreviation(t: Token, mode: Shape): boolean {
  return abbreviation(t, mode) && !has(t, NAME_BIT | GIVEN_BIT);
}

function nameable(t: Token): boolean {
  if (t.key.length < 2 || t.digitAdjacent || t.afterSlash) return false;
  if (has(t, CLINICAL_BIT | TITLE_BIT | PERSON_NOUN_BIT | FILLER_BIT | EPONYM_HEAD_BIT)) return false;
  // A month or day is a name here only when it is also a given name ("June", "May"), not "Monday".
  if (has(t, BLOCK_BIT) && !has(t, GIVEN_BIT)) return false;
  const level = levelOf(t);
  return level === undefined || level > COMMON_LEVEL;
}

/**
 * A word beside an accepted name that is part of it: no English word and nothing clinical ("Ajewole"), a month or
 * day abbreviation that is no English word ("Jun Yan"), or a known name written in the same case that is not one
 * of the commonest English words ("deepesh gill", "TOM TWENEBOA").
 */
function belongsToName(t: Token, neighbour: Token): boolean {
  if (nameable(t)) return true;
  if (t.key.length < 2 || t.digitAdjacent || t.afterSlash) return false;
  if (has(t, CLINICAL_BIT | TITLE_BIT | PERSON_NOUN_BIT | FILLER_BIT | EPONYM_HEAD_BIT | PLACE_HEAD_BIT))
    return false;
  const level = levelOf(t);
  if (has(t, CALENDAR_BIT)) return level === undefined;
  return has(t, NAME_BIT | GIVEN_BIT) && t.shape === neighbour.shape && (level === undefined || level >= 20);
}

function isCueWord(tokens: readonly Token[], i: number, text: string): boolean {
  const t = tokens[i] as Token;
  // A short title in capitals alone on its line (a dash before it) is initials or an abbreviation: "- MS⏎Copied
  // to:". Not a title ending a line of text ("led by DR⏎Ezeabasili", "DEAR MS⏎…").
  if (
    has(t, TITLE_BIT) &&
    t.shape === Shape.Upper &&
    t.end - t.start <= 3 &&
    aloneOnLine(text, t.start, t.end)
  )
    return false;
  // "Foster" says what kind of carer or parent follows ("foster mum Berit"), and "in foster care" names no one.
  if (t.key === "foster") return false;
  // "MR angiogram", "MR scan": magnetic resonance, not a title, before a word in small letters.
  if (
    t.key === "mr" &&
    t.shape === Shape.Upper &&
    (tokens[i + 1] as Token | undefined)?.shape === Shape.Lower
  )
    return false;
  return has(t, TITLE_BIT | PERSON_NOUN_BIT) || (has(t, PHRASE_END_BIT) && endsCuePhrase(tokens, i, text));
}

/**
 * Whether [start, end) stands alone on a line that another follows: only spaces, a dash or a bullet before it on its
 * line, only spaces and a full stop after it.
 */
function aloneOnLine(text: string, start: number, end: number): boolean {
  let i = end;
  if (text.charCodeAt(i) === 46) i++;
  while (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9) i++;
  if (text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) return false;
  let j = start - 1;
  while (
    j >= 0 &&
    (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9 || isDashOrBullet(text.charCodeAt(j)))
  )
    j--;
  return j < 0 || text.charCodeAt(j) === 10;
}

function isDashOrBullet(c: number): boolean {
  return c === 45 || c === 0x2013 || c === 0x2014 || c === 0x2022 || c === 42;
}

/**
 * Words no gazetteer knows become name candidates next to a cue, in any casing: "wife kedwin", "Physio Sanfeng",
 * "ESI NKANSA (brother)", "Shristi thinks". Up to two words after a cue (given and family name), the words
 * before a kinship word in brackets or after a comma, and one capitalised word before a verb of speech.
 */
function promoteCued(text: string, tokens: Token[], mode: Shape): void {
  for (let i = 0; i < tokens.length; i++) {
    if (!has(tokens[i], TITLE_BIT | PERSON_NOUN_BIT | PHRASE_END_BIT) || !isCueWord(tokens, i, text))
      continue;
    if (has(tokens[i], ROLE_BIT) && !roleGap(text, tokens, i)) continue;
    // An interpreter is named after the language too: "interpreter (Tigrinya, Selam)".
    const interpreter = INTERPRETING.has((tokens[i] as Token).key);
    let j = i + 1;
    const title = has(tokens[i], TITLE_BIT);
    while (
      j < tokens.length &&
      (has(tokens[j], FILLER_BIT) ||
        (interpreter && has(tokens[j], LANGUAGE_BIT)) ||
        // "Mr van Zyl", "Ms van der Meulen": a title's name may open with particles.
        (title && particleAt(tokens, j))) &&
      j - i <= 3
    )
      j++;
    for (let k = j; k < Math.min(j + 2, tokens.length); k++) {
      if (
        !gapIs(CUE_GAP, text, tokens, k - 1) &&
        !titleDot(text, tokens, k - 1) &&
        !gradeGap(text, tokens, k - 1)
      )
        break;
      const t = tokens[k] as Token;
      // The second word after a cue only follows a first that is a name ("JIA YAN"; not "Called Age UK").
      if (k > j && (tokens[j] as Token).kind !== Kind.Unknown && (tokens[j] as Token).kind !== Kind.Strong)
        break;
      if (
        t.kind === Kind.None &&
        (has(tokens[i], TITLE_BIT | PERSON_NOUN_BIT) || !unlistedAbbreviation(t, mode)) &&
        (nameable(t) || givenBesideKin(text, tokens, k) || wordNameBesideKin(tokens, i, k, mode))
      )
        t.kind = Kind.Unknown;
      else if (t.kind === Kind.None) break;
    }
  }
  for (let i = 1; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (!has(t, PERSON_NOUN_BIT | SPEECH_BIT)) continue;
    const kinAfter = has(t, PERSON_NOUN_BIT) && gapIs(GAP_8, text, tokens, i - 1);
    const speechAfter = has(t, SPEECH_BIT) && gapIs(GAP_9, text, tokens, i - 1);
    if (!kinAfter && !speechAfter) continue;
    for (let k = i - 1; k >= Math.max(0, i - 2); k--) {
      const before = tokens[k] as Token;
      if (k < i - 1 && !gapIs(NAME_GAP, text, tokens, k)) break;
      if (
        before.kind === Kind.None &&
        (kinAfter || !unlistedAbbreviation(before, mode)) &&
        (nameable(before) || (kinAfter && givenBesideKin(text, tokens, k)))
      )
        before.kind = Kind.Unknown;
      else if (before.kind === Kind.None) break;
    }
  }
}

/**
 * A sentence's opening word of OPENING_WORDS or a preposition of place, at the head of a group taken as a name, is
 * that word and stays (only a family name alone could stand there, and these are among the commonest words). The
 * group is still decided with it; only the span is narrowed.
 */
function openingWord(text: string, tokens: readonly Token[], i: number, mode: Shape): boolean {
  const t = tokens[i] as Token;
  return (
    mode === Shape.Capitalised &&
    t.shape === Shape.Capitalised &&
    // "In Tamsin's view": a preposition of place opening the sentence.
    (PLACE_PREPOSITIONS.has(t.key) ||
      ((t.kind === Kind.Weak || t.kind === Kind.AmbiguousGiven) && OPENING_WORDS.has(t.key))) &&
    sentenceStart(text, tokens, i)
  );
}

/**
 * A family name that is also a clinical word, written as a name is (a capital, then small letters):
 * - "Doreen Ng", "Dr Ng", "Mei Po": one of two letters that is also an abbreviation ("ng", "po", "im"), right after
 *   a title or a capitalised name word. Abbreviations are written in small letters or capitals, and follow a number
 *   or a drug rather than a name.
 * - "Ines Stokes", "Sarah Parkinson": a longer one (an eponym, mostly) right after a name word, not before a word
 *   that would make the two a clinical or an organisation's name ("… disease", "… Trust"), and not one that names an
 *   institution ("Marie Curie"); a place word ("Ward") only before a role in a bracket or a home.
 */
const CLINICAL_NAME = NAME_BIT | CLINICAL_BIT;
/**
 * Words before an institution's eponym that make it the institution: its namesake's given name ("Marie Curie",
 * "Florence Nightingale") or "Royal" ("Royal Papworth").
 */
const INSTITUTION_LEADS: ReadonlySet<string> = new Set(["marie", "florence", "royal"]);

function clinicalSurname(text: string, tokens: readonly Token[], i: number): boolean {
  const t = tokens[i] as Token;
  if (t.shape !== Shape.Capitalised || !has(t, NAME_BIT) || !has(t, CLINICAL_BIT)) return false;
  const previous = item(tokens, i - 1);
  if (previous === undefined || previous.shape !== Shape.Capitalised) return false;
  if (t.end - t.start === 2) {
    if (has(previous, TITLE_BIT)) return gapIs(GAP_4, text, tokens, i - 1);
    return previous.kind !== Kind.None && previous.kind !== Kind.Weak && gapIs(GAP_9, text, tokens, i - 1);
  }
  // "Marie Curie", "Florence Nightingale": the institution; after another given name, the family name ("Paul
  // Nightingale"), unless a word after makes the two a place or a service.
  if (INSTITUTION_EPONYMS.has(t.key) && INSTITUTION_LEADS.has(previous.key)) return false;
  if (previous.kind !== Kind.Strong && previous.kind !== Kind.AmbiguousGiven) return false;
  if (!gapIs(GAP_9, text, tokens, i - 1)) return false;
  // "Nadia Ward (HV)", "Petra Ward's house": a place word is a family name only with a role or a home after it.
  if (has(t, PLACE_HEAD_BIT)) {
    const after = tokens[i + 1];
    return bracketedRoleAfter(text, tokens, i) || (after !== undefined && possessiveHome(text, t, after));
  }
  const next = tokens[i + 1];
  return !(
    next !== undefined &&
    gapIs(EPONYM_GAP, text, tokens, i) &&
    (has(next, PERSON_NOUN_BIT | PLACE_HEAD_BIT | EPONYM_HEAD_BIT | CLINICAL_BIT) || ORG_HEADS.has(next.key))
  );
}

/**
 * "Mrs K anxious", "Mr D. (visitor)", "Dr S to review": a title and one capital letter, no name after it, is a person
 * named by an initial.
 */
function initialAfterTitle(text: string, tokens: readonly Token[], i: number): boolean {
  const t = tokens[i] as Token;
  const previous = item(tokens, i - 1);
  if (t.end - t.start !== 1 || t.shape !== Shape.Capitalised || t.digitAdjacent || t.afterSlash) return false;
  if (previous === undefined || !SHORT_TITLES.has(previous.key) || previous.shape !== Shape.Capitalised)
    return false;
  if (!gapIs(GAP_4, text, tokens, i - 1)) return false;
  // "Mr T Okafor": the initial of the name after it, which the group takes with it.
  const next = tokens[i + 1];
  return next === undefined || next.shape !== Shape.Capitalised || !gapIs(GAP_4, text, tokens, i);
}

function groupStarts(text: string, t: Token, mode: Shape): boolean {
  if (t.kind !== Kind.None) return true;
  return (
    mode === Shape.Capitalised && t.shape !== Shape.Lower && (isInitial(text, t) || has(t, PARTICLE_BIT))
  );
}

export function findPersonNames(text: string): NameSpan[] {
  useGazetteer();
  const mode = tokenise(text);
  const tokens = current;
  if (tokens.length === 0) return [];
  let candidates = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.end - t.start === 3 && immunoglobulin(text, t))
      t.bits = (t.bits & ~(NAME_BIT | GIVEN_BIT)) | BLOCK_BIT;
    t.kind = classify(t, mode);
    // Only capitalised words that are a family name and a clinical word, or one letter, can be promoted.
    if (
      t.kind === Kind.None &&
      mode === Shape.Capitalised &&
      t.shape === Shape.Capitalised &&
      ((t.bits & CLINICAL_NAME) === CLINICAL_NAME || t.end - t.start === 1) &&
      (clinicalSurname(text, tokens, i) || initialAfterTitle(text, tokens, i))
    )
      t.kind = Kind.Strong;
    if (t.kind !== Kind.None || t.end - t.start === 1 || (t.bits & PARTICLE_BIT) !== 0) candidates = true;
  }
  if ((noteBits & (TITLE_BIT | PERSON_NOUN_BIT | PHRASE_END_BIT | SPEECH_BIT)) !== 0) {
    promoteCued(text, tokens, mode);
    candidates = true;
  }
  // Nothing name-like and no cue: no name (the common case for a purely clinical note).
  if (!candidates) return [];
  const groups = currentGroups;
  groups.length = 0;
  let groupCount = 0;
  let i = 0;
  while (i < tokens.length) {
    if (!groupStarts(text, tokens[i] as Token, mode)) {
      i++;
      continue;
    }
    let last = i;
    while (last + 1 < tokens.length && last - i < 4 && joinsGroup(text, tokens, last)) {
      const next = tokens[last + 1] as Token;
      const particle = has(next, PARTICLE_BIT) && next.end - next.start <= 3;
      // "Mrs Von reports", "van says": a verb after a particle is no part of the name.
      const afterParticle =
        has(tokens[last], PARTICLE_BIT) &&
        next.key.length >= 2 &&
        !has(next, TITLE_BIT | PERSON_NOUN_BIT | FILLER_BIT | SPEECH_BIT | PERSON_VERB_BIT);
      if (afterParticle && next.kind === Kind.None) next.kind = Kind.Unknown;
      if (!groupStarts(text, next, mode) && !particle && !afterParticle) break;
      // In capitalised prose a word in small letters goes on an initial only as a name no English word spells
      // ("E. coli" stays).
      if (
        mode === Shape.Capitalised &&
        next.shape === Shape.Lower &&
        !particle &&
        ((next.kind !== Kind.Strong && next.kind !== Kind.Unknown) ||
          (levelOf(next) !== undefined && !next.accented && isInitial(text, tokens[last] as Token)))
      )
        break;
      last++;
    }
    // Particles and initials are names only before a name: trim them off the end.
    let end = last;
    while (end > i && (tokens[end] as Token).kind === Kind.None) end--;
    if ((tokens[end] as Token).kind !== Kind.None && surnameHeadAfterPerson(text, tokens, i, end)) end++;
    if ((tokens[end] as Token).kind !== Kind.None || end > last) {
      let group = groupPool[groupCount];
      if (group === undefined) {
        group = { first: 0, end: 0, name: false, thing: false };
        groupPool.push(group);
      }
      groupCount++;
      group.first = i;
      group.end = end;
      group.thing =
        end > last
          ? false
          : eponymOrPlace(text, tokens, i, end, mode === Shape.Capitalised) ||
            // A people's word says where someone is from, not who: "family: Eritrean", "Tirzah (12), Eritrean";
            // not a word the lists hold as a name ("Indi", "Ghani").
            (i === end && !has(tokens[i], GIVEN_BIT | NAME_BIT) && isDemonym((tokens[i] as Token).key));
      group.name = !group.thing && decide(text, tokens, i, end, mode);
      if (group.name && end > i && openingWord(text, tokens, i, mode)) group.first = i + 1;
      groups.push(group);
    }
    i = Math.max(last, end) + 1;
  }
  // Lists: "daughters Sarah and Emma", "Jane, Tom and Ali (children)": a name-like group joined to a name is one.
  for (let pass = 0; pass < 2; pass++) {
    for (let g = 0; g < groups.length; g++) {
      const group = groups[g] as Group;
      if (group.name || !listable(tokens, group.first, group.end, mode)) continue;
      // A list does not make a place, an organisation, a language or a people a person: "carer (Dorota, Bluebird
      // Care)", "Tirzah (12), Eritrean".
      if (group.thing) continue;
      const previous = item(groups, g - 1);
      const next = groups[g + 1];
      if (
        (previous?.name && joined(text, tokens, previous.end, group.first)) ||
        (next?.name && joined(text, tokens, group.end, next.first))
      )
        group.name = true;
    }
  }
  const spans: NameSpan[] = [];
  /**
   * The last token already taken: a nickname in quotes taken with the name before it, or the words of a Gaelic
   * name after "Mac an" (a name in its own right is taken once).
   */
  let takenEnd = -1;
  for (const g of groups) {
    if (!g.name || g.end <= takenEnd) continue;
    // A name's other words that no list knows ("Opeyemi Ajewole", "achalesvara Bharadwaj"): words next to it that
    // are no English word and nothing clinical belong to it.
    let first = g.first;
    let end = g.end;
    while (end + 1 < tokens.length && end - g.end < 2 && gapIs(NAME_GAP, text, tokens, end)) {
      const next = tokens[end + 1] as Token;
      if (
        next.kind !== Kind.None ||
        !(
          belongsToName(next, tokens[end] as Token) ||
          has(next, PARTICLE_BIT) ||
          nounSurname(text, tokens, end + 1, mode)
        )
      )
        break;
      end++;
    }
    while (has(tokens[end], PARTICLE_BIT) && end > g.end) end--;
    // "Berit W (post MI)", "Mehwish K, CNS": a capital alone closing a name is the family name's initial.
    if (
      (tokens[end] as Token).shape !== Shape.Lower &&
      end + 1 < tokens.length &&
      initialAt(text, (tokens[end] as Token).end)
    )
      end++;
    if (first > 0 && gapIs(NAME_GAP, text, tokens, first - 1)) {
      const previous = tokens[first - 1] as Token;
      if (
        previous.kind === Kind.None &&
        belongsToName(previous, tokens[first] as Token) &&
        !precededByCue(text, tokens, first)
      )
        first--;
      else if (kinWordAsGivenName(text, tokens, first - 1)) first--;
    }
    end = gaelicLinkAfter(text, tokens, end);
    first = particlesBefore(text, tokens, first);
    spans.push({ start: (tokens[first] as Token).start, end: (tokens[end] as Token).end });
    takenEnd = Math.max(end, quotedNickname(text, tokens, end, spans, mode));
  }
  // "lives with purna and jazariah": an unlisted word joined by "and" or "&" to a name is a name too.
  for (const g of groups) {
    if (!g.name) continue;
    joinedWord(text, tokens, g.end, 1, spans);
    joinedWord(text, tokens, g.first, -1, spans);
    if (mode === Shape.Capitalised) slashedNames(text, tokens, g, spans);
  }
  if (text.includes("(") || text.includes('"') || text.includes("“"))
    shortFormsAndNicknames(text, tokens, spans);
  if (spans.length > 0) sameNameElsewhere(text, tokens, spans, mode);
  return spans;
}

/** Between a word and a short form of it in brackets or quotes: ` (`, ` ("`, ` "`, ` (“`. */
const SHORT_FORM_OPEN = gapPattern(/[ ]{1,2}(?:\(["“‘]?|["“‘])/);
/** After the short form: a closing quote and a bracket, or either. */
const SHORT_FORM_CLOSE = /["”’]?\)|["”’]/y;
/** Between a given name and a nickname in quotes, and between the nickname and a family name. */
const MIDDLE_QUOTE_OPEN = gapPattern(/[ ]{1,2}["“‘]/);
const MIDDLE_QUOTE_CLOSE = gapPattern(/["”’][ ]{1,2}/);

/** Nothing clinical, no role, title, kinship word, month or day: a word a person may be called by. */
function nameLike(t: Token): boolean {
  return !has(t, CLINICAL_BIT | BLOCK_BIT | TITLE_BIT | ROLE_BIT | PERSON_NOUN_BIT | CALENDAR_BIT);
}

/**
 * A name's short form or a nickname written beside it, which makes the words someone's name whatever else they
 * are: after a word the lists hold as a name, a capitalised short form it starts with, in quotes or brackets
 * ('Osagie "Osa"', "Thaddeus (Thad)"); and a capitalised nickname in quotes between a given name and a family
 * name ('Thaddeus "Tad" Falconer').
 */
function shortFormsAndNicknames(text: string, tokens: readonly Token[], spans: NameSpan[]): void {
  for (let i = 0; i + 1 < tokens.length; i++) {
    const t = tokens[i] as Token;
    const next = tokens[i + 1] as Token;
    if (t.shape !== Shape.Capitalised || next.shape !== Shape.Capitalised) continue;
    const c = firstAfterSpaces(text, t.end);
    if (c !== 40 && c !== 34 && c !== 0x201c && c !== 0x2018) continue;
    const family = tokens[i + 2];
    if (
      next.key.length >= 2 &&
      next.key.length < t.key.length &&
      shortFormOf(next.key, t.key) &&
      nameLike(t) &&
      (has(t, GIVEN_BIT) || (has(t, NAME_BIT) && levelOf(t) === undefined)) &&
      gapIs(SHORT_FORM_OPEN, text, tokens, i)
    ) {
      SHORT_FORM_CLOSE.lastIndex = next.end;
      const close = SHORT_FORM_CLOSE.exec(text);
      // A bracket opened is closed, a quote opened is closed; only after a given name, or a listed name that is no
      // English word (drugs have short forms too: "Gabapentin (Gaba)", 'Oxycodone ("Oxy")', a street drug's name).
      if (close !== null && (c === 40) === close[0].endsWith(")")) {
        addSpan(spans, t.start, t.end);
        addSpan(spans, next.start, next.end);
        // "William (Bill) Ashworth", 'Thaddeus "Tad" Falconer': the family name after it is the same person's.
        if (
          family !== undefined &&
          familyAfterNickname(family) &&
          SHORT_FORM_CLOSE.lastIndex + 1 === family.start &&
          text.charCodeAt(family.start - 1) === 32
        )
          addSpan(spans, t.start, family.end);
        continue;
      }
    }
    if (
      family !== undefined &&
      has(t, GIVEN_BIT) &&
      familyAfterNickname(family) &&
      nameLike(t) &&
      gapIs(MIDDLE_QUOTE_OPEN, text, tokens, i) &&
      gapIs(MIDDLE_QUOTE_CLOSE, text, tokens, i + 1)
    )
      addSpan(spans, t.start, family.end);
  }
}

/** `short` is a short form of the name `name`: the start of it ("Thad"), or one of its nicknames ("Bill"). */
function shortFormOf(short: string, name: string): boolean {
  return name.startsWith(short) || NICKNAMES.get(name)?.includes(short) === true;
}

/** A capitalised word after a nickname that can be a family name: listed as a name or in no word list. */
function familyAfterNickname(family: Token): boolean {
  return (
    family.shape === Shape.Capitalised &&
    (has(family, NAME_BIT) || levelOf(family) === undefined) &&
    !has(family, CLINICAL_BIT | BLOCK_BIT | TITLE_BIT | ROLE_BIT | CALENDAR_BIT)
  );
}

/**
 * A word taken as a name somewhere in the note is that name wherever else the note writes it ("Iyadunni, her
 * niece, is the main carer. … Iyadunni rang"): a note introduces a person once, with a cue, and then uses the
 * name alone. Words that are no English word and nothing clinical are carried over wherever they stand; a given
 * name that is also an English word only to its capitalised mentions (carriesOverCapitalised).
 */
function sameNameElsewhere(text: string, tokens: readonly Token[], spans: NameSpan[], mode: Shape): void {
  const found = spans.length;
  let keys: Set<string> | undefined;
  let capitalisedKeys: Set<string> | undefined;
  for (const t of tokens) {
    if (!covered(t, spans, found)) continue;
    if (carriesOver(t)) {
      keys ??= new Set();
      keys.add(t.key);
    } else if (carriesOverCapitalised(t, mode)) {
      capitalisedKeys ??= new Set();
      capitalisedKeys.add(t.key);
    }
  }
  if (keys === undefined && capitalisedKeys === undefined) return;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    const again =
      keys?.has(t.key) === true ||
      // "Victoria Wing": not where the word is the start of a place or an eponym.
      (capitalisedKeys?.has(t.key) === true &&
        t.shape === Shape.Capitalised &&
        !eponymOrPlace(text, tokens, i, i, true));
    if (again && !covered(t, spans, found)) spans.push({ start: t.start, end: t.end });
  }
}

/** Between a name and the nickname in quotes after it: ` ("`, ` "`, `, 93 "`, ` (“`. */
const NICKNAME_OPEN = gapPattern(/,?[ ]{1,2}(?:\d{1,3}[ ]{1,2})?\(?[ ]?["“‘]/);
const NICKNAME_CLOSE = /["”’]/y;
const QUOTE_OPEN = gapPattern(/ {1,2}["“‘]/);

/**
 * 'Mr Okafor ("Emeka")', 'Mrs Hale "Bunty"': one or two words in quotes right after a name are what the person is
 * called, whatever they are as words, when written as a name is (capitalised in capitalised prose; elsewhere no
 * common word): 'Son Tom "furious"' quotes him instead. Found before sameNameElsewhere, so the nickname used alone
 * later in the note goes too. Returns the index of the nickname's last token, or -1 when there is none.
 */
function quotedNickname(
  text: string,
  tokens: readonly Token[],
  last: number,
  spans: NameSpan[],
  mode: Shape,
): number {
  const first = last + 1;
  if (first >= tokens.length) return -1;
  if (!gapIs(NICKNAME_OPEN, text, tokens, last)) return -1;
  for (let end = first; end < first + 2 && end < tokens.length; end++) {
    if (end > first && !gapIs(GAP_9, text, tokens, end - 1)) return -1;
    const t = tokens[end] as Token;
    // Initials in capitals ("LJ") as a name is written too, when no common word ("OK").
    const written =
      t.shape === Shape.Capitalised ||
      (t.shape === Shape.Upper &&
        t.key.length <= 3 &&
        !NOT_INITIALS.has(t.key) &&
        !has(t, BLOCK_BIT) &&
        (levelOf(t) ?? 99) > COMMON_LEVEL);
    if (mode === Shape.Capitalised ? !written : (levelOf(t) ?? 99) <= COMMON_LEVEL) return -1;
    NICKNAME_CLOSE.lastIndex = (tokens[end] as Token).end;
    if (NICKNAME_CLOSE.test(text)) {
      spans.push({ start: (tokens[first] as Token).start, end: (tokens[end] as Token).end });
      return end;
    }
  }
  return -1;
}

/**
 * A family name that is also a word for a person or a place ("Imelda Foster", "Amy Porter", "Roisin Ward") right
 * after a name, capitalised in capitalised prose, and not the start of a role or a place of its own ("Imelda Foster
 * carer", "Rose Ward staff").
 */
function nounSurname(text: string, tokens: readonly Token[], i: number, mode: Shape): boolean {
  const t = tokens[i] as Token;
  if (mode !== Shape.Capitalised || t.shape !== Shape.Capitalised || !has(t, NAME_BIT)) return false;
  if (!has(t, PERSON_NOUN_BIT | PLACE_HEAD_BIT) || has(t, TITLE_BIT | ROLE_BIT | EPONYM_HEAD_BIT))
    return false;
  // "ward" is a clinical word too, as a place.
  if (has(t, CLINICAL_BIT) && !has(t, PLACE_HEAD_BIT)) return false;
  const next = tokens[i + 1];
  return !(
    next !== undefined &&
    (has(next, PERSON_NOUN_BIT | PLACE_HEAD_BIT | ROLE_BIT | CLINICAL_BIT) || JOB_TITLES.has(next.key)) &&
    gapIs(GAP_3, text, tokens, i)
  );
}

/**
 * "daughter Roisin Ward", "Mother Aoife Ward", "worker (Niamh Ward)": after a kinship word, a role or a title,
 * a name and a place head that is also a family name are a person, not a ward or a hall.
 */
function surnameHeadAfterPerson(
  text: string,
  tokens: readonly Token[],
  first: number,
  last: number,
): boolean {
  const next = tokens[last + 1];
  if (next === undefined || !has(next, PLACE_HEAD_BIT) || !gapIs(NAME_GAP, text, tokens, last)) return false;
  const before = item(tokens, first - 1);
  if (before === undefined || !has(before, PERSON_NOUN_BIT | TITLE_BIT)) return false;
  // Not after a comma: "Marek, Staff Nurse, Florence Ward" signs with the ward.
  if (
    !gapIs(GAP_6, text, tokens, first - 1) &&
    !gapIs(GAP_9, text, tokens, first - 1) &&
    !titleDot(text, tokens, first - 1)
  )
    return false;
  return (
    nounSurname(text, tokens, last + 1, Shape.Capitalised) && (tokens[first] as Token).shape === next.shape
  );
}

function carriesOver(t: Token): boolean {
  return t.key.length >= 3 && levelOf(t) === undefined && !has(t, PARTICLE_BIT) && nameable(t);
}

/**
 * A given name that is also an English word ("Heather", "Grace"), found as a name written capitalised in
 * capitalised prose, is that name again where the note writes it capitalised ("Heather asked to phone; Heather
 * confirmed"), but not where it writes the word in lower case ("heather honey"), nor an organisation's head word
 * ("Care home visit" after "Oakleigh Care Home").
 */
function carriesOverCapitalised(t: Token, mode: Shape): boolean {
  return (
    mode === Shape.Capitalised &&
    t.shape === Shape.Capitalised &&
    t.key.length >= 3 &&
    has(t, GIVEN_BIT) &&
    !has(t, CALENDAR_BIT | PARTICLE_BIT) &&
    !MODAL_NAMES.has(t.key) &&
    !ORG_HEADS.has(t.key) &&
    !has(t, BLOCK_BIT | EPONYM_HEAD_BIT | PLACE_HEAD_BIT)
  );
}

function covered(t: Token, spans: readonly NameSpan[], count: number): boolean {
  for (let i = 0; i < count; i++) {
    const span = spans[i] as NameSpan;
    if (span.start <= t.start && t.end <= span.end) return true;
  }
  return false;
}

/** The word two tokens from a name, across "and" or "&" (step 1: after it, -1: before it), if it is nameable. */
function joinedWord(
  text: string,
  tokens: readonly Token[],
  from: number,
  step: 1 | -1,
  spans: NameSpan[],
): void {
  const joiner = item(tokens, from + step);
  const other = item(tokens, from + 2 * step);
  if (!joiner || !other || other.kind !== Kind.None || !has(joiner, JOINER_BIT) || !nameable(other)) return;
  const left = step === 1 ? from : from - 2;
  if (gapIs(GAP_9, text, tokens, left) && gapIs(GAP_9, text, tokens, left + 1))
    spans.push({ start: other.start, end: other.end });
}

/** Only a slash between two words, with a space either side or none: "Falk/Oskar", "Mensah / Adaeze". */
const SLASH_GAP = gapPattern(/ ?\/ ?/);

/** A capitalised word that may be a name beside a slash: a listed name, or no English word; nothing clinical. */
function slashNameable(t: Token | undefined): t is Token {
  if (t === undefined || t.shape !== Shape.Capitalised || t.key.length < 2 || t.digitAdjacent) return false;
  if (
    has(
      t,
      BLOCK_BIT | TITLE_BIT | PERSON_NOUN_BIT | FILLER_BIT | EPONYM_HEAD_BIT | PLACE_HEAD_BIT | LANGUAGE_BIT,
    )
  )
    return false;
  const level = levelOf(t);
  return level === undefined || (has(t, NAME_BIT | GIVEN_BIT) && level >= 20);
}

/**
 * Two people written either side of a slash, in capitalised prose: "Crew Ines Falk/Oskar Kowalczyk", "Adaeze / Kofi
 * Mensah (nurse in charge)". A word after a slash is otherwise no name ("c/o", "Hb/Plt", "Leeds/Bradford"):
 * here the other side is a name already, and the word and the one after it (its family name) are taken.
 */
function slashedNames(text: string, tokens: readonly Token[], g: Group, spans: NameSpan[]): void {
  const after = tokens[g.end + 1];
  if (slashNameable(after) && gapIs(SLASH_GAP, text, tokens, g.end)) {
    let end = g.end + 1;
    const next = tokens[end + 1];
    if (slashNameable(next) && gapIs(NAME_GAP, text, tokens, end)) end++;
    addSpan(spans, after.start, (tokens[end] as Token).end);
  }
  const before = item(tokens, g.first - 1);
  if (slashNameable(before) && gapIs(SLASH_GAP, text, tokens, g.first - 1))
    addSpan(spans, before.start, before.end);
}

/** Adds [start, end) unless a span found already covers it; it takes the place of a span it covers. */
function addSpan(spans: NameSpan[], start: number, end: number): void {
  for (let k = 0; k < spans.length; k++) {
    const s = spans[k] as NameSpan;
    if (s.start <= start && end <= s.end) return;
    if (start <= s.start && s.end <= end) {
      spans[k] = { start, end };
      return;
    }
  }
  spans.push({ start, end });
}

function listable(tokens: readonly Token[], first: number, end: number, mode: Shape): boolean {
  for (let k = first; k <= end; k++) {
    const t = tokens[k] as Token;
    if (t.kind === Kind.Strong || t.kind === Kind.Unknown) return true;
    // A name that is also one of the rarest words the lists count as common ("Falconer", one who trains hawks).
    if (t.kind === Kind.Weak && t.shape === Shape.Capitalised && levelOf(t) === COMMON_LEVEL) return true;
    if (t.kind === Kind.AmbiguousGiven && (mode !== Shape.Capitalised || t.shape !== Shape.Lower))
      return true;
  }
  return false;
}

/**
 * A child's age after a name in a list of children: "Tariq 9, Noor 7", "Freya 6 and Isla 4", "Kai 18m"; in brackets
 * only before "and" or "&" ("Kobina (14) and Efosa (9)"; not "Mehwish (17), Iraqi").
 */
const AGE_UNIT = "(?:[ ]?(?:yrs?|yo|y|m|months?))?";
const AGE = `[ ]{1,2}\\d{1,2}${AGE_UNIT}`;
/** An age, bare or in brackets: " 9", " 18m", " (14)". */
const AGE_BARE_OR_BRACKETED = `(?:${AGE}|[ ]{1,2}\\(\\d{1,2}${AGE_UNIT}\\))`;
const AGE_COMMA = gapPattern(new RegExp(`${AGE_BARE_OR_BRACKETED}[ ]{0,2}[,&][ ]{0,2}`));
const AGE_BEFORE_JOINER = gapPattern(new RegExp(`${AGE_BARE_OR_BRACKETED},?[ ]{1,2}`));

/** Two groups separated by "and", "&" or a comma only, or those after an age ("Tariq 9, Noor 7"). */
function joined(text: string, tokens: readonly Token[], leftEnd: number, rightFirst: number): boolean {
  if (rightFirst === leftEnd + 1)
    return gapIs(GAP_10, text, tokens, leftEnd) || gapIs(AGE_COMMA, text, tokens, leftEnd);
  if (rightFirst === leftEnd + 2) {
    const middle = tokens[leftEnd + 1] as Token;
    return (
      has(middle, JOINER_BIT) &&
      (gapIs(GAP_11, text, tokens, leftEnd) || gapIs(AGE_BEFORE_JOINER, text, tokens, leftEnd)) &&
      gapIs(GAP_3, text, tokens, leftEnd + 1)
    );
  }
  return false;
}

// The gazetteers, bound on the detector's first use (see useGazetteer; gazetteer.ts says why they load late).
let NAMES!: ReadonlySet<string>;
let NICKNAMES!: ReadonlyMap<string, readonly string[]>;
let GIVEN!: ReadonlySet<string>;
let WORD_LEVEL!: ReadonlyMap<string, number>;
let TOWNS!: ReadonlySet<string>;
let CITIES!: ReadonlySet<string>;
let TOWN_HEADS!: ReadonlySet<string>;
let FACT_SETS!: ReadonlyArray<readonly [ReadonlySet<string>, number]>;

/** Whether this thread has loaded the gazetteers (for a test that a thread scrubbing no note never does). */
export function gazetteerLoaded(): boolean {
  return FACT_SETS !== undefined;
}

/**
 * Loads the gazetteers now rather than on the first note: a process that will scrub notes calls it at start-up, so
 * its first batch does not wait for them.
 */
export function useGazetteer(): void {
  if (FACT_SETS !== undefined) return;
  ({ NAMES, GIVEN, WORD_LEVEL, NICKNAMES, TOWNS, CITIES, TOWN_HEADS } = gazetteer());
  FACT_SETS = [[NAMES, NAME_BIT], [GIVEN, GIVEN_BIT], [TOWNS, TOWN_BIT], ...OTHER_FACT_SETS];
}

const OTHER_FACT_SETS: ReadonlyArray<readonly [ReadonlySet<string>, number]> = [
  [PERSON_NOUNS, PERSON_NOUN_BIT],
  [TITLES, TITLE_BIT],
  [FILLERS, FILLER_BIT],
  [EPONYM_HEADS, EPONYM_HEAD_BIT],
  [PLACE_HEADS, PLACE_HEAD_BIT],
  [SPEECH_VERBS, SPEECH_BIT],
  [PERSON_VERBS, PERSON_VERB_BIT],
  [NAME_JOINERS, JOINER_BIT],
  [PARTICLES, PARTICLE_BIT],
  [CLINICAL, CLINICAL_BIT],
  [ROLE_NOUNS, ROLE_BIT],
  // A role abbreviation is a role noun before a name ("SN Kowalczyk", "HV Stella"), and signs one after it.
  [STAFF_ROLES, PERSON_NOUN_BIT | ROLE_BIT],
];
