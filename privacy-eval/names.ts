/// <reference path="./modules.d.ts" />
import {
  type Faker,
  fakerCS_CZ,
  fakerEN_GB,
  fakerEN_GH,
  fakerEN_HK,
  fakerEN_IN,
  fakerEN_NG,
  fakerEN_NP,
  fakerHR,
  fakerHU,
  fakerLV,
  fakerPL,
  fakerRO,
  fakerRU,
  fakerSK,
  fakerUK,
  fakerVI,
  fakerYO_NG,
  fakerZH_CN,
} from "@faker-js/faker";
import anyAscii from "any-ascii";
import englishGiven from "gender-detection-from-name/names/en.js";

/**
 * People for the evaluation corpus, by origin. The sources are deliberately NOT the engine's gazetteers
 * (humannames, the stdlib given-name lists): Faker's locales, plus the English given-name list of
 * gender-detection-from-name, which holds many Irish, Scottish and Welsh names. Scripts other than Latin
 * (Chinese, Cyrillic) are romanised here as a hospital system would store them.
 */

export const ORIGINS = [
  "british-irish",
  "gaelic",
  "south-asian",
  "west-african",
  "east-asian",
  "eastern-european",
] as const;
export type Origin = (typeof ORIGINS)[number];

export interface Person {
  readonly given: string;
  readonly family: string;
  readonly origin: Origin;
}

const ENGLISH_GIVEN: readonly string[] = [...(englishGiven as Map<string, string>).keys()]
  .filter((n) => /^[a-z]{3,12}$/.test(n))
  .map((n) => n.charAt(0).toUpperCase() + n.slice(1));

const LOCALES: Record<Exclude<Origin, "gaelic">, readonly Faker[]> = {
  "british-irish": [fakerEN_GB],
  "south-asian": [fakerEN_IN, fakerEN_NP],
  "west-african": [fakerEN_NG, fakerYO_NG, fakerEN_GH],
  "east-asian": [fakerEN_HK, fakerVI, fakerZH_CN],
  "eastern-european": [fakerPL, fakerRO, fakerCS_CZ, fakerHU, fakerLV, fakerSK, fakerHR, fakerRU, fakerUK],
};

function romanised(s: string): string {
  if (/^[\p{Script=Latin}\s'’-]+$/u.test(s)) return s;
  const ascii = anyAscii(s).replace(/['’]/g, "");
  // "JiaHao" → "Jiahao": one capital per word.
  return ascii
    .split(/\s+/)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase())
    .join(" ");
}

const GAELIC_PREFIXES = ["O'", "Ó ", "Mac", "Mc", "Ní ", "Nic ", "Ua "];

/** `pick` is the corpus's own seeded Faker; locale Fakers are re-seeded from it so the corpus is reproducible. */
export function person(pick: Faker, origin: Origin): Person {
  if (origin === "gaelic") {
    fakerEN_GB.seed(pick.number.int({ min: 1, max: 2 ** 31 - 1 }));
    const stem = fakerEN_GB.person.lastName().replace(/[^A-Za-z]/g, "");
    const prefix = pick.helpers.arrayElement(GAELIC_PREFIXES);
    const given = pick.helpers.arrayElement(ENGLISH_GIVEN);
    return { given, family: `${prefix}${stem}`, origin };
  }
  const locale = pick.helpers.arrayElement(LOCALES[origin]);
  locale.seed(pick.number.int({ min: 1, max: 2 ** 31 - 1 }));
  const sex = pick.helpers.arrayElement(["female", "male"] as const);
  let given = romanised(locale.person.firstName(sex)).split(" ")[0] as string;
  const family = romanised(locale.person.lastName(sex));
  // A third of British and Irish people get a given name from the second source.
  if (origin === "british-irish" && pick.datatype.boolean(0.4))
    given = pick.helpers.arrayElement(ENGLISH_GIVEN);
  return { given, family, origin };
}

/** Folding the way a note writer or an older system would: accents dropped, letters such as ł or ø spelled plainly. */
const PLAIN: Record<string, string> = {
  ł: "l",
  Ł: "L",
  ø: "o",
  Ø: "O",
  æ: "ae",
  Æ: "Ae",
  ß: "ss",
  đ: "d",
  Đ: "D",
  þ: "th",
  Þ: "Th",
  ð: "d",
  ı: "i",
  œ: "oe",
  Œ: "Oe",
};

export function withoutDiacritics(s: string): string {
  return s
    .replace(/[łŁøØæÆßđĐþÞðıœŒ]/g, (c) => PLAIN[c] ?? c)
    .normalize("NFD")
    .replace(/\p{M}/gu, "");
}
