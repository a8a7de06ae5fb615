import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type OwnIdentifier, scrubText } from "../../anonymise/index.ts";
import { foldNote, foldString, foldText } from "../../anonymise/text/fold.ts";
import {
  addressRenderings,
  nameRenderings,
  nicknameRenderings,
  STREET_TYPES,
} from "../../anonymise/text/own-renderings.ts";
import { withoutDiacritics } from "../../privacy-eval/names.ts";

/**
 * The record's own name and address, written in the note in a rendering the record does not use. Each rule has
 * examples; the property tests generate renderings (case, accents dropped, separators, prefixes, street types)
 * of generated names and addresses and check that nothing of them survives.
 */

function scrub(text: string, own: OwnIdentifier[]): string {
  return scrubText(text, own, { personNames: false }, {});
}

const names = (given: string, family: string): OwnIdentifier[] => [
  { text: given, entity: "NAME" },
  { text: family, entity: "NAME" },
];

/** Plain-ASCII spelling as a note writer might type it: the harness's table, independent of the engine's folding. */
const plain = withoutDiacritics;

/** Words of three letters or more of `name` (plain spelling, lower case) still in `out`, ignoring prefixes. */
function survivors(out: string, name: string): string[] {
  const words = plain(name)
    .toLowerCase()
    .split(/[\s'’-]+/)
    .map((w) => w.replace(/^(?:mac|mc)(?=[a-z]{3})/, ""))
    .filter((w) => w.length >= 3 && !["mac", "nic"].includes(w));
  const folded = plain(out)
    .toLowerCase()
    .replace(/[\s'’-]+/g, " ");
  return words.filter(
    (w) =>
      new RegExp(`(?:^|[^a-z])(?:o|mac|mc)?${w}(?:[^a-z]|$)`).test(folded) ||
      folded.replace(/ /g, "").includes(w),
  );
}

describe("folding", () => {
  it("maps every folded character back to its source", () => {
    const text = "Łukasz Wójcik, 12 Oak Cl. — straße";
    const f = foldText(text);
    expect(f.text).toBe("lukasz wojcik 12 oak cl strasse");
    const at = f.text.indexOf("wojcik");
    expect(text.slice(f.start[at], f.end[at + "wojcik".length - 1])).toBe("Wójcik");
  });

  // Most notes are ASCII and take foldNote's own path: one run draws from ASCII alone, one mixes in other letters.
  it.each([
    ["ASCII", ["a", "B", " ", "'", "-", ".", ",", "1", "\n", "(", "@"]],
    ["mixed", ["a", "B", " ", "'", "-", ".", ",", "1", "\n", "ł", "É", "ß"]],
  ])("the note's fold agrees with the full fold, text and source ranges, %s text (property)", (_, units) => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80, unit: fc.constantFrom(...units) }), (text) => {
        const full = foldText(text);
        const expected = { text: full.text, start: Array.from(full.start), end: Array.from(full.end) };
        const fast = foldNote(text);
        expect(fast.text).toBe(expected.text);
        for (let i = 0; i < fast.text.length; i++) {
          expect(fast.sourceStart(i)).toBe(expected.start[i]);
          expect(fast.sourceEnd(i)).toBe(expected.end[i]);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("an identifier's fold is the full fold, trimmed, ASCII or not (property)", () => {
    fc.assert(
      fc.property(
        fc.string({
          maxLength: 40,
          unit: fc.constantFrom(
            "a",
            "Z",
            " ",
            "'",
            "-",
            ".",
            ",",
            "`",
            "7",
            "\t",
            "@",
            "ł",
            "É",
            "ß",
            "\u2019",
          ),
        }),
        (text) => {
          expect(foldString(text)).toBe(foldText(text).text.trim());
        },
      ),
      { numRuns: 500 },
    );
  });

  it.each([
    ["ł", "l"],
    ["ø", "o"],
    ["æ", "ae"],
    ["ß", "ss"],
    ["đ", "d"],
    ["þ", "th"],
    ["ı", "i"],
  ])("transliterates %s beyond accent stripping", (letter, ascii) => {
    expect(foldText(`a${letter}b`).text).toBe(`a${ascii}b`);
  });
});

describe("own names in other renderings", () => {
  it.each([
    ["without diacritics", "Łukasz", "Wójcik", "Seen with Lukasz Wojcik today"],
    ["note has the diacritics, record does not", "Lukasz", "Wojcik", "Seen with Łukasz Wójcik today"],
    ["capitals", "Siobhán", "Ó Súilleabháin", "SIOBHAN O SUILLEABHAIN SEEN"],
    ["lower case", "Bjørn", "Ødegård", "bjorn odegard seen"],
    ["ø as oe, ü as ue", "Bjørn", "Müller", "Bjoern Mueller seen"],
    ["O' written with a space", "Siobhan", "O'Sullivan", "Siobhan O Sullivan seen"],
    ["O' written joined", "Siobhan", "O'Sullivan", "Siobhan OSullivan seen"],
    ["Ó written O'", "Siobhan", "Ó Súilleabháin", "Siobhan O'Suilleabhain seen"],
    ["Mac written Mc", "Ewan", "MacDonald", "Ewan McDonald seen"],
    ["Mc written Mac with a space", "Ewan", "McLeod", "Ewan Mac Leod seen"],
    ["Ní written Nic", "Aoife", "Ní Bhriain", "Aoife Nic Bhriain seen"],
    ["Ua written Ó", "Rory", "Ua Buachalla", "Rory O Buachalla seen"],
    ["hyphen as space", "Anna", "Smith-Jones", "Anna Smith Jones seen"],
    ["hyphen dropped", "Anna", "Smith-Jones", "Anna SmithJones seen"],
    ["one part of a double name", "Anna", "Smith-Jones", "Mrs Jones seen"],
    ["curly apostrophe", "Siobhan", "O'Neill", "Siobhan O’Neill seen"],
  ])("%s", (_rule, given, family, note) => {
    const out = scrub(note, names(given, family));
    expect(survivors(out, `${given} ${family}`)).toEqual([]);
    expect(out.toLowerCase()).toContain("seen");
  });

  it("does not remove a particle on its own ('de', 'van', 'o')", () => {
    const out = scrub("Plan de novo; van booked; o/e normal", names("Maria", "de la Cruz"));
    expect(out).toBe("Plan de novo; van booked; o/e normal");
  });

  it("Mac is a prefix only where it is one (MacLeod, not Mackay)", () => {
    expect(nameRenderings("Mackay")).toEqual(["mackay"]);
    expect(nameRenderings("MacLeod")).toEqual(expect.arrayContaining(["mcleod", "mac leod"]));
  });

  it("whole words only, after folding", () => {
    expect(scrub("Wojcikowski clinic", names("Łukasz", "Wójcik"))).toBe("Wojcikowski clinic");
  });

  const LETTERS = "abcdefghijklmnoprstuwyzáéíóúłøæßüñçšžć";
  /**
   * The property's note is "Reviewed <name> on the ward.": a generated name that folds to one of those words ("The")
   * is rightly removed there too, and the test could no longer find the rest of the note to set aside.
   */
  const NOTE_WORDS = new Set(["reviewed", "on", "the", "ward"]);
  const word = fc
    .array(fc.constantFrom(...LETTERS), { minLength: 3, maxLength: 9 })
    .map((cs) => cs.join(""))
    .filter((w) => !NOTE_WORDS.has(foldString(w)))
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1));
  const prefix = fc.constantFrom("", "O'", "Ó ", "Mac", "Mc", "Ní ", "Ua ");

  it("property: a generated name in a generated rendering never survives", () => {
    fc.assert(
      fc.property(
        word,
        word,
        prefix,
        fc.constantFrom("upper", "lower", "as is"),
        fc.boolean(),
        fc.constantFrom("O'", "O ", "O", "Ó ", "Mac", "Mc", "Mac ", "Ní ", "Nic ", "Ua "),
        (given, stem, pre, casing, stripAccents, respelled) => {
          const family = `${pre}${pre === "Mac" || pre === "Mc" ? stem : stem}`;
          // The note may respell a Gaelic prefix within its class.
          const classes = [["O'", "Ó ", "Ua "], ["Mac", "Mc"], ["Ní "]];
          const cls = classes.find((c) => c.includes(pre));
          const sameClass = cls?.some(
            (c) =>
              c.trim().replace("'", "").toLowerCase().slice(0, 1) ===
              respelled.trim().slice(0, 1).toLowerCase(),
          );
          let rendered = `${given} ${pre !== "" && sameClass ? `${respelled}${stem}` : family}`;
          if (stripAccents) rendered = plain(rendered);
          if (casing === "upper") rendered = rendered.toUpperCase();
          if (casing === "lower") rendered = rendered.toLowerCase();
          const out = scrub(`Reviewed ${rendered} on the ward.`, names(given, family));
          const leftover = out.replace("Reviewed", "").replace("on the ward.", "");
          // Nothing of the name survives. A generated family name may also be a street's ("Abc Row") and leave as
          // [ADDRESS]: still removed.
          expect(leftover.replace(/\[(?:NAME|ADDRESS)\]/g, "").trim()).toBe("");
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe("own names by the other names they go by", () => {
  const patient = (given: string, token = "NAME-TOKEN", family = "Hargreaves"): OwnIdentifier[] => [
    { text: given, entity: "NAME", replacement: token, otherNames: true },
    { text: family, entity: "NAME", replacement: "FAMILY-TOKEN" },
  ];

  it("a nickname of the record's given name, written as a name, goes with the given name's token", () => {
    expect(scrub("Night staff report Dottie settled after midnight.", patient("Dorothy"))).toBe(
      "Night staff report NAME-TOKEN settled after midnight.",
    );
    expect(scrub("Peggy asked for her glasses.", patient("Margaret"))).toBe(
      "NAME-TOKEN asked for her glasses.",
    );
    expect(scrub("Son says Paddy was confused overnight.", patient("Patrick"))).toBe(
      "Son says NAME-TOKEN was confused overnight.",
    );
  });

  it("only for the names the policy lists (a family name is not searched by nicknames)", () => {
    const own: OwnIdentifier[] = [
      { text: "Dorothy", entity: "NAME" },
      { text: "Jackson", entity: "NAME" },
    ];
    expect(scrub("Dottie and her son Jack visited.", own)).toBe("Dottie and her son Jack visited.");
  });

  it("one way: a short form's possible full names are other people", () => {
    expect(scrub("Wife Christine visited; Patrick is his brother.", patient("Chris"))).toBe(
      "Wife Christine visited; Patrick is his brother.",
    );
  });

  it("only with a capital and then small letters: the words stay", () => {
    expect(scrub("Mark each dot on the chart; DOT regimen continued.", patient("Dorothy"))).toBe(
      "Mark each dot on the chart; DOT regimen continued.",
    );
    expect(scrub("pat dry after washing", patient("Patricia"))).toBe("pat dry after washing");
  });

  it("not inside a hyphenated word, not a word the list holds for other things", () => {
    expect(scrub("Chest X-Ray clear. Ray-Ban glasses found.", patient("Raymond"))).toBe(
      "Chest X-Ray clear. Ray-Ban glasses found.",
    );
    expect(scrub("Nan visited today. Peg feed overnight. Post-op Day 3.", patient("Ann"))).toBe(
      "Nan visited today. Peg feed overnight. Post-op Day 3.",
    );
    expect(scrub("Peg site clean.", patient("Margaret"))).toBe("Peg site clean.");
  });

  it("a nickname that is one of the record's other names keeps that name's token", () => {
    expect(scrub("Seen with Mr Frank today.", patient("Francis", "GIVEN", "Frank"))).toBe(
      "Seen with Mr FAMILY-TOKEN today.",
    );
  });

  it("the most common words count only where no sentence or line starts", () => {
    const own = patient("William");
    expect(scrub("Will review in clinic. Bill for parking queried.\n- Will see again", own)).toBe(
      "Will review in clinic. Bill for parking queried.\n- Will see again",
    );
    expect(scrub("Discussed with Will and his sister.", own)).toBe(
      "Discussed with NAME-TOKEN and his sister.",
    );
  });

  it("renderings: nicknames of each part, never the parts themselves, never a suffix", () => {
    const others = nicknameRenderings("Dorothy Ann");
    const all = (o: ReturnType<typeof nicknameRenderings>) => [...o.plain, ...o.titled, ...o.midSentence];
    // "Dot" and "Dolly" are words too (matched only as a note writes a name); "Dottie" and "Annie" are not.
    expect(others.titled).toEqual(expect.arrayContaining(["dot", "dolly"]));
    expect(others.plain).toEqual(expect.arrayContaining(["dottie", "annie"]));
    expect(all(others)).not.toContain("dorothy");
    expect(all(others)).not.toContain("ann");
    expect(all(others)).not.toContain("nan");
    expect(nicknameRenderings("William").midSentence).toEqual(expect.arrayContaining(["will", "bill"]));
    expect(all(nicknameRenderings("Junior"))).not.toContain("jr");
    expect(nicknameRenderings("Paddy")).toEqual({ plain: [], titled: [], midSentence: [] });
  });

  it("a nickname that is no English word is the name in any case; one that is a word only capitalised", () => {
    const own = patient("Dorothy");
    expect(scrub("seen with dottie and her son", own)).toBe("seen with NAME-TOKEN and her son");
    expect(scrub("DOTTIE SEEN TODAY", own)).toBe("NAME-TOKEN SEEN TODAY");
    expect(scrub("a dot of cream applied", own)).toBe("a dot of cream applied");
  });

  it("a given name clipped after its first syllable, as a note writes a name", () => {
    expect(nicknameRenderings("Lorcan").titled).toContain("lor");
    expect(nicknameRenderings("Ambrose").titled).not.toContain("amb");
    expect(scrub("Walked the length of the ward, well done Lor. Rest today.", patient("Lorcan"))).toBe(
      "Walked the length of the ward, well done NAME-TOKEN. Rest today.",
    );
    expect(scrub("lor: pain on walking", patient("Lorcan"))).toBe("lor: pain on walking");
  });

  it("a Yoruba name without its first element, an Arabic compound's first element, never an English word", () => {
    const plainOf = (name: string) => nicknameRenderings(name).plain;
    expect(plainOf("Oluwaseun")).toContain("seun");
    expect(plainOf("Babatunde")).toContain("tunde");
    expect(plainOf("Adebayo")).toContain("bayo");
    expect(plainOf("Abdulrahman")).toContain("abdul");
    expect([
      ...nicknameRenderings("Adeline").plain,
      ...nicknameRenderings("Adeline").titled,
      ...nicknameRenderings("Adeline").midSentence,
    ]).not.toContain("line");
    expect(scrub("7/9 2215 seun re-attends, chest pain", patient("Oluwaseun"))).toContain(
      "NAME-TOKEN re-attends",
    );
    expect(scrub("Haematology WR Seun known to us.", patient("Oluwaseun"))).toBe(
      "Haematology WR NAME-TOKEN known to us.",
    );
  });
});

describe("own address in other renderings", () => {
  it.each([
    ["street type abbreviated", "12 Church Road", "Lives at 12 Church Rd with wife"],
    ["abbreviation with a full stop", "4 Oak Close", "Lives at 4 Oak Cl. with wife"],
    ["street without the number", "4 Oak Close", "walks along Oak Close daily"],
    ["number with a comma", "17 Elm Gardens", "Lives at 17, Elm Gdns with wife"],
    ["lower case", "9 Park Lane", "lives at 9 park ln with wife"],
    ["capitals", "9 Park Lane", "LIVES AT 9 PARK LANE WITH WIFE"],
    ["house letter spaced", "12a Mill Street", "Lives at 12 A Mill St with wife"],
    ["apostrophe dropped", "7 St John's Gardens", "Lives at 7 St Johns Gdns with wife"],
    ["terrace", "3 Alma Terrace", "Lives at 3 Alma Tce with wife"],
    ["flat", "Flat 2, 31 Grove Court", "Lives at 31 Grove Ct with wife"],
    ["a street starting with a one-letter word", "24 O'Kon Lane", "Letter sent to o'kon ln with wife"],
  ])("%s", (_rule, address, note) => {
    const out = scrub(note, [{ text: address, entity: "ADDRESS" }]);
    expect(out).toContain("[ADDRESS]");
    const street = address.replace(/^(?:flat \d+, )?\d+[a-z]? /i, "").split(" ")[0] as string;
    expect(out.toLowerCase()).not.toContain(street.toLowerCase().replace("'", ""));
  });

  it("property: every street type, written out or abbreviated, with or without the number", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 999 }),
        fc.constantFrom("Mill", "Church", "Albion", "Wellington", "Brook"),
        fc.constantFrom(...STREET_TYPES),
        fc.nat(),
        fc.boolean(),
        fc.constantFrom("upper", "lower", "as is"),
        (number, name, forms, pick, withNumber, casing) => {
          const full = forms[0];
          const written = forms[pick % forms.length] as string;
          const address = `${number} ${name} ${full.charAt(0).toUpperCase()}${full.slice(1)}`;
          let rendered = `${withNumber ? `${number} ` : ""}${name} ${written}`;
          if (casing === "upper") rendered = rendered.toUpperCase();
          if (casing === "lower") rendered = rendered.toLowerCase();
          const out = scrub(`Home: ${rendered}; BP 120/80.`, [{ text: address, entity: "ADDRESS" }]);
          expect(out).toBe("Home: [ADDRESS]; BP 120/80.");
        },
      ),
      { numRuns: 300 },
    );
  });

  it("a part that names nothing on its own ('Flat 3') is not a needle", () => {
    expect(addressRenderings("Flat 3, 12 Oak Close")).not.toContain("flat 3");
  });

  it("a town after the street is not looked for alone; the line with the town still is", () => {
    expect(addressRenderings("7 Kiln Close, Bracknell")).not.toContain("bracknell");
    const own = [{ text: "7 Kiln Close, Bracknell", entity: "ADDRESS" as const }];
    expect(scrub("Bloods at Bracknell Healthspace on Monday.", own)).toBe(
      "Bloods at Bracknell Healthspace on Monday.",
    );
    expect(scrub("Lives at 7 Kiln Close, Bracknell with her son.", own)).toBe(
      "Lives at [ADDRESS] with her son.",
    );
    expect(scrub("ADDR: 7 KILN CL, BRACKNELL RG12 9ZZ", own)).toBe("ADDR: [ADDRESS] [POSTCODE]");
  });

  it("a care home, a hostel or a site is also looked for by its name alone", () => {
    expect(addressRenderings("Larchfield Care Home, 2 Moor Lane, Otley")).toContain("larchfield");
    expect(addressRenderings("c/o St Jude's Hostel, 4 Mill Street")).toContain("st judes");
    expect(addressRenderings("Plot 2, Hollins Travellers Site, Wigan")).toContain("hollins");
    const out = scrub("Handover at Larchfield: settled night.", [
      { text: "Larchfield Care Home, 2 Moor Lane, Otley", entity: "ADDRESS" },
    ]);
    expect(out).toBe("Handover at [ADDRESS]: settled night.");
  });
});
