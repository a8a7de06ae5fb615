package uk.nhs.anonymisation.bench.kstreams;

import com.google.i18n.phonenumbers.PhoneNumberMatch;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Port of anonymise/scrub-text.ts (branch privacy): detectors find spans in a clinical note, overlapping spans are
 * merged into their union, and each merged span becomes a typed placeholder or the structured field's token. The
 * regular expressions are the TypeScript ones, translated by Js.regex. Phone numbers: Google's libphonenumber for
 * Java, region GB, leniency POSSIBLE (the TypeScript engine uses libphonenumber-js with the same settings). Not
 * thread-safe (memo maps, the person-name detector): one instance per stream thread.
 */
final class ScrubText {
  static final List<String> ENTITY_TYPES =
      List.of(
          "NHS_NUMBER", "EMAIL", "PATIENT_ID", "NI_NUMBER", "POSTCODE", "DATE", "PHONE", "ADDRESS", "NAME",
          "ID_NUMBER");

  /** An identifier of the record itself; replacement null means the placeholder `[ENTITY]`. */
  record Own(String text, String entity, String replacement, boolean otherNames) {}

  private static final class Span {
    int start;
    int end;
    final String entity;
    final String replacement;

    Span(int start, int end, String entity, String replacement) {
      this.start = start;
      this.end = end;
      this.entity = entity;
      this.replacement = replacement;
    }
  }

  /**
   * Java's matcher tries a whole pattern at every position; V8 skips positions by the first character. Each pattern
   * below is wrapped in a look-ahead for the characters its every alternative starts with: the same matches, found
   * without trying the rest of the pattern at positions that cannot start one.
   */
  private static String first(String chars, String source) {
    return "(?=[" + chars + "])(?:" + source + ")";
  }

  /** One to three capitalised words, each followed by spaces: the name of a street before its type. */
  private static final String STREET_WORDS = "(?:[A-Z](?:[a-z]|['’-][A-Z]?){1,20}[ ]{1,3}){1,3}";

  private static final String MONTH = "(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]{0,6}\\.?";
  private static final String ORDINAL = "(?:st|nd|rd|th)?";
  /**
   * A month as a date without a year writes it, with a capital or in capitals (case-sensitive), as in scrub-text.ts:
   * only an abbreviation takes a full stop ("Sept.", not "May.").
   */
  private static final String MONTH_WORD =
      "(?-i:"
          + capitalsToo(
              "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
              "November", "December")
          + "|(?:"
          + capitalsToo("Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sept", "Sep", "Oct", "Nov", "Dec")
          + ")\\.?)(?![A-Za-z])";
  private static final String WEEKDAY_WORD =
      "(?-i:"
          + capitalsToo(
              "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "Mon", "Tues", "Tue",
              "Weds", "Wed", "Thurs", "Thur", "Thu", "Fri", "Sat", "Sun")
          + ")\\.?";
  /** A day and a month in figures without a year, in the forms clinical shorthand does not use, as in scrub-text.ts. */
  private static final String DAY_MONTH_FIGURES =
      "(?<![\\d/.,])(?!10/10)(?:0[1-9]/(?:0[1-9]|1[0-2])|(?:1[0-2])/(?:0[1-9]|1[01])|(?:1[3-9]|2\\d|3[01])/(?:0[1-9]|1[01]|[1-689]))(?![\\d/]|\\.\\d)";

  /** Each word as written with a capital and in capitals, as alternatives. */
  private static String capitalsToo(String... words) {
    List<String> out = new ArrayList<>();
    for (String w : words) {
      out.add(w);
      out.add(w.toUpperCase(java.util.Locale.ROOT));
    }
    return String.join("|", out);
  }

  private static final Pattern NHS_CANDIDATE = Js.regex(first("0-9", "(?<!\\d)\\d{3}[ .-]?\\d{3}[ .-]?\\d{4}(?!\\d)"), "g");
  private static final String DATE_SOURCE =
      String.join(
          "|",
          "(?<!\\d)\\d{4}-\\d{1,2}-\\d{1,2}(?!\\d)",
          "(?<!\\d)\\d{1,2}[/.-]\\d{1,2}[/.-](?:\\d{4}|\\d{2})(?!\\d)",
          "(?<!\\d)\\d{1,2} \\d{1,2} \\d{4}(?!\\d)",
          "\\b\\d{1,2}" + ORDINAL + "[ ]{1,3}(?:of[ ]{1,3})?" + MONTH + ",?[ ]{1,3}\\d{4}\\b",
          "\\b" + MONTH + "[ ]{1,3}\\d{1,2}" + ORDINAL + ",?[ ]{1,3}\\d{4}\\b",
          // "09-Feb-1989", "12-Mar-24", "3.Jan.2024": the day, the month's name and the year joined by - . or /.
          "(?<!\\d)\\d{1,2}[-/.]" + MONTH + "[-/.](?:\\d{4}|\\d{2})(?!\\d)",
          // Without a year, or with two figures, after the forms with four.
          "\\b\\d{1,2}" + ORDINAL + "[ ]{1,3}(?:of[ ]{1,3})?" + MONTH_WORD
              + "(?:[ ]'?\\d{2}\\b(?![:.]\\d|[ ]?(?:mg|mcg|ug|ml|mL|g|kg|mmol|units?|iu|IU)\\b))?",
          "\\b" + MONTH_WORD + ",?[ ]{1,3}(?:\\d{1,2}(?:st|nd|rd|th)|(?:19|20)\\d{2})\\b",
          "\\b" + WEEKDAY_WORD + "[ ]{1,3}(?:the[ ]{1,3})?\\d{1,2}(?:st|nd|rd|th)\\b",
          DAY_MONTH_FIGURES);
  /** A day of the week before a date belongs to it ("Mon 14/10/2024"), as in scrub-text.ts. */
  private static final String WEEKDAY = weekday();

  /** Each day as written with a capital or in capitals, matched case-sensitively inside the date pattern. */
  private static String weekday() {
    List<String> days = new ArrayList<>();
    for (String d :
        List.of(
            "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "Mon", "Tues", "Tue",
            "Weds", "Wed", "Thurs", "Thur", "Thu", "Fri", "Sat", "Sun")) {
      days.add(d);
      days.add(d.toUpperCase(java.util.Locale.ROOT));
    }
    return "(?:\\b(?-i:" + String.join("|", days) + ")\\.?,?[ ]{1,3})?";
  }
  private static final Js.Dual DATE = Js.dual(first("0-9jfmasondtw", WEEKDAY + "(?:" + DATE_SOURCE + ")"), "gi");
  /**
   * A month written alone after a word that makes it a time ("in November", "due Sept", "mid-August", "end of
   * March"), and a day of the month after a preposition ("on the 14th", not "on the 3rd attempt"), as in
   * scrub-text.ts: the word before is read by a look-behind, run only where a month's capital or "the " stands.
   */
  private static final Js.Dual DATE_AFTER_WORD =
      Js.dual(
          first(
              "JFMASONDt",
              "(?=(?-i:[JFMASOND]))(?<=\\b(?:in|since|until|till|during|due|early|late|mid|last|next|this|(?:end|start|beginning|middle)[ ]of)[ -]{1,2})(?<month>"
                  + MONTH_WORD
                  + ")(?!['’]|[ ]?\\d)|(?=the[ ])(?<=\\b(?:on|from|until|till|by|before|after|since)[ ]{1,2})(?<day>the[ ]{1,2}\\d{1,2}(?:st|nd|rd|th))\\b(?![ ]{1,2}(?!(?:at|of|in|and|or|to)\\b)[A-Za-z])"),
          "gi");
  /** A day and a month in figures, any form ("7/5", "12/3", "03/11"), read where other evidence makes it a date. */
  private static final Pattern DAY_MONTH_ANY =
      Js.regex("(?:0?[1-9]|[12]\\d|3[01])/(?:0?[1-9]|1[0-2])(?![\\d/]|\\.\\d)", "y");
  /** A day of the week right before the figures: "Tues 7/5", "FRI, 9/6". */
  private static final Pattern WEEKDAY_BEFORE = Js.regex("\\b" + WEEKDAY_WORD + ",?[ ]{1,3}$");
  /** A line's or a quotation's start right before the figures. */
  private static final Pattern ENTRY_START_BEFORE = Js.regex("(?:^|\\n[ ]{0,3}|[\"“(])$");
  /** A time of day after the figures ("12/3 07:45"), or "at" and a time ("9/6 at 10:15"). */
  private static final Pattern TIME_AFTER = Js.regex(",?[ ]{1,2}(?:[01]?\\d|2[0-3])[:.][0-5]\\d(?!\\d)", "y");
  private static final Pattern AT_TIME_AFTER = Js.regex("[ ]{1,2}at[ ]{1,2}(?:[01]?\\d|2[0-3])[:.][0-5]\\d(?!\\d)", "iy");
  /** Figures and a "/" after a day of the week, whatever they are ("Fri 9/13"), as in scrub-text.ts. */
  private static final Pattern ANY_DAY_MONTH = Js.regex("\\d{1,2}/\\d{1,2}(?![\\d/]|\\.\\d)", "y");
  /** A whole date: "hosp 12/03/2024" is a date after a word, not a hospital number. */
  private static final Pattern DATE_ONLY = Js.regex("^(?:" + WEEKDAY + "(?:" + DATE_SOURCE + "))$", "i");
  /** A hospital number after a site code of three or four capitals ("RNN 0450913") or two joined ("LT1120394"). */
  private static final Js.Dual SITE_NUMBER =
      Js.dual("(?=[A-Z])\\b(?:(?<code>[A-Z]{3,4})[ ]?|(?<pair>[A-Z]{2}))(?<number>\\d{6,8})\\b", "g");
  /** A lab's reference range ("ref 133-146"), not an identifier. */
  private static final Pattern NUMERIC_RANGE = Js.regex("^\\d{1,4}(?:\\.\\d{1,3})?-\\d{1,4}(?:\\.\\d{1,3})?$");
  /**
   * A reference right after the word that introduces it ("Hosp No C0456218", "MRN: 4418203", "Crime ref
   * 13/88412/24", "interpreter ID 48213"); `hosp` marks a hospital number, `ref` is the reference, which ends the match.
   */
  private static final Js.Dual REFERENCE_AFTER_CUE =
      Js.dual(
          first(
              "HhMmUuCcIiRrDPpSsWwEeLlGNAa",
              "\\b(?:(?<hosp>[Hh]ospital[ ]?(?:[Nn]o|[Nn]um(?:ber)?|ID|[Ii]d)\\.?|[Hh]osp\\.?(?:[ ]?(?:[Nn]o|[Nn]um(?:ber)?|ID|[Ii]d)\\.?)?"
                  + "|(?:MRN|[Mm]rn|[Uu]nit [Nn]o\\.?)(?:[ ]?(?:[Nn]o|[Nn]umber)\\.?)?)"
                  + "|(?:[Cc]rime |[Cc]ase |[Ii]ncident |[Cc]onsent )?[Rr]ef(?:erence)?s?\\.?(?:[ ]?(?:[Nn]o|[Nn]umber)\\.?)?"
                  + "|(?:[Ll]ab|LAB|[Ss]pecimen|[Ss]ample|[Aa]ccession)[ ]?(?:[Nn]o|[Nn]um(?:ber)?|[Rr]ef|ID)\\.?"
                  + "|(?:Datix|DATIX)(?:[ ]?(?:[Rr]ef|[Nn]o)\\.?)?"
                  + "|(?:[Pp]rison|[Ss]taff|[Ss]ervice|[Cc]ollar|[Ww]arrant|[Cc]ustody|[Pp]ayroll|[Ee]mployee|[Ii]ncident|[Cc]omplaint|[Cc]laim|[Pp]assport|[Pp]upil|[Ss]tudent|[Ll]og)[ ]?(?:[Nn]o|[Nn]um(?:ber)?)\\.?"
                  + "|(?:GMC|NMC|HCPC|GDC|GPhC|GOC)(?:[ ](?:PIN|[Nn]o\\.?|[Nn]umber|[Rr]eg(?:istration)?(?:[ ][Nn]o\\.?)?))?"
                  + "|PIN|[Ll]og(?:ged)?(?:[ ]as)?"
                  + "|[Cc]ase [Nn](?:o\\.?|umber)|ID(?:[ ](?:[Nn]o\\.?|[Nn]umber))?)"
                  + "[ ]?[:#]?[ ]{0,2}(?<ref>(?:[A-Z][A-Z0-9]{1,3}[ ])?[A-Z0-9][A-Za-z0-9/-]{3,24}[A-Za-z0-9])"),
          "g");
  /**
   * A case, log or study reference: groups of capitals and figures joined by hyphens ("PALS-24-2213",
   * "AB-UK03-014"); findReferenceCodes keeps those shaped as a reference (referenceCode in scrub-text.ts).
   */
  private static final Js.Dual REFERENCE_CODE =
      Js.dual(first("A-Z0-9", "\\b[A-Z0-9]{1,8}(?:-[A-Z0-9]{1,10}){1,4}\\b(?!-)"), "g");
  /** A police officer's collar number after the rank, and the name after it: "PC 2291 Marsh", "Sgt 1187". */
  private static final Js.Dual COLLAR_NUMBER =
      Js.dual(
          first("PSD", "\\b(?:PC|PCSO|PS|Sgt|DC)[ ]?(?<number>\\d{3,6})\\b(?:[ ](?<name>\\p{Lu}[\\p{Ll}'’-]{1,30}))?"),
          "gu");
  /** A prison or young offender institution by its name: "HMP Ashgrove", "HMP YOI Moorland", "HMYOI Wetherby". */
  private static final Js.Dual PRISON =
      Js.dual(
          first(
              "H",
              "\\b(?:HMP(?:[ ]?&?[ ]?YOI)?|HMYOI|HM[ ]Prison)[ ]\\p{Lu}[\\p{Ll}'’-]{2,30}(?:[ ]\\p{Lu}[\\p{Ll}'’-]{2,30})?"),
          "gu");
  /**
   * A school or nursery by its name: "Middleton Park Primary", "Little Acorns Nursery", "St Anne's RC Primary
   * School", "Ysgol Treganna"; findInstitutions drops a sentence's first word when it is a common English word.
   */
  private static final Js.Dual SCHOOL =
      Js.dual(
          first(
              "\\p{Lu}",
              "\\b(?:(?:\\p{Lu}[\\p{Ll}'’-]{1,30}[ ]|St\\.?[ ]|RC[ ]|CE[ ]|C[ ]of[ ]E[ ]){1,4}(?:(?:Primary|Infants?|Juniors?|Nursery|Academy)(?:[ ](?:School|Academy))?|(?:High|Grammar|Secondary|Community|Special|Free|Prep|Preparatory|Junior|Infant|Primary)[ ]School)|Ysgol(?:[ ]\\p{Lu}[\\p{L}'’-]{1,30}){1,3})(?![\\p{L}\\p{N}])"),
          "gu");
  /** The ranks COLLAR_NUMBER starts with, and the words every SCHOOL match holds: notes without any skip the pattern. */
  private static final List<String> RANKS = List.of("PC", "PS", "Sgt", "DC");
  private static final List<String> SCHOOL_WORDS =
      List.of("Primary", "Infant", "Junior", "Nursery", "Academy", "School", "Ysgol");
  /** A group with a capital joined by a hyphen: a note without one holds no REFERENCE_CODE. */
  private static final Pattern REFERENCE_CODE_HINT = Js.regex("[A-Z][A-Z0-9]*-[A-Z0-9]|[A-Z0-9]-[A-Z0-9]*[A-Z]");
  private static final Pattern ALL_FIGURES = Js.regex("^\\d+$");
  private static final Pattern ALL_CAPITALS = Js.regex("^[A-Z]+$");
  private static final Pattern A_CAPITAL = Js.regex("[A-Z]");
  private static final Pattern FIRST_WORD = Js.regex("^[^ ]+");
  private static final Pattern SCHOOL_REST = Js.regex("^\\p{Lu}[\\p{Ll}'’-]{1,30}[ ]\\p{Lu}", "u");
  private static final Js.Dual POSTCODE =
      Js.dual(first("a-z", "\\b(?:[A-Z]{1,2}\\d[A-Z\\d]? ?\\d[A-Z]{2}|GIR ?0AA)\\b"), "gi");
  private static final Js.Dual NI_NUMBER = Js.dual(first("a-z", "\\b[A-Z]{2} ?\\d{2} ?\\d{2} ?\\d{2} ?[A-D]\\b"), "gi");
  private static final Js.Dual TITLE_NAME =
      Js.dual(
          "(?=[MDPSNFR])\\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Professor|Sir|Dame|Nurse|Sister|Father|Rev)\\.?[ ]{1,3}"
              + "(?<name>(?:\\p{Lu}\\.[ ]{0,3}|\\p{Lu}[ ]{1,3}){0,3}\\p{Lu}[\\p{L}\\p{M}'’-]{1,30}(?:[ ]{1,3}\\p{Lu}[\\p{L}\\p{M}'’-]{1,30})?)",
          "dgu");
  /** The street patterns: a lead (house number, words), one of the street types, not followed by a letter or digit. */
  private static String street(String lead, String types) {
    return lead + "(?:" + types + ")(?![\\p{L}\\p{N}])\\.?";
  }

  private static final Js.Dual STREET =
      Js.dual(
          street(
              "(?=[0-9A-Z])(?:\\b\\d{1,4}[A-Za-z]?,?[ ]{1,3})?" + STREET_WORDS,
              "Road|Street|Lane|Avenue|Close|Drive|Way|Crescent|Gardens|Place|Court|Terrace|Grove|Hill|Park|Square|"
                  + "Walk|Mews|Row|Rise|Green|Parade|Rd|St|Ave|Av|Gdns|Cres|Tce|Ln|Sq"),
          "gu");
  private static final Js.Dual STREET_NUMBERED =
      Js.dual(
          street(
              "(?=[0-9])\\b\\d{1,4}[A-Za-z]?,?[ ]{1,3}" + STREET_WORDS, "Cl|Ln|Dr|Pl|Ct|Terr|Sq|Gr|Gro|Pk|Pde|Cresc"),
          "gu");
  private static final Js.Dual STREET_ANY_CASE =
      Js.dual(
          street(
              "(?=[0-9])\\b\\d{1,4}[a-z]?,?[ ]{1,3}(?:[a-z'’-]{2,20}[ ]{1,3}){1,3}",
              "road|street|avenue|lane|crescent|gardens|terrace|court|square|grove|mews|rd|st|ave|av|gdns|cres|cl|ln|ct|"
                  + "pl|sq|tce|terr|pde"),
          "giu");
  private static final Js.Dual STREET_CUE =
      Js.dual(
          first(
              "lrsmca",
              "\\b(?:lives|living|resides|staying|moved) (?:at|to)[ ,]{1,3}|\\bc\\/o [^,.;\\n]{2,60},[ ]{1,3}|\\baddress:?[ ]{1,3}"),
          "gi");
  private static final Pattern STREET_AFTER_CUE =
      Js.regex(
          street(
              "(?:[A-Za-z'’-]{2,20}[ ]{1,3}){1,3}",
              "road|street|avenue|lane|close|drive|way|crescent|gardens|place|court|terrace|grove|square|mews|"
                  + "rd|st|ave|av|dr|cl|ln|ct|pl|sq|gr|gdns|cres|tce|terr"),
          "iyu");
  private static final Js.Dual STREET_UPPER =
      Js.dual(
          street(
              "(?=[0-9])\\b\\d{1,4}[A-Z]?,?[ ]{1,3}(?:[A-Z'’-]{2,20}[ ]{1,3}){1,3}",
              "ROAD|STREET|AVENUE|LANE|CLOSE|DRIVE|WAY|CRESCENT|GARDENS|PLACE|COURT|TERRACE|GROVE|SQUARE|HILL|PARK|"
                  + "WALK|MEWS|ROW|RISE|GREEN|PARADE|RD|ST|AVE|AV|CL|LN|DR|CRES|GDNS|PL|CT|TERR|TCE|SQ|GR|PDE"),
          "gu");
  /**
   * Every street pattern ends with a space, one of its street types and no letter or digit after it: a note with no
   * such word, in any case, is spared their four scans (as in anonymise/scrub-text.ts, from the union of their types).
   */
  private static final Pattern STREET_TYPE_AFTER_SPACE =
      Js.regex(
          "[ ](?:road|street|lane|avenue|close|drive|way|crescent|gardens|place|court|terrace|grove|hill|park|square|"
              + "walk|mews|row|rise|green|parade|rd|st|ave|av|gdns|cres|tce|ln|sq|cl|dr|pl|ct|terr|gr|gro|pk|pde|cresc)"
              + "(?![\\p{L}\\p{N}])",
          "iu");
  private static final Pattern ID_NUMBER = Js.regex("\\d(?:[ -]?\\d){8,40}", "g");
  /** A prisoner's number in the national form (a letter, four figures, two letters); not a batch, lot or code. */
  private static final Pattern PRISON_NUMBER =
      Js.regex(
          "\\b[A-Z](?<!(?:[Bb]atch|BATCH|[Ll]ot|LOT|[Cc]oded?|CODED?|ICD(?:-?10)?)[ :#.]{1,3}[A-Z])\\d{4}[A-Z]{2}\\b",
          "g");
  private static final Js.Dual PHONE_CANDIDATE = Js.dual(first("+(0-9", "(?:\\+|\\(|\\b)\\d[\\d ()-]{7,24}\\d"), "g");


  private static final Map<String, Integer> PRIORITY = new HashMap<>();

  static {
    for (int i = 0; i < ENTITY_TYPES.size(); i++) PRIORITY.put(ENTITY_TYPES.get(i), i);
  }

  private final Fold fold;
  private final Map<String, Integer> wordLevel;
  private final Gazetteer gazetteer;
  private final OwnRenderings renderings;
  private final PersonNames personNames;
  private final PhoneNumberUtil phones = PhoneNumberUtil.getInstance();
  private final Map<String, Renderings> renderingMemo = new HashMap<>();
  private final Map<String, List<int[]>> phoneMemo = new HashMap<>();
  private final Map<String, Pattern> oneLetterPatterns = new HashMap<>();

  private static final Pattern NAME_PART_SEPARATORS =
      Pattern.compile("[\\s\\-\u2010\u2013\u2014'\u2019]+", Pattern.UNICODE_CHARACTER_CLASS);

  ScrubText(Fold fold, OwnRenderings renderings, PersonNames personNames, Gazetteer gazetteer) {
    this.fold = fold;
    this.gazetteer = gazetteer;
    this.wordLevel = gazetteer.wordLevel;
    this.renderings = renderings;
    this.personNames = personNames;
  }

  /** A name's needles, then its other names (the last `midSentence` of them only mid-sentence), as in scrub-text.ts. */
  private record Renderings(List<String> needles, List<String> titled, int midSentence) {}

  private Renderings renderingsOf(Own id) {
    String key = id.entity() + (id.otherNames() ? "+" : "") + "\u0000" + id.text();
    Renderings r = renderingMemo.get(key);
    if (r == null) {
      if (id.entity().equals("NAME")) {
        List<String> needles = renderings.nameRenderings(id.text());
        OwnRenderings.OtherNames others =
            id.otherNames() ? renderings.nicknameRenderings(id.text()) : new OwnRenderings.OtherNames(List.of(), List.of());
        List<String> titled = new ArrayList<>();
        for (String n : others.titled()) if (!needles.contains(n)) titled.add(n);
        int mid = 0;
        for (String n : others.midSentence())
          if (!needles.contains(n)) {
            titled.add(n);
            mid++;
          }
        r = new Renderings(needles, titled, mid);
      } else if (id.entity().equals("ADDRESS")) {
        r = new Renderings(renderings.addressRenderings(id.text()), List.of(), 0);
      } else {
        String f = fold.foldString(id.text());
        r = new Renderings(f.length() >= 2 ? List.of(f) : List.of(), List.of(), 0);
      }
      if (renderingMemo.size() >= 20_000) renderingMemo.clear();
      renderingMemo.put(key, r);
    }
    return r;
  }

  private static final Pattern INITIAL_BEFORE = Js.regex("(?:^|[ (:,])(\\p{Lu})\\.?[ ]{1,2}$", "u");

  /** "Mr T OKAFOR": a capital initial of one of the record's names right before one of them goes with it. */
  private int withOwnInitial(String text, int start, Set<String> initials) {
    Matcher m = INITIAL_BEFORE.matcher(text.substring(Math.max(0, start - 5), start));
    if (!m.find() || !initials.contains(fold.keyOf(m.group(1)))) return start;
    return start - m.group(0).length() + m.group(0).indexOf(m.group(1));
  }

  private static final Set<String> SENTENCE_START = Set.of(".", "!", "?", ":", ";", "\n", "\r", "-", "–", "—", "*", "•");
  private static final Set<String> LEADING = Set.of(" ", "\t", "\"", "'", "“", "‘", "(", "[");

  private static boolean sentenceStartsAt(String text, int at) {
    int i = at - 1;
    while (i >= 0 && LEADING.contains(String.valueOf(text.charAt(i)))) i--;
    return i < 0 || SENTENCE_START.contains(String.valueOf(text.charAt(i)));
  }

  private static boolean titleCasedAt(String text, int at) {
    String first = String.valueOf(text.charAt(at));
    if (first.equals(Js.lower(first))) return false;
    if (at + 1 >= text.length()) return true;
    String next = String.valueOf(text.charAt(at + 1));
    return next.equals(Js.lower(next));
  }

  private void findOwn(String text, List<Own> own, List<Span> spans) {
    // Renderings first, as in scrub-text.ts.
    List<Renderings> all = new ArrayList<>();
    for (Own id : own) all.add(renderingsOf(id));
    Fold.Folded folded = fold.foldText(text);
    String haystack = folded.text();
    Set<String> initials = null;
    for (int k = 0; k < own.size(); k++) {
      Own id = own.get(k);
      Renderings r = all.get(k);
      if (id.entity().equals("NAME")) findOneLetterParts(text, id, spans);
      int count = r.needles().size() + r.titled().size();
      for (int n = 0; n < count; n++) {
        boolean isTitled = n >= r.needles().size();
        String needle = isTitled ? r.titled().get(n - r.needles().size()) : r.needles().get(n);
        int from = 0;
        for (; ; ) {
          int at = haystack.indexOf(needle, from);
          if (at < 0) break;
          from = at + 1;
          int end = at + needle.length();
          boolean wordStart =
              at == 0
                  || !Fold.isFoldedWordChar(haystack.charAt(at - 1))
                  || !Fold.isFoldedWordChar(haystack.charAt(at));
          boolean wordEnd =
              end == haystack.length()
                  || !Fold.isFoldedWordChar(haystack.charAt(end))
                  || !Fold.isFoldedWordChar(haystack.charAt(end - 1));
          if (!wordStart || !wordEnd) continue;
          int start = folded.start()[at];
          int sourceEnd = folded.end()[end - 1];
          if (isTitled) {
            if (!titleCasedAt(text, start)
                || (n >= count - r.midSentence() && sentenceStartsAt(text, start))
                || (start > 0 && text.charAt(start - 1) == '-')
                || (sourceEnd < text.length() && text.charAt(sourceEnd) == '-')) continue;
            boolean otherName = false;
            for (int j = 0; j < own.size() && !otherName; j++)
              if (j != k && own.get(j).entity().equals("NAME")) otherName = all.get(j).needles().contains(needle);
            if (otherName) continue;
          }
          if (id.entity().equals("NAME")) {
            if (initials == null) {
              initials = new java.util.HashSet<>();
              for (Own o : own) if (o.entity().equals("NAME")) initials.add(fold.keyOf(String.valueOf(Js.trim(o.text()).charAt(0))));
            }
            start = withOwnInitial(text, start, initials);
          }
          spans.add(new Span(start, folded.end()[end - 1], id.entity(), id.replacement()));
        }
      }
    }
  }

  /**
   * A name part of one letter other than an ASCII one ("Ý"): matched as written, either case, composed or
   * decomposed, as a whole word (its fold is too short to match in the folded note).
   */
  private void findOneLetterParts(String text, Own id, List<Span> spans) {
    String name = id.text();
    boolean ascii = true;
    for (int i = 0; i < name.length() && ascii; i++) ascii = name.charAt(i) < 128;
    if (ascii) return;
    for (String part : NAME_PART_SEPARATORS.split(Normalizer.normalize(name, Normalizer.Form.NFC))) {
      if (part.length() != 1 || part.charAt(0) < 128 || !Character.isLetter(part.charAt(0))) continue;
      Pattern re =
          oneLetterPatterns.computeIfAbsent(
              part,
              letter -> {
                LinkedHashSet<String> forms = new LinkedHashSet<>();
                forms.add(Pattern.quote(letter));
                forms.add(Pattern.quote(Normalizer.normalize(letter, Normalizer.Form.NFD)));
                return Pattern.compile(
                    "(?<![\\p{L}\\p{M}\\p{N}])(?:" + String.join("|", forms) + ")(?![\\p{L}\\p{M}\\p{N}])",
                    Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
              });
      Matcher m = re.matcher(text);
      while (m.find()) spans.add(new Span(m.start(), m.end(), id.entity(), id.replacement()));
    }
  }

  private static void findRegex(String text, Pattern re, String entity, List<Span> spans) {
    Matcher m = re.matcher(text);
    while (m.find()) spans.add(new Span(m.start(), m.end(), entity, null));
  }

  private static void findStreetsAfterCue(String text, boolean plain, List<Span> spans) {
    Matcher cue = STREET_CUE.get(plain).matcher(text);
    while (cue.find()) {
      Matcher s = Js.from(STREET_AFTER_CUE, text, cue.end());
      if (s.lookingAt()) spans.add(new Span(s.start(), s.end(), "ADDRESS", null));
    }
  }

  /** Whether the text before `at` ends a sentence or a line (or is empty), as in scrub-text.ts. */
  private static boolean sentenceStartAt(String text, int at) {
    int i = at - 1;
    while (i >= 0 && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) i--;
    if (i < 0) return true;
    char c = text.charAt(i);
    return c == '.' || c == '\n' || c == '!' || c == '?' || c == ':';
  }

  /** Prisons and schools by name (PRISON, SCHOOL), as in scrub-text.ts. */
  private void findInstitutions(String text, boolean plain, List<Span> spans) {
    if (text.contains("HM")) findRegex(text, PRISON.get(plain), "ADDRESS", spans);
    // Every SCHOOL match holds one of these words: notes without any skip the pattern, as in scrub-text.ts.
    boolean school = false;
    for (String w : SCHOOL_WORDS) school |= text.contains(w);
    if (!school) return;
    Matcher m = SCHOOL.get(plain).matcher(text);
    while (m.find()) {
      int start = m.start();
      Matcher first = FIRST_WORD.matcher(m.group());
      // "Attends Nursery", "Starts Primary School": a sentence's first word that is a common English word is the
      // sentence's verb, not the school's name; what is left must still name the school.
      if (first.find() && sentenceStartAt(text, start)) {
        String key = fold.keyOf(first.group());
        if (wordLevel.getOrDefault(key, 99) <= 35 && !gazetteer.names.contains(key)) {
          start += first.group().length() + 1;
          if (!SCHOOL_REST.matcher(Js.slice(text, start, m.end())).find()) continue;
        }
      }
      // "RC Primary School": a kind of school with no name is no address, as in scrub-text.ts.
      boolean named = false;
      for (String w : Js.slice(text, start, m.end()).split(" ", -1))
        named |= !w.isEmpty() && !SCHOOL_KIND_WORDS.contains(w);
      if (!named) continue;
      spans.add(new Span(start, m.end(), "ADDRESS", null));
    }
  }

  /** The words of a school's kind and denomination, which name no school. */
  private static final java.util.Set<String> SCHOOL_KIND_WORDS =
      java.util.Set.of(
          "Primary Infant Infants Junior Juniors Nursery Academy School High Grammar Secondary Community Special Free Prep Preparatory RC CE C of E St St."
              .split(" "));

  /** A month alone after a word that makes it a time, a day of the month after a preposition (DATE_AFTER_WORD). */
  private static void findDatesAfterWords(String text, boolean plain, List<Span> spans) {
    Matcher m = DATE_AFTER_WORD.get(plain).matcher(text);
    while (m.find()) {
      String group = m.group("month") != null ? "month" : "day";
      int end = m.end();
      int start = end - m.group(group).length();
      // A month's abbreviation keeps the full stop that ends a sentence ("due Sept."): it is the sentence's.
      spans.add(new Span(start, text.charAt(end - 1) == '.' ? end - 1 : end, "DATE", null));
    }
  }

  /**
   * A day and a month in figures in any form where the words around it make it a date, as in scrub-text.ts
   * (findDayMonths): after a day of the week ("Tues 7/5"), before a time at the start of a line or a quotation
   * ("12/3 07:45"), or before "at" and a time ("9/6 at 10:15"); read at each "/" with a figure before it.
   */
  private static void findDayMonths(String text, List<Span> spans) {
    for (int slash = text.indexOf('/'); slash >= 0; slash = text.indexOf('/', slash + 1)) {
      int start = slash;
      while (start > 0 && slash - start < 2 && isDigit(text.charAt(start - 1))) start--;
      if (start == slash || (start > 0 && "0123456789/.,".indexOf(text.charAt(start - 1)) >= 0)) continue;
      String before = text.substring(Math.max(0, start - 14), start);
      Matcher weekday = WEEKDAY_BEFORE.matcher(before);
      if (weekday.find()) {
        Matcher any = Js.from(ANY_DAY_MONTH, text, start);
        if (any.lookingAt()) spans.add(new Span(start - weekday.group().length(), any.end(), "DATE", null));
        continue;
      }
      Matcher m = Js.from(DAY_MONTH_ANY, text, start);
      if (!m.lookingAt()) continue;
      int end = m.end();
      boolean entry = start == 0 || ENTRY_START_BEFORE.matcher(before).find();
      if ((entry && Js.from(TIME_AFTER, text, end).lookingAt()) || Js.from(AT_TIME_AFTER, text, end).lookingAt())
        spans.add(new Span(start, end, "DATE", null));
    }
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static void findReferenceCodes(String text, boolean plain, List<Span> spans) {
    if (!REFERENCE_CODE_HINT.matcher(text).find()) return;
    int found = spans.size();
    Matcher m = REFERENCE_CODE.get(plain).matcher(text);
    while (m.find())
      if (referenceCode(m.group()) && !overlapsDate(spans, found, m.start(), m.end()))
        spans.add(new Span(m.start(), m.end(), "ID_NUMBER", null));
  }

  /** scrub-text.ts, referenceCode. */
  private static boolean referenceCode(String code) {
    String[] groups = code.split("-", -1);
    int figures = digitCount(code);
    if (groups.length == 2)
      return figures >= 6 && ALL_CAPITALS.matcher(groups[0]).find() && ALL_FIGURES.matcher(groups[1]).find();
    if (figures < 5 || !A_CAPITAL.matcher(code).find() || STANDARD_LEADS.contains(groups[0])) return false;
    if (GENE_LEADS.contains(groups[0]) && A_CAPITAL.matcher(groups[1]).find()) return false;
    for (String g : groups) if (g.length() >= 3 && ALL_FIGURES.matcher(g).find()) return true;
    return false;
  }

  /** scrub-text.ts, STANDARD_LEADS and GENE_LEADS. */
  private static final Set<String> STANDARD_LEADS =
      Set.of("BS", "EN", "IEC", "ISO", "DIN", "ASTM", "ANSI", "IEEE", "BSI", "PAS", "HTM", "HBN", "SHTM");

  private static final Set<String> GENE_LEADS =
      Set.of("HLA", "MT", "CYP", "IL", "CTX", "KPC", "OXA", "NDM", "VIM", "IMP", "TEM", "SHV", "MTHFR");

  private static boolean overlapsDate(List<Span> spans, int count, int start, int end) {
    for (int i = 0; i < count; i++) {
      Span s = spans.get(i);
      if (s.entity.equals("DATE") && s.start < end && start < s.end) return true;
    }
    return false;
  }

  /** An officer's number in a bracket after the officer (and name), or after "collar" (scrub-text.ts OFFICER_NUMBER). */
  private static final Pattern OFFICER_NUMBER =
      Js.regex(
          "\\b(?:[Cc]ollar(?:[ ](?:[Nn]o\\.?|[Nn]umber))?[ ]?:?[ ]?|[Oo]fficers?[ ](?:(?:\\p{Lu}\\.?[ ])?\\p{Lu}[\\p{L}'’-]{1,30}(?:[ ]\\p{Lu}[\\p{L}'’-]{1,30})?[ ])?\\()(?!(?:19|20)\\d\\d\\b)(?<number>\\d{3,6})\\b",
          "gu");

  private void findCollarNumbers(String text, boolean plain, List<Span> spans) {
    if (text.contains("ollar") || text.contains("fficer")) {
      Matcher o = OFFICER_NUMBER.matcher(text);
      while (o.find()) spans.add(new Span(o.end() - o.group("number").length(), o.end(), "ID_NUMBER", null));
    }
    boolean rank = false;
    for (String r : RANKS) rank |= text.contains(r);
    if (!rank) return;
    Matcher m = COLLAR_NUMBER.get(plain).matcher(text);
    while (m.find()) {
      String number = m.group("number");
      String name = m.group("name");
      int at = m.start() + m.group().indexOf(number);
      spans.add(new Span(at, at + number.length(), "ID_NUMBER", null));
      if (name != null && !Vocabulary.CLINICAL.contains(fold.keyOf(name)))
        spans.add(new Span(m.end() - name.length(), m.end(), "NAME", null));
    }
  }

  private static void findNhsNumbers(String text, UnaryOperator<String> nhsToken, List<Span> spans) {
    Matcher m = NHS_CANDIDATE.matcher(text);
    while (m.find()) {
      StringBuilder digits = new StringBuilder(10);
      for (int i = m.start(); i < m.end(); i++) {
        char ch = text.charAt(i);
        if (ch >= '0' && ch <= '9') digits.append(ch);
      }
      if (!NhsNumber.isValid(digits.toString())) continue;
      String replacement = nhsToken == null ? null : nhsToken.apply(digits.toString());
      spans.add(new Span(m.start(), m.end(), "NHS_NUMBER", replacement));
    }
  }

  private static void findTitledNames(String text, boolean plain, List<Span> spans) {
    Matcher m = TITLE_NAME.get(plain).matcher(text);
    while (m.find()) {
      // A street's "Dr." inside an address already found is no title.
      if (inAddress(spans, m.start())) continue;
      if (m.start("name") >= 0) spans.add(new Span(m.start("name"), m.end("name"), "NAME", null));
    }
  }

  /** A reference has four digits or more, and is no range and no date. */
  private static boolean referenceLike(String ref) {
    return digitCount(ref) >= 4 && !NUMERIC_RANGE.matcher(ref).find() && !DATE_ONLY.matcher(ref).find();
  }

  private static void findReferences(String text, boolean plain, List<Span> spans) {
    int own = spans.size();
    Matcher m = REFERENCE_AFTER_CUE.get(plain).matcher(text);
    int from = 0;
    while (from <= text.length() && m.find(from)) {
      int start = m.start("ref");
      int end = m.end("ref");
      from = m.end();
      if (!referenceLike(m.group("ref"))
          || UNIT_AFTER.matcher(text.substring(end, Math.min(text.length(), end + 12))).find()) {
        // Look again from the rejected word: "MRN Number 4418203" may hold a cue of its own.
        from = start;
        continue;
      }
      // The record's own hospital number keeps its token: a reference over it is left to findOwn's span.
      if (overlapsReplacement(spans, own, start, end)) continue;
      spans.add(new Span(start, end, m.start("hosp") >= 0 ? "PATIENT_ID" : "ID_NUMBER", null));
    }
  }

  private static final Pattern UNIT_AFTER = Js.regex("^[ ]{0,2}(?:iu|copies|cells|x[ ]?10|\\/|ml|per|log|u\\/l)", "i");

  /** Addresses take the flat, the building and the town written with them, as in scrub-text.ts. */
  private static final String BUILDING_HEADS = "House|Court|Point|Lodge|Mansions|Tower|Heights|Building|Block|Hall";
  private static final String UK_POSTCODE = "[A-Z]{1,2}\\d[A-Z\\d]?[ ]?\\d[A-Z]{2}";
  private static final Pattern ADDRESS_LEAD =
      Js.regex(
          "(?:^|[\\s(,;:])((?:(?:Flat|FLAT|Apartment|Apt|Unit|Room)\\.?[ ]{1,2}\\d{1,4}[A-Za-z]?,?[ ]{1,3})?(?:(?:\\p{Lu}[\\p{Ll}'’-]{1,20}[ ]){1,3}(?:"
              + BUILDING_HEADS
              + "),?[ ]{1,3})?)$",
          "u");
  private static final Pattern ADDRESS_TOWN =
      Js.regex(
          "^,?[ ]{1,2}\\p{Lu}[\\p{Ll}'’-]{2,20}(?:[ -]\\p{Lu}[\\p{Ll}'’-]{2,20})?(?=,?[ ]{1,2}" + UK_POSTCODE + "\\b)",
          "u");
  private static final Pattern FLAT_IN_BUILDING =
      Js.regex(
          "\\b(?:Flat|FLAT|Apartment|Apt|Unit)\\.?[ ]{1,2}\\d{1,4}[A-Za-z]?,?[ ]{1,3}(?:\\p{Lu}[\\p{Ll}'’-]{1,20}[ ]){1,3}(?:"
              + BUILDING_HEADS
              + ")\\b",
          "gu");

  private static void withAddressParts(String text, List<Span> spans) {
    findRegex(text, FLAT_IN_BUILDING, "ADDRESS", spans);
    for (Span span : spans) {
      if (!span.entity.equals("ADDRESS")) continue;
      Matcher lead = ADDRESS_LEAD.matcher(text.substring(Math.max(0, span.start - 60), span.start));
      if (lead.find() && !lead.group(1).isEmpty()) span.start -= lead.group(1).length();
      Matcher town = ADDRESS_TOWN.matcher(text.substring(span.end, Math.min(text.length(), span.end + 60)));
      if (town.find()) span.end += town.group().length();
    }
  }

  /** Initials right before a name, and one after a given name, are part of it, as in scrub-text.ts. */
  private static final Pattern INITIALS_BEFORE = Js.regex("(?:^|[\\s(,;:])((?:\\p{Lu}\\.[ ]?){1,3})[ ]{0,2}$", "u");
  private static final Pattern INITIAL_AFTER =
      Js.regex(
          "^[ ]{1,2}(?:[A-HJ-Z]|\\p{Lu}(?<!\\p{ASCII}))(?:\\.(?=[ ]{0,2}(?:$|[,;:)\\n]|\\p{Lu}))|(?=[ ]{1,2}\\p{Lu}|[ ]{0,2}(?:$|[,;:)\\n])))",
          "u");

  private static final Pattern WORD_BEFORE = Js.regex("(?:^|[\\s(])([A-Za-z]{2,9})\\.?[ ]{1,2}$");

  /** Initials at `start` lead the name after them (see scrub-text.ts, initialsLead). */
  private boolean initialsLead(String text, int start, String initials, List<Span> spans) {
    for (Span s : spans) if (s.start <= start && start < s.end) return false;
    if (initials.chars().filter(c -> c == '.').count() >= 2) return true;
    int k = start - 1;
    while (k >= 0 && text.charAt(k) == ' ') k--;
    if (k < 0 || "\n(,;:".indexOf(text.charAt(k)) >= 0) return true;
    Matcher w = WORD_BEFORE.matcher(text.substring(Math.max(0, start - 12), start));
    if (!w.find()) return false;
    String key = fold.keyOf(w.group(1));
    return Vocabulary.TITLES.contains(key) || Vocabulary.STAFF_ROLES.contains(key);
  }

  private void withInitials(String text, List<Span> spans) {
    for (Span span : spans) {
      if (!span.entity.equals("NAME") || span.replacement != null) continue;
      Matcher before = INITIALS_BEFORE.matcher(text.substring(Math.max(0, span.start - 12), span.start));
      if (before.find()) {
        int start = span.start - (before.group().length() - before.group().indexOf(before.group(1)));
        if (initialsLead(text, start, before.group(1), spans)) span.start = start;
      }
      String name = text.substring(span.start, span.end);
      if (name.equals(Js.upper(name))) continue;
      Matcher after = INITIAL_AFTER.matcher(text.substring(span.end, Math.min(text.length(), span.end + 8)));
      if (after.find()) span.end += after.group().length();
    }
  }

  /** The end of a note signed with its writer's initials ("… SB", "… AO ST4"), as in scrub-text.ts. */
  private static final Pattern SIGN_OFF =
      Js.regex(
          "(?:^|[.!?][ \\t]{1,3}|\\n[ \\t]{0,3})(?<initials>(?:[A-Z]\\.){2,3}|[A-Z]{2,3}|[a-z]{2,3})(?:[ \\t]{1,3}(?<role>[A-Za-z]{2,5}\\d{0,2}))?(?:[ \\t]{0,3}\\((?:for|pp)\\b[^)\\n]{0,60}\\))?[ \\t]{0,3}\\.?\\s*$");
  private static final Pattern GRADE =
      Js.regex("^(?:(?:ST|CT|FY|F|GPST|StR|ACCS)\\d{1,2}|SpR|StR|SHO|Reg|ALN|OHN|AHP|PA|FSW)$");
  private static final Set<String> NOT_INITIALS = Set.of("ok", "am", "pm");

  /** "… O. Brennan TB CNS": an initial, a family name and short words of role, grade or team, as in scrub-text.ts. */
  private static final Pattern SIGNATURE =
      Js.regex(
          "(?:^|[.!?][ \\t]{1,3}|\\n[ \\t]{0,3})(?<name>\\p{Lu}\\.[ ]?\\p{Lu}[\\p{L}\\p{M}'’-]{1,30})(?<roles>(?:[ \\t]{1,3}[A-Z][A-Za-z&]{0,5}\\d{0,2}){1,3})[ \\t]{0,3}\\.?\\s*$",
          "u");
  /** "Hannah B RN": a name, a family name's initial and a staff role or grade, as in scrub-text.ts. */
  private static final Pattern GIVEN_INITIAL_ROLE =
      Js.regex("\\b(?<name>\\p{Lu}\\p{Ll}{2,20}[ ][A-Z])\\.?[ ]{1,2}(?<role>[A-Z][A-Za-z]{1,4}\\d{0,2})\\b", "gu");

  private boolean isRoleOrGrade(String word) {
    return GRADE.matcher(word).find()
        || (word.equals(Js.upper(word)) && Vocabulary.STAFF_ROLES.contains(fold.keyOf(word)));
  }

  private void findSignatures(String text, List<Span> spans) {
    int from = Math.max(0, text.length() - 80);
    Matcher m = SIGNATURE.matcher(from == 0 ? text : text.substring(from));
    if (m.find()) {
      String name = m.group("name");
      boolean signed = false;
      for (String w : Js.trim(m.group("roles")).split("[ \\t]+")) if (isRoleOrGrade(w)) signed = true;
      if (signed) {
        int start = from + m.start() + m.group().indexOf(name);
        spans.add(new Span(start, start + name.length(), "NAME", null));
      }
    }
    Matcher g = GIVEN_INITIAL_ROLE.matcher(text);
    while (g.find()) {
      String name = g.group("name");
      String given = fold.keyOf(name.substring(0, name.length() - 2));
      if (!isRoleOrGrade(g.group("role")) || !gazetteer.names.contains(given) || Vocabulary.CLINICAL.contains(given))
        continue;
      if (!gazetteer.given.contains(given) && wordLevel.getOrDefault(given, 99) <= 35) continue;
      spans.add(new Span(g.start(), g.start() + name.length(), "NAME", null));
    }
  }

  private void findSignOff(String text, List<Span> spans) {
    findSignatures(text, spans);
    int from = Math.max(0, text.length() - 80);
    Matcher m = SIGN_OFF.matcher(from == 0 ? text : text.substring(from));
    if (!m.find()) return;
    String initials = m.group("initials");
    String role = m.group("role");
    String key = fold.keyOf(initials);
    if (role != null) {
      String roleKey = fold.keyOf(role);
      if (!GRADE.matcher(role).find()
          && !Vocabulary.STAFF_ROLES.contains(roleKey)
          && !Vocabulary.ROLE_NOUNS.contains(roleKey)) return;
      if (Vocabulary.TITLES.contains(key)) return;
    } else if (Vocabulary.CLINICAL.contains(key)
        || Vocabulary.SERVICE_ABBREVIATIONS.contains(key)
        || Vocabulary.CALENDAR.contains(key)
        || Vocabulary.TITLES.contains(key)
        || NOT_INITIALS.contains(key)
        || (initials.equals(initials.toLowerCase(java.util.Locale.ROOT)) && wordLevel.containsKey(key))) return;
    int start = from + m.start() + m.group().indexOf(initials);
    spans.add(new Span(start, start + initials.length(), "NAME", null));
  }

  private static void findSiteNumbers(String text, boolean plain, List<Span> spans) {
    int found = spans.size();
    Matcher m = SITE_NUMBER.get(plain).matcher(text);
    while (m.find()) {
      String code = m.group("code") != null ? m.group("code") : m.group("pair");
      int digits = m.start("number");
      boolean overlaps = false;
      for (int i = 0; i < found && !overlaps; i++) {
        Span s = spans.get(i);
        overlaps = s.start < m.end() && digits < s.end;
      }
      if (overlaps || Vocabulary.CLINICAL.contains(Js.lower(code))) continue;
      if (UNIT_AFTER.matcher(text.substring(m.end(), Math.min(text.length(), m.end() + 8))).find()) continue;
      spans.add(new Span(m.start(), m.end(), "PATIENT_ID", null));
    }
  }

  /** One of the first `count` spans, with a replacement of its own (a token), overlaps [start, end). */
  private static boolean overlapsReplacement(List<Span> spans, int count, int start, int end) {
    for (int i = 0; i < count; i++) {
      Span s = spans.get(i);
      if (s.replacement != null && s.start < end && start < s.end) return true;
    }
    return false;
  }

  private static boolean inAddress(List<Span> spans, int at) {
    for (Span s : spans) if (s.entity.equals("ADDRESS") && s.start <= at && at < s.end) return true;
    return false;
  }

  private static boolean alnum(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  }

  /** /[A-Za-z0-9._%+-]/ */
  private static boolean localChar(char c) {
    return alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
  }

  /** /[A-Za-z0-9.-]/ */
  private static boolean domainChar(char c) {
    return alnum(c) || c == '.' || c == '-';
  }

  private static void findEmails(String text, List<Span> spans) {
    int at = text.indexOf('@');
    int previousEnd = 0;
    while (at >= 0) {
      int start = at;
      while (start > previousEnd && localChar(text.charAt(start - 1))) start--;
      int end = at + 1;
      while (end < text.length() && domainChar(text.charAt(end))) end++;
      while (end > at + 1 && text.charAt(end - 1) == '.') end--;
      String domain = text.substring(at + 1, end);
      if (start < at && domain.contains(".") && !domain.startsWith(".")) {
        spans.add(new Span(start, end, "EMAIL", null));
        previousEnd = end;
      }
      at = text.indexOf('@', Math.max(at + 1, end));
    }
  }

  private static int digitCount(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') n++;
    }
    return n;
  }

  private static boolean coveredBy(List<Span> spans, int start, int end) {
    for (Span s : spans) if (s.start <= start && s.end >= end) return true;
    return false;
  }

  private List<int[]> phoneSpansIn(String window) {
    List<int[]> hit = phoneMemo.get(window);
    if (hit != null) return hit;
    List<int[]> found = new ArrayList<>();
    for (PhoneNumberMatch f : phones.findNumbers(window, "GB", PhoneNumberUtil.Leniency.POSSIBLE, Long.MAX_VALUE)) {
      // libphonenumber-js counts a number as possible only when its length is possible for the whole region;
      // Google's Java library also accepts lengths possible for local dialling only. Keep the JS rule.
      if (phones.isPossibleNumberWithReason(f.number()) == PhoneNumberUtil.ValidationResult.IS_POSSIBLE)
        found.add(new int[] {f.start(), f.end()});
    }
    if (phoneMemo.size() >= 20_000) phoneMemo.clear();
    phoneMemo.put(window, found);
    return found;
  }

  private void findPhones(String text, boolean plain, List<Span> spans) {
    List<Span> nhs = new ArrayList<>();
    for (Span s : spans) if (s.entity.equals("NHS_NUMBER")) nhs.add(s);
    Matcher m = PHONE_CANDIDATE.get(plain).matcher(text);
    while (m.find()) {
      int start = m.start();
      int end = m.end();
      String window = m.group();
      if (digitCount(window) < 9 || coveredBy(nhs, start, end)) continue;
      for (int[] f : phoneSpansIn(window)) spans.add(new Span(start + f[0], start + f[1], "PHONE", null));
    }
  }

  private static String mergeAndReplace(String text, List<Span> spans, Map<String, Integer> counts) {
    if (spans.isEmpty()) return text;
    spans.sort(
        (a, b) ->
            a.start != b.start
                ? Integer.compare(a.start, b.start)
                : a.end != b.end ? Integer.compare(b.end, a.end) : PRIORITY.get(a.entity) - PRIORITY.get(b.entity));
    StringBuilder out = new StringBuilder(text.length());
    int cursor = 0;
    Span current = null;
    for (Span span : spans) {
      if (current != null && span.start < current.end) {
        if (span.end > current.end) current.end = span.end;
        continue;
      }
      if (current != null) cursor = flush(text, out, cursor, current, counts);
      current = new Span(span.start, span.end, span.entity, span.replacement);
    }
    if (current != null) cursor = flush(text, out, cursor, current, counts);
    return out.append(text, cursor, text.length()).toString();
  }

  private static int flush(String text, StringBuilder out, int cursor, Span span, Map<String, Integer> counts) {
    out.append(Js.slice(text, cursor, span.start));
    out.append(span.replacement != null ? span.replacement : "[" + span.entity + "]");
    counts.merge(span.entity, 1, Integer::sum);
    return span.end;
  }

  /** scrubText: `nhsToken` null under the redaction strategy; `counts` gets replacements by entity type. */
  String scrub(
      String text, List<Own> own, UnaryOperator<String> nhsToken, boolean findPersonNames, Map<String, Integer> counts) {
    List<Span> spans = new ArrayList<>();
    boolean plain = Js.plain(text);
    findNhsNumbers(text, nhsToken, spans);
    findEmails(text, spans);
    if (!own.isEmpty()) findOwn(text, own, spans);
    findRegex(text, NI_NUMBER.get(plain), "NI_NUMBER", spans);
    findRegex(text, POSTCODE.get(plain), "POSTCODE", spans);
    findRegex(text, DATE.get(plain), "DATE", spans);
    findDatesAfterWords(text, plain, spans);
    findDayMonths(text, spans);
    findPhones(text, plain, spans);
    if (STREET_TYPE_AFTER_SPACE.matcher(text).find()) {
      findRegex(text, STREET.get(plain), "ADDRESS", spans);
      findRegex(text, STREET_NUMBERED.get(plain), "ADDRESS", spans);
      findRegex(text, STREET_ANY_CASE.get(plain), "ADDRESS", spans);
      findRegex(text, STREET_UPPER.get(plain), "ADDRESS", spans);
    }
    findStreetsAfterCue(text, plain, spans);
    findInstitutions(text, plain, spans);
    findTitledNames(text, plain, spans);
    findSignOff(text, spans);
    if (findPersonNames) {
      for (PersonNames.Span name : personNames.find(text))
        spans.add(new Span(name.start(), name.end(), "NAME", null));
    }
    findReferences(text, plain, spans);
    findSiteNumbers(text, plain, spans);
    findRegex(text, ID_NUMBER, "ID_NUMBER", spans);
    findRegex(text, PRISON_NUMBER, "ID_NUMBER", spans);
    findReferenceCodes(text, plain, spans);
    findCollarNumbers(text, plain, spans);
    withAddressParts(text, spans);
    withInitials(text, spans);
    return mergeAndReplace(text, spans, counts);
  }
}
