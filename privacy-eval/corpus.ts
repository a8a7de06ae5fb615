import { base, en, en_GB, Faker } from "@faker-js/faker";
import {
  dateSpellings,
  nhsNumberSpellings,
  type PatientRecordJson,
  phoneSpellings,
  postcodeSpellings,
  syntheticGpPracticeCode,
  syntheticNhsNumber,
  syntheticNiNumber,
  syntheticPatientId,
  syntheticPhone,
  syntheticPostcode,
} from "../dev/synthetic/index.ts";
import type { Category, GoldRecord, GoldSpan } from "./gold.ts";
import { ORIGINS, type Person, person, withoutDiacritics } from "./names.ts";

/**
 * The evaluation corpus: labelled synthetic UK clinical notes, seeded, hard on purpose. Its own generator,
 * separate from the unit-test generator (dev/synthetic), its own sentences and its own sources of names (see
 * names.ts). Each record carries gold spans (what must go, by category, and whether it is the record's own
 * identifier) and decoys (clinical text that must stay verbatim).
 *
 * What makes it hard: the patient's name written without diacritics, in capitals or lower case, with a Gaelic
 * prefix respelled, the street type abbreviated; other people named by given name alone or given and family name,
 * usually without a title, sometimes with no cue at all, in lower case or capitals; names that are English words
 * (Grace, Hope, Will, May) next to the same words used as words; eponyms, wards named after people, drug doses,
 * scores and lab values next to the identifiers.
 */

const STREET_TYPES: ReadonlyArray<readonly [string, ...string[]]> = [
  ["Road", "Rd", "Rd."],
  ["Street", "St", "St."],
  ["Avenue", "Ave", "Av."],
  ["Close", "Cl", "Cl."],
  ["Lane", "Ln"],
  ["Drive", "Dr"],
  ["Crescent", "Cres"],
  ["Gardens", "Gdns"],
  ["Place", "Pl"],
  ["Court", "Ct"],
  ["Terrace", "Terr", "Tce"],
  ["Square", "Sq"],
  ["Grove", "Gr"],
];

/** Kinship and role words the corpus uses; written independently of the engine's cue lists. */
const RELATIONS = [
  "wife",
  "husband",
  "partner",
  "son",
  "daughter",
  "mother",
  "father",
  "brother",
  "sister",
  "carer",
  "neighbour",
  "friend",
  "niece",
  "nephew",
  "granddaughter",
  "grandson",
  "aunt",
  "uncle",
  "daughter-in-law",
  "stepson",
  "cousin",
  "lodger",
];

/** Given names that are ordinary English words, used both as names and, elsewhere, as words. */
const WORD_NAMES = [
  "Grace",
  "Hope",
  "Will",
  "May",
  "Mark",
  "Bill",
  "Joy",
  "Faith",
  "Dawn",
  "Rose",
  "Summer",
  "Frank",
];

/** Clinical look-alikes: numbers, codes, eponyms and places that no scrubber may touch. */
const DECOYS = [
  "BP 142/88",
  "BP 98/61 lying",
  "HR 104 bpm",
  "RR 22",
  "SpO2 93% on 2L",
  "SpO2 97% RA",
  "NEWS2 5",
  "NEWS2 score of 7",
  "GCS 14/15 (E4 V4 M6)",
  "HbA1c 71 mmol/mol",
  "eGFR 38 mL/min/1.73m2",
  "CRP 187",
  "Hb 84 g/L",
  "K+ 5.9 mmol/L",
  "Na 128",
  "troponin 63 ng/L",
  "INR 3.4",
  "lactate 2.8",
  "temp 38.4C",
  "CURB-65 score 3",
  "Wells score 6",
  "Rockwood CFS 6",
  "MUST score 2",
  "Waterlow 18",
  "ICD-10 J18.9",
  "I48.0",
  "N39.0",
  "E11.65",
  "apixaban 5 mg BD",
  "ramipril 2.5 mg OD",
  "Oramorph 2.5-5 mg PRN",
  "co-amoxiclav 1.2 g IV TDS",
  "insulin glargine 18 units nocte",
  "Movicol 1 sachet BD",
  "levothyroxine 75 micrograms",
  "furosemide 40 mg IV",
  "Parkinson's disease",
  "Crohn's disease",
  "Addison's disease",
  "Hodgkin lymphoma",
  "Bell's palsy",
  "Graves' disease",
  "Wilson's disease",
  "Down syndrome",
  "Murphy's sign positive",
  "Glasgow Coma Scale 13",
  "Cushing's syndrome",
  "Alzheimer's dementia",
  "Barrett's oesophagus",
  "Nightingale Ward",
  "Florence Ward",
  "Victoria Wing",
  "Elizabeth Unit",
  "Ward 7B",
  "bed 14",
  "bay 3 bed 2",
  "side room 4",
  "at 14:30",
  "at 02:15",
  "0900 meds given",
  "Foley catheter",
  "Hudson mask",
  "Zimmer frame",
  "will review",
  "may need",
  "Will review in clinic",
  "May need repeat bloods",
  "review in 6 weeks",
  "mark on left shin",
  "grace period",
  "hope to discharge",
  "Hope is to discharge tomorrow",
];

interface Slot {
  readonly text: string;
  readonly category?: Category;
  readonly own?: boolean;
  readonly field?: string;
  readonly decoy?: boolean;
}

function casing(f: Faker, s: string, upperRate = 0.12, lowerRate = 0.12): string {
  const r = f.number.float({ min: 0, max: 1 });
  if (r < upperRate) return s.toUpperCase();
  if (r < upperRate + lowerRate) return s.toLowerCase();
  return s;
}

/** The note writer's rendering of the patient's own name part. */
function renderName(f: Faker, value: string): string {
  let out = value;
  if (f.datatype.boolean(0.45)) out = withoutDiacritics(out);
  // Gaelic prefixes respelled: Ó Brien → O'Brien, Mac → Mc, apostrophe dropped or spaced.
  out = out
    .replace(/^Ó /u, () => f.helpers.arrayElement(["O'", "O ", "Ó ", "O’"]))
    .replace(/^O'/u, () => f.helpers.arrayElement(["O'", "O ", "O", "O’"]))
    .replace(/^Mac(?=\p{Lu})/u, () => f.helpers.arrayElement(["Mac", "Mc", "Mac "]))
    .replace(/^Mc(?=\p{Lu})/u, () => f.helpers.arrayElement(["Mc", "Mac", "Mc "]))
    .replace(/^Ní /u, () => f.helpers.arrayElement(["Ní ", "Ni ", "Nic "]));
  if (out.includes("-") && f.datatype.boolean(0.5))
    out = out.replace(/-/g, f.helpers.arrayElement([" ", ""]));
  return casing(f, out, 0.15, 0.15);
}

function renderAddress(f: Faker, house: number, name: string, type: readonly string[]): string {
  const t = f.helpers.arrayElement(type);
  let out = `${name} ${t}`;
  if (f.datatype.boolean(0.75)) out = `${house}${f.helpers.arrayElement([" ", ", "])}${out}`;
  return casing(f, out, 0.1, 0.15);
}

interface Subject {
  readonly person: Person;
  readonly house: number;
  readonly streetName: string;
  readonly streetType: readonly [string, ...string[]];
  readonly json: PatientRecordJson;
}

function subject(f: Faker): Subject {
  const origin = f.helpers.arrayElement(ORIGINS);
  const p = person(f, origin);
  const house = f.number.int({ min: 1, max: 240 });
  const streetName = fakerStreetName(f);
  const streetType = f.helpers.arrayElement(STREET_TYPES);
  const dob = f.date
    .between({ from: "1930-01-01T00:00:00Z", to: "2015-12-31T00:00:00Z" })
    .toISOString()
    .slice(0, 10);
  const event = f.date.between({ from: "2024-01-01T00:00:00Z", to: "2026-06-30T00:00:00Z" });
  event.setUTCMilliseconds(0);
  const phone = f.datatype.boolean(0.85) ? syntheticPhone(f) : null;
  const emailLocal = withoutDiacritics(`${p.given}.${p.family}`)
    .toLowerCase()
    .replace(/[^a-z.]/g, "");
  return {
    person: p,
    house,
    streetName,
    streetType,
    json: {
      record_id: f.string.uuid(),
      event_time: event.toISOString(),
      source_system: "EVAL",
      patient_id: syntheticPatientId(f),
      nhs_number: f.helpers.arrayElement(nhsNumberSpellings(syntheticNhsNumber(f))),
      given_name: p.given,
      family_name: p.family,
      date_of_birth: dob,
      gender: f.helpers.arrayElement(["female", "male"]),
      ethnic_category: "Z",
      address_line: `${house} ${streetName} ${streetType[0]}`,
      postcode: syntheticPostcode(f),
      phone,
      email: f.datatype.boolean(0.7) ? `${emailLocal}${f.number.int(99)}@example.org` : null,
      gp_practice_code: syntheticGpPracticeCode(f),
      admission_date: null,
      discharge_date: null,
      diagnosis_codes: ["R69"],
      clinical_notes: null,
      national_data_opt_out: false,
    },
  };
}

const STREET_WORDS = [
  "Oak",
  "Mill",
  "Church",
  "Station",
  "Victoria",
  "Park",
  "Orchard",
  "Meadow",
  "Albert",
  "Kings",
];

function fakerStreetName(f: Faker): string {
  // Faker's own street names end in a type; keep the first word(s) and add ours.
  return f.datatype.boolean(0.6)
    ? f.person.lastName().replace(/[^A-Za-z' -]/g, "")
    : f.helpers.arrayElement(STREET_WORDS);
}

type Template = (s: (slot: string) => Slot) => Array<string | Slot>;

/** Builds a template from a string with {SLOT}s. */
function t(source: string): Template {
  const parts = source.split(/(\{[A-Z0-9_]+\})/);
  return (fill) =>
    parts.filter((p) => p.length > 0).map((p) => (p.startsWith("{") ? fill(p.slice(1, -1)) : p));
}

/** Sentences about the patient: own identifiers in many renderings. */
const PATIENT_SENTENCES = [
  "{P_FULL} seen on {DECOY}.",
  "Pt {P_GIVEN} reports less pain today.",
  "{P_FAMILY}, {P_GIVEN} - {DECOY}.",
  "{P_TITLE} {P_FAMILY} reviewed, {DECOY}.",
  "{P_GIVEN} tells me she has not been eating.",
  "Identity checked: {P_FULL}, DOB {DOB}, NHS {NHS}.",
  "Home address {ADDRESS}, {POSTCODE}.",
  "Lives at {ADDRESS} with her dog.",
  "Ambulance crew collected from {ADDRESS}.",
  "Contact number {PHONE}.",
  "Email on file {EMAIL}.",
  "Hospital no. {PID}; NI {NI}.",
  "Discussed plan with {P_GIVEN}, who agrees.",
  "{P_FULL} is known to the team.",
  "Letter sent to {P_TITLE} {P_FULL} at {ADDRESS}.",
].map(t);

/** Sentences about other people: relatives, carers, friends, staff. Many without a title, some without a cue. */
const OTHER_SENTENCES = [
  "Spoke to {REL} {O_GIVEN} on the phone this morning.",
  "Accompanied by {REL} {O_FULL}.",
  "NOK is {REL} {O_FULL}, tel {O_PHONE}.",
  "{O_GIVEN} ({REL}) visited in the afternoon and brought clothes.",
  "{O_FULL} rang asking for an update.",
  "Lives with {O_GIVEN} and {O_GIVEN2}.",
  "{O_GIVEN} and {O_GIVEN2} attended the family meeting.",
  "Message left for {O_GIVEN}.",
  "Called by {O_FULL} from the care agency.",
  "Her {REL}, {O_GIVEN}, is the main carer.",
  "{REL} {O_GIVEN_LOWER} happy to collect him.",
  "{O_GIVEN_UPPER} {O_FAMILY_UPPER} ({REL}) PRESENT FOR WARD ROUND.",
  "Handed over to {O_FULL}, night staff.",
  "Physio {O_GIVEN} assessed mobility.",
  "Reviewed with {O_GIVEN} (SpR).",
  "{O_GIVEN} from the district nursing team will visit.",
  "Daughter-in-law {O_GIVEN} keen to help with discharge.",
  "Son {WORD_NAME} called to say he cannot visit.",
  "{WORD_NAME} ({REL}) has lasting power of attorney.",
  "Collected by {O_FULL} at {DECOY_TIME}.",
  "Discussed with {O_FULL} and {O_FULL2}.",
  "{O_FULL} is worried about her memory.",
  "Neighbour {O_FAMILY} has a key.",
  "{O_GIVEN} {O_FAMILY} says he is drinking more.",
  "{REL} lives at {O_ADDRESS}.",
  "Seen by {STAFF_TITLE} {O_FAMILY}.",
  "Per {O_GIVEN}, patient fell twice last week.",
  "c/o {O_FULL}, {O_ADDRESS}.",
  "Translator {O_FULL} present.",
  "{O_GIVEN} thinks the new tablets make her dizzy.",
].map(t);

/** Clinical sentences: decoys only. */
const CLINICAL_SENTENCES = [
  "Obs: {DECOY}, {DECOY}.",
  "{DECOY}. {DECOY}.",
  "Plan: {DECOY}; {DECOY}.",
  "PMH {DECOY}, {DECOY}.",
  "Transferred to {DECOY}.",
  "Meds: {DECOY}, {DECOY}.",
].map(t);

export interface CorpusOptions {
  readonly seed: number;
  readonly count: number;
}

export interface LabelledRecord extends GoldRecord {
  readonly json: PatientRecordJson;
}

export function generateCorpus(options: CorpusOptions): LabelledRecord[] {
  const f = new Faker({ locale: [en_GB, en, base] });
  f.seed(options.seed);
  return Array.from({ length: options.count }, (_, i) => labelledRecord(f, i));
}

/** A slot that renders one of the record's own fields. */
function own(text: string, category: Category, field: string): Slot {
  return { text, category, own: true, field };
}

function labelledRecord(f: Faker, index: number): LabelledRecord {
  const s = subject(f);
  const p = s.person;
  const others = [person(f, f.helpers.arrayElement(ORIGINS)), person(f, f.helpers.arrayElement(ORIGINS))];
  const [o1, o2] = others as [Person, Person];
  const j = s.json;
  const fill = (slot: string): Slot => {
    switch (slot) {
      case "P_FULL": {
        const g = renderName(f, p.given);
        const fam = renderName(f, p.family);
        return { text: `${g} ${fam}`, category: "NAME", own: true, field: "name" };
      }
      case "P_GIVEN":
        return own(renderName(f, p.given), "NAME", "given_name");
      case "P_FAMILY":
        return own(renderName(f, p.family), "NAME", "family_name");
      case "P_TITLE":
      case "STAFF_TITLE":
        return { text: f.helpers.arrayElement(["Mr", "Mrs", "Ms", "Miss", "Dr", "mrs", "MR"]) };
      case "DOB":
        return own(f.helpers.arrayElement(dateSpellings(j.date_of_birth)), "DATE", "date_of_birth");
      case "NHS":
        return own(f.helpers.arrayElement(nhsNumberSpellings(j.nhs_number)), "NHS_NUMBER", "nhs_number");
      case "ADDRESS":
        return own(renderAddress(f, s.house, s.streetName, s.streetType), "ADDRESS", "address_line");
      case "O_ADDRESS":
        return {
          text: renderAddress(
            f,
            f.number.int({ min: 1, max: 120 }),
            fakerStreetName(f),
            f.helpers.arrayElement(STREET_TYPES),
          ),
          category: "ADDRESS",
        };
      case "POSTCODE":
        return own(f.helpers.arrayElement(postcodeSpellings(j.postcode)), "POSTCODE", "postcode");
      case "PHONE":
        return j.phone
          ? own(f.helpers.arrayElement(phoneSpellings(j.phone)), "PHONE", "phone")
          : { text: "not recorded" };
      case "O_PHONE":
        return { text: syntheticPhone(f), category: "PHONE" };
      case "EMAIL":
        return j.email ? own(casing(f, j.email, 0.1, 0), "EMAIL", "email") : { text: "none" };
      case "PID":
        return own(casing(f, j.patient_id, 0, 0.3), "PATIENT_ID", "patient_id");
      case "NI":
        return { text: syntheticNiNumber(f), category: "NI_NUMBER" };
      case "REL":
        return { text: f.helpers.arrayElement(RELATIONS) };
      case "O_GIVEN":
        return { text: casing(f, o1.given, 0.05, 0.08), category: "NAME" };
      case "O_GIVEN2":
        return { text: casing(f, o2.given, 0.05, 0.08), category: "NAME" };
      case "O_GIVEN_LOWER":
        return { text: o1.given.toLowerCase(), category: "NAME" };
      case "O_GIVEN_UPPER":
        return { text: o1.given.toUpperCase(), category: "NAME" };
      case "O_FAMILY_UPPER":
        return { text: o1.family.toUpperCase(), category: "NAME" };
      case "O_FAMILY":
        return { text: o1.family, category: "NAME" };
      case "O_FULL":
        return { text: casing(f, `${o1.given} ${o1.family}`, 0.05, 0.08), category: "NAME" };
      case "O_FULL2":
        return { text: `${o2.given} ${o2.family}`, category: "NAME" };
      case "WORD_NAME":
        return { text: f.helpers.arrayElement(WORD_NAMES), category: "NAME" };
      case "DECOY":
        return { text: f.helpers.arrayElement(DECOYS), decoy: true };
      case "DECOY_TIME":
        return { text: f.helpers.arrayElement(["14:30", "09:15", "18:45"]), decoy: true };
      default:
        throw new Error(`unknown slot ${slot}`);
    }
  };
  const sentences = [
    ...f.helpers.arrayElements(PATIENT_SENTENCES, { min: 2, max: 4 }),
    ...f.helpers.arrayElements(OTHER_SENTENCES, { min: 2, max: 4 }),
    ...f.helpers.arrayElements(CLINICAL_SENTENCES, { min: 1, max: 2 }),
  ];
  const allCaps = f.datatype.boolean(0.06);
  const allLower = !allCaps && f.datatype.boolean(0.08);
  let text = "";
  const spans: GoldSpan[] = [];
  const keep: Array<{ start: number; end: number }> = [];
  for (const sentence of f.helpers.shuffle(sentences)) {
    if (text.length > 0) text += f.helpers.arrayElement([" ", " ", "\n", ". "]).replace(/^\. /, " ");
    for (const piece of sentence(fill)) {
      const slot = typeof piece === "string" ? { text: piece } : piece;
      let value = slot.text;
      if (allCaps) value = value.toUpperCase();
      if (allLower && !slot.decoy) value = value.toLowerCase();
      const start = text.length;
      text += value;
      if (slot.category)
        spans.push({
          start,
          end: text.length,
          category: slot.category,
          own: slot.own === true,
          ...(slot.field ? { field: slot.field } : {}),
        });
      if (slot.decoy) keep.push({ start, end: text.length });
    }
  }
  return {
    id: `eval-${index}`,
    text,
    record: { ...j, clinical_notes: text },
    spans,
    keep,
    json: { ...j, clinical_notes: text },
  };
}
