import { keyOf } from "./fold.ts";

/**
 * The person-name detector's own vocabulary: which words point at a person (cues) and which capitalised words in a
 * clinical note are not people (the clinical allow-list). This is domain vocabulary, not a list of people's names:
 * the names themselves come only from the gazetteer packages (gazetteer.ts). Everything is stored as folded keys
 * (ASCII letters, lower case) and compiled into sets once at module load.
 */

function set(words: string): ReadonlySet<string> {
  return new Set(words.split(/\s+/).filter((w) => w.length > 0));
}

/** Courtesy and professional titles: the next capitalised word(s) are a name ("Mrs Okafor", "dr patel"). */
export const TITLES = set(`
  mr mrs ms miss mx dr doctor prof professor sir dame lady lord rev revd reverend fr father sister nurse
  master madam mstr cllr councillor
  pc pcso sgt sergeant insp inspector constable detective pastor imam rabbi canon vicar judge hhj
`);

/**
 * Staff and other roles: they name a service as often as a person ("chest physio, Oramorph PRN"), so they are cues
 * only right next to the name, with a space between ("Physio Sanfeng", "Sanfeng (physio)").
 */
export const ROLE_NOUNS = set(`
  physio physiotherapist therapist pharmacist dietitian dietician midwife paramedic porter receptionist
  secretary consultant registrar spr sho houseofficer hca matron clinician surgeon anaesthetist psychiatrist
  psychologist counsellor gp ot salt sw admin administrator clerk scribe worker coordinator advocate interpreter translator chaplain
  teacher tutor headteacher mentor coach solicitor caseworker student cellmate inmate workers crew
  facilitator volunteer volunteers adviser advisor concierge assistant mate pal
`);

/**
 * Kinship and role words (the roles above among them): a name right after them ("wife Jane", "NOK: Tom", "carer
 * Precious") or right before them ("Jane (wife)", "Tom, her son") is a person. Also used as fillers between a verb
 * cue and the name.
 */
export const PERSON_NOUNS: ReadonlySet<string> = new Set([
  ...set(`
  wife husband partner spouse ex fiance fiancee girlfriend boyfriend widow widower
  son sons daughter daughters child children kid kids baby twin twins stepson stepdaughter
  mother mum mom mam mummy mother's father dad daddy parent parents stepmother stepfather stepmum stepdad
  brother brothers sister sisters sibling siblings sis bro
  grandson granddaughter grandsons granddaughters grandchild grandchildren
  grandmother grandma granny gran nan nanna nana grandfather grandad granddad grandpa grampa nain taid
  babcia dziadek bunica bunicul babushka nonna nonno abuela abuelo avo yiayia papou dadi ammi abbu
  mamo daideo mamgu tadcu
  aunt aunty auntie uncle niece nephew cousin godson goddaughter godmother godfather
  inlaw inlaws relative relatives family
  carer carers caregiver neighbour neighbours neighbor friend friends flatmate housemate lodger landlord landlady
  colleague workmate classmate teammate roommate roommates boss employer guardian foster kin nok lpa attorney imca
  referrer requester
  keyworker visitor visitors
  daughterinlaw soninlaw motherinlaw fatherinlaw sisterinlaw brotherinlaw exwife exhusband expartner
  stepmum stepdad stepbrother stepsister halfbrother halfsister grandparent grandparents greatgrandson
  greatgranddaughter
`),
  ...ROLE_NOUNS,
]);

/** Multi-word person nouns and verb cues, as sequences of keys: the name follows the last word. */
export const CUE_PHRASES: readonly (readonly string[])[] = [
  "next of kin",
  "social worker",
  "support worker",
  "key worker",
  "care coordinator",
  "care co ordinator",
  "care assistant",
  "health visitor",
  "district nurse",
  "named nurse",
  "spoke to",
  "spoke with",
  "speaking to",
  "speaking with",
  "talked to",
  "talked with",
  "discussed with",
  "discussion with",
  "d w",
  "called by",
  "call from",
  "call to",
  "phone call from",
  "phoned by",
  "rang by",
  "support from",
  "help from",
  "visit from",
  "visits from",
  "message from",
  "message for",
  "message to",
  "message left for",
  "text from",
  "text to",
  "texted by",
  "email from",
  "email to",
  "emailed by",
  "voicemail from",
  "voicemail for",
  "voicemail left for",
  "letter to",
  "letter from",
  "accompanied by",
  "attended with",
  "attends with",
  "came in with",
  "came with",
  "brought in by",
  "brought by",
  "escorted by",
  "collected by",
  "picked up by",
  "visited by",
  "seen with",
  "lives with",
  "living with",
  "lives alone with",
  "stays with",
  "staying with",
  "cared for by",
  "looked after by",
  "supported by",
  "married to",
  "separated from",
  "update given to",
  "updated",
  "informed",
  "handed over to",
  "consent from",
  "referred by",
  "c o",
  "care of",
  "known as",
  "aka",
  "prefers to be called",
  "likes to be called",
  "goes by",
  "nee",
  "maiden name",
  "name as",
  "interpreter name",
  "told by",
  "contact",
  "contacted",
  "emergency contact",
  "called",
  "named",
  "rang",
  "phoned",
  "telephoned",
  "per",
  "seen by",
  "reviewed by",
  "assessed by",
  "examined by",
  "handover from",
  "handed over by",
  "typed by",
  "dictated by",
  "written by",
  "signed by",
  "countersigned by",
  "verified by",
  "witnessed by",
  "checked by",
  "clerked by",
  "chased by",
  "done by",
  "completed by",
  "performed by",
  "undertaken by",
  "requested by",
  "authorised by",
  "authorized by",
  "approved by",
  "triaged by",
  "call back from",
  "callback from",
  "escalated to",
  "bleeped",
  // Greetings and sign-offs of messages: "Hello Omari,", "Thanks Omari!", "Kind regards, Omari".
  "hello",
  "hiya",
  "hey",
  "hi",
  "good morning",
  "good afternoon",
  "good evening",
  "thanks",
  "thank you",
  "many thanks",
  "cheers",
  "regards",
  "best wishes",
  "bye",
].map((p) => p.split(" "));

/** Words allowed between a cue and the name: "spoke to his daughter, Jane", "NOK is the patient's son Tom". */
export const FILLERS = set(`
  his her their the a an pt pt's boy girl patient patients patient's is was are were who whose own one eldest youngest
  elder older younger oldest middle only late
`);

/**
 * Words that describe what a person is to the patient, between a copula and the word for the person: "is her main
 * carer", "has been his key worker", "is the ward sister".
 */
export const RELATION_MODIFIERS = set(`
  main best key usual named primary lead allocated new regular paid informal former only eldest youngest older
  younger elder oldest middle close link ward night day bedside own current previous twin support social district
  community staff
`);

/** Verbs that only a person does, right after a name: "Precious rang", "Tomasz says" (not "reported": a scan reports). */
export const PERSON_VERBS = set(`
  rang rings phoned phones called calls visited visits visiting says said explained explains agreed agrees asked
  asks wants wanted wishes wished thinks thought believes believed attended attends came arrived arrives brought
  brings lives lived stays stayed declined consented requested requests collected collects tells told
  sat sits drove drives flew helped helps cried accompanied accompanies texted messaged emailed hugged
  taught teaches promised apologised apologized shouted screamed laughed smokes smoked cooks cooked knows knew
  hopes hoped worries worried landed
`);

/**
 * Staff roles written as abbreviations. Clinical words as such ("OT assessment", "PT review"), but right after a
 * name and at the end of a clause they sign it: "Kerry Blenkinsop RN", "J. Abernethy OT", "A. Fennimore FY1 for…".
 */
export const STAFF_ROLES = set(`
  rn rgn rmn ot pn cn sw dn hv hca anp acp enp sn slt fy spr mw rm cns
  cpn hcsw rnld odp fsw nnp ns dsn hcp
`);

/**
 * Job titles ("Nurse Specialist", "Care Navigator", "Clinical Lead") and service abbreviations ("CAMHS", "IDVA"):
 * never part of a name, yet not clinical words either, so a name right before one is still a name ("Sarah Jones
 * Specialist Nurse", "Nasreen Bibi IDVA").
 */
export const JOB_TITLES = set(`
  specialist specialists practitioner practitioners navigator manager managers lead leads advisor adviser officer
  assistant assistants technician administrator admin liaison clinical medical surgical geneticist geneticists
  portering housekeeping coroner
`);
/**
 * Specialties and services written between a grade and a role ("Consultant Forensic Psychiatrist", "Specialist
 * Haemoglobinopathy Midwife", "Perinatal CNS"): never part of a name, like the job titles. Words ending in
 * "-ology", "-iatry" and the like are recognised by their ending and are not listed.
 */
export const SPECIALTIES = set(`
  forensic perinatal neonatal antenatal postnatal cardiothoracic thoracic vascular colorectal hepatobiliary
  urological neurological orthopaedic orthopedic paediatric pediatric obstetric gynaecological geriatric
  psychiatric respiratory pulmonary cardiac renal ophthalmic audiological haemoglobinopathy haemophilia
  transfusion anticoagulation palliative perioperative preoperative anaesthetic maxillofacial musculoskeletal
  spinal bariatric endocrine pancreatic transplant dialysis nutritional dietetic occupational acute emergency
  critical intensive rehabilitation stroke continence viability reproductive genetic genomic infectious diabetes
  diabetic epilepsy dementia frailty tuberculosis hepatitis haematological oncological dermatological
  rheumatological immunological microbiological radiological histopathological neurodevelopmental
`);
/**
 * Words of results and findings that the name lists also hold ("HLA", "kappa", "thal"): never part of a name, but,
 * unlike the clinical words, no sign that the word before them is not one ("Sade Dokubo HLA typed"). The
 * immunoglobulins ("IgA", "IgE") are told from names ("Iga") by their capitals, not listed.
 */
export const FINDINGS = set(`
  ttg hla hbss hbsc hbsag hbeag kappa lambda thal thals thalassaemia thalassemia myeloma igra pos neg chem
`);
export const SERVICE_ABBREVIATIONS = set(`
  camhs cmht crht htt iapt ehcp senco sendco amhp idva isva marac mappa mash dsl cin nrm cpoms fcp cpa cto da
  las nwas yas neas emas wmas eeast secamb scas swast ooh hems eip ukhsa hpt crhtt
`);

/**
 * Brand names of dressings, continence, stoma and diabetes devices, compression hosiery, moving and handling and
 * infusion equipment that notes write with a capital ("Aquacel Ag", "Mepilex Border", "Sara Stedy"): never a
 * person, and the name-like word beside one is part of the product's name. Brands that are also common family names
 * (Foley, Baxter, Bard, Paxman) are not listed: a word after them says which they are.
 */
const MEDICAL_PRODUCTS = set(`
  aquacel allevyn mepilex mepitel kaltostat inadine biatain tegaderm opsite duoderm granuflex kerramax zetuvit
  sorbact flaminal iodoflex actiformcool urgotul cutimed acticoat silvercel algisite sorbsan medihoney cavilon
  sudocrem proshield askina tielle versiva purilon intrasite prontosan octenilin cuticell atrauman mepore
  conveen speedicath lofric sensura moderma peristeen uriflex optilube instillagel
  dexcom omnipod freestyle libre medtrum accuchek glucomen
  actico coban andoflex juzo mediven sigvaris jobst
  stedy rotastand quickmove molift arjo darco aircast
  graseby mckesson vacutainer venflon bionector
`);

/**
 * Clinical words a note capitalises that are never a person here, whatever the gazetteer says: eponyms rarely
 * borne as names in the UK, abbreviations, scores, places in a hospital, months, weekdays and times of day.
 * Eponyms that are also common names (Graves, Bell, Wilson, Murphy, Foley…) are not listed: they are told apart
 * by the word after them (EPONYM_HEADS), so "Bell's palsy" stays and "Sarah Bell" goes.
 */
export const CLINICAL: ReadonlySet<string> = new Set([
  ...set(`
  parkinson parkinsons parkinsonism crohn crohns hodgkin hodgkins alzheimer alzheimers cushing cushings
  hashimoto hashimotos raynaud raynauds sjogren sjogrens paget pagets huntington huntingtons kaposi kaposis
  apgar waterlow barthel babinski romberg trendelenburg whipple whipples nissen colles hickman guedel gillick
  caldicott tourette tourettes asperger aspergers korsakoff korsakoffs wernicke wernickes lewy creutzfeldt
  duchenne danlos marfan marfans fallot kawasaki meniere menieres dupuytren dupuytrens bartholin bartholins
  meckel meckels hirschsprung hirschsprungs buerger charcot epley heimlich valsalva seldinger snellen ishihara
  rinne phalen tinel finkelstein lachman ortolani gleason breslow blatchford rockall centor ranson alvarado
  mallampati killip mantoux coombs ziehl neelsen guthrie holter doppler venturi yankauer ryles zimmer moberg
  korotkoff cheyne kussmaul virchow virchows lugol lugols zollinger klinefelter noonan prader willi angelman
  patau pfannenstiel mcburney rovsing kernig brudzinski tinetti folstein epworth caprini wiskott burkitt
  burkitts wilms hurler fabry gaucher pompe niemann leber heinz sternberg schwann purkinje langerhans kupffer
  sertoli leydig peyer meissner golgi poiseuille fahrenheit celsius nightingale addenbrookes moorfields papworth
  news gcs avpu hba spo sao pao fio etco ecg ekg eeg emg cxr axr ctpa mri ct pet echo tte toe ogd ercp mrcp
  egfr crp esr wcc hb hct mcv plt inr aptt alt ast alp ggt tsh ldl hdl bnp trop lft lfts fbc ue ues vbg abg
  aki ckd copd uti urti lrti dvt pe mi stemi nstemi acs tia cva af chf ccf gord ibs ibd uc ra oa ms mnd dka hhs
  sob sats obs abx iv im sc po pr sl neb nebs prn bd tds qds od nbm dnacpr dnar resus sho fy reg cons hca rn
  mdt mca dols lpa salt ot physio gp ed ae itu icu hdu amu cdu sdec ccu cicu nicu scbu picu ent gu gi
  rass moca mmse phq gad frax qrisk must abcde sbar socrates amts mews pews qsofa nihss chads vasc hasbled
  ward wards bay bed beds side room theatre theatres recovery majors minors cubicle unit suite wing block
  clinic clinics surgery hospital infirmary centre center practice health trust nhs
  mol mmol umol nmol pmol mg mcg ug ng kg gm ml dl iu meq kpa mmhg bpm hr hrs mins secs cm mm kcal units tabs
  caps puffs sachet sachets amp amps vial vials
  hosp nad ix niv trach brady glasgow rockwood braden barthel cfs macmillan curie cruse bair micro bili creat alb
  appt
  perla perrla situ janeway roth cheyne stokes henoch schonlein blatchford mallory hugger
  nocte stat inh supp pess susp liq gtt oculent subcut intramuscular behcet behcets
  ortho orthos cardio cardiology gastro neuro haem haemonc onc derm psych paeds gynae maxfax rheum resp endo geris
  palliatives ccot ccrt medics surgeons anaesthetics stoma wnb
  pt tel tele cc abdo creps biba abpm bph svd lscs nvd hpb csc bm bms anticoag lac rx tx dx hx fx sx ddx pmh dh
  sh fh hpc oe nkda nka tto ttos tta fup cbt dbt emdr nipe npdr nyha epse epses ntprobnp hep
  dna rna hcg hiv hbv hcv cmv ebv wbc rbc
  adhd asd ocd ptsd eupd bpd
  xr ck tft tfts psa lp dexa fna vq vf vt svt ld imca idt
  nfa tbc tba dnr dc vit
  uss msu csu ctb cth twoc eua ivf vrii cbg pcm txf
  dosette dosettes blister
  taci poci tacs pacs pocs
  amox doxy fluclox vanc tazocin
  chole
`),
  // Staff role abbreviations are clinical words too: "OT assessment", "SN to review".
  ...STAFF_ROLES,
  ...MEDICAL_PRODUCTS,
]);

/**
 * A capitalised word after a capitalised name-like word makes the pair an organisation, not a person ("Bluebird
 * Care", "Age UK", "Bradford Council", "Farm Foods"). Only capitalised: "Jane care plan" is no organisation.
 */
export const ORG_HEADS = set(`
  care council councils uk cymru foods service services agency agencies society association charity team teams
  network partnership hub constabulary police lettings estates funeralcare legal solicitors llp ltd limited plc
  housing rescue insurance associates chambers properties
`);

/** Right after a word, these make it a language, not a person: "Bengali interpreter", "Polish speaker". */
export const LANGUAGE_HEADS = set(`
  interpreter interpreters interpreting translator translators translation speaking speaker speakers
`);

/**
 * Languages (and their adjectives) met in notes: "speaks Urdu", "Punjabi leaflet". Several are surnames in the name
 * lists, and a few are common British surnames ("English", "French"); alone, they are languages unless a title or
 * kinship word comes before them (person-names.ts, languageGroup).
 */
export const LANGUAGES = set(`
  english welsh scottish gaelic irish cornish british french german italian spanish portuguese polish romanian
  bulgarian lithuanian latvian estonian russian ukrainian czech slovak hungarian greek turkish kurdish sorani
  kurmanji bahdini arabic farsi persian dari pashto urdu hindi punjabi panjabi bengali bangla sylheti gujarati
  marathi tamil telugu malayalam kannada sinhala sinhalese nepali mandarin cantonese hakka chinese vietnamese thai
  tagalog filipino japanese korean malay indonesian somali amharic tigrinya oromo swahili yoruba igbo hausa twi akan
  shona ndebele zulu xhosa lingala wolof krio patois albanian serbian croatian bosnian slovenian macedonian hebrew
  yiddish armenian georgian azeri azerbaijani uzbek tajik romani romany dutch flemish danish swedish norwegian
  finnish icelandic maltese catalan basque luganda kinyarwanda kirundi tetum mirpuri pahari hindko saraiki sindhi
  balochi
`);

/** Words about speaking before a language: "speaks Urdu and English", "first language Welsh". */
export const LANGUAGE_CUES = set(`
  speak speaks spoke speaking language languages fluent understands understand reads writes
`);

/**
 * Months, weekdays and times of day: never names on their own ("review in May", "Sun 14:00"), but some are also
 * given names ("June", "May", "Sun", "Thu"), which a kinship word right beside them makes names ("Son May rang").
 */
export const CALENDAR = set(`
  january february march april may june july august september october november december
  jan feb mar apr jun jul aug sep sept oct nov dec
  monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun
  today tomorrow yesterday tonight morning afternoon evening night overnight weekend
  mondays tuesdays wednesdays thursdays fridays saturdays sundays weekends mornings afternoons evenings nights
  christmas easter ramadan eid diwali hanukkah passover lent vaisakhi
`);

/** A capitalised word before one of these is a thing named after a person, not a person: "Crohn's disease". */
export const EPONYM_HEADS = set(`
  coma frailty cfs disease diseases syndrome syndromes sign signs test tests score scores scale scales criteria
  classification palsy fracture fractures procedure operation manoeuvre maneuver reflex phenomenon lymphoma
  sarcoma tumour tumor ulcer ulcers cyst cysts node nodes duct ducts gland glands catheter catheters mask tube
  frame formula solution stain chart charts stage grade method technique triad pentad oesophagus esophagus
  oesophagitis sheath canal membrane curve equation needle forceps retractor incision bandage dressing collar
  splint hoist dementia encephalopathy neuropathy anaemia anemia arthritis disorder tear purpura breathing
  respiration lesion lesions spot spots neuroma contracture tetralogy crisis chorea thyroiditis nodule nodules
  gait features body airway guideline guidelines rule rules
`);

/** A capitalised word before one of these names a place or institution ("Nightingale Ward", "Albert Road"). */
export const PLACE_HEADS = set(`
  ward wards unit units wing suite house building centre center clinic hospital infirmary hospice practice
  surgery road street lane avenue close drive way crescent gardens place court terrace grove hill park square
  walk mews row rise green station school college university trust foundation institute lodge ed ae
`);

/** Verbs of speech and thought right after an unknown word make it a person: "Shristi thinks", "Nnamdi rang". */
export const SPEECH_VERBS = set(`
  rang phoned called says said thinks thought wants wanted wishes wished asked asks agreed agrees explained explains
  told tells believes believed visited visits reports reported states stated feels describes described denies
  denied mentioned admits admitted hopes worries
`);

/** A capitalised word after one of these is part of a place or institution: "St Mary's", "Royal Albert". */
export const PLACE_LEADS = set(`
  st saint royal kings king queens queen princess prince university general county city district community
`);

/** Words between two names that keep them in one list: "Jane and Tom", "Sarah & Emma". */
export const NAME_JOINERS = set(`and or`);

/**
 * Words that open a request or a message before the person it is addressed to: "Tell Omari the plan", "Ask
 * Precious to ring", "Dear Omari". Each is also a family name somewhere, so the detector may take it into the name.
 */
export const OPENING_WORDS = set(`
  tell ask call ring phone text email let remind thank inform update advise warn please dear
`);

/**
 * Words the English word lists lack, with the level they are read at: everyday words as the commonest ("sister, ok
 * if well"), clinical words in Latin as rare ones, so that in small letters in capitalised prose they are words
 * ("pubic rami") while a capitalised one is still read as the name it may be.
 */
export const UNLISTED_WORDS: ReadonlyMap<string, number> = new Map([
  ["ok", 10],
  ["okay", 10],
  ["rami", 60],
]);

/** Eponyms that name a charity, a hospital or a ward in notes far more often than a person ("Marie Curie"). */
export const INSTITUTION_EPONYMS = set(`curie macmillan nightingale papworth`);

/** Small words a note may end on or quote that are no initials: "OK", "am", "pm", "cc" (copies a letter). */
export const NOT_INITIALS = set(`ok am pm cc adl adls fwb pwb nwb twb ons rsi vte utc pcn`);

/**
 * Words that follow the pronoun "I" ("I think", "I've rang", "I can't"): after one of them a lone capital I is the
 * speaker, not a class or a Roman numeral ("Garden I"). Written as a note writes them, in small letters.
 */
export const AFTER_PRONOUN_I = set(`
  am was have had will would can could cannot can't do did don't didn't think thought feel felt need want know knew
  hope miss love said told asked just also really still never always only got went saw called rang phoned spoke
  should must might may
`);

/**
 * Abbreviations that label a reading or end an entry in observation charts and care records ("BP: 132/84", "…
 * Toileted. BO", "PU x2"), not someone's initials there. The scrubber's rules for initials within a note read them
 * (a log's entries, speakers, initials carried over); a note's closing initials do not.
 */
export const RECORD_ABBREVIATIONS = set(`
  bp hr rr sr pr bo bno pu uo fb bmi lmp edd tb nok obs sats spo bm gcs news avpu ews mews fbc ue lft crp inr
  ecg abg vbg ct mri cxr axr usg dna dnr tto ttos dm dob dod doa doi tci opa rv fu
`);

/**
 * Countries and nations of one word, in English ("Eritrea", "Libya", "Syria", "Wales"): ICU's names of the world's
 * regions, as the runtime has them (no list is typed in), and the nations and older names it lacks. The person-name
 * detector reads one as a place only where the text makes it one ("in Libya", "via Mali, Niger"; person-names.ts,
 * countryPlace); given names among them stay names.
 */
export const COUNTRIES: ReadonlySet<string> = (() => {
  const regions = new Intl.DisplayNames(["en-GB"], { type: "region", fallback: "none" });
  const out = new Set([
    "england",
    "scotland",
    "wales",
    "britain",
    "palestine",
    "kurdistan",
    "turkey",
    "burma",
  ]);
  for (let a = 65; a <= 90; a++) {
    for (let b = 65; b <= 90; b++) {
      const name = regions.of(String.fromCharCode(a, b));
      if (name !== undefined && !name.includes(" ") && !name.startsWith("Pseudo")) out.add(keyOf(name));
    }
  }
  return out;
})();

/** A demonym's ending and what replaces it to give its country: "Syrian" → Syria, "Iraqi" → Iraq, "Turkish" → Turkey. */
const DEMONYM_ENDINGS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ["ian", ["ia", "", "a"]],
  ["an", ["a", ""]],
  ["ese", ["", "a", "o"]],
  ["ish", ["ey", "land", "eland", "istan"]],
  ["", ["istan"]],
];

/** Demonyms in "-i", listed: the ending alone would take given names for them ("Chadi", "Indi"). */
const DEMONYMS_IN_I: ReadonlySet<string> = new Set(
  `iraqi omani yemeni pakistani bangladeshi nepali kuwaiti qatari israeli somali saudi emirati
  afghani`.split(/\s+/),
);

/**
 * A people's or a country's adjective of one word, by its country in COUNTRIES ("syrian", "iraqi", "eritrean",
 * "sudanese", "pakistani", "afghan"): in a list it says where someone is from ("Tirzah (12), Eritrean"), not who.
 */
export function isDemonym(key: string): boolean {
  if (DEMONYMS_IN_I.has(key)) return true;
  for (const [ending, replacements] of DEMONYM_ENDINGS) {
    if (!key.endsWith(ending) || key.length - ending.length < 3) continue;
    const stem = key.slice(0, key.length - ending.length);
    for (const r of replacements) if (COUNTRIES.has(stem + r)) return true;
  }
  return false;
}
