import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type OwnIdentifier, scrubText } from "../../anonymise/index.ts";
import { nationalDigits, PATTERNS, STREET_TYPE_AFTER_SPACE } from "../../anonymise/scrub-text.ts";

function scrub(text: string, own: OwnIdentifier[] = [], nhsToken?: (d: string) => string) {
  const counts: Record<string, number> = {};
  return { out: scrubText(text, own, nhsToken ? { nhsToken } : {}, counts), counts };
}

describe("scrubText: identifiers", () => {
  it.each([
    ["NHS number spaced", "NHS 943 476 5919 noted", "[NHS_NUMBER]"],
    ["NHS number dashed", "NHS 943-476-5919 noted", "[NHS_NUMBER]"],
    ["NHS number compact", "NHS 9434765919 noted", "[NHS_NUMBER]"],
    ["mobile", "call 07700 900123 today", "[PHONE]"],
    ["mobile +44", "call +44 7700 900123 today", "[PHONE]"],
    ["London (0) form", "call +44 (0)20 7946 0123 today", "[PHONE]"],
    ["Manchester compact", "call 01614960001 today", "[PHONE]"],
    ["drama range 01632", "call 01632 960456 today", "[PHONE]"],
    ["email", "write to j.smith+gp@example.co.uk today", "[EMAIL]"],
    ["postcode", "lives in SW1A 1AA now", "[POSTCODE]"],
    ["postcode compact lower", "lives in sw1a1aa now", "[POSTCODE]"],
    ["NI number", "NI QQ 12 34 56 C held", "[NI_NUMBER]"],
    ["date d/m/y", "DOB 12/06/1948 noted", "[DATE]"],
    ["date ISO", "DOB 1948-06-12 noted", "[DATE]"],
    ["date long", "DOB 12 June 1948 noted", "[DATE]"],
    ["date short month", "DOB 12th Jun 1948 noted", "[DATE]"],
    ["date US order", "DOB June 12, 1948 noted", "[DATE]"],
    ["street address", "lives at 12 Church Road with", "[ADDRESS]"],
    ["titled name", "seen by Dr Patel today", "Dr [NAME]"],
    ["titled full name", "with Mrs Jane Okafor today", "Mrs [NAME]"],
    ["long digit id", "account 1234 5678 9012 today", "[ID_NUMBER]"],
    ["date with the month's name and hyphens", "DOB 23-Aug-1951 noted", "[DATE]"],
    ["date with a two-digit year", "seen on 4-Nov-23 in clinic", "[DATE]"],
    ["hospital number after its cue", "Hosp No: T4471902 reviewed", "Hosp No: [PATIENT_ID] reviewed"],
    ["hospital number with a site code", "hosp no KGH 3300915 today", "hosp no [PATIENT_ID] today"],
    ["MRN", "MRN 88120455 on the wristband", "MRN [PATIENT_ID] on"],
    ["a police reference", "crime ref 07/55102/23 given", "crime ref [ID_NUMBER] given"],
    ["a referral reference", "referral (ref SAFE-2023-00871) sent", "(ref [ID_NUMBER])"],
    ["an interpreter's id", "via phone (interpreter ID 30917)", "(interpreter ID [ID_NUMBER])"],
    [
      "a day of the week before a date",
      "op booked for Thurs 9/1/2025, fasting",
      "op booked for [DATE], fasting",
    ],
    [
      "a day of the week, a comma, a long date",
      "clinic on Saturday, 2nd March 2024 ok",
      "clinic on [DATE] ok",
    ],
    [
      "a hospital number after a site code",
      "transferred, WXH 0712334 on the band",
      "transferred, [PATIENT_ID] on",
    ],
    ["a site code joined to its number", "label reads LGI20418877.", "label reads [PATIENT_ID]."],
    ["a day in capitals before a date", "TCI WED 12/06/2024 AM", "TCI [DATE] AM"],
    ["a verb that spells a day stays", "she wed 12/06/2024 abroad", "she wed [DATE] abroad"],
    ["a day and a month without a year", "in Malaga till 14th March so", "till [DATE] so"],
    ["a month and a year", "last admission Nov 2023, settled", "admission [DATE], settled"],
    ["a month then an ordinal day", "she is back June 10th and", "back [DATE] and"],
    ["a day of the week and an ordinal day", "RARP on Tues 13th, catheter out", "on [DATE], catheter"],
    ["the day of the week with 'the'", "arrives Thursday the 14th. Mouth care", "arrives [DATE]. Mouth"],
    ["a day and a month in figures", "next appt 24/04 09:30", "next appt [DATE] 09:30"],
    ["a zero-padded day and month", "seen 03/05 in clinic", "seen [DATE] in clinic"],
    ["a date without a year in capitals", "FIELDS FULL ON TUES 16 JULY. DRIVING", "ON [DATE]. DRIVING"],
    ["a day, a month and a two-figure year", "MRI (8 Mar 24): ACL", "MRI ([DATE]): ACL"],
    ["initials signing a note", "next call weds. SB", "next call weds. [NAME]"],
    ["initials and a grade", "can be done on d/c. AO ST4", "d/c. [NAME] ST4"],
    ["initials in small letters", "next contact tomorrow am. kp", "tomorrow am. [NAME]"],
    ["initials on a line of their own", "Plan agreed with family.\nSJC\n", "family.\n[NAME]"],
    ["two initials before a name after a title", "letter from Dr J.K. Rowntree today", "Dr [NAME] today"],
    ["an initial before a name in capitals", "TRIAGE RN J. DELA PAZ", "TRIAGE RN [NAME]"],
    ["a family name's initial after a given name", "Call back 2/52. Olly A CNS", "2/52. [NAME] CNS"],
    [
      "a role described in a bracket after a name",
      "Bloods done. Grace (POA nurse) – plan",
      "[NAME] (POA nurse)",
    ],
    ["a staff role in a bracket after a name", "Handed over. Joy (night RN) at 08:00", "[NAME] (night RN)"],
    ["a signature of an initial, a family name and a grade", "neg. C. Forde AMU SpR", "neg. [NAME] AMU SpR"],
    ["a name, an initial and a staff role", "started. Kirsty B CNS / Dr Mei Souza", "started. [NAME] CNS"],
    [
      "a hospital number of two capitals joined to its digits",
      "PARKER, Anne LT1120394 – B5",
      "[PATIENT_ID] – B5",
    ],
    ["a Datix reference", "Datix W228417 completed.", "Datix [ID_NUMBER] completed."],
    ["a month alone after 'in'", "Moved to Hull in October with", "Hull in [DATE] with"],
    ["a month's abbreviation after 'due'", "Scan due Sept. Folic acid", "due [DATE]. Folic"],
    ["a month after 'mid-'", "back at work mid-August if", "mid-[DATE] if"],
    ["a day of the month after 'on the'", "clinic is on the 21st at 10", "clinic is on [DATE] at 10"],
    ["a day and a month after a day of the week", "next visit Fri 9/6 am", "next visit [DATE] am"],
    ["a log entry's day and month, then a time", '"9/6 19:20 settled, ate well', '"[DATE] 19:20 settled'],
    ["a day and a month, then 'at' and a time", "booked 9/6 at 10:15 for", "booked [DATE] at 10:15"],
    [
      "a day and a month before the next date of a list in full",
      "Doses on 04/12, 11/12/2024 and 2/1/25 given.",
      "on [DATE], [DATE] and [DATE] given",
    ],
    [
      "a duration before a full date stays",
      "Cough 2/12 and 11/12/2024 CXR clear.",
      "Cough 2/12 and [DATE] CXR",
    ],
    ["a service's letters before a role stay", "C.P. SW informed of the injury.", "C.P. SW informed"],
    [
      "ages in months in a list stay",
      "Weights at 6/12, 12/12 and 18/12 of age.",
      "at 6/12, 12/12 and 18/12 of",
    ],
    [
      "a police officer's collar number and name",
      "attended with PC 4471 Dunmore and",
      "PC [ID_NUMBER] [NAME] and",
    ],
    ["a prison number after its cue", "Prison no: B2231KL on remand", "Prison no: [ID_NUMBER] on"],
    ["a prison number with no cue", "Seen on C wing, B4471QT, for review", "C wing, [ID_NUMBER], for"],
    [
      "an officer's number after the officer's name",
      "Officer Venn (7740) supervising.",
      "([ID_NUMBER]) supervising",
    ],
    ["an officer's number after 'collar'", "Handed to officer Quill (collar 5523).", "(collar [ID_NUMBER])"],
    ["a year in a bracket after an officer stays", "officer Venn (2019 intake) present", "(2019 intake)"],
    ["a laboratory number after its cue", "Bloods sent, lab no K25-30118. Rv", "lab no [ID_NUMBER]. Rv"],
    ["a specimen number after its cue", "Swab taken (specimen no 2207731).", "(specimen no [ID_NUMBER])."],
    ["a laboratory value after 'lab' stays", "Repeat lab: CK 15400 today", "lab: CK 15400 today"],
    ["a volume after 'sample no' stays", "Urine sample no 2100 mL", "sample no 2100 mL"],
    [
      "a vaccine batch shaped as a prisoner's number stays",
      "Flu vaccine given, batch E1234AB.",
      "batch E1234AB.",
    ],
    ["references after 'refs'", "Two samples sent (refs BX24-2207, BX24-2208)", "(refs [ID_NUMBER], BX24"],
    ["a professional registration number", "Signed R. Okoro, NMC PIN 12C3456E", "NMC PIN [ID_NUMBER]"],
    ["a log reference of capitals and figures", "Call logged WYP-0311-2290 by", "logged [ID_NUMBER] by"],
    ["a call reference led by figures", "call 119-QZ-2611-40233 Caller", "call [ID_NUMBER] Caller"],
    ["a study number of mixed groups", "Study no. ABC-UK12-007 today", "Study no. [ID_NUMBER] today"],
    ["a kit number of one capital and six figures", "kit R-771204 dispensed", "kit [ID_NUMBER] dispensed"],
    ["a study code of three groups", "(pre-screen QTR-PS-27105)", "(pre-screen [ID_NUMBER])"],
    ["four figures after 'ID'", "Phone interpreter (ID 3318, Tigrinya).", "(ID [ID_NUMBER], Tigrinya)"],
    ["a year after 'ID' stays", "Photo ID 2019 passport seen.", "Photo ID 2019 passport"],
    [
      "a key safe's code later in its clause",
      "Key safe left of porch, code 8812 (carers only).",
      "code [ID_NUMBER] (",
    ],
    ["a typing sample's reference", "HLA typing sent (HLA-25-40021).", "sent ([ID_NUMBER])."],
    ["initials after 'typed by'", "Clinic letter typed by QV on Monday.", "typed by [NAME] on"],
    [
      "a Police National Computer number",
      "Detained overnight, PNC 11/440913Q noted.",
      "PNC [ID_NUMBER] noted",
    ],
    ["an evidence bag's seal", "Clothing bagged, seal Q2208813 applied.", "seal [ID_NUMBER] applied"],
    ["an interpreter's register number", "Interpreter present (NRPSI 40512).", "(NRPSI [ID_NUMBER])"],
    ["a collar number in capitals", "ESCORTED BY OFFICER (COLLAR 7716).", "(COLLAR [ID_NUMBER])"],
    [
      "an officer's number with the force's letters",
      "Brought in by PC Eglantine Quenby (QK 2290) at noon.",
      "([ID_NUMBER]) at noon",
    ],
    [
      "a reference of groups joined by slashes",
      "Insurer's ref QX/PI/0081127 enclosed.",
      "ref [ID_NUMBER] enclosed",
    ],
    ["a slashed reference with no cue", "Please quote ZK/RTA/55318 in reply.", "quote [ID_NUMBER] in"],
    [
      "slashed codes without five figures stay",
      "ICD/10 code; T2/N0/M0; BP 120/80.",
      "ICD/10 code; T2/N0/M0;",
    ],
    ["a capital before seven figures", "Listed at the other trust as Q7720145.", "trust as [ID_NUMBER]."],
    ["a batch of that shape stays", "Vaccine given, batch A1234567.", "batch A1234567."],
    [
      "initials after 'Dictated' and 'typed'",
      "Dictated by JX, typed qv.",
      "Dictated by [NAME], typed [NAME].",
    ],
    ["initials after the minutes' heading", "Next review in May. Minutes: ZW", "Minutes: [NAME]"],
    [
      "initials with full stops ending a note",
      "Phone call declined by the sergeant. Q.V.",
      "sergeant. [NAME]",
    ],
    ["a dose written with full stops stays", "Plan: paracetamol P.R.N.", "paracetamol P.R.N."],
    [
      "initials with full stops before a role",
      "Custody review done. X.Q. HCP / PS on duty.",
      "[NAME] HCP / PS",
    ],
    [
      "initials with full stops after 'Signed'",
      "Agreed by all. Signed: Q. V-W., X.Z., K.Q.",
      "Signed: [NAME], [NAME], [NAME]",
    ],
    [
      "a rhythm after minutes stays",
      "ECG after 5 minutes SR, then AF. Typed by the ward clerk.",
      "5 minutes SR, then",
    ],
    ["a prison by its name", "Reception screen - HMP Larkhill - day 1", "screen - [ADDRESS] - day"],
    ["a room in a named hall", "Term address: Room 214, Kilnsey Hall, Bracknell.", "address: [ADDRESS]."],
    [
      "a unit on an industrial estate",
      "Employer at Unit 7, Quarrybank Industrial Estate today",
      "at [ADDRESS] today",
    ],
    ["a room on a ward stays", "Seen in Room 4, Day Unit.", "Room 4, Day Unit."],
    ["the town after an address", "Lives at 3 Quarry Lane, Bracknell. Walks daily.", "at [ADDRESS]. Walks"],
    [
      "a town of three words after an address",
      "Moved to 9 Kiln Road, Stoke-on-Trent today",
      "to [ADDRESS] today",
    ],
    ["initials of a double-barrelled name ending a note", "Socket fit reviewed. QV-W", "reviewed. [NAME]"],
    ["a letter pair ending a note stays", "Plan: ECG. A-E", "ECG. A-E"],
    ["a first school by its name", "School: Tamworth First School, class 2", "School: [ADDRESS], class"],
    ["a school by its name", "School: Fernbank Primary, class teacher", "School: [ADDRESS], class"],
    ["a nursery by its name", "Rainbow Tots Nursery raised concerns", "[ADDRESS] raised concerns"],
    ["a Welsh school", "Ysgol Bryn Celyn informed today", "[ADDRESS] informed today"],
    ["a day of the week before any day and month", "next visit Fri 9/13 am", "next visit [DATE] am"],
    ["a day and a month before 'AT' and a time", "BOOKED 9/6 AT 10:15", "BOOKED [DATE] AT 10:15"],
    ["a day and a month in a note starting with '/'", "/ Fri 9/6 visit", "/ [DATE] visit"],
    ["a flat in a named building", "Seen at home Flat 21, Ashcroft House with", "home [ADDRESS] with"],
    [
      "a flat and a building before a street",
      "Flat 4B, Cavendish Point, 19 Mill St, LE2 7JE",
      "[ADDRESS], [POSTCODE]",
    ],
    [
      "a town between a street and its postcode",
      "address 14 Brook Terrace, Hulme, M15 5BL.",
      "address [ADDRESS], [POSTCODE].",
    ],
    [
      "initials signing for someone",
      "Review with XR 4/52. BB (for Mr L. Baptiste)",
      "4/52. [NAME] (for Mr [NAME])",
    ],
    ["initials after 'by' ending a note", "Letter filed. Uploaded by TW.", "Uploaded by [NAME]."],
    ["a role after 'by' ending a note stays", "Obs stable. Checked by RN.", "Checked by RN."],
    ["initials after a dash", "Inhaler technique checked. Tobias (pharmacist) – TQ", "(pharmacist) – [NAME]"],
    ["initials and a role after a slash", "Bed bath given. Ayo RN / PK HCA", "RN / [NAME] HCA"],
    ["initials after a bracket", "Clinic letter sent. Amy Shaw (dietitian) AS", "(dietitian) [NAME]"],
    ["initials after 'typed'", "Dictated 4/3, typed QV.", "typed [NAME]."],
    ["initials in small letters that spell a rare word", "Call back arranged. - jo", "arranged. - [NAME]"],
    [
      "a common word in small letters ending a note stays",
      "No change since last week. as before. yes",
      "before. yes",
    ],
    [
      "a small initial after a title in a note in small letters",
      "tel call. dr q brennock called back.",
      "dr [NAME] called",
    ],
    [
      "a small initial after a name in small letters",
      "plan repeat x3. son amos t watched.",
      "son [NAME] watched",
    ],
    [
      "a letter for a word after a name in small letters stays",
      "s/b reg dr brennock w sn amos",
      "[NAME] w sn",
    ],
    [
      "initials written together before a name",
      "Complaint closed. R.T. Hollinshead, PALS",
      "closed. [NAME], PALS",
    ],
    [
      "two writers' initials with spaces around the slash",
      "Family updated. QT / VB",
      "updated. [NAME] / [NAME]",
    ],
    ["a clinical abbreviation after a dash stays", "Wound clean - NAD", "Wound clean - NAD"],
    ["a copy line after a dash stays", "Letter to follow – cc GP", "– cc GP"],
    ["a change of route stays", "Antibiotics: switch IV / PO", "switch IV / PO"],
    ["a handover between initials", "Stool chart started. QT → VB", "started. [NAME] → [NAME]"],
    ["a handover to a name", "Anxious about work. QT → Morag", "work. [NAME] → [NAME]"],
    ["a change of route by arrow stays", "Abx: IV → PO", "Abx: IV → PO"],
    ["a change of class stays", "NYHA III → II today.", "NYHA III → II"],
    [
      "initials ending a timed log's entries",
      "06:00 Slept well. QZ\n08:30 Ate breakfast. QZ\n12/4 10:15 Walked to the day room. VW\n11:00 Settled.",
      "06:00 Slept well. [NAME]\n08:30 Ate breakfast. [NAME]\n[DATE] 10:15 Walked to the day room. [NAME]\n",
    ],
    [
      "an abbreviation or a word ending a timed log's entry stays",
      "06:00 Obs taken. NAD\n08:30 Up and dressed. OK\n09:00 Asked for tea. AT\n10:00 Settled.",
      "Obs taken. NAD\n08:30 Up and dressed. OK\n09:00 Asked for tea. AT\n",
    ],
    ["a name and a role in a bracket", "Insulin adjusted by the team (Ugochi, DSN).", "team ([NAME], DSN)."],
    [
      "a name and a role after a dash in a bracket",
      "Dressing advice given (Temitope – TVN).",
      "given ([NAME] – TVN).",
    ],
    ["an English word and a role in a bracket stays", "Chest pain (Central, ECG) today.", "(Central, ECG)"],
    [
      "a language and a role in a bracket stays",
      "Consent taken (Polish, interpreter).",
      "(Polish, interpreter)",
    ],
    [
      "an English given name signing with a grade",
      "Reviewed on the ward round. Will ST2",
      "round. [NAME] ST2",
    ],
    ["a common word before a grade stays", "Discussed today. Stable ST2", "Stable ST2"],
    [
      "the speakers of pasted messages, and a speaker's name later in them",
      "Texts copied with consent\nNneka: my leg is sore again\nAyodeji (DN): Hi Nneka, I will call round\nNneka: thanks",
      "consent\n[NAME]: my leg is sore again\n[NAME] (DN): Hi [NAME], I will call round\n[NAME]: thanks",
    ],
    [
      "initials speaking twice in pasted messages",
      "Chat log\n10:02 WQ: are you home\n10:05 Ebun: yes\n10:06 WQ: on my way\n10:07 Ebun: ok",
      "10:02 [NAME]: are you home\n10:05 [NAME]: yes\n10:06 [NAME]: on my way\n10:07 [NAME]: ok",
    ],
    [
      "initials ending a timed log's entries after a dash",
      "0700 Up and washed. – QB\n0930 Walked to lounge – QB\n1100 Settled.",
      "0700 Up and washed. – [NAME]\n0930 Walked to lounge – [NAME]\n",
    ],
    [
      "initials after a role or 'Signed' and a colon ending a timed log's line",
      "22:10 Settled in bed, checked hourly. HCA: QD\n23:00 Asleep. RN: PV.\n07:45 Washed and dressed. Signed: WL",
      "hourly. HCA: [NAME]\n23:00 Asleep. RN: [NAME].\n07:45 Washed and dressed. Signed: [NAME]",
    ],
    [
      "a reading, a heading or an untimed line before a colon and capitals stays",
      "09:00 BP: NAD\n09:30 Plan: ADL\nReferral made. OT: ADL",
      "09:00 BP: NAD\n09:30 Plan: ADL\nReferral made. OT: ADL",
    ],
    [
      "a given name before a verb of care",
      "Settled well. Octavia gave him a drink of water. Oramorph gave good relief.",
      "well. [NAME] gave him a drink of water. Oramorph gave good relief.",
    ],
    [
      "a unit after a hospital's name stays",
      "Transferred to John Radcliffe ICU overnight; discussed with Harefield ICU.",
      "Transferred to John Radcliffe ICU overnight; discussed with Harefield ICU.",
    ],
    [
      "a role noun, a reading or 'by' before a colon and capitals on a timed line stays",
      "10:00 Mobilised with frame. Physio: FWB\n12:00 Feeding plan. Dietitian: ONS\n16:00 Assessed by: UTC",
      "Physio: FWB\n12:00 Feeding plan. Dietitian: ONS\n16:00 Assessed by: UTC",
    ],
    [
      "a timed log's initials after a dash and before a full stop",
      "0700 Up and washed – QB.\n0800 Breakfast.",
      "washed – [NAME].\n0800",
    ],
    [
      "an abbreviation or the sex after a name in small letters stays",
      "phoned son amos p.m. re plan. daughter ysolde f 52 here",
      "son [NAME] p.m. re plan. daughter [NAME] f 52",
    ],
    [
      "a log's initials that spell a clinical abbreviation no list keeps",
      "0800 Washed. MDS\n0900 Meds given. MDS\n1000 Settled.",
      "Washed. [NAME]\n0900 Meds given. [NAME]\n",
    ],
    ["a service after 'done by' stays", "Bloods done by Phlebotomy at 08:00.", "done by Phlebotomy at"],
    [
      "a given name that is a word, before another verb, stays",
      "Prudence advised when mobilising.",
      "Prudence advised",
    ],
    [
      "a key to a log's initials, and the initials wherever the log writes them",
      "0700 Up and washed. Slept well TQ\n1100 Settled. TQ = Teodora Quill",
      "0700 Up and washed. Slept well [NAME]\n1100 Settled. [NAME] = [NAME]",
    ],
    [
      "a signature spelled out in a bracket",
      "Reviewed the chart. – PQ (Perpetua Quill, night nurse). PQ to hand over.",
      "– [NAME] ([NAME], night nurse). [NAME] to hand over.",
    ],
    [
      "a name's initials that also spell a role, every word's initial",
      "Settled overnight. – RN (Rhoswen Nant, night shift)",
      "overnight. – [NAME] ([NAME], night shift)",
    ],
    [
      "a name's initials after it in a bracket",
      "Dose checked by Ngaire Tuhoe RN (NT).",
      "checked by [NAME] RN ([NAME]).",
    ],
    [
      "an abbreviation beside a name that spells its initials stays",
      "Identity checked: Dana Ezeh, DOB 1 May 1950. Next of kin: Zuleika Oduro Kimani, NOK aware.",
      "Identity checked: [NAME], DOB [DATE]. Next of kin: [NAME], NOK aware.",
    ],
    [
      "a letter's reference after its cue, in the header",
      "Eye Clinic. Our ref: QJ/ty Hosp no 4471. Dear Dr Asamoah, thank you.",
      "Our ref: [NAME]/[NAME] Hosp no",
    ],
    [
      "a letter's reference without a file number",
      "Result letter Ref: DQV/hn Dear Dr Asamoah,",
      "Ref: [NAME]/[NAME] Dear",
    ],
    ["a pair of abbreviations after a cue stays", "Referral ref: OT/PT joint visit.", "ref: OT/PT joint"],
    [
      "readings in a chart are no speakers",
      "Obs\n08:00 BP: 132/84\n08:00 HR: 88\n12:00 BP: 128/80\nNa: 131\nK: 4.2\nNa: 133",
      "Obs\n08:00 BP: 132/84\n08:00 HR: 88\n12:00 BP: 128/80\nNa: 131\nK: 4.2\nNa: 133",
    ],
    [
      "a care record's abbreviations ending entries stay",
      "0700 Toileted. BO\n0930 Breakfast eaten – PU\n1100 Settled.",
      "0700 Toileted. BO\n0930 Breakfast eaten – PU\n1100 Settled.",
    ],
    [
      "a drug and its class in a bracket stay",
      "Started (Sertraline, SSRI) and (Omeprazole, PPI).",
      "Started (Sertraline, SSRI) and (Omeprazole, PPI).",
    ],
    [
      "a measurement after a name that spells its initials stays",
      "Seen with Bella Pryor, BP 120/80 today.",
      "Seen with [NAME], BP 120/80 today.",
    ],
    [
      "a history's headings are no speakers",
      "PC: cough\nHPC: 3 days\nPMH: asthma\nDH: salbutamol\nSH: lives alone\nPlan: CXR\nPlan: review",
      "PC: cough\nHPC: 3 days\nPMH: asthma\nDH: salbutamol\nSH: lives alone\nPlan: CXR\nPlan: review",
    ],
    ["initials and a role in a bracket", "Transport rebooked. PW (admin)", "rebooked. [NAME] (admin)"],
    ["initials and a service abbreviation in a bracket", "Plan as above. KD (TVN)", "above. [NAME] (TVN)"],
    ["a clinical abbreviation in a bracket stays", "Given as before. Fluids (IV)", "Fluids (IV)"],
    ["initials and a service written out", "Review in 6/52. TR podiatry", "6/52. [NAME] podiatry"],
    ["a given name and a grade", "Seen on the ward. Oluwadamilare ST2", "ward. [NAME] ST2"],
    ["a given name and two words of role", "Leaflet given. Ngozi TB CNS", "given. [NAME] TB CNS"],
    ["a clinical word before a grade stays", "Bloods sent. Clotting PT", "Clotting PT"],
    ["a signature after 'Signed'", "Discussed at huddle. Signed B. Okonkwo FY2", "Signed [NAME] FY2"],
    ["a month alone after 'by'", "hopes to be back at work by October, then", "work by [DATE], then"],
    ["a month alone after 'after'", "Repeat scan after January.", "scan after [DATE]."],
    ["a month alone after 'review'", "Next review September. Letter", "review [DATE]. Letter"],
    ["a month alone after LMP", "LMP August. Not on HRT", "LMP [DATE]. Not"],
    ["a clinic number", "Clinic no. KT-RS-1180342 given", "Clinic no. [ID_NUMBER] given"],
    ["a care home by its name", "Lives at Willowbank nursing home since", "at [ADDRESS] nursing home"],
    ["a hostel by its name", "bed at Anchor House hostel tonight", "at [ADDRESS] hostel tonight"],
    [
      "a care home with no name stays",
      "MDT care home round. Residential care home placement.",
      "MDT care home round. Residential care home",
    ],
    ["a girls' school by its name", "Attends Westfield Girls' School, Year 10", "Attends [ADDRESS], Year 10"],
    [
      "a flat by its letter before a street",
      "Address: Flat D, 7 Mill Lane, LS6 2AB",
      "Address: [ADDRESS], [POSTCODE]",
    ],
    [
      "a letter's reference, author and typist",
      "Yours sincerely, Consultant Urologist\nKM/pt",
      "Urologist\n[NAME]/[NAME]",
    ],
    ["a letter's reference in capitals", "Dictated but not checked. RJB/LM", "checked. [NAME]/[NAME]"],
    ["a letter's reference with full stops", "Waterlow 12. Signed E.N./D.K.", "Signed [NAME]/[NAME]"],
    ["two clinical abbreviations at the end stay", "Obs stable, reviewed by OT/PT", "reviewed by OT/PT"],
    ["a titled name in a note in capitals", "DNACPR SIGNED BY DR T.R. OKONJO TODAY.", "DR [NAME] TODAY."],
    [
      "an investigation after a capital title stays",
      "MR BRAIN BOOKED. DR SCREENING DUE.",
      "MR BRAIN BOOKED. DR SCREENING DUE.",
    ],
    [
      "a flat by its letter in a named building",
      "moved to Flat C, Ashcroft House on",
      "moved to [ADDRESS] on",
    ],
    [
      "a flat's letter alone stays",
      "Lives in a flat. Flat A fib on the ECG.",
      "Lives in a flat. Flat A fib on the ECG.",
    ],
    ["a day, a month and a year run together", "ALERT: DOB 17MAR1951. ALLERGY", "DOB [DATE]. ALLERGY"],
    [
      "a log entry's day and month before a four-figure time",
      "4/10 0815 seen on ward round",
      "[DATE] 0815 seen",
    ],
    ["a duration before a dose stays", "4/12 1000 mg given", "4/12 1000 mg given"],
    [
      "a reference after its cue in a note in capitals",
      "PT IN CUSTODY. CUSTODY NO NY/KX/26/40211. HX",
      "CUSTODY NO [ID_NUMBER]. HX",
    ],
    [
      "a referral in capitals stays",
      "PT IN CUSTODY, STABLE. REF TO CARDIOLOGY TODAY.",
      "REF TO CARDIOLOGY TODAY.",
    ],
    ["initials after a slash ending a note", "Wound redressed, no ooze. /tq", "no ooze. /[NAME]"],
    ["capitals after a slash on a line of their own", "Reviewed, for discharge.\n/QB", "discharge.\n/[NAME]"],
    [
      "initials after a slash ending timed entries",
      "09:10 Obs stable /tq\n10:40 Mobilised to the chair / VB\n11:00 Settled.",
      "09:10 Obs stable /[NAME]\n10:40 Mobilised to the chair / [NAME]\n",
    ],
    [
      "a unit, a common word or a role after a slash stays",
      "08:00 Fluids 2 L /day\n09:00 Infusion 5 ml /hr\n10:00 Seen by the midwife /MW\n11:00 Settled.",
      "2 L /day\n09:00 Infusion 5 ml /hr\n10:00 Seen by the midwife /MW\n",
    ],
    [
      "a service's name ending in 'Service' stays",
      "Referred to the Community Justice Service and Northgate Eating Disorder Service.",
      "the Community Justice Service and Northgate Eating Disorder Service.",
    ],
    [
      "a laparoscopic cholecystectomy's shorthand stays",
      "Lap chole on Tuesday's list, then home.",
      "Lap chole on",
    ],
    [
      "a name written short and a role on the last line",
      "Wound reviewed.\nL. Radzik ward sister",
      "\n[NAME] ward sister",
    ],
    [
      "initials and a role of two words on the last line",
      "Plan agreed.\nKC discharge coordinator",
      "\n[NAME] discharge",
    ],
    [
      "initials in small letters and a role on the last line",
      "Insoles fitted.\nvb podiatrist",
      "\n[NAME] podiatrist",
    ],
    [
      "a given name and its initial in small letters after a dash",
      "Seen at home.\n- ludmila p",
      "\n- [NAME]",
    ],
    [
      "a given name and a role after a comma on the last line",
      "Reviewed.\nKasimir D, LD liaison nurse",
      "\n[NAME], LD",
    ],
    ["initials after a dash on the last line", "Family updated.\n- TW", "\n- [NAME]"],
    ["initials and a one-letter grade", "Plaster checked.\nTW F2", "\n[NAME] F2"],
    ["initials and a registrar in a bracket", "Consented.\nQR (ortho reg)", "\n[NAME] (ortho reg)"],
    ["initials and who was on call", "Certified.\nQR (on call)", "\n[NAME] (on call)"],
    ["two capitals alone on the last line, though an abbreviation", "Letter to GP.\nAF", "GP.\n[NAME]"],
    ["a role alone on the last line stays", "Seen.\nOT", "Seen.\nOT"],
    ["a word alone on the last line stays", "Done.\nOK", "Done.\nOK"],
    ["a finding of three capitals on the last line stays", "Obs.\nNAD", "Obs.\nNAD"],
    ["a plan's letter on the last line stays", "Start insulin.\nPlan b", "Start insulin.\nPlan b"],
    ["a vitamin on the last line stays", "Low levels.\nvitamin d", "Low levels.\nvitamin d"],
    [
      "initials after a dash at the end of a dated heading",
      "Foot clinic review 04/11/25 - KW\nPulses present.",
      "[DATE] - [NAME]\nPulses",
    ],
    ["a specialty before a role on the last line stays", "Foot check done.\nDM nurse", "done.\nDM nurse"],
    [
      "initials, a comma and a nurse's role",
      "Plan agreed with family. - GT, stoma nurse",
      "- [NAME], stoma nurse",
    ],
    ["initials, then a nurse's role in brackets", "Plan agreed. - GW (stoma nurse)", "- [NAME] (stoma"],
    [
      "an abbreviation before a role in brackets stays",
      "Annual review due - DM (practice nurse)",
      "- DM (practice",
    ],
    ["a role before a comma and a role stays", "Referrals:\nOT, physio", "Referrals:\nOT, physio"],
    ["a specialty repeated in the role stays", "Tremor worse. Follow-up - PD (PD nurse)", "- PD (PD nurse)"],
    [
      "an initial and a family name, a comma and a role",
      "Obs general. K. Obiora, RMN",
      "general. [NAME], RMN",
    ],
    ["a unit before a role on the last line stays", "Transferred.\nITU sister", "Transferred.\nITU sister"],
    [
      "a day and month after an event's word",
      "Baby born 2/5; letter sent 3/3; clinic 5/2.",
      "born [DATE]; letter sent [DATE]; clinic [DATE].",
    ],
    ["a day and month after a preposition of time", "Discharged on 4/5.", "Discharged on [DATE]."],
    [
      "durations, counts and scores after those words stay",
      "Seen 2/7 ago; review 3/12; from 3/5 to 4/5 power; on 3/4 days; on 1/2 tablet.",
      "Seen 2/7 ago; review 3/12; from 3/5 to 4/5 power; on 3/4 days; on 1/2 tablet.",
    ],
    [
      "a key safe's code",
      "Key safe code 4471 (from neighbour); code changed: key safe code changed to 2580.",
      "Key safe code [ID_NUMBER] (from neighbour); code changed: key safe code changed to [ID_NUMBER].",
    ],
    ["a key safe's code in a note in capitals", "CARERS QDS. KEY SAFE 1234.", "KEY SAFE [ID_NUMBER]."],
    ["a key safe's year stays", "Key safe fitted 2019.", "Key safe fitted 2019."],
    [
      "a vaccine and its date on the last line stay",
      "Vaccinations.\nMMR 03/05/2019",
      "Vaccinations.\nMMR [DATE]",
    ],
    [
      "an abbreviation the note uses elsewhere stays",
      "HRT started.\nHT 12/10/25, review HT in 3 months",
      "HT [DATE], review HT",
    ],
    ["services before a slash and a role stay", "Needs equipment. Refer to ICB/OT", "Refer to ICB/OT"],
    [
      "fractions after a cue stay",
      "Reduced by 1/3; after 1/2 hour settled; on 1/2 dose; on 2/3 samples; after 3/6 cycles; since 4/5 years.",
      "Reduced by 1/3; after 1/2 hour settled; on 1/2 dose; on 2/3 samples; after 3/6 cycles; since 4/5 years.",
    ],
    [
      "a day and month after a time of day",
      "21:40 28/12 pt settled; 09.15, 4/3 obs done.",
      "21:40 [DATE] pt settled; 09.15, [DATE] obs",
    ],
    [
      "fractions and counts after a time of day stay",
      "08:00 1/2 tab given; 10:00 2/3 doses; 14:00 3/5 power; 16:00 6/10 pain.",
      "08:00 1/2 tab given; 10:00 2/3 doses; 14:00 3/5 power; 16:00 6/10 pain.",
    ],
    [
      "a month's name and a day without an ordinal",
      "Review Jan 12 in clinic; booked Sept. 4.",
      "Review [DATE] in clinic; booked [DATE].",
    ],
    [
      "a month's name before a dose, a count or a time stays",
      "May 5 mg be added? Mar 2 x daily; MAR 2 signed; June 3 pm.",
      "May 5 mg be added? Mar 2 x daily; MAR 2 signed; June 3 pm.",
    ],
    [
      "a range of days before a month",
      "Away 4th-6th June, then 12 to 14 Aug, nights 3/4 Jan",
      "Away [DATE], then [DATE], nights [DATE]",
    ],
    [
      "a day alone after review or due",
      "Dressing review 29th; bloods due 3rd.",
      "review [DATE]; bloods due [DATE].",
    ],
    [
      "an ordinal line, attempt or dose stays",
      "on 2nd-line therapy; on 3rd attempt; due 2nd dose; review 45th.",
      "on 2nd-line therapy; on 3rd attempt; due 2nd dose; review 45th.",
    ],
    [
      "a name that is one of the rarest common words, in a list of names",
      "Present: Yannick, Falconer and Zoltan.",
      "Present: [NAME], [NAME] and [NAME].",
    ],
    [
      "children with their ages in brackets, then a comma",
      "Children: Tirzah (12), Yarden (9), Eitan (4).",
      "Children: [NAME] (12), [NAME] (9), [NAME] (4).",
    ],
    ["a people's word in a list of children stays", "Kids Tirzah (12), Eritrean, Eitan", "Eritrean, [NAME]"],
    [
      "a short form after a listed name that is a word, in quotes or brackets",
      'Coral ("Cora") visited. Thaddeus (Thad) rang.',
      '[NAME] ("[NAME]") visited. [NAME] ([NAME]) rang.',
    ],
    [
      "a listed nickname of the name before it, in brackets, and the family name after it",
      "Algernon (Algy) visited. Barnabas (Barney) Quarrington rang.",
      "[NAME] ([NAME]) visited. [NAME] rang.",
    ],
    [
      "a nickname in quotes between a given and a family name",
      'Present: Thaddeus "Tad" Falconer.',
      "Present: [NAME].",
    ],
    [
      "a listed name's arrangement, an auxiliary before a person's verb after a given name",
      "Said so. Coral to arrange transport. Settled. Opal has asked to be rung back.",
      "Said so. [NAME] to arrange transport. Settled. [NAME] has asked to be rung back.",
    ],
    [
      "one of the rarest common words before a person's verb",
      "Hawker rang the ward.",
      "[NAME] rang the ward.",
    ],
    [
      "the commonest words no one is called, and words of a title or a service, stay",
      "Continence Care CNS visit; consultant happy with the wound. Carer Support Group; Parent Education class.",
      "Continence Care CNS visit; consultant happy with the wound. Carer Support Group; Parent Education class.",
    ],
    [
      "a grandmother's word in another language, results and services stay",
      "Nonna brought him in. Contacts: IGRA pos, CXR clear; referred to EIP; discussed with UKHSA.",
      "Nonna brought him in. Contacts: IGRA pos, CXR clear; referred to EIP; discussed with UKHSA.",
    ],
    [
      "no name before a drug's, a test's or a service's arrangement, a passive or a drug's short form",
      'Sertraline has helped. Colposcopy was declined. Troponin to chase; Follow-up to book; Reablement to update. Oxycodone ("Oxy") stopped.',
      'Sertraline has helped. Colposcopy was declined. Troponin to chase; Follow-up to book; Reablement to update. Oxycodone ("Oxy") stopped.',
    ],
    [
      "shorthand, counts and scores after a time of day stay",
      "10:00 1/7 post-op; 09:00 5/12 old; 12:00 18/12 infant; 14:00 6/9 acuity; 15:00 2/2 cultures; 06:30 4/9 CAM.",
      "10:00 1/7 post-op; 09:00 5/12 old; 12:00 18/12 infant; 14:00 6/9 acuity; 15:00 2/2 cultures; 06:30 4/9 CAM.",
    ],
    [
      "ordinals before a word after a preposition stay",
      "Pain on 4th and 5th fingers; on 2nd of 3 bags; from 1st to 3rd trimester.",
      "Pain on 4th and 5th fingers; on 2nd of 3 bags; from 1st to 3rd trimester.",
    ],
    [
      "a month's name before puffs, stat, visits or minutes stays",
      "Dec 2 puffs; Aug 1 stat; Nov 2 visits per week; June 6 minute walk.",
      "Dec 2 puffs; Aug 1 stat; Nov 2 visits per week; June 6 minute walk.",
    ],
    [
      "a home-care visit's number stays",
      "Visit 2/4: lunch given. Call 3/4 today, no answer.",
      "Visit 2/4: lunch given. Call 3/4 today",
    ],
    ["initials, a slash and a role", "Handover given. - QB/RN", "- [NAME]/RN"],
    [
      "dotted initials, a slash and a co-signer with a role",
      "Home 17:45. - T.W./Osric Vance RN",
      "- [NAME]/",
    ],
    ["initials, a slash, a service and a role", "Plan agreed. QZ/ADHD NS", "agreed. [NAME]/ADHD NS"],
    ["initials and the date after the last sentence", "He has agreed. QS 09/10/25", "agreed. [NAME] [DATE]"],
    ["initials, a weekday and a date", "Cut to 16 u/wk. QK Tue 8th Apr", "u/wk. [NAME] [DATE]"],
    ["a test and its date after a sentence stays", "Plan: repeat bloods. CT 09/10/25", "bloods. CT [DATE]"],
    ["a date of birth at the end stays a label", "Seen in clinic. DOB 12/03/1960.", "clinic. DOB [DATE]."],
    ["initials and the date on the last line", "Cut to 16 u/wk.\nQK Tue 8th Apr", "u/wk.\n[NAME] [DATE]"],
    ["a test and its date on the last line stays", "Bloods:\nFBC 09/10/25", "Bloods:\nFBC [DATE]"],
    ["initials with an O' on the last line", "Letter to GP.\nQO'N", "GP.\n[NAME]"],
    ["a route change stays", "Results normal. IV/PO", "normal. IV/PO"],
    ["a finding after a heading's colon stays", "ECG reviewed.\nImpression:\nAF", "Impression:\nAF"],
    ["a rate per minute stays", "14:00 pulse 80 beats /min", "beats /min"],
    ["a rate per week in a timed entry stays", "09:00 weight down 1 kg /wk\n10:00 settled", "kg /wk"],
    ["the last item of a list of dashes stays", "Problems:\n- asthma\n- DM", "- asthma\n- DM"],
    [
      "a dated heading ending in an abbreviation stays",
      "Foot clinic review 04/11/25 - DM\nFeet intact.",
      "[DATE] - DM\n",
    ],
    ["a staging system before its stage stays", "Ann Arbor 4 disease at diagnosis.", "Ann Arbor 4 disease"],
    [
      "a mat on the ward stays",
      "Crash Mat by the bed, Sensor Mat on.",
      "Crash Mat by the bed, Sensor Mat on.",
    ],
    [
      "a service's manager is a person",
      "Seen by Ottavia Pennock Service Manager today.",
      "Seen by [NAME] Manager today.",
    ],
    [
      "countries stay places",
      "From Mali via Niger, Algeria and Libya; sister still in Algeria.",
      "From Mali via Niger, Algeria and Libya; sister still in Algeria.",
    ],
  ])("%s", (_label, text, expected) => {
    expect(scrub(text).out).toContain(expected);
  });

  it("replaces the record's own names in any case, whole words only", () => {
    const own: OwnIdentifier[] = [
      { text: "Margaret", entity: "NAME" },
      { text: "Thornton", entity: "NAME" },
    ];
    const { out, counts } = scrub("MARGARET THORNTON; thornton's daughter; Thorntonville clinic", own);
    // The two words of the full name are one name: one placeholder.
    expect(out).toBe("[NAME]; [NAME]'s daughter; Thorntonville clinic");
    expect(counts["NAME"]).toBe(2);
  });

  it("a capital initial of the record's other name goes with its name", () => {
    const own: OwnIdentifier[] = [
      { text: "Tunde", entity: "NAME" },
      { text: "Adebayo", entity: "NAME" },
    ];
    expect(scrub("PT: MR T ADEBAYO. HBA1C 62. Seen: T. Adebayo, 72.", own).out).toBe(
      "PT: MR [NAME]. HBA1C 62. Seen: [NAME], 72.",
    );
    // Another letter is not the patient's initial: the own surname goes, the letter stays for the other rules.
    expect(scrub("Hep B Adebayo clinic", own).out).toBe("Hep B [NAME] clinic");
    // A unit's letter is no initial: "g/L." before the surname of a Lola stays.
    const lola: OwnIdentifier[] = [
      { text: "Lola", entity: "NAME" },
      { text: "Adebayo", entity: "NAME" },
    ];
    expect(scrub("Hb 84 g/L. Adebayo seen.", lola).out).toBe("Hb 84 g/L. [NAME] seen.");
  });

  it("a name the patient goes by, in a bracket beside the record's name, is the patient wherever the note writes it", () => {
    const own: OwnIdentifier[] = [
      { text: "Teodoro", entity: "NAME", otherNames: true },
      { text: "Vasquez", entity: "NAME" },
    ];
    expect(scrub("Teodoro Vasquez (Teddo to family) seen. Teddo ate well; Mum visited.", own).out).toBe(
      "[NAME] ([NAME] to family) seen. [NAME] ate well; Mum visited.",
    );
    // A word for a person, a common word or two letters in the bracket is no name of the patient's.
    expect(scrub("Teodoro Vasquez (Dad) and Dad. Teodoro Vasquez (Ba) and Ba.", own).out).toBe(
      "[NAME] (Dad) and Dad. [NAME] (Ba) and Ba.",
    );
  });

  it("a name whose other name starts with a letter folded to two (Ж → zh) is still removed whole", () => {
    // Working out the initials once folded into the buffers that map the note back to its source.
    const own: OwnIdentifier[] = [
      { text: "Жанна", entity: "NAME" },
      { text: "Li", entity: "NAME" },
    ];
    expect(scrub("Li reviewed today.", own).out).toBe("[NAME] reviewed today.");
    expect(scrub("Łódź clinic: Li reviewed, Ж. Li to call.", own).out).toBe(
      "Łódź clinic: [NAME] reviewed, [NAME] to call.",
    );
  });

  it("a name part of one letter other than an ASCII one is matched as written, in either case, as a whole word", () => {
    const own: OwnIdentifier[] = [
      { text: "Ý", entity: "NAME" },
      { text: "Hồ", entity: "NAME" },
    ];
    expect(scrub("Hồ, Ý - Crohn's disease. ý rang; HỒ Ý seen.", own).out).toBe(
      "[NAME], [NAME] - Crohn's disease. [NAME] rang; [NAME] [NAME] seen.",
    );
    // Decomposed (Y and a combining accent) as well as composed; not inside a word, and not its folded "y".
    expect(scrub("Y\u0301 seen. Ýa y Y.", own).out).toBe("[NAME] seen. Ýa y Y.");
    // Part of a longer given name, and not for an ASCII letter (an initial).
    expect(scrub("Ý called.", [{ text: "Ý Nhi", entity: "NAME" }]).out).toBe("[NAME] called.");
    expect(scrub("A said J was well.", [{ text: "J", entity: "NAME" }]).out).toBe("A said J was well.");
  });

  it("uses the structured token for NHS numbers and own identifiers when given one", () => {
    const { out } = scrub(
      "NHS 943 476 5919, hosp no rx11234567",
      [{ text: "RX11234567", entity: "PATIENT_ID", replacement: "PAT-k1-TOKEN" }],
      (d) => `NHS-k1-${d.length}`,
    );
    expect(out).toBe("NHS NHS-k1-10, hosp no PAT-k1-TOKEN");
  });

  it("the record's own hospital number after a cue with a site code keeps its token", () => {
    const { out } = scrub("hosp no KGH 3300915 seen", [
      { text: "3300915", entity: "PATIENT_ID", replacement: "PAT-k1-TOKEN" },
    ]);
    expect(out).toBe("hosp no KGH PAT-k1-TOKEN seen");
  });

  it.each([
    ["a date after 'hosp' is a date", "in hosp 12/03/2024 for a week", "in hosp [DATE] for a week"],
    ["'hospital' alone is no cue", "Admitted to hospital 12/03/2024.", "Admitted to hospital [DATE]."],
    [
      "a lab reference range stays",
      "Na 129 (ref 133-146), ALT 80 (ref 10-50)",
      "Na 129 (ref 133-146), ALT 80 (ref 10-50)",
    ],
    ["a cue inside a rejected reference", "MRN Number 4418203 checked", "MRN Number [PATIENT_ID] checked"],
    ["a job title after Nurse", "Plan from Nurse Specialist today", "Plan from Nurse Specialist today"],
    ["the same word after Mr is a name", "Letter to Mr Lead today", "Letter to Mr [NAME] today"],
  ])("%s", (_label, text, expected) => {
    expect(scrub(text).out).toBe(expected);
  });

  it("a ten-digit number with a bad check digit is still removed (as a phone or id)", () => {
    expect(scrub("ref 943 476 5918 ok").out).not.toMatch(/943/);
  });

  it("finds the record's own phone number in every writing of it, with the own replacement", () => {
    const own: OwnIdentifier[] = [{ text: "07700 900123", entity: "PHONE", replacement: "PHN-k1-TOKEN" }];
    const { out, counts } = scrub(
      "ring 0044 7700 900123, +44 (0)7700 900123, 07700-900123 or 7700900123; other 01632 960456",
      own,
    );
    expect(out).toBe("ring PHN-k1-TOKEN, PHN-k1-TOKEN, PHN-k1-TOKEN or PHN-k1-TOKEN; other [PHONE]");
    expect(counts).toEqual({ PHONE: 5 });
  });

  it("a phone number in brackets keeps both brackets; a bracketed area code goes with the number", () => {
    expect(scrub("Niece (07700 900123) wants a copy.").out).toBe("Niece ([PHONE]) wants a copy.");
    expect(scrub("Call (020) 7946 0139 today.").out).toBe("Call [PHONE] today.");
  });

  it("reads phone digits in national form whatever the writing", () => {
    for (const written of [
      "+44 (0)7700 900123",
      "0044 7700 900123",
      "07700-900123",
      "7700 900123",
      "447700900123",
    ])
      expect(nationalDigits(written)).toBe("07700900123");
    expect(nationalDigits("020 7946 0123")).toBe("02079460123");
  });

  it('a street\'s "Dr." ends its address and is no title: what follows is judged on its own', () => {
    expect(scrub("Home 18 Larch Dr. PMH Crohn's disease, on azathioprine.").out).toBe(
      "Home [ADDRESS] PMH Crohn's disease, on azathioprine.",
    );
    expect(scrub("Home 7 Quarry Dr. Dr. Adeyemi phoned.").out).toBe("Home [ADDRESS] Dr. [NAME] phoned.");
    expect(scrub("Home 7 Quarry Dr. Adeyemi phoned.").out).toBe("Home [ADDRESS] [NAME] phoned.");
  });

  it("counts replacements by entity, never values", () => {
    const { counts } = scrub("Dr Patel, 07700 900123, a@b.example, SW1A 1AA");
    expect(counts).toEqual({ NAME: 1, PHONE: 1, EMAIL: 1, POSTCODE: 1 });
  });
});

describe("scrubText: clinical content survives", () => {
  const decoys = [
    "BP 120/80",
    "metformin 500 mg BD",
    "HbA1c 48 mmol/mol",
    "reviewed at 14:30",
    "NEWS2 score 3",
    "GCS 15/15",
    "transferred to Ward 7B",
    "Nightingale Ward",
    "SpO2 96% on air",
    "temp 37.8",
    "ICD-10 I21.4, E11.9, J45.9",
    "paracetamol 1 g QDS",
    "troponin 14 ng/L at 09:15 and 15:15",
    "eGFR 58, K+ 4.1, Na 138",
    "plan: repeat ECG in 6 hours",
    "as per NICE ref NG136",
    "reference range 3.5-5.0",
    "ref 2024 guidance",
    "review on Monday",
    "seen Fri am, settled",
    "SNOMED CT 22298006",
    "FEV1 2.31 L, PEF 410 L/min",
    "HBV DNA 12000000 IU/mL",
    "HCV RNA 1500000",
    "PLT 250000",
    "beta HCG 150000",
    "r/v 2/52",
    "FU 3/12",
    "aged 18/12",
    "pain 10/10",
    "5/7 history of cough",
    "37/40 gestation",
    "she may 2 doses",
    "dec appetite 3 dec",
    "Bisoprolol (per GP)",
    "HB 1234567",
    "Nightingale House Hospice",
  ];
  it.each(decoys)("%s", (decoy) => {
    const { out, counts } = scrub(`Note: ${decoy}. Seen by Dr Patel.`);
    expect(out).toContain(decoy);
    expect(counts).toEqual({ NAME: 1 });
  });
});

describe("scrubText: letters that are no initials", () => {
  it.each([
    ["an article", "Seen with Tom A few days ago", "A few days ago"],
    ["a pronoun", "Spoke to Jane I think on Monday", "I think"],
    ["a word's first letter", "PATIENT'S SON DECLAN PRESENT.", "PRESENT."],
    ["a grade's letter before a staff role", "Grade B RN to review", "Grade B RN to review"],
    ["a vitamin", "Vit D CNS clinic", "Vit D CNS clinic"],
  ])("%s", (_label, note, kept) => {
    expect(scrub(note).out).toContain(kept);
  });
});

describe("scrubText: a note's last words that are no initials", () => {
  it.each([
    "Chest clear. NAD",
    "Discharged. TTO",
    "Medically fit. DC",
    "Plan agreed. OK",
    "Seen. NG tube",
    "All fine. MRI",
    "as before. yes",
    "Review in clinic. CAMHS",
    "Seen in the morning. Mon",
    "Seen on the 3rd attempt. In 2019 a fall. Review 2/52. GCS 15/15 at 10:00.",
    "Attends Nursery three days. Medical School placement. Seen in Primary Care. Primary School age.",
    "Lives in London with his sister. Moved to AMU overnight.",
    "RC Primary School age. Attends RC Primary School.",
    "Pain 8/10 14:00 given. She may come in May's absence. COVID-19 PCR, PHQ-9 12, ICD-10 code.",
    "CA-125 88, EQ-5D-5L 0.7, L4-L5 disc, MK-3475 cycle 2, T1-T12-L1 fused, HLA-B27 neg, c.1234-5A>G.",
    "Masks to BS-EN-14683, bed to IEC-60601-2-52; HLA-DQB1-0602 positive; CTX-M-15 producer; test R-208-1.",
    "Abdo pain, RIF tender. Ordered. USS",
    "Dipstick positive. Sent MSU",
    "Retention resolved. Plan TWOC",
  ])("%s", (note) => {
    expect(scrub(note).out).toBe(note);
  });
});

describe("scrubText: the street prefilter", () => {
  const streets = [
    PATTERNS.STREET,
    PATTERNS.STREET_NUMBERED,
    PATTERNS.STREET_ANY_CASE,
    PATTERNS.STREET_UPPER,
  ];
  const anyStreetMatches = (text: string) =>
    streets.some((re) => {
      re.lastIndex = 0;
      return re.test(text);
    });

  it("finds a street type wherever one of the four street patterns would match (property)", () => {
    // Words of street-like notes in every case, with the letters that Unicode case folding joins to ASCII ones
    // (ſ is s, K the Kelvin sign is k), punctuation and digits.
    const word = fc.oneof(
      fc.constantFrom(
        ..."Road road ROAD rOaD St st ST sT ſt Street STREET Dr dr DR Cl CL cl Gro Cresc Pk PK Terr tce Gdns Way WAY Hill HILL Park pde Mews".split(
          " ",
        ),
      ),
      fc.constantFrom(..."Oak OAK oak Kings KINGS kings O'Neill Smith-Jones Church Ash Mill Park".split(" ")),
      fc.stringMatching(/^[A-Za-zſK']{1,8}$/),
      fc.integer({ min: 0, max: 99999 }).map(String),
      fc.constantFrom("12a", "3,", "Flat 2,", "-", "'s", "."),
    );
    const sep = fc.constantFrom(" ", "  ", "   ", ", ", ". ", "\n", "-", "");
    // And streets as the patterns write them: a house number, one to three words, a type, in one case or mixed.
    const type = fc.constantFrom(
      ..."Road Street Lane Close Drive Way Gardens Place Court Hill Park Walk Row Rise Green Rd St Ave Cl Ln Dr Pl Ct Terr Sq Gr Gro Pk Pde Cresc Tce Gdns".split(
        " ",
      ),
    );
    const street = fc
      .tuple(
        fc.integer({ min: 1, max: 9999 }),
        fc.constantFrom("", "a", "B", ","),
        fc.array(fc.constantFrom("Oak", "Kings", "O'Neill", "St", "Mill-Bank", "Ash"), {
          minLength: 1,
          maxLength: 3,
        }),
        type,
        fc.constantFrom("title", "upper", "lower", "as written"),
        fc.constantFrom("", ".", ",", "ſ", "x", "3", " "),
      )
      .map(([n, suffix, words, t, casing, after]) => {
        const s = `${n}${suffix} ${words.join(" ")} ${t}`;
        const cased = casing === "upper" ? s.toUpperCase() : casing === "lower" ? s.toLowerCase() : s;
        return cased + after;
      });
    const note = fc
      .array(fc.tuple(fc.oneof(word, street), sep), { maxLength: 12 })
      .map((parts) => parts.flat().join(""));
    fc.assert(
      fc.property(note, (text) => {
        if (anyStreetMatches(text)) expect(STREET_TYPE_AFTER_SPACE.test(text)).toBe(true);
      }),
      { numRuns: 5_000 },
    );
  });

  it("lets a note with no street type through without the street scans, and still finds a street", () => {
    expect(STREET_TYPE_AFTER_SPACE.test("BP 128/70, seen on the ward, reviewed by the registrar")).toBe(
      false,
    );
    expect(STREET_TYPE_AFTER_SPACE.test("Stable. Streetwise and roadworthy.")).toBe(false);
    expect(scrub("Home at 4 Oak Rd. today").out).toBe("Home at [ADDRESS] today");
    expect(scrub("HOME AT 71 JOHNS ST. TODAY").out).toContain("[ADDRESS]");
  });
});

describe("scrubText: linear, bounded work", () => {
  it("every quantifier in every pattern is bounded ({m,n} or ?)", () => {
    for (const [name, re] of Object.entries(PATTERNS)) {
      // Strip escapes and character classes, then look for *, + or {n,} (unbounded repetition).
      const src = re.source.replace(/\\./g, "").replace(/\[[^\]]*\]/g, "C");
      expect({ name, unbounded: /[*+]|\{\d+,\}/.test(src) }).toEqual({ name, unbounded: false });
    }
  });

  it("does not backtrack catastrophically on adversarial input at the cap", () => {
    const cap = 10_000;
    const attacks = [
      "a".repeat(cap),
      "1".repeat(cap),
      "1 ".repeat(cap / 2),
      "Dr ".repeat(cap / 3),
      `${"A".repeat(cap - 1)}@`,
      "a@".repeat(cap / 2),
      "Aa ".repeat(cap / 3),
      "12 Aaaa ".repeat(cap / 8),
    ];
    for (const text of attacks) expect(typeof scrub(text).out).toBe("string");
  });

  it("never throws on arbitrary text (property)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        const { out } = scrub(text);
        expect(typeof out).toBe("string");
      }),
      { numRuns: 500 },
    );
  });
});
