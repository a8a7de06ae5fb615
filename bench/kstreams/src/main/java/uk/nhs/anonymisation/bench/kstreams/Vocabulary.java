package uk.nhs.anonymisation.bench.kstreams;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The person-name detector's own vocabulary, ported from anonymise/text/vocabulary.ts (branch privacy): cue words,
 * the clinical allow-list and the other word classes, as folded keys. Domain vocabulary only: the names themselves
 * come from the gazetteer packages (Gazetteer.java).
 */
final class Vocabulary {
  private Vocabulary() {}

  private static Set<String> set(String words) {
    return Set.copyOf(Arrays.asList(Js.trim(words).split("\\s+")));
  }

  static final Set<String> TITLES =
      set(
          """
          mr mrs ms miss mx dr doctor prof professor sir dame lady lord rev revd reverend fr father sister
          nurse master madam mstr cllr councillor
          pc pcso sgt sergeant insp inspector constable detective pastor imam rabbi canon vicar judge hhj
          """);

  static final Set<String> PERSON_NOUNS =
      set(
          """
          wife husband partner spouse ex fiance fiancee girlfriend boyfriend widow widower son sons daughter
          daughters child children kid kids baby twin twins stepson stepdaughter mother mum mom mam mummy
          mother's father dad daddy parent parents stepmother stepfather stepmum stepdad brother brothers
          sister sisters sibling siblings sis bro grandson granddaughter grandsons granddaughters grandchild
          grandchildren grandmother grandma granny gran nan nanna nana grandfather grandad granddad grandpa
          grampa aunt aunty auntie uncle niece nephew cousin godson goddaughter godmother godfather inlaw
          inlaws relative relatives family carer carers caregiver neighbour neighbours neighbor friend friends
          flatmate housemate lodger landlord landlady colleague workmate classmate teammate roommate roommates boss employer
          guardian foster kin nok lpa
          attorney advocate imca interpreter translator chaplain keyworker worker coordinator visitor visitors
          daughterinlaw soninlaw motherinlaw fatherinlaw sisterinlaw brotherinlaw exwife exhusband expartner
          stepmum stepdad stepbrother stepsister halfbrother halfsister grandparent grandparents greatgrandson
          greatgranddaughter physio physiotherapist therapist pharmacist dietitian dietician midwife paramedic
          porter receptionist secretary consultant registrar spr sho houseofficer hca matron clinician surgeon
          anaesthetist psychiatrist psychologist counsellor gp ot salt sw
          teacher tutor headteacher mentor coach solicitor caseworker student cellmate inmate workers
          """);

  static final Set<String> ROLE_NOUNS =
      set(
          """
          physio physiotherapist therapist pharmacist dietitian dietician midwife paramedic porter
          receptionist secretary consultant registrar spr sho houseofficer hca matron clinician surgeon
          anaesthetist psychiatrist psychologist counsellor gp ot salt sw worker coordinator advocate
          interpreter translator chaplain
          teacher tutor headteacher mentor coach solicitor caseworker student cellmate inmate workers
          """);

  static final Set<String> FILLERS =
      set(
          """
          his her their the a an pt pt's patient patients patient's is was are were who whose own one eldest
          youngest elder older younger oldest middle only late
          """);

  static final Set<String> PERSON_VERBS =
      set(
          """
          rang rings phoned phones called calls visited visits visiting says said explained explains agreed
          agrees asked asks wants wanted wishes wished thinks thought believes believed attended attends came
          arrived arrives brought brings lives lived stays stayed declined consented requested requests
          collected collects tells told
          """);

  static final Set<String> CLINICAL =
      set(
          """
          dna rna hcg hiv hbv hcv cmv ebv wbc rbc chole
          parkinson parkinsons parkinsonism crohn crohns hodgkin hodgkins alzheimer alzheimers cushing
          cushings hashimoto hashimotos raynaud raynauds sjogren sjogrens paget pagets huntington huntingtons
          kaposi kaposis apgar waterlow barthel babinski romberg trendelenburg whipple whipples nissen colles
          hickman guedel gillick caldicott tourette tourettes asperger aspergers korsakoff korsakoffs wernicke
          wernickes lewy creutzfeldt duchenne danlos marfan marfans fallot kawasaki meniere menieres dupuytren
          dupuytrens bartholin bartholins meckel meckels hirschsprung hirschsprungs buerger charcot epley
          heimlich valsalva seldinger snellen ishihara rinne phalen tinel finkelstein lachman ortolani gleason
          breslow blatchford rockall centor ranson alvarado mallampati killip mantoux coombs ziehl neelsen
          guthrie holter doppler venturi yankauer ryles zimmer moberg korotkoff cheyne kussmaul virchow
          virchows lugol lugols zollinger klinefelter noonan prader willi angelman patau pfannenstiel mcburney
          rovsing kernig brudzinski tinetti folstein epworth caprini wiskott burkitt burkitts wilms hurler
          fabry gaucher pompe niemann leber heinz sternberg schwann purkinje langerhans kupffer sertoli leydig
          peyer meissner golgi poiseuille fahrenheit celsius nightingale addenbrookes moorfields papworth news
          gcs avpu hba spo sao pao fio etco ecg ekg eeg emg cxr axr ctpa mri ct pet echo tte toe ogd ercp mrcp
          egfr crp esr wcc hb hct mcv plt inr aptt alt ast alp ggt tsh ldl hdl bnp trop lft lfts fbc ue ues
          vbg abg aki ckd copd uti urti lrti dvt pe mi stemi nstemi acs tia cva af chf ccf gord ibs ibd uc ra
          oa ms mnd dka hhs sob sats obs abx iv im sc po pr sl neb nebs prn bd tds qds od nbm dnacpr dnar
          resus sho fy reg cons hca rn mdt mca dols lpa salt ot physio gp ed ae itu icu hdu amu cdu sdec ccu
          cicu nicu scbu picu ent gu gi rass moca mmse phq gad frax qrisk must abcde sbar socrates amts mews
          pews qsofa nihss chads vasc hasbled ward wards bay bed beds side room theatre theatres recovery
          majors minors cubicle unit suite wing block clinic clinics surgery hospital infirmary centre center
          practice health trust nhs mol mmol umol nmol pmol mg mcg ug ng kg gm ml dl iu meq kpa mmhg bpm hr
          hrs mins secs cm mm kcal units tabs caps puffs sachet sachets amp amps vial vials hosp nad ix niv
          trach brady glasgow rockwood braden barthel cfs macmillan curie bair micro bili creat alb perla
          perrla situ janeway roth cheyne stokes henoch schonlein blatchford mallory hugger nocte stat inh
          supp pess susp liq gtt oculent subcut intramuscular behcet behcets ortho orthos cardio cardiology
          gastro neuro haem haemonc onc derm psych paeds gynae maxfax rheum resp endo geris palliatives ccot
          ccrt medics surgeons anaesthetics
          pt tel tele cc abdo creps biba abpm bph svd lscs nvd hpb csc bm bms anticoag lac rx tx dx hx fx sx
          ddx pmh dh sh fh hpc oe nkda nka tto ttos tta fup cbt dbt emdr nipe npdr nyha epse epses ntprobnp hep
          nfa tbc tba dnr dc vit
          uss msu csu ctb cth twoc eua ivf vrii cbg pcm txf
          rn rgn rmn ot pn cn sw dn hv hca anp acp enp sn slt fy spr mw rm cns
          cpn hcsw rnld odp fsw nnp
          """);

  /** Staff roles written as abbreviations, as in vocabulary.ts. */
  static final Set<String> STAFF_ROLES =
      set(
          """
          rn rgn rmn ot pn cn sw dn hv hca anp acp enp sn slt fy spr mw rm cns
          cpn hcsw rnld odp fsw nnp
          """);

  static final Set<String> SERVICE_ABBREVIATIONS =
      set(
          """
          camhs cmht crht htt iapt ehcp senco sendco amhp idva isva marac mappa mash dsl cin nrm cpoms fcp cpa cto
          las nwas yas neas emas wmas eeast secamb scas swast ooh hems
          """);

  static final Set<String> CALENDAR =
      set(
          """
          january february march april may june july august september october november december jan feb mar
          apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday mon
          tue tues wed thu thur thurs fri sat sun today tomorrow yesterday tonight morning afternoon evening
          night overnight weekend
          mondays tuesdays wednesdays thursdays fridays saturdays sundays weekends mornings afternoons evenings nights
          christmas easter ramadan eid diwali hanukkah passover lent vaisakhi
          """);

  static final Set<String> EPONYM_HEADS =
      set(
          """
          coma frailty cfs disease diseases syndrome syndromes sign signs test tests score scores scale scales
          criteria classification palsy fracture fractures procedure operation manoeuvre maneuver reflex
          phenomenon lymphoma sarcoma tumour tumor ulcer ulcers cyst cysts node nodes duct ducts gland glands
          catheter catheters mask tube frame formula solution stain chart charts stage grade method technique
          triad pentad oesophagus esophagus oesophagitis sheath canal membrane curve equation needle forceps
          retractor incision bandage dressing collar splint hoist dementia encephalopathy neuropathy anaemia
          anemia arthritis disorder tear purpura breathing respiration lesion lesions spot spots neuroma
          contracture tetralogy crisis chorea thyroiditis nodule nodules gait features body airway guideline
          guidelines rule rules
          """);

  static final Set<String> PLACE_HEADS =
      set(
          """
          ward wards unit units wing suite house building centre center clinic hospital infirmary hospice
          practice surgery road street lane avenue close drive way crescent gardens place court terrace grove
          hill park square walk mews row rise green station school college university trust foundation
          institute lodge ed ae
          """);

  static final Set<String> SPEECH_VERBS =
      set(
          """
          rang phoned called says said thinks thought wants wanted wishes wished asked asks agreed agrees
          explained explains told tells believes believed visited visits
          """);

  static final Set<String> PLACE_LEADS =
      set(
          """
          st saint royal kings king queens queen princess prince university general county city district
          community
          """);

  /** Right after a word, these make it a language, not a person: "Bengali interpreter", "Polish speaker". */
  static final Set<String> LANGUAGE_HEADS =
      set(
          """
          interpreter interpreters interpreting translator translators translation speaking speaker speakers
          """);

  /** Languages (and their adjectives) met in notes: "speaks Urdu", "Punjabi leaflet", as in vocabulary.ts. */
  static final Set<String> LANGUAGES =
      set(
          """
          english welsh scottish gaelic irish cornish british french german italian spanish portuguese polish
          romanian bulgarian lithuanian latvian estonian russian ukrainian czech slovak hungarian greek turkish
          kurdish sorani kurmanji bahdini arabic farsi persian dari pashto urdu hindi punjabi panjabi bengali bangla
          sylheti gujarati marathi tamil telugu malayalam kannada sinhala sinhalese nepali mandarin cantonese hakka
          chinese vietnamese thai tagalog filipino japanese korean malay indonesian somali amharic tigrinya oromo
          swahili yoruba igbo hausa twi akan shona ndebele zulu xhosa lingala wolof krio patois albanian serbian
          croatian bosnian slovenian macedonian hebrew yiddish armenian georgian azeri azerbaijani uzbek tajik romani
          romany dutch flemish danish swedish norwegian finnish icelandic maltese catalan basque luganda kinyarwanda
          kirundi tetum mirpuri pahari hindko saraiki sindhi balochi
          """);

  /** Words about speaking before a language: "speaks Urdu and English", "first language Welsh". */
  static final Set<String> LANGUAGE_CUES =
      set(
          """
          speak speaks spoke speaking language languages fluent understands understand reads writes
          """);

  static final Set<String> NAME_JOINERS =
      set(
          """
          and or
          """);

  /** Multi-word person nouns and verb cues, as sequences of keys: the name follows the last word. */
  static final List<List<String>> CUE_PHRASES =
      List.of(
              "next of kin", "social worker", "support worker", "key worker", "care coordinator",
              "care co ordinator", "care assistant", "health visitor", "district nurse", "named nurse",
              "spoke to", "spoke with", "speaking to", "speaking with", "talked to", "talked with",
              "discussed with", "discussion with", "d w", "called by", "call from", "call to", "phone call from",
              "phoned by", "rang by", "message from", "message for", "message left for", "letter to",
              "letter from", "accompanied by", "attended with", "attends with", "came in with", "came with",
              "brought in by", "brought by", "escorted by", "collected by", "picked up by", "visited by",
              "seen with", "lives with", "living with", "lives alone with", "stays with", "staying with",
              "cared for by", "looked after by", "supported by", "married to", "separated from",
              "update given to", "updated", "informed", "handed over to", "consent from", "referred by", "c o",
              "care of", "known as", "aka", "prefers to be called", "likes to be called", "goes by", "nee",
              "maiden name", "contact", "contacted", "emergency contact", "called", "named", "rang", "phoned",
              "telephoned", "per", "seen by", "reviewed by", "assessed by", "examined by", "handover from",
              "handed over by", "escalated to", "bleeped")
          .stream()
          .map(p -> List.of(p.split(" ")))
          .toList();
}
