import anyAscii from "any-ascii";

/**
 * Folding: one comparable form for a note and for the record's identifiers, so that "Łukasz Wójcik", "LUKASZ
 * WOJCIK" and "lukasz wojcik" meet, and so do "O'Sullivan", "O Sullivan" and "O-Sullivan".
 *
 * - Letters are transliterated with any-ascii (a complete table: ł → l, ø → o, æ → ae, ß → ss, đ → d, þ → th,
 *   Cyrillic, Greek, CJK…), not only stripped of combining accents, then lower-cased.
 * - Runs of separators (white space, apostrophes, hyphens and dashes, full stops, commas) become one space.
 * - Other characters are kept as they are (lower-cased when ASCII letters).
 *
 * The folded text keeps, for each of its characters, the range of the original text it came from, so a match in
 * the folded text is replaced in the original.
 */

/** The folded text and, per folded character, its source range. The index views are valid until the next call. */
export interface FoldedText {
  readonly text: string;
  /** For each folded character, where its source starts in the original text. */
  readonly start: Int32Array;
  /** For each folded character, where its source ends (exclusive) in the original text. */
  readonly end: Int32Array;
}

function isSeparator(code: number): boolean {
  return (
    code === 32 ||
    (code >= 9 && code <= 13) ||
    code === 39 || // '
    code === 45 || // -
    code === 46 || // .
    code === 44 || // ,
    code === 96 || // `
    code === 0xa0 ||
    code === 0xb4 || // ´
    (code >= 0x2010 && code <= 0x2015) || // hyphens and dashes
    code === 0x2018 ||
    code === 0x2019 || // ‘ ’
    code === 0x02bc || // ʼ
    code === 0x2032 || // ′
    code === 0x202f ||
    code === 0x3000
  );
}

const transliterated = new Map<number, string>();
const NOT_FOLDED = /[^a-z0-9]/g;

/** The folded form of one non-ASCII code point ("" for combining marks and the like). */
function foldCodePoint(cp: number): string {
  let out = transliterated.get(cp);
  if (out === undefined) {
    out = anyAscii(String.fromCodePoint(cp)).toLowerCase();
    // A transliteration may itself contain separators (e.g. a CJK syllable "Jia "); keep letters and digits only.
    out = out.replace(NOT_FOLDED, "");
    if (transliterated.size < 50_000) transliterated.set(cp, out);
  }
  return out;
}

/**
 * Buffers reused from call to call (the engine is synchronous; each worker thread has its own): folding a note
 * allocates only the folded string and the two index views. A caller uses a result before folding again. Folded
 * characters are all ASCII (transliterations keep letters and digits only), so they fit a byte each.
 */
let chars = Buffer.alloc(1024);
let starts = new Int32Array(1024);
let ends = new Int32Array(1024);

function ensure(capacity: number): void {
  if (capacity <= chars.length) return;
  const size = Math.max(capacity, chars.length * 2);
  const c = Buffer.alloc(size);
  c.set(chars);
  chars = c;
  const s = new Int32Array(size);
  s.set(starts);
  starts = s;
  const e = new Int32Array(size);
  e.set(ends);
  ends = e;
}

function stringOf(n: number): string {
  return chars.toString("latin1", 0, n);
}

export function foldText(text: string): FoldedText {
  const n = foldInto(text);
  return { text: stringOf(n), start: starts.subarray(0, n), end: ends.subarray(0, n) };
}

/** Folds `text` into the shared buffers; returns the folded length. */
function foldInto(text: string): number {
  ensure(text.length + 16);
  let n = 0;
  let inSeparator = false;
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i) as number;
    const width = cp > 0xffff ? 2 : 1;
    if (isSeparator(cp)) {
      if (inSeparator) ends[n - 1] = i + width;
      else {
        chars[n] = 32;
        starts[n] = i;
        ends[n] = i + width;
        n++;
      }
      inSeparator = true;
    } else if (cp < 128) {
      chars[n] = cp >= 65 && cp <= 90 ? cp + 32 : cp;
      starts[n] = i;
      ends[n] = i + 1;
      n++;
      inSeparator = false;
    } else {
      const folded = foldCodePoint(cp);
      if (folded.length > 0) {
        ensure(n + folded.length + (text.length - i) + 16);
        for (let k = 0; k < folded.length; k++) {
          chars[n] = folded.charCodeAt(k);
          starts[n] = i;
          ends[n] = i + width;
          n++;
        }
        inSeparator = false;
      } else if (n > 0) {
        // A combining mark or similar: it belongs to the character before it.
        ends[n - 1] = i + width;
      }
    }
    i += width;
  }
  return n;
}

/** A folded note and, for each of its characters, where its source starts and ends in the original. */
export interface FoldedNote {
  readonly text: string;
  /** Where folded character `i` starts in the original, and where folded character `j` ends. */
  sourceStart(i: number): number;
  sourceEnd(j: number): number;
}

/**
 * foldInto for ASCII text: one pass into the shared buffer, one string made from it (a lower-casing and a regex
 * replace made two strings and the replace's match bookkeeping). Only where each folded character starts is
 * recorded; in ASCII text its end follows from that (see foldNote).
 */
function foldAscii(text: string): string {
  ensure(text.length + 16);
  let n = 0;
  let inSeparator = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (isSeparator(c)) {
      if (!inSeparator) {
        starts[n] = i;
        chars[n++] = 32;
      }
      inSeparator = true;
    } else {
      starts[n] = i;
      chars[n++] = c >= 65 && c <= 90 ? c + 32 : c;
      inSeparator = false;
    }
  }
  return stringOf(n);
}

/** Whether every character of `text` is ASCII. */
export function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 128) return false;
  return true;
}

/**
 * foldText for a note, with the source ranges read from the shared buffers, so they are valid until the next fold.
 * In ASCII text (most notes) every character folds to one character or, in a run of separators, the run to one
 * space: a folded character's source ends where it starts plus one, and a separator run's where the next folded
 * character's starts (or at the end of the note). The same result as foldText either way.
 */
export function foldNote(text: string): FoldedNote {
  if (!isAscii(text)) {
    const f = foldText(text);
    return { text: f.text, sourceStart: (i) => f.start[i] as number, sourceEnd: (j) => f.end[j] as number };
  }
  const folded = foldAscii(text);
  const n = folded.length;
  return {
    text: folded,
    sourceStart: (i) => starts[i] as number,
    sourceEnd(j) {
      if (chars[j] !== 32) return (starts[j] as number) + 1;
      return j + 1 < n ? (starts[j + 1] as number) : text.length;
    },
  };
}

/**
 * The folded form of a short string, trimmed: used for the record's identifiers and their renderings. It reuses
 * foldText's buffers, so it must not run while a caller still holds another fold's index views.
 */
export function foldString(s: string): string {
  if (isAscii(s)) return foldAscii(s).trim();
  return stringOf(foldInto(s)).trim();
}

/** A gazetteer key: ASCII letters only, lower case ("O'Néill" → "oneill", "Smith-Jones" → "smithjones"). */
export function keyOf(word: string): string {
  let ascii = true;
  for (let i = 0; i < word.length; i++) {
    if (word.charCodeAt(i) >= 128) {
      ascii = false;
      break;
    }
  }
  const s = ascii ? word.toLowerCase() : anyAscii(word).toLowerCase();
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 97 && c <= 122) out += s[i];
  }
  return out;
}

/** Whether a folded character is a letter or digit (folded text is ASCII apart from characters kept as is). */
export function isFoldedWordChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 97 && code <= 122);
}
