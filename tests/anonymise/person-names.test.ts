import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { scrubText } from "../../anonymise/index.ts";
import { findPersonNames } from "../../anonymise/text/person-names.ts";

/**
 * The person-name detector on its own (no record identifiers): each cue pattern, names without cues, casing,
 * and the clinical text it must leave alone. Names here are written for the tests; the detector's gazetteers
 * come from packages and these sentences are not in the evaluation corpus.
 */

function names(text: string): string[] {
  return findPersonNames(text).map((s) => text.slice(s.start, s.end));
}

function scrub(text: string): { out: string; counts: Record<string, number> } {
  const counts: Record<string, number> = {};
  return { out: scrubText(text, [], {}, counts), counts };
}

describe("cues before a name", () => {
  it.each([
    ["kinship word", "Seen with her husband Marek today.", ["Marek"]],
    ["kinship word, lower case name", "seen with husband marek today.", ["marek"]],
    ["next of kin", "Next of kin: Oluwaseun Adeyemi.", ["Oluwaseun Adeyemi"]],
    ["NOK abbreviation", "NOK Priyanka (tel on file).", ["Priyanka"]],
    ["spoke to", "Spoke to Declan about transport.", ["Declan"]],
    ["called by", "Called by Agnieszka Kowalczyk this pm.", ["Agnieszka Kowalczyk"]],
    ["accompanied by", "Accompanied by Tunde.", ["Tunde"]],
    ["lives with", "Lives with Hamish and two cats.", ["Hamish"]],
    ["carer", "Carer Blessing visits twice a day.", ["Blessing"]],
    ["neighbour with a word-name", "Neighbour Bill holds a key.", ["Bill"]],
    ["friend, filler words", "Spoke to his friend, Gareth, by phone.", ["Gareth"]],
    ["the patient's son", "Discussed with the patient's son Imran.", ["Imran"]],
    ["title, lower case", "letter to mrs okonjo re appointment.", ["okonjo"]],
    ["role word", "Physio Rhiannon assessed gait.", ["Rhiannon"]],
    ["c/o", "Post c/o Wojciech Nowak please.", ["Wojciech Nowak"]],
    ["handover from, a word-name", "Handover from Tom at 20:00.", ["Tom"]],
    ["reviewed by", "Reviewed by Ngozi, plan agreed.", ["Ngozi"]],
    ["capitals", "DAUGHTER SIOBHAN PRESENT AT REVIEW.", ["SIOBHAN"]],
  ])("%s", (_label, text, expected) => {
    expect(names(text)).toEqual(expected);
  });
});

describe("cues after a name", () => {
  it.each([
    ["kinship word in brackets", "Grace (daughter) visited.", ["Grace"]],
    ["kinship word after a comma", "Dafydd, her son, is worried.", ["Dafydd"]],
    ["verb of speech", "Kwabena rang the ward at noon.", ["Kwabena"]],
    ["word-name in brackets", "Hope (niece) has the keys.", ["Hope"]],
    ["month-name beside a kinship word", "Son May phoned twice.", ["May"]],
  ])("%s", (_label, text, expected) => {
    expect(names(text)).toEqual(expected);
  });
});

describe("names without cues", () => {
  it.each([
    ["given and family name", "Plan agreed with Fiona Macleod and the team.", ["Fiona Macleod"]],
    ["known name that is no English word", "Discharge letter copied to Siobhan.", ["Siobhan"]],
    ["family name with a Gaelic prefix", "Letter copied to O'Donnell.", ["O'Donnell"]],
    ["initial and family name", "Reviewed by J. Walker (SpR).", ["J. Walker"]],
    ["a list joined by and", "Daughters Aisha and Zainab visited.", ["Aisha", "Zainab"]],
    ["word-name with a family name", "Grace Achterberg phoned.", ["Grace Achterberg"]],
    ["less common word-name mid-sentence", "Discussed the results with John and his wife.", ["John"]],
    [
      "a name's unlisted second word",
      "Plan explained to Oluwadamilare Ajewole today.",
      ["Oluwadamilare Ajewole"],
    ],
  ])("%s", (_label, text, expected) => {
    expect(names(text)).toEqual(expected);
  });
});

describe("clinical text stays", () => {
  it.each([
    "Parkinson's disease, on co-careldopa.",
    "Crohn's disease in remission.",
    "Addison's disease, hydrocortisone 20 mg.",
    "Hodgkin lymphoma 2019.",
    "Bell's palsy resolved.",
    "Graves' disease, carbimazole.",
    "Murphy's sign negative.",
    "Wells score 4; CURB-65 2.",
    "Glasgow Coma Scale 14.",
    "Transferred to Nightingale Ward, bed 12.",
    "Will review in clinic in May.",
    "May need repeat bloods.",
    "Mark on left shin noted.",
    "Hope to discharge tomorrow.",
    "Bill for parking given to family.",
    "Grace period for the form.",
    "HbA1c 52 mmol/mol; SpO2 95% RA; NEWS2 3.",
    "BP 135/80, HR 88, RR 18, temp 37.2.",
    "metformin 500 mg BD, ramipril 5 mg OD.",
    "Foley catheter, Hudson mask, Zimmer frame.",
    "Review at 14:30 on Ward 7B.",
    "Seen in clinic on Monday morning.",
    "ICD-10 I48.0 and E11.9 coded.",
    "K+ 5.1 mmol/L. Na 139. CRP 12.",
    "Lives alone, independent with ADLs.",
    "PLAN: WILL REVIEW IN CLINIC. MAY NEED CT.",
    "son will call back later.",
    "Apixaban from pharmacy; Oramorph from ward stock.",
    "Angiogram reported as normal. Echocardiogram confirmed LVSD.",
    "Paracetamol helped. Abdomen feels soft.",
    "Movicol 1 sachet BD; Fortisip TDS.",
    "Reviewed by Ortho; seen by Gastro; referred to Physio.",
    "PMH: COPD, AF, T2DM. Meds: Will review, Hope to step down.",
  ])("%s", (text) => {
    expect(names(text)).toEqual([]);
    expect(scrub(text).out).toBe(text);
  });
});

describe("output and counts", () => {
  it("replaces names with [NAME] and counts them", () => {
    const { out, counts } = scrub("Spoke to wife Ewa and son Tomasz. BP 120/80.");
    expect(out).toBe("Spoke to wife [NAME] and son [NAME]. BP 120/80.");
    expect(counts).toEqual({ NAME: 2 });
  });

  it("a titled name keeps its title", () => {
    expect(scrub("Seen by Dr Okafor today.").out).toBe("Seen by Dr [NAME] today.");
  });

  it("the detector can be switched off (the benchmark's baseline)", () => {
    const counts: Record<string, number> = {};
    expect(scrubText("Spoke to wife Ewa.", [], { personNames: false }, counts)).toBe("Spoke to wife Ewa.");
  });

  it("never throws and returns spans inside the text (property)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        for (const s of findPersonNames(text)) {
          expect(s.start).toBeGreaterThanOrEqual(0);
          expect(s.end).toBeLessThanOrEqual(text.length);
          expect(s.start).toBeLessThan(s.end);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("is linear: a note at the length cap made of name-like words is scrubbed quickly", () => {
    const text = "Spoke to wife Ewa Kowalczyk and son Tomasz. ".repeat(230).slice(0, 10_000);
    const start = performance.now();
    scrub(text);
    expect(performance.now() - start).toBeLessThan(1000);
  });
});
