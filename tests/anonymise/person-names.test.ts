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

/** A table of [label, line, the names expected in it], one test each. */
function namesFound(title: string, cases: ReadonlyArray<readonly [string, string, readonly string[]]>): void {
  describe(title, () => {
    it.each(cases)("%s", (_label, line, expected) => {
      expect(names(line)).toEqual(expected);
    });
  });
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
    ["title with a full stop", "Chaplain Fr. Brown visited.", ["Brown"]],
    ["reviewed by", "Reviewed by Ngozi, plan agreed.", ["Ngozi"]],
    ["capitals", "DAUGHTER SIOBHAN PRESENT AT REVIEW.", ["SIOBHAN"]],
    ["a teacher, a word-name", "Seen today. Teacher Summer says he is withdrawn.", ["Summer"]],
    ["a staff role abbreviation", "Plan made. CPN Joy to call on Friday.", ["Joy"]],
    ["a role, the name alone in brackets", "Swallow reviewed. Dietitian (Hazel) to weigh.", ["Hazel"]],
    ["a role heading, a given name", "Visits weekly.\nDN: Heather", ["Heather"]],
    ["an interpreter after a colon and the language", "Interpreter: Tigrinya, Mehari (phone).", ["Mehari"]],
    ["a nickname in quotes after a cue", 'Named a man called "Gazza" as the dealer.', ["Gazza"]],
    ["a nickname in quotes after a kinship word", 'His partner "Ky" was present.', ["Ky"]],
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
    ["a role in brackets, alone", "Obs stable. Thandeka (nurse) informed.", ["Thandeka"]],
    ["a role in brackets after an ordinary word", "Obs stable. Thandeka (renal nurse) aware.", ["Thandeka"]],
    ["a role in brackets after a word-name", "Transport booked. Robin (physio) aware.", ["Robin"]],
    ["a role in brackets after a language's name", "Obs stable. Shona (practice nurse) aware.", ["Shona"]],
    ["a cue of a chase", "Chased by Honey in pharmacy.", ["Honey"]],
    ["a cue of who did the work", "Home visit done by Ysolde Quarrie on Monday.", ["Ysolde Quarrie"]],
    ["a cue of a call back", "Awaiting a call back from Dusty re the work-up.", ["Dusty"]],
    [
      "a role abbreviation in capitals after a full name",
      "Next week with Ysolde Brereton PT.",
      ["Ysolde Brereton"],
    ],
    [
      "a finding in capitals after a cued name",
      "Late uncle Crispin Dunleavy MI at 50.",
      ["Crispin Dunleavy"],
    ],
    [
      "an initial and a word before a finding stay",
      "Lungs clear. L. Faint NPDR. Urine grew E. coli UTI.",
      [],
    ],
    [
      "a given name present or aware",
      "Consent signed. Isadora present. Marcellus aware.",
      ["Isadora", "Marcellus"],
    ],
    [
      "a finding present or a group aware stays",
      "Blood present. Family aware. Bank aware. Iris present. Mark present on left shin.",
      [],
    ],
    ["a copula and a relation", "Honey has been her main carer since the stroke.", ["Honey"]],
    ["a copula and a role with its ward", "Dusty is the ward sister tonight.", ["Dusty"]],
    ["a copula and no person after it", "Honey is her main treat. Storm is his main problem.", []],
    ["a copula and an organisation", "Caremark is her main carer agency.", []],
  ])("%s", (_label, text, expected) => {
    expect(names(text)).toEqual(expected);
  });
});

describe("a name found once is that name wherever else the note writes it", () => {
  it.each([
    [
      "introduced with a cue, then alone",
      "Niece Tendai brought him in. Tendai will collect him at 4pm.",
      ["Tendai", "Tendai"],
    ],
    ["earlier than its cue", "Olamide rang first thing. Later spoke to son Olamide.", ["Olamide", "Olamide"]],
    ["in another case", "Carer Wiktoria present. WIKTORIA TO RING IF CONCERNED.", ["Wiktoria", "WIKTORIA"]],
    [
      "a given name that is an English word is carried over only where it is capitalised",
      "Wife Grace present. Grace to ring the ward. Within the grace period.",
      ["Grace", "Grace"],
    ],
    ["nor where it starts a place", "Daughter Victoria visited. Moved to Victoria Wing today.", ["Victoria"]],
    ["nor a modal verb", "Son Will rang. Will review tomorrow.", ["Will"]],
  ])("%s", (_label, text, expected) => {
    expect(names(text)).toEqual(expected);
  });

  it("a drug name is never carried over", () => {
    const text = "Son Kofi visited. Apixaban 5 mg bd continued. Kofi aware of plan.";
    expect(scrub(text).out).toBe("Son [NAME] visited. Apixaban 5 mg bd continued. [NAME] aware of plan.");
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

describe("an organisation's head word is not carried over from its name", () => {
  it("keeps 'Care' in 'Care home visit' after 'Oakleigh Care Home'", () => {
    const { out } = scrub("Care home visit – Oakleigh Care Home. Seen with nurse.");
    expect(out.startsWith("Care home visit – ")).toBe(true);
    expect(out).not.toContain("Oakleigh");
  });
});

describe("clinical text stays", () => {
  it.each([
    "Parkinson's disease, on co-careldopa.",
    "Crohn's disease in remission.",
    "Addison's disease, hydrocortisone 20 mg.",
    "Hodgkin lymphoma 2019.",
    "Bell's palsy resolved.",
    "Tablets taken from her Dosette at 08:00; carer checks the blister pack.",
    "Letter from the Consultant Clinical Geneticist and the Consultant Medical Oncologist.",
    "Admitted with a R TACI. Genotyping requested. Given amox for the UTI.",
    "Graves' disease, carbimazole.",
    "Murphy's sign negative.",
    "Urine culture: E. coli, pan-sensitive. Grew E. coli again.",
    "Blood culture E. coli sens gentamicin, res co-amoxiclav.",
    "TFTs and PSA sent. XR wrist done. LP planned. Runs of VT on the monitor. DEXA booked.",
    "Sacrum: Allevyn Gentle Border, heel Mepilex Border Flex; Sara Stedy for transfers; Dexcom sensor changed.",
    "Wells score 4; CURB-65 2.",
    "Glasgow Coma Scale 14.",
    "Transferred to Nightingale Ward, bed 12.",
    "Will review in clinic in 6 weeks. May need bloods.",
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

/** Clinical prose full of eponyms, scores, drugs, places and abbreviations: every line must come out unchanged. */
const CLINICAL_PROSE = [
  "PMH: Parkinson's disease, Alzheimer's, Huntington's chorea, Hashimoto's thyroiditis, Non-Hodgkin lymphoma, Burkitt lymphoma.",
  "Known Paget's disease, Raynaud's, Sjögren's syndrome, Guillain-Barré syndrome, Bell's palsy, Down's syndrome, Turner syndrome.",
  "Marfan syndrome, Ehlers-Danlos, Tourette's, Asperger's, Meniere's disease, Dupuytren's contracture, Barrett's oesophagus.",
  "Wernicke's encephalopathy, Korsakoff syndrome, Lewy body dementia, Creutzfeldt-Jakob disease, Duchenne muscular dystrophy.",
  "Addisonian crisis. Cushingoid features. Parkinsonian gait. Wolff-Parkinson-White. Stevens-Johnson syndrome. Mallory-Weiss tear.",
  "Budd-Chiari syndrome. Osgood-Schlatter disease. Baker's cyst. Colles' fracture. Smith's fracture. Bennett's fracture. Jones fracture.",
  "Lisfranc injury. Morton's neuroma. Bowen's disease. Kawasaki disease. Henoch-Schönlein purpura. Still's disease. Behçet's disease.",
  "Gilbert's syndrome. Wilson's disease. Conn's syndrome. Von Willebrand disease. Christmas disease. Brugada syndrome. Fallot's tetralogy.",
  "Osler nodes, Janeway lesions, Roth spots. Cheyne-Stokes breathing. Virchow's node. Courvoisier's sign. Rovsing's sign. Cullen's sign.",
  "Grey Turner's sign. Trousseau's sign. Chvostek's sign. Kernig's sign. Babinski positive. Romberg's test negative. Tinel's sign. Phalen's test.",
  "Lachman test. McMurray's test. Thomas test. Homans' sign. Rinne and Weber tests. Dix-Hallpike positive. Epley manoeuvre done.",
  "Gleason 7. Dukes' C. Child-Pugh B. Salter-Harris II. Garden III. Weber B. Mallampati 2. Killip I. Breslow 2 mm. Ann Arbor stage II.",
  "Hartmann's procedure. Whipple's procedure. Nissen fundoplication. Hickman line. Ryle's tube. Guedel airway. Venturi mask 28%.",
  "Snellen 6/9. Apgar 9. Bishop score 8. Glasgow-Blatchford 6. Rockall 3. ABCD2 4. CHA2DS2-VASc 3. HAS-BLED 2. Braden 14.",
  "MMSE 24/30. MoCA 22. AMTS 7/10. PHQ-9 12. GAD-7 10. AUDIT-C 5. qSOFA 1. PEWS 2.",
  "Meds: Amlodipine 5mg OD, Atorvastatin 20mg ON, Bisoprolol 2.5mg OD, Apixaban 5mg BD, Sertraline 50mg OD, Lansoprazole 30mg OD.",
  "Plan: IV Tazocin, chest physio, Oramorph PRN, Zomorph MR 10mg BD, Lantus Solostar 20 units, Fostair Nexthaler 2 puffs BD.",
  "Transferred from Royal Free Hospital. Seen at Guy's and St Thomas'. Walsall Manor ED. Macmillan nurse involved. Marie Curie referral.",
  "Seen in Nightingale Ward, Florence Ward, Victoria Wing, Elizabeth Unit, Cavell Ward, Seacole Ward, Lister Unit, Jenner Ward.",
  "SH: Lives with wife, independent. Drinks 10 units/week. Ex-smoker. O/E: Alert, orientated. Impression: Community acquired pneumonia.",
  "Will review in clinic. May need CT. Mark on left shin. Hope to discharge. Grace period ends Friday. Bill to be sent. Frank haematuria.",
  "Rose spots. Joy to be reviewed? Dawn phenomenon. Ivy scored 3. Summer months worse. Faith healer consulted.",
  "Chest clear, heart sounds I+II+0, abdomen soft non-tender. Calves SNT. Pupils PERLA. GCS 15. BM 6.2.",
  "Reviewed by Ortho, seen by Gastro, referred to Physio, OT and SALT. Discussed with Micro: continue Tazocin. Escalated to Outreach.",
  "Bloods: Hb 112, WCC 14.2, Plt 350, Na 134, K 4.8, Urea 9.1, Creat 110, CRP 150, Bili 18, ALT 40, ALP 120, Alb 30, INR 1.1.",
  "ECG: sinus rhythm, rate 88, normal axis. CXR: right lower zone consolidation. CT head: no acute bleed.",
  "Hickman line flushed. Foley catheter in situ. Zimmer frame for mobility. Bair Hugger applied. Hudson mask 40%.",
];

describe("clinical prose stays verbatim", () => {
  it.each(CLINICAL_PROSE)("%s", (line) => {
    expect(scrub(line).out).toBe(line);
  });
});

describe("other people in everyday note phrasing", () => {
  it.each([
    ["Daughter (Sarah) visiting later today.", "Daughter ([NAME]) visiting later today."],
    ["Wife Margaret is his main carer and has LPA.", "Wife [NAME] is his main carer and has LPA."],
    ["Discussed with patient and son Tom, both agree.", "Discussed with patient and son [NAME], both agree."],
    ["Pt's friend Liam brought him in by car.", "Pt's friend [NAME] brought him in by car."],
    ["Ambulance called by grandson Kyle after fall.", "Ambulance called by grandson [NAME] after fall."],
    ["Message from Aisha (niece): will visit Sunday.", "Message from [NAME] (niece): will visit Sunday."],
    ["Phone call with Dev, partner, re discharge.", "Phone call with [NAME], partner, re discharge."],
    ["Partner Jo present throughout.", "Partner [NAME] present throughout."],
    ["Mum Chloe and stepdad Gary at bedside.", "Mum [NAME] and stepdad [NAME] at bedside."],
    ["Lives with husband, Sean O'Connor, in a bungalow.", "Lives with husband, [NAME], in a bungalow."],
    ["Next of kin: brother, Darren Smith, 07700 900321.", "Next of kin: brother, [NAME], [PHONE]."],
    ["Granddaughter Amelia-Rose rang for update.", "Granddaughter [NAME] rang for update."],
    ["Son: Mohammed Ali.", "Son: [NAME]."],
    ["Interpreter Thi Hoa used for consultation.", "Interpreter [NAME] used for consultation."],
    ["Spoke with Bronwen Pritchard (daughter) by phone.", "Spoke with [NAME] (daughter) by phone."],
    ["Seen with her carer, Gift Mwale.", "Seen with her carer, [NAME]."],
    ["Friend Kwabena Asante will collect.", "Friend [NAME] will collect."],
    ["NOK - Wojciech Zielinski (husband).", "NOK - [NAME] (husband)."],
    [
      "Her sister Eilidh MacLeod is flying down from Inverness.",
      "Her sister [NAME] is flying down from Inverness.",
    ],
    ["Niamh Ni Bhriain (cousin) visited.", "[NAME] (cousin) visited."],
    ["Mr Nguyen's wife Lan called the ward.", "Mr [NAME] wife [NAME] called the ward."],
    ["Son Rhys and daughter Ffion visited.", "Son [NAME] and daughter [NAME] visited."],
    ["Accompanied by Mrs Kaur and her son Harpreet.", "Accompanied by Mrs [NAME] and her son [NAME]."],
    ["Husband Kenji Watanabe present.", "Husband [NAME] present."],
    ["Daughter-in-law Oksana Petrenko phoned.", "Daughter-in-law [NAME] phoned."],
    ["Lives alone; niece Shanelle checks on her daily.", "Lives alone; niece [NAME] checks on her daily."],
    ["PATIENT'S SON DECLAN PRESENT.", "PATIENT'S SON [NAME] PRESENT."],
    ["wife maria happy with plan.", "wife [NAME] happy with plan."],
    ["Patient's partner, Alex, is a nurse.", "Patient's partner, [NAME], is a nurse."],
    ["Family: wife Joan, sons Peter and Paul.", "Family: wife [NAME], sons [NAME] and [NAME]."],
    ["Brother-in-law Gareth Evans drove her in.", "Brother-in-law [NAME] drove her in."],
    ["Neighbour Mrs Hughes has a key.", "Neighbour Mrs [NAME] has a key."],
    [
      "Discussed with mother (Precious) and father (Emeka).",
      "Discussed with mother ([NAME]) and father ([NAME]).",
    ],
    ["Collected by friend Siobhán Ní Dhomhnaill.", "Collected by friend [NAME]."],
    ["Carer Joy from Helping Hands attends QDS.", "Carer [NAME] from Helping Hands attends QDS."],
    ["Grandson Will is staying with her.", "Grandson [NAME] is staying with her."],
  ])("%s", (note, expected) => {
    expect(scrub(note).out).toBe(expected);
  });
});

/** Services, teams, places and bare kinship words after the same cues people get: all of it stays. */
const SERVICES = [
  "Physio: Review in 2/52. Dietitian: Fortisip compact bd. GP: Will see next week.",
  "Physio (PMP) at week 6. Referred to an ESOL teacher. Started a PhD student placement.",
  "Physio (Neuro) to see. OT (Functional assessment) booked. Arrived by coach from Leeds.",
  "Seen in Fracture Clinic. Referred to Heart Failure Nurse.",
  "Discussed at MDT. Plan per Consultant.",
  "Spoke to Pharmacy re TTOs. Spoke to Bed Manager.",
  "Discussed with Microbiology: switch to Co-amoxiclav.",
  "Spoke to Social Services. Spoke to the Falls Team.",
  "Handover to Night Team. Escalated to Medical Registrar.",
  "Reviewed by Tissue Viability. Spoke to GP surgery.",
  "District Nurses to visit. Discussed with Stroke Team.",
  "Called Age UK. Contacted Adult Social Care. Informed Safeguarding.",
  "Spoke to Matron. Discussed with Sister on Ward 5.",
  "Called Radiology re CT. Spoke to Haematology SpR.",
  "Referred to Dietitian and Speech and Language Therapy.",
  "Accompanied by Paramedics. Brought in by Police.",
  "Lives with family in Leeds. Daughter lives in Manchester.",
  "Informed Coroner. Discussed with Hospice at Home.",
  "Called Ambulance Control. Spoke to Outreach.",
  "Seen by Acute Medicine. Seen by Palliative Care.",
  "Message left for Community Matron.",
  "Discussed with Orthogeriatrics. Reviewed by Frailty Team.",
  "PLAN: DISCUSS WITH CARDIOLOGY. INFORM NOK.",
  "plan: discuss with cardiology, inform nok.",
  "Patient known to Macmillan. Seen by Marie Curie nurse.",
  "Lives with wife and dog. Son lives abroad.",
  "Daughter present. Wife aware. Son informed.",
  "Spoke to daughter re discharge. Wife phoned.",
  "Lives with husband who has dementia.",
  "Carer visits QDS. Carers present.",
];

describe("services, teams and places stay", () => {
  it.each(SERVICES)("%s", (line) => {
    expect(scrub(line).out).toBe(line);
  });
});

namesFound("languages, organisations, towns, festivals and shorthand stay; the people beside them go", [
  ["a language before interpreter", "Tigrinya interpreter booked for Thursday.", []],
  ["a language before speaking", "Needs a Tamil-speaking advocate.", []],
  ["an organisation ending in its head", "Meals via Sunrise Foods; sitting service from Rowan Care.", []],
  ["a place of a few words ending in a head", "Seen at Tullibody Health Centre on Friday.", []],
  ["a town before its postcode", "Home: Kendal, LA9 4AB. Daughter in Buxton, SK17 6XN.", []],
  ["festivals and plural weekdays", "Fasting for Ramadan; contact visits Tuesdays.", []],
  ["clinical shorthand", "Abdo SNT. ABPM booked. Tel consult planned. Rx RICE.", []],
  ["a contraction", 'She said "I\'ve had enough of the pain".', []],
  ["a lower-case compound", "GP follow-up next week. School nurse drop-in on Friday.", []],
  ["a list does not make an organisation a person", "Carer (Zofia, Sunrise Care) found him.", ["Zofia"]],
  ["a police force", "PCSO Hildegard Pym (Harrowgate Constabulary) attended.", ["Hildegard Pym"]],
  [
    "a letting agent and a firm of solicitors",
    "Agent: Cosima Vance, Tarnside Lettings; Brennock Legal.",
    ["Cosima Vance"],
  ],
  ["the interpreter is still a person", "Tigrinya interpreter Selam present.", ["Selam"]],
  ["a name before a team word in capitals prose", "CALLED BY AMARA OBI FROM THE CARE AGENCY.", ["AMARA OBI"]],
] as const);

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

namesFound("staff signing with a role abbreviation, and named after one", [
  ["a full name signing", "Wound reviewed, dressing changed. Kerry Blenkinsop RN", ["Kerry Blenkinsop"]],
  ["an initial and a surname", "Mobilised with frame. J. Abernethy OT", ["J. Abernethy"]],
  ["a surname that is a word", "Meals continue. T. Baker HCA", ["T. Baker"]],
  [
    "a grade with digits, mid-sentence",
    "Clerked by A. Fennimore FY1 for Dr B. Osei.",
    ["A. Fennimore", "B. Osei"],
  ],
  ["a role before the name", "Handover to SN Marchetti at 19:30.", ["Marchetti"]],
  ["roles alone stay", "DN to visit Monday. HV aware. OT and SLT to review. Seen by OT.", []],
  [
    "a signing role mid-clause after a full name",
    "Escorted by Wiktor Sadowski RN to theatre; Hafsa Rauf SpR aware.",
    ["Wiktor Sadowski", "Hafsa Rauf"],
  ],
  [
    "an initial, a surname and a grade before a bleep",
    "Reviewed: K. Odukoya FY2 bleep 2210.",
    ["K. Odukoya"],
  ],
  [
    "a foundation year's grade before a name, in small letters",
    "s/b fy1 ifeoluwa bleep 2231 obs ok",
    ["ifeoluwa"],
  ],
  ["a grade alone stays", "fy1 to review; fy2 aware. FY1: Review in am.", []],
  ["a role and a modal verb stay", "SHO Will review. FY1 May need bloods.", []],
  ["a role and a word-name before 'to'", "Physio Will to mobilise him this am.", ["Will"]],
] as const);

namesFound("what a person is to do, a family name that is also a word, two people either side of a slash", [
  ["a name before 'to' and an action", "Mobile. Gethin to drive her home.", ["Gethin"]],
  ["a word-name before 'will' and an action", "Robin will collect him at 5.", ["Robin"]],
  ["a word-name before a person's past action", "Hazel sat with him overnight.", ["Hazel"]],
  ["an unknown word before a verb of speech", "Seen at home. Oyinkan reports she slept well.", ["Oyinkan"]],
  [
    "a verb after a particle is no part of the name",
    "Mrs Von reports feeling better. Daughter Mrs Greta Van attended.",
    ["Von", "Greta Van"],
  ],
  ["an abbreviation before a verb stays", "Safeguarding screen: DA asked about in private.", []],
  [
    "a device, a test, a result or an abbreviation before a verb of speech stays",
    "Holter reports AF. No LOC reported. Angiogram reported as normal. Troponin reported as 5.",
    [],
  ],
  ["a common word starting a sentence stays", "Hope to call family later. Plan to review.", []],
  ["a modal name stays", "Mark to start the checklist. Will to follow up.", []],
  ["a family name that is a person noun", "Spoke to godmother Imelda Foster today.", ["Imelda Foster"]],
  ["a role word after a name is no family name", "Spoke to Imelda, foster carer, today.", ["Imelda"]],
  [
    "a family name that is a place head, after a kinship word",
    "Seen with sister Roisin Ward.",
    ["Roisin Ward"],
  ],
  ["a ward after a preposition stays", "Moved to Roisin Ward at noon.", []],
  ["a ward after a role and a comma stays", "Tomasz, Staff Nurse, Cavell Ward", ["Tomasz"]],
  [
    "two names joined by a slash",
    "Crew Ines Falk/Oskar Kowalczyk handed over.",
    ["Ines Falk", "Oskar Kowalczyk"],
  ],
  [
    "a name before a slash and a name",
    "Nurse in charge Kofi Mensah / Precious aware.",
    ["Kofi Mensah", "Precious"],
  ],
  ["a slash between clinical words stays", "Hb/Plt normal; U/E and LFT/CRP to Path/Micro.", []],
] as const);

namesFound(
  "children listed with their ages, a name in a bracket after a job title, where a person comes from",
  [
    [
      "children with ages after a kinship word",
      "Children: Tariq 9, Noor 7, Sami 2. Plan made.",
      ["Tariq", "Noor", "Sami"],
    ],
    ["ages in a bracket", "Two sons (Mateo 15, Dario 11) at home.", ["Mateo", "Dario"]],
    ["ages joined by 'and'", "Daughters Freya 6 and Isla 4 at nursery.", ["Freya", "Isla"]],
    ["results with numbers stay", "Bloods: Hb 120, Plt 300, Na 135, Urea 7.", []],
    [
      "a name alone in a bracket after a job title",
      "Drug and alcohol liaison (Declan) to review.",
      ["Declan"],
    ],
    ["after a member of staff", "Escorted by a staff member (Bex) to the car.", ["Bex"]],
    ["a specialty in a bracket after a job title stays", "Clinical lead (Cardiology) aware.", []],
    [
      "a given name before where the person comes from",
      "Call from Shelley from the crisis team at 10.",
      ["Shelley"],
    ],
    ["a word-name before where the person comes from", "Visited by Fern from the hospice today.", ["Fern"]],
    ["a common word starting a sentence stays", "Hope from the start was discharge home.", []],
  ] as const,
);

namesFound("an age and sex after a name", [
  ["a handover line", "Bay 3 - Iolanthe Prewitt 79F, #NOF day 2.", ["Iolanthe Prewitt"]],
  ["capitals, a comma and years", "Patient: OSEI Kwabena, 52M, chest pain.", ["OSEI Kwabena"]],
  ["a child's age", "Brother Cosmo 6yo at home.", ["Cosmo"]],
  ["a score stays a score", "Wells 4, Rockall 3, Garden III on imaging.", []],
] as const);

namesFound("languages, job titles and service abbreviations stay; the people beside them go", [
  ["languages in a list", "Father speaks Sylheti and English; leaflet in Bengali given.", []],
  ["a language that is also a surname, after a cue", "First language Welsh. Speaks some French.", []],
  ["the same surname as a person", "Reviewed with Ottoline French (daughter).", ["Ottoline French"]],
  ["an abbreviation before a verb of thought", "Patient used CBT thought diary daily.", []],
  ["an abbreviation after a verb cue", "Informed DSL and Mrs Penhallow.", ["Penhallow"]],
  ["a short capital name after a kinship word", "Nephew XI rang; Neighbour BO has a key.", ["XI", "BO"]],
  ["a language alone", "Leaflet given in Amharic. Patient prefers English.", []],
  ["a language name after a kinship word", "Aunt (Shona) collects him on Fridays.", ["Shona"]],
  ["a specialty after a title-like word", "Letter from Dr Obuya, Consultant Nephrologist.", ["Obuya"]],
  [
    "a specialty between a grade and a role",
    "Dr Tamsyn Ayinde, Consultant Forensic Psychiatrist",
    ["Tamsyn Ayinde"],
  ],
  ["a specialty before a role abbreviation", "Seen by Afia Amankwaa, Perinatal CNS.", ["Afia Amankwaa"]],
  [
    "specialties written out",
    "cc Mr Quillan, Consultant Cardiothoracic Surgeon; Specialist Haemoglobinopathy Midwife",
    ["Quillan"],
  ],
  [
    "immunoglobulins and light chains",
    "Known IgG kappa myeloma; serum IgA low, IgM and IgE normal; lambda 12.",
    [],
  ],
  ["haemoglobin variants and HLA", "HbSS, partner HbSC; beta thal carrier; HLA typing sent; tTG normal.", []],
  ["the determiner 'My' before a kinship word", "Doing okay. My sister Nhung put the cream on.", ["Nhung"]],
  ["the name Mỹ before a role in brackets", "Reviewed with Mỹ (SpR).", ["Mỹ"]],
  ["a bereavement charity", "Offered referral to Cruse - accepted.", []],
  [
    "a name before 'who' and what a person does",
    "She met Zorya, who lives in the same block; Zorya rang later.",
    ["Zorya", "Zorya"],
  ],
  [
    "an organisation before 'who' stays",
    "Referred to Mind, who run a group; Diabetes UK, who were helpful.",
    [],
  ],
  [
    "a name before a past tense and an eponym's head",
    "Merryn Gillow used breathing exercises with him.",
    ["Merryn Gillow"],
  ],
  [
    "a titled person's ward in small letters",
    "Paid from Cllr Ikaika Gillow's ward fund; moved to St Mary's ward.",
    ["Ikaika Gillow"],
  ],
  [
    "volunteers, advisers, facilitators and a concierge",
    "Facilitator Merryn Pennock, volunteer Ikaika; local adviser Benedek rang; concierge Perrin will sign.",
    ["Merryn Pennock", "Ikaika", "Benedek", "Perrin"],
  ],
  [
    "a friend called a mate",
    "His mate Dazza had the same; teaching assistant Tonks covers PE.",
    ["Dazza", "Tonks"],
  ],
  [
    "a role opening a bracket names the person in it",
    "Referred to Salvation Army (adviser Tonks Pennock).",
    ["Tonks Pennock"],
  ],
  [
    "a role alone in a bracket names the person before it",
    "DN / Ikaika (student nurse) visited.",
    ["Ikaika"],
  ],
  [
    "titles and services a role opens stay",
    "Assistant Director of Nursing informed; Volunteer Services Manager; Concierge Service; Facilitator Training; Mate Crime.",
    [],
  ],
  [
    "a name before a staff role and another name in a bracket",
    "Reviewed Zorya (HCA Tonks chaperoned).",
    ["Zorya", "Tonks"],
  ],
  ["an eponym before a qualifying participle", "Charcot Marie Tooth associated neuropathy, stable.", []],
  [
    "particles after a title before a surname that is a word",
    "Seen by Mr van den Brugge on Tuesday.",
    ["van den Brugge"],
  ],
  ["a coroner is a job title", "Yours sincerely, Merryn Pennock Assistant Coroner", ["Merryn Pennock"]],
  [
    "particles between a title and the name",
    "Seen with Dr van Zyl and Ms van der Meulen; Dr von der Heide agreed.",
    ["van Zyl", "van der Meulen", "von der Heide"],
  ],
  ["a van is no particle", "Drove the van to the depot; Mr van agreed.", []],
  [
    "the article in a Gaelic name",
    "Reviewed by Dr Nic an Ghoill and Dr Ailbhe Mac an Bhaird.",
    ["Nic an Ghoill", "Ailbhe Mac an Bhaird"],
  ],
  [
    "a verb in small letters after a kinship word",
    "Paternal uncle had febrile fits; mother-in-law had a fall.",
    [],
  ],
  ["'ok' after a kinship word", "Discussed with sister, ok if well. Visits Sat – ok to visit.", []],
  ["an anatomical word in Latin", "Fall, #L superior and inferior pubic rami, conservative.", []],
  ["magnetic resonance, not a title", "MR angiogram requested; seen by MR Brannagh.", ["Brannagh"]],
  ["a baby's sex between the cue and the name", "Baby boy Osric 3.6kg; Girl Guides on Tuesdays.", ["Osric"]],
  [
    "Welsh words for grandparents",
    "Nain (Sionedd Brannagh) drove up; Taid Caoimhin rang.",
    ["Sionedd Brannagh", "Caoimhin"],
  ],
  ["a name before an immunoglobulin", "Sade Dokubo IgG positive, back to work.", ["Sade Dokubo"]],
  ["names spelled as immunoglobulins are", "Per Iga, she fell; spoke to Iga Dokubo.", ["Iga", "Iga Dokubo"]],
  ["a job title after a name", "Plan agreed. Ffion Rhys, Epilepsy Nurse Specialist", ["Ffion Rhys"]],
  ["a service acronym in a list after a name", "Advice from Jem Tulloch, CAMHS.", ["Jem Tulloch"]],
  ["a job title right after a name", "Plan agreed with Sarah Jones Specialist Nurse.", ["Sarah Jones"]],
  ["a service abbreviation right after a name", "Referred on by Nasreen Bibi IDVA today.", ["Nasreen Bibi"]],
  ["a language name before a kinship word", "Shona (daughter) rang the ward.", ["Shona"]],
  ["a language name before a verb of speech", "Visited on Sunday; Shona rang after.", ["Shona"]],
  ["a language name after a verb about speaking and a kinship word", "Spoke to daughter Shona.", ["Shona"]],
  ["a short name in a list after a verb", "Discussed with LI and the team.", ["LI"]],
  ["a short given name after a verb", "Seen by KIM at 10:00.", ["KIM"]],
  ["an ambulance service after a verb", "Brought in by LAS at 10:20; YAS crew handed over.", []],
  ["languages before a dash and a kinship word", "Speaks Twi and English - husband says she copes.", []],
  ["a language name with a kinship word after a comma", "Shona, daughter, rang at noon.", ["Shona"]],
] as const);

namesFound("sign-offs, workmates, homes and interpreters", [
  [
    "who typed a letter, before its date",
    "Dictated by Mr Quarrie, typed by Nerys 12/03",
    ["Quarrie", "Nerys"],
  ],
  ["who witnessed", "Drug chart witnessed by Ebun Lawal.", ["Ebun Lawal"]],
  ["a workmate", "Fell from ladder; workmate Ionut called 999.", ["Ionut"]],
  ["a possessive before a home", "Staying at sister Farida's flat for now.", ["Farida"]],
  ["an interpreter in brackets, after the language", "Interpreter (Amharic, Liya) via video link.", ["Liya"]],
  ["an interpreter's name first in the bracket", "Phone interpreter (Dawit, agency) used.", ["Dawit"]],
  ["an interpreter's language alone stays", "Interpreter (Amharic) booked for Friday.", []],
  ["a place with a possessive stays", "Transferred to St Winifred's Hospital.", []],
  ["in lower case too", "Transferred to St Winifred's hospital.", []],
] as const);

namesFound("an eponym a few words before its head", [
  ["a scale two words on", "Morse fall scale 45 noted. Norton pressure score 12.", []],
  ["a hyphenated word between", "Richmond agitation-sedation scale minus 1.", []],
  ["a fracture type", "Salter-Harris type II fracture of the radius.", []],
  ["a procedure named for its surgeon", "After a Hartmann sigmoidectomy in 2019.", []],
  [
    "a person before a clinical phrase is still a person",
    "Seen with Jane Ormerod pain free today.",
    ["Jane Ormerod"],
  ],
  ["a cue keeps the person", "Spoke to Tomasz about his pain score.", ["Tomasz"]],
] as const);

namesFound("messages: requests, greetings and the speaker", [
  ["the speaker after a name", "Said to tell Farai I'm fine and not to worry.", ["Farai"]],
  ["the pronoun after a name is no class", "Farai I think rang twice.", ["Farai"]],
  ["a class numeral after an eponym stays", "Garden I fracture, conservative plan.", []],
  ["a request's opening verb stays", "Ask Farai to bring his hearing aids.", ["Farai"]],
  ["an opening verb before a two-word name", "Ring Ekene Obi after the scan.", ["Ekene Obi"]],
  ["a message to someone no list holds", "Message to Ozioma re bloods.", ["Ozioma"]],
  ["a text from someone", "Text from Ozioma: running late.", ["Ozioma"]],
  ["a greeting", "Hello Ozioma, is bay 3 free?", ["Ozioma"]],
  ["a sign-off", "Kind regards, Ozioma", ["Ozioma"]],
  ["thanks to a service stays", "Thanks Pharmacy, TTO collected.", []],
] as const);

namesFound("nicknames in quotes and roles in brackets", [
  ["a nickname in quotes in a bracket", 'Mr Adeyemi ("Tunde") has CKD.', ["Adeyemi", "Tunde"]],
  [
    "a place of care in a bracket after a title and a name stays",
    "Discussed with Dr Tregenza (Derriford) and Mr Sivarajah (Kanthan).",
    ["Tregenza", "Sivarajah"],
  ],
  [
    "a product in a bracket after a name without a short title stays",
    "Dressed by Nurse Ezeh (Mepore).",
    ["Ezeh"],
  ],
  ["a grade in a bracket after a title and a name stays", "Dr Ezeh (StR) aware.", ["Ezeh"]],
  ["a nickname in quotes after the age", 'Mrs Hale 88 "Bunty" seen at home.', ["Hale", "Bunty"]],
  [
    "the nickname alone later in the note",
    'Mr Iyer ("Ravi") has CKD. Ravi started HD today.',
    ["Iyer", "Ravi", "Ravi"],
  ],
  ["a quoted word in small letters quotes the person", 'Son Tom "furious" per GP.', ["Tom"]],
  ["a product in quotes stays", 'Dressing ("Aquacel") applied.', []],
  [
    "a name that is also a word, before a bracketed role",
    "Seen in clinic. Blessing (night HCA) present.",
    ["Blessing"],
  ],
  ["before an administrative role", "Transport booked. Ivy (admin)", ["Ivy"]],
  ["a specialty before a nurse role stays", "Reviewed by Lung CNS today.", []],
] as const);

namesFound("a two-letter family name that is also a clinical abbreviation", [
  ["after a given name", "Discussed with Doreen Ng, ward sister.", ["Doreen Ng"]],
  ["after a title", "Seen by Dr Ng in clinic.", ["Ng"]],
  ["an abbreviation in capitals stays", "NG tube placed, Paracetamol PO given.", []],
  ["a route after a drug in small letters stays", "Paracetamol po given.", []],
] as const);

namesFound("a role word right after a name", [
  [
    "a full name before a role that is also a service",
    "Exercises taught. Gareth Pryce physio",
    ["Gareth Pryce"],
  ],
  ["a service before a role stays", "Chest physio given. Stroke physio to see.", []],
  ["a lone unknown word before a role stays", "Pre-op physio booked.", []],
  ["a specialty before a nurse role stays", "Stoma CNS visited and changed the bag.", []],
] as const);

namesFound("a name in quotes after a kinship or role word", [
  ["after a role word", 'Cellmate "Tonka" says he is low.', ["Tonka"]],
  ["after a kinship word", 'Her friend "Deano" visited.', ["Deano"]],
  ["a quoted phrase after a kinship word stays", 'Daughter "upset" per staff.', []],
] as const);

namesFound("a person named by a title and an initial", [
  ["a title and a letter", "Mrs K anxious before theatre.", ["K"]],
  ["with a full stop", 'Visitor "Mr D." waited in the day room.', ["D"]],
  ["the initial of a name after it goes with the name", "Mr T Okafor seen.", ["T Okafor"]],
] as const);

namesFound("more things only a person does, after a given name that is also a word", [
  ["taught", "Holly taught him the inhaler technique.", ["Holly"]],
  ["smokes", "Rose smokes 10 a day, wants to stop.", ["Rose"]],
  ["a drug that helped stays a drug", "Oramorph given at 02:00 and settled.", []],
] as const);

namesFound("family names that are clinical or place words, after a name", [
  ["an eponym as a family name", "Rang Ines Stokes, the care coordinator.", ["Ines Stokes"]],
  ["the eponym's clinical sense stays", "Cheyne Stokes breathing noted overnight.", []],
  ["a charity named after a person stays", "Marie Curie nurse visiting tonight.", []],
  [
    "a ward word before a role in a bracket",
    "Present: Nadia Ward (HV), Sam Hill (SW).",
    ["Nadia Ward", "Sam Hill"],
  ],
  ["a ward word before a home", "Staying at Petra Ward's house for now.", ["Petra Ward"]],
  ["a ward stays a ward", "Transferred to Florence Ward yesterday.", []],
  ["initials in quotes as a nickname", 'Review of Leo-James ("LJ") with dad.', ["Leo-James", "LJ"]],
  ["a quoted common word stays", 'Son Tom "OK" per staff.', ["Tom"]],
] as const);

namesFound("given names of recent decades that are also words", [
  ["after a kinship word", "Daughter Sorrel will bring his glasses.", ["Sorrel"]],
  ["signing with a role", "Obs recorded. Serenity RN", ["Serenity"]],
  ["after a greeting", "Hello Destiny, the clinic has moved.", ["Destiny"]],
  ["the commonest words stay words", "Mum said the grey rash has gone.", []],
  ["a month stays a month", "Review in july with the consultant.", []],
] as const);

namesFound("a possessive before a word of family, after a word for a person, stays", [
  ["a person noun", "Patient's mum rang. Baby's father present.", []],
  ["a donor or a client", "Donor's mother met the team. Client's husband called.", []],
  ["a day", "Today's carer was late.", []],
  ["an eponym before a role", "Parkinson's nurse to review.", []],
] as const);

namesFound("titles, people and dates beside names", [
  ["a judge", "Hearing listed before District Judge Haverford.", ["Haverford"]],
  ["a roommate", "Itchy rash; roommate Tolulope has the same.", ["Tolulope"]],
  [
    "a day and a month after a given name",
    "Teaching booked with Perpetua 28/11 at the clinic.",
    ["Perpetua"],
  ],
  [
    "a date after a given and a family name",
    "Training with Eudora Pennock 11/12 on the ward.",
    ["Eudora Pennock"],
  ],
  ["a score out of its maximum stays", "MMSE 24/30 and Wells 4 today.", []],
  [
    "a phone number in a bracket after a name",
    "Agreed to write.\nTeleri (07700 900123) wants a copy.",
    ["Teleri"],
  ],
  ["a phone number after a service stays", "Ring Pharmacy (0161 496 0000) for stock.", []],
] as const);

namesFound("countries are places, unless a title, a kinship word or a given name makes a person", [
  ["a journey", "Journey via Mali, Niger and Algeria over two years.", []],
  ["after 'in'", "Her sister is still in Algeria.", []],
  ["after a title", "Seen by Dr Ireland in clinic.", ["Ireland"]],
  ["a family name after a given name", "Reviewed by Ysbeth Wales (SN).", ["Ysbeth Wales"]],
  ["a given name that is a country", "Cousin Chad rang from work.", ["Chad"]],
  ["a country before a kinship word in a bracket", "Message left for Sudan (son) to call back.", ["Sudan"]],
  ["a country before a verb of a person", "Kenya rang to ask about visiting.", ["Kenya"]],
  ["a family name first, then the given name", "Ireland, Patrick seen in clinic.", ["Ireland", "Patrick"]],
  ["after a word of going", "She went to Algeria and came back in spring.", []],
  ["a town, then its country", "Holiday booked in Rimini, Italy.", []],
] as const);

namesFound("initials, lists with ages, possessives and cues in messages", [
  ["a capital closing a name is its initial", "Mehwish K (post MI) spoke about driving.", ["Mehwish K"]],
  ["a capital and a comma after a name", "Seen today. Mehwish K, liaison CNS", ["Mehwish K"]],
  ["a side after a name stays", "Mrs Quarshie R breast lump, referral sent.", ["Quarshie"]],
  ["a blood group after a name stays", "Mum Chinelo B neg, Kleihauer sent.", ["Chinelo"]],
  ["a potassium after a name stays", "Mr Adewunmi K 6.1, repeat ECG.", ["Adewunmi"]],
  ["a letter before a word after a name stays", "Mr Ivanov T wave inversion.", ["Ivanov"]],
  ["a class letter after an eponym stays", "Ankle fracture, Weber B, for a cast.", []],
  ["the article after a name stays", "Seen with Tom A few days ago.", ["Tom"]],
  ["the pronoun after a name stays", "Spoke to Jane I think on Monday.", ["Jane"]],
  [
    "ages in brackets in a list",
    "Children: Kobina (14) and Obiageliwe (9) live with him.",
    ["Kobina", "Obiageliwe"],
  ],
  ["a name before a comma, an age and a nationality", "Mehwish (17), Iraqi, arrived in 2022.", ["Mehwish"]],
  [
    "a possessive before a school after a kinship word",
    "For his daughter Obiageliwe's school play.",
    ["Obiageliwe"],
  ],
  ["'in foster care' names no one", "Both children are in foster care now.", []],
  ["'foster' before a word for a carer", "Lives with foster mum Sandrine.", ["Sandrine"]],
  ["a title in capitals alone on its line cues nothing", "Leaflet given.\n- MS\nCopied to: GP", []],
  [
    "a title in capitals ending a line of text cues the next",
    "SEEN TODAY BY DR\nEZEABASILI, PLAN AS BEFORE.",
    ["EZEABASILI"],
  ],
] as const);

namesFound("after a preposition of place, a place; after a word of contact, a person", [
  ["a place of two words after 'in'", "Her parents in Kota Bharu worry about her.", []],
  ["a verb after the place says nothing of it", "Aunt Ximena in Tegucigalpa phones weekly.", ["Ximena"]],
  ["a kinship word after the place", "Parents in Kigali: mum Solange, dad Thierry.", ["Solange", "Thierry"]],
  ["a sentence opened by 'In'", "Seen today. In Gdynia until 2019, then Tenby.", []],
  ["'from' after a word of coming", "Relocated from Johor Bahru in 2021.", []],
  ["a given name in a place stays a name", "Visited her aunt in Milton Tarrow.", ["Milton Tarrow"]],
  [
    "a building after 'at' is left to the address rules",
    "Respite at Oakhurst House booked.",
    ["Oakhurst House"],
  ],
  ["'from' after a call is a person", "Missed call from Leopold this morning.", ["Leopold"]],
  ["'from' after a divorce", "Low since her divorce from Cuthbert.", ["Cuthbert"]],
  ["a role after the place makes it a person", "Call from Arkwright (GP) re bloods.", ["Arkwright"]],
  ["a possessive after 'In' is a person's", "In Gertrude's view the plan is fine.", ["Gertrude"]],
  ["a possessive after 'in' is a person's", "The variant was found in Aneurin's father.", ["Aneurin"]],
  ["a comma and who the person is", "Also found in Caradog, her younger brother.", ["Caradog"]],
  ["a comma and a new item of a list", "Son in Tenby, daughter Cerian in Rhyl.", ["Cerian"]],
] as const);

namesFound("an institution's eponym after another given name is a family name", [
  ["after a role and a given name", "Housing officer Lysander Nightingale rang.", ["Lysander Nightingale"]],
  [
    "after a title and a given name",
    "PC Mildred Macmillan attended with a colleague.",
    ["Mildred Macmillan"],
  ],
  ["after a kinship cue", "Spoke to Augustus Macmillan (son).", ["Augustus Macmillan"]],
  ["the institutions stay", "Marie Curie nurse visited. Florence Nightingale Hospice referral.", []],
  ["a ward named so stays", "Transferred to Nightingale Ward.", []],
] as const);

namesFound("an initial, a role after the name, a shift handed over", [
  ["an initial before a rarer word after 'seen by'", "Seen by Q. Farrier today.", ["Q. Farrier"]],
  [
    "a title before a rare word in a note in capitals about the police",
    "CUSTODY: PROPERTY GIVEN TO PC WHEELWRIGHT AT 02:10.",
    ["WHEELWRIGHT"],
  ],
  ["the presenting complaint in capitals stays", "PC GOUT LEFT FOOT. PC THRUSH.", []],
  [
    "a compass point before a place is no initial",
    "Transferred to W. Herts ICU. Discussed with N. Tees ortho.",
    [],
  ],
  ["a common word before a slash is no name", "Type/A. Blood group confirmed.", []],
  ["a common word after a title in capitals stays", "SEEN BY DR WARD ROUND TEAM.", []],
  ["a person's name before 'interpreter'", "Seen with V. Okparaeke interpreter.", ["V. Okparaeke"]],
  [
    "a language before 'interpreter' stays",
    "Bengali interpreter booked. Brazilian Portuguese interpreter.",
    [],
  ],
  [
    "a unit and a role after an initial and a name",
    "Fluids started - T. Ostler ED cons, bleep 2207",
    ["T. Ostler"],
  ],
  ["no place opens with an initial", "Reviewed. R. Dunnock ED cons", ["R. Dunnock"]],
  [
    "an initial right after a name and a slash",
    "Reviewed. P. Wheelwright/K. Fashanu",
    ["P. Wheelwright", "K. Fashanu"],
  ],
  ["a unit before a slash is no name", "Troponin 63 ng/L. Plan as before. Hb 84 g/L. Letter sent.", []],
  ["taking over from a given name", "Cannula sited. Taking over from Oonagh at 19:30.", ["Oonagh"]],
  ["coming over from a country stays", "Came over from Poland in 2004.", []],
] as const);

namesFound("towns and cities of the UK and Ireland stay, unless a cue makes them a person", [
  ["a town before a service", "Referred to Bracknell falls clinic. Son moved to Warrington.", []],
  ["a town before a service", "Bracknell memory clinic list.", []],
  ["a name before a date signs an entry", "Bracknell 04/03 - reviewed, plan unchanged.", ["Bracknell"]],
  ["a service's leader is a person", "Spoke to Bracknell team leader re staffing.", ["Bracknell"]],
  ["a city of two words", "Referred to Milton Keynes cardiac rehab.", []],
  ["a group a town opens", "Starting at Warrington Collegiate in September.", []],
  ["after a title, a person", "Mrs Bracknell rang to rearrange.", ["Bracknell"]],
  ["before a verb of speech, a person", "Warrington said he would call back.", ["Warrington"]],
  ["after a given name, a family name", "Seen with Dorcas Bracknell today.", ["Dorcas Bracknell"]],
  [
    "alone before a verb, a family name",
    "Bracknell assisted with the wash. Warrington took bloods.",
    ["Bracknell", "Warrington"],
  ],
  ["in a list of staff, family names", "Attendees: Bracknell, Warrington.", ["Bracknell", "Warrington"]],
  ["a town of two words that a name spells", "Kirk Sandall gave the insulin.", ["Kirk Sandall"]],
  ["after a word of going", "Moved to Tamworth in 2019. Born in Redditch.", []],
  ["a name in a bracket signs a note", "Obs stable overnight (Bracknell)", ["Bracknell"]],
  [
    "a journey's arrow is a handover as often",
    "Handover: Bracknell → Warrington at 19:30.",
    ["Bracknell", "Warrington"],
  ],
  ["next to a kinship word, a person", "Seen with Bracknell (son).", ["Bracknell"]],
] as const);

namesFound("a kinship word as a given name, a Gaelic article, cues of naming", [
  [
    "a kinship word that is a given name after another",
    "Lives with his partner Nana Yaa Asantewaa.",
    ["Nana Yaa Asantewaa"],
  ],
  ["a grandmother by her name stays a grandmother", "Her nana Ealasaid visited.", ["Ealasaid"]],
  [
    "the Gaelic article with its apostrophe",
    "Referred to dietitian Ealasaid Nic a' Thearlaich.",
    ["Ealasaid Nic a' Thearlaich"],
  ],
  ["after an interpreter's name", "Interpreter name Mahina, by phone.", ["Mahina"]],
  ["after 'name as'", "Friend gave his name as Ikaika and left.", ["Ikaika"]],
  ["after 'told by'", "She was told by Chidubem that the bed was ready.", ["Chidubem"]],
  ["a drug's name stays", "The brand name is Sandostatin.", []],
] as const);
