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

/** The folded form of one non-ASCII code point ("" for combining marks and the like). */
function foldCodePoint(cp: number): string {
  let out = transliterated.get(cp);
  if (out === undefined) {
    out = anyAscii(String.fromCodePoint(cp)).toLowerCase();
    // A transliteration may itself contain separators (e.g. a CJK syllable "Jia "); keep letters and digits only.
    out = out.replace(/[^a-z0-9]/g, "");
    if (transliterated.size < 50_000) transliterated.set(cp, out);
  }
  return out;
}

export function foldText(text: string): FoldedText {
  // Transliteration can lengthen the text (ß → ss); size the maps generously and trim at the end.
  let capacity = text.length + 16;
  let start = new Int32Array(capacity);
  let end = new Int32Array(capacity);
  let out = "";
  let n = 0;
  let inSeparator = false;
  const push = (s: string, from: number, to: number): void => {
    for (let k = 0; k < s.length; k++) {
      if (n >= capacity) {
        capacity *= 2;
        const s2 = new Int32Array(capacity);
        s2.set(start);
        start = s2;
        const e2 = new Int32Array(capacity);
        e2.set(end);
        end = e2;
      }
      start[n] = from;
      end[n] = to;
      n++;
    }
    out += s;
  };
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i) as number;
    const width = cp > 0xffff ? 2 : 1;
    if (isSeparator(cp)) {
      if (inSeparator) end[n - 1] = i + width;
      else push(" ", i, i + width);
      inSeparator = true;
    } else if (cp < 128) {
      push(cp >= 65 && cp <= 90 ? String.fromCharCode(cp + 32) : String.fromCharCode(cp), i, i + width);
      inSeparator = false;
    } else {
      const folded = foldCodePoint(cp);
      if (folded.length > 0) {
        push(folded, i, i + width);
        inSeparator = false;
      } else if (n > 0) {
        // A combining mark or similar: it belongs to the character before it.
        end[n - 1] = i + width;
      }
    }
    i += width;
  }
  return { text: out, start: start.subarray(0, n), end: end.subarray(0, n) };
}

/** The folded form of a short string, trimmed: used for the record's identifiers and their renderings. */
export function foldString(s: string): string {
  return foldText(s).text.trim();
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
