package uk.nhs.anonymisation.bench.kstreams;

import static uk.nhs.anonymisation.bench.kstreams.Vocabulary.CALENDAR;
import static uk.nhs.anonymisation.bench.kstreams.Vocabulary.CLINICAL;
import static uk.nhs.anonymisation.bench.kstreams.Vocabulary.CUE_PHRASES;
import static uk.nhs.anonymisation.bench.kstreams.Vocabulary.EPONYM_HEADS;
import static uk.nhs.anonymisation.bench.kstreams.Vocabulary.FILLERS;
import static uk.nhs.anonymisation.bench.kstreams.Vocabulary.LANGUAGES;
import static uk.nhs.anonymisation.bench.kstreams.Vocabulary.LANGUAGE_CUES;
import static uk.nhs.anonymisation.bench.kstreams.Vocabulary.LANGUAGE_HEADS;
import static uk.nhs.anonymisation.bench.kstreams.Vocabulary.NAME_JOINERS;
import static uk.nhs.anonymisation.bench.kstreams.Vocabulary.PERSON_NOUNS;
import static uk.nhs.anonymisation.bench.kstreams.Vocabulary.PERSON_VERBS;
import static uk.nhs.anonymisation.bench.kstreams.Vocabulary.PLACE_HEADS;
import static uk.nhs.anonymisation.bench.kstreams.Vocabulary.PLACE_LEADS;
import static uk.nhs.anonymisation.bench.kstreams.Vocabulary.ROLE_NOUNS;
import static uk.nhs.anonymisation.bench.kstreams.Vocabulary.SPEECH_VERBS;
import static uk.nhs.anonymisation.bench.kstreams.Vocabulary.STAFF_ROLES;
import static uk.nhs.anonymisation.bench.kstreams.Vocabulary.TITLES;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Port of anonymise/text/person-names.ts: names of people who are not in the record (relatives, carers, staff),
 * found by gazetteer look-ups, cue words and the note's casing. Same tokens, same classification, same groups and
 * the same decisions; the TypeScript version's allocation-saving caches (token pool, direct-mapped word cache) are
 * replaced by plain maps, which give the same answers. Not thread-safe: one instance per stream thread.
 */
final class PersonNames {
  record Span(int start, int end) {}

  private static final int LOWER = 0;
  private static final int CAPITALISED = 1;
  private static final int UPPER = 2;
  private static final int OTHER = 3;

  private static final int NONE = 0;
  private static final int WEAK = 1;
  private static final int AMBIGUOUS_GIVEN = 2;
  private static final int UNKNOWN = 3;
  private static final int STRONG = 4;

  private static final int COMMON_LEVEL = 50;

  private static final int NAME_BIT = 1;
  private static final int GIVEN_BIT = 2;
  private static final int BLOCK_BIT = 4;
  private static final int PERSON_NOUN_BIT = 8;
  private static final int TITLE_BIT = 16;
  private static final int FILLER_BIT = 32;
  private static final int EPONYM_HEAD_BIT = 64;
  private static final int PLACE_HEAD_BIT = 128;
  private static final int SPEECH_BIT = 256;
  private static final int PERSON_VERB_BIT = 512;
  private static final int JOINER_BIT = 1024;
  private static final int PARTICLE_BIT = 2048;
  private static final int CLINICAL_BIT = 4096;
  private static final int PHRASE_END_BIT = 8192;
  private static final int CALENDAR_BIT = 16384;
  private static final int ROLE_BIT = 32768;
  /** Any word of a cue phrase: kept as a token even when it is a common word. */
  private static final int PHRASE_WORD_BIT = 65536;
  private static final int LANGUAGE_BIT = 131072;
  /** A word about speaking ("speaks", "language"): kept as a token so that languageGroup can see it; never a name. */
  private static final int LANGUAGE_CUE_BIT = 262144;
  private static final int LEVEL_SHIFT = 19;
  /** Every bit except the level: a word with none of them is an ordinary word to the detector. */
  private static final int SIGNIFICANT_BITS = (1 << LEVEL_SHIFT) - 1;

  private static final Set<String> PARTICLES =
      Set.of(
          "o", "mac", "mc", "ni", "nic", "ua", "van", "von", "de", "da", "di", "du", "le", "la", "al", "el", "bin",
          "ap", "ab");

  private static final Pattern LETTER = Js.regex("[\\p{L}\\p{M}]", "u");
  private static final Pattern UPPER_RE = Js.regex("\\p{Lu}", "u");
  private static final Pattern LOWER_RE = Js.regex("\\p{Ll}", "u");
  private static final Pattern STEM = Js.regex("^(?:o|mc|mac)(?=[a-z]{3})");
  /** Endings of specialties and services, not names: "Orthogeriatrics", "Neuroradiology", "Physiotherapy". */
  private static final Pattern SERVICE_ENDING = Js.regex("(?:ology|ologist|ologists|iatrics|iatry|therapy|graphy|ics)$");
  private static final Set<String> PLACE_PREPOSITIONS = Set.of("in", "at", "from", "near");
  /** The word after a token, when only white space separates them (sticky at the token's end). */
  private static final Pattern NEXT_WORD = Js.regex("\\s{1,2}([A-Za-z]{2,20})", "y");

  /**
   * A gap pattern: matched in place from the end of one token, it must reach the next token (a letter, so
   * alternatives are tried until one does) and end exactly where that token starts. Compiled with flag u added, as
   * in the TypeScript version; `empty` (no gap at all) with the pattern's own flags.
   */
  private record Gap(Pattern re, boolean empty) {
    static Gap of(String source, String flags) {
      return new Gap(
          Js.regex("(?:" + source + ")(?=[\\p{L}\\p{M}])", flags.replace("u", "") + "u"),
          Js.test(Js.regex("^(?:" + source + ")$", flags), ""));
    }
  }

  /** Between a cue and a name: "wife: Jane", "son (Tom)", "friend \"Tommo\"", "called “Gazza”". */
  private static final Gap CUE_GAP = Gap.of("(?:'s|’s|s'|')?[\\s:,(\\-–/]{0,6}[\"“‘]?", "");
  private static final Gap NAME_GAP = Gap.of(" {1,2}|-", "");
  private static final Gap GAP_1 = Gap.of("[\\s/-]{1,3}", "");
  private static final Gap GAP_2 = Gap.of("\\s{0,3}\\(\\s{0,3}", "");
  private static final Gap EPONYM_GAP = Gap.of("(?:'s|’s|s'|')?\\s{1,2}", "i");
  private static final Gap GAP_3 = Gap.of("\\s{1,2}", "");
  private static final Gap GAP_4 = Gap.of("\\.?\\s{1,2}", "");
  private static final Gap GAP_5 = Gap.of("[:,]? {1,2}| {0,2}\\( {0,2}", "");
  private static final Gap GAP_6 = Gap.of(" {0,2}\\( {0,2}", "");
  private static final Gap GAP_7 = Gap.of("\\. {1,2}", "");
  private static final Gap GAP_8 = Gap.of("\\s{0,2}[(,–-]\\s{0,2}", "");
  private static final Gap GAP_9 = Gap.of(" {1,2}", "");
  private static final Gap GAP_10 = Gap.of("\\s{0,2}[,&]\\s{0,2}", "");
  private static final Gap GAP_11 = Gap.of(",?\\s{1,2}", "");
  /** After a role word used as a heading: "DN: Robin". */
  private static final Gap ROLE_COLON = Gap.of(": {1,2}", "");

  private static final Set<String> INTERPRETING = Set.of("interpreter", "interpreters", "translator", "translators");

  /** One or two capitalised words, then the bracket closes. */
  private static final Pattern NAME_IN_BRACKET =
      Js.regex("\\p{Lu}\\p{Ll}[\\p{L}\\p{M}'’-]{0,30}(?:[ ]\\p{Lu}\\p{Ll}[\\p{L}\\p{M}'’-]{0,30})?[ ]{0,2}\\)", "uy");

  /** Titles written short, whose full stop marks the abbreviation. */
  private static final Set<String> SHORT_TITLES =
      Set.of("mr", "mrs", "ms", "mx", "dr", "prof", "rev", "revd", "fr", "sr", "cllr", "sgt", "insp", "pc");

  /**
   * A bracket right after a name that says who the person is, the role alone or with a word or two before it, read
   * from the text (the tokens leave out ordinary words such as "dialysis"), as in person-names.ts.
   */
  private static final Pattern BRACKETED_ROLE =
      Js.regex("[ ]?\\(((?:[A-Za-z][A-Za-z&-]{0,20} ){0,2})([A-Za-z]{2,20})\\)", "y");

  private static final Map<String, List<List<String>>> PHRASES_BY_LAST = new HashMap<>();
  private static final Set<String> PHRASE_WORDS = new HashSet<>();

  static {
    for (List<String> phrase : CUE_PHRASES) {
      PHRASES_BY_LAST.computeIfAbsent(phrase.get(phrase.size() - 1), k -> new ArrayList<>()).add(phrase);
      PHRASE_WORDS.addAll(phrase);
    }
  }

  private static final class Token {
    int start;
    int end;
    String key;
    int bits;
    /** Written with letters beyond ASCII ("Huệ", "Łukasz"): English clinical words are not. */
    boolean accented;
    List<String> parts;
    int shape;
    boolean digitAdjacent;
    boolean afterSlash;
    boolean dotAfter;
    int kind;
  }

  private static final class Group {
    int first;
    int end;
    boolean name;
    /** A place, an organisation, a language or an eponym (eponymOrPlace): never a name, even in a list. */
    boolean thing;
  }

  private record WordFacts(String key, int bits, boolean accented, List<String> parts, int shape) {}

  private final Fold fold;
  private final Gazetteer gazetteer;
  private final List<Map.Entry<Set<String>, Integer>> factSets;
  private final Map<String, Integer> facts = new HashMap<>();
  private final Map<String, WordFacts> wordMemo = new HashMap<>();

  PersonNames(Fold fold, Gazetteer gazetteer) {
    this.fold = fold;
    this.gazetteer = gazetteer;
    this.factSets =
        List.of(
            Map.entry(gazetteer.names, NAME_BIT),
            Map.entry(gazetteer.given, GIVEN_BIT),
            Map.entry(PERSON_NOUNS, PERSON_NOUN_BIT),
            Map.entry(TITLES, TITLE_BIT),
            Map.entry(FILLERS, FILLER_BIT),
            Map.entry(EPONYM_HEADS, EPONYM_HEAD_BIT),
            Map.entry(PLACE_HEADS, PLACE_HEAD_BIT),
            Map.entry(SPEECH_VERBS, SPEECH_BIT),
            Map.entry(PERSON_VERBS, PERSON_VERB_BIT),
            Map.entry(NAME_JOINERS, JOINER_BIT),
            Map.entry(PARTICLES, PARTICLE_BIT),
            Map.entry(CLINICAL, CLINICAL_BIT),
            Map.entry(ROLE_NOUNS, ROLE_BIT),
            // A role abbreviation is a role noun before a name ("SN Kowalczyk", "CPN Joy"), as in person-names.ts.
            Map.entry(STAFF_ROLES, PERSON_NOUN_BIT | ROLE_BIT));
  }

  // ---- characters and words ----

  private static boolean isLetter(int code) {
    if (code < 128) return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
    return LETTER.matcher(String.valueOf((char) code)).find();
  }

  private static boolean isDigit(int code) {
    return code >= 48 && code <= 57;
  }

  private static boolean isApostrophe(int code) {
    return code == 39 || code == 0x2019 || code == 0x2018;
  }

  private static boolean isUpper(String ch) {
    return UPPER_RE.matcher(ch).find();
  }

  private static int shapeOf(String word) {
    int upper = 0;
    int lower = 0;
    for (int i = 0; i < word.length(); i++) {
      char c = word.charAt(i);
      if (c >= 65 && c <= 90) upper++;
      else if (c >= 97 && c <= 122) lower++;
      else if (c >= 128) {
        String ch = String.valueOf(c);
        if (isUpper(ch)) upper++;
        else if (LOWER_RE.matcher(ch).find()) lower++;
      }
    }
    if (upper == 0) return LOWER;
    if (lower == 0) return upper >= 2 ? UPPER : CAPITALISED;
    char first = word.charAt(0);
    return (first >= 65 && first <= 90) || isUpper(String.valueOf(first)) ? CAPITALISED : OTHER;
  }

  private WordFacts wordFacts(String word) {
    WordFacts w = wordMemo.get(word);
    if (w == null) {
      String key = fold.keyOf(word);
      List<String> parts = new ArrayList<>();
      if (word.indexOf('-') >= 0) for (String p : word.split("-", -1)) parts.add(fold.keyOf(p));
      boolean accented = false;
      for (int i = 0; i < word.length() && !accented; i++) accented = word.charAt(i) >= 0x80;
      w = new WordFacts(key, factsOf(key), accented, parts, shapeOf(word));
      if (wordMemo.size() >= 100_000) wordMemo.clear();
      wordMemo.put(word, w);
    }
    return w;
  }

  private int factsOf(String k) {
    Integer cached = facts.get(k);
    if (cached != null) return cached;
    int f = gazetteer.wordLevel.getOrDefault(k, 0) << LEVEL_SHIFT;
    for (Map.Entry<Set<String>, Integer> e : factSets) if (e.getKey().contains(k)) f |= e.getValue();
    if (CALENDAR.contains(k)) f |= CALENDAR_BIT | BLOCK_BIT;
    // "Punjabi leaflet", "speaks Urdu": a language, though the surname lists have it (eponymOrPlace decides).
    if (LANGUAGES.contains(k)) f |= LANGUAGE_BIT;
    if (LANGUAGE_CUES.contains(k)) f |= LANGUAGE_CUE_BIT | BLOCK_BIT;
    if ((f & (CLINICAL_BIT | TITLE_BIT | PERSON_NOUN_BIT | FILLER_BIT)) != 0) f |= BLOCK_BIT;
    if (k.equals("st") || k.equals("saint") || k.equals("royal")) f |= BLOCK_BIT;
    if (SERVICE_ENDING.matcher(k).find()) f |= BLOCK_BIT;
    if (PHRASE_WORDS.contains(k)) f |= PHRASE_WORD_BIT;
    List<List<String>> phrases = PHRASES_BY_LAST.get(k);
    if (phrases != null) {
      f |= PHRASE_END_BIT;
      for (List<String> p : phrases) {
        if (p.size() == 1) {
          f |= BLOCK_BIT;
          break;
        }
      }
    }
    if (facts.size() >= 100_000) facts.clear();
    facts.put(k, f);
    return f;
  }

  // ---- tokens ----

  private int mode;
  /** All facts bits of the current note's tokens, OR-ed. */
  private int noteBits;

  private List<Token> tokenise(String text) {
    List<Token> tokens = new ArrayList<>();
    noteBits = 0;
    int upper = 0;
    int lower = 0;
    int i = 0;
    int n = text.length();
    while (i < n) {
      if (!isLetter(text.charAt(i))) {
        i++;
        continue;
      }
      int start = i;
      int wordUpper = 0;
      int wordLower = 0;
      boolean plain = true;
      while (i < n) {
        char c = text.charAt(i);
        if (c >= 65 && c <= 90) {
          wordUpper++;
          i++;
        } else if (c >= 97 && c <= 122) {
          wordLower++;
          i++;
        } else if (c >= 128 && isLetter(c)) {
          plain = false;
          i++;
        } else if ((isApostrophe(c) || c == 45) && i + 1 < n && isLetter(text.charAt(i + 1))) {
          plain = false;
          i++;
        } else break;
      }
      upper += wordUpper;
      lower += wordLower;
      int end = i;
      if (end - start > 3
          && isApostrophe(text.charAt(end - 2))
          && (text.charAt(end - 1) == 's' || text.charAt(end - 1) == 'S')) end -= 2;
      Token t = new Token();
      if (plain) {
        t.key = Js.lower(text.substring(start, end));
        t.bits = factsOf(t.key);
        t.parts = List.of();
        t.accented = false;
        t.shape =
            wordUpper == 0
                ? LOWER
                : wordLower == 0 ? (wordUpper >= 2 ? UPPER : CAPITALISED) : text.charAt(start) <= 90 ? CAPITALISED : OTHER;
      } else {
        WordFacts f = wordFacts(text.substring(start, end));
        t.key = f.key();
        t.bits = f.bits();
        t.parts = f.parts();
        t.accented = f.accented();
        t.shape = f.shape();
      }
      int before = start > 0 ? text.charAt(start - 1) : 32;
      int after = i < n ? text.charAt(i) : 32;
      // A common lower-case word of three letters or more that means nothing to the detector is not kept.
      if (t.shape == LOWER && end - start >= 3 && (t.bits & SIGNIFICANT_BITS) == 0) {
        int level = t.bits >> LEVEL_SHIFT;
        if (level != 0 && level <= COMMON_LEVEL) continue;
      }
      noteBits |= t.bits;
      t.start = start;
      t.end = end;
      t.digitAdjacent = isDigit(before) || isDigit(after) || (after == 45 && i + 1 < n && isDigit(text.charAt(i + 1)));
      t.afterSlash = before == 47;
      t.dotAfter = after == 46;
      t.kind = NONE;
      tokens.add(t);
    }
    mode = modeOf(upper, lower);
    return tokens;
  }

  private static Token at(List<Token> tokens, int i) {
    return i >= 0 && i < tokens.size() ? tokens.get(i) : null;
  }

  private static boolean has(Token t, int bit) {
    return t != null && (t.bits & bit) != 0;
  }

  /** The word's SCOWL level, or 0 when it is no English word (TypeScript: undefined). */
  private static int levelOf(Token t) {
    return t.bits >> LEVEL_SHIFT;
  }

  private int classify(Token t) {
    String k = t.key;
    if (k.length() < 2 || t.digitAdjacent || t.afterSlash || has(t, BLOCK_BIT)) return NONE;
    if (mode == CAPITALISED && t.shape == UPPER && k.length() <= 3) return NONE;
    int level = levelOf(t);
    boolean common = level != 0 && level <= COMMON_LEVEL;
    boolean given = has(t, GIVEN_BIT);
    if (given || has(t, NAME_BIT)) {
      if (!common || t.accented) return STRONG;
      if (mode == CAPITALISED && t.shape == LOWER) return NONE;
      if (mode != CAPITALISED && level <= 10) return NONE;
      return given ? AMBIGUOUS_GIVEN : WEAK;
    }
    if (k.charAt(0) == 'o' || k.charAt(0) == 'm') {
      Matcher stem = STEM.matcher(k);
      if (stem.find()
          && gazetteer.names.contains(k.substring(stem.end()))
          && !gazetteer.wordLevel.containsKey(k)) return STRONG;
    }
    if (t.parts.size() > 1) {
      boolean all = true;
      boolean someRare = false;
      for (String p : t.parts) {
        if (!(gazetteer.names.contains(p) || gazetteer.given.contains(p)) || (factsOf(p) & BLOCK_BIT) != 0) all = false;
        if (gazetteer.wordLevel.getOrDefault(p, 99) > COMMON_LEVEL) someRare = true;
      }
      if (all && someRare) return STRONG;
    }
    if (level == 0 && mode == CAPITALISED && t.shape == CAPITALISED) return UNKNOWN;
    if (level == 0 && mode == CAPITALISED && t.shape == UPPER && k.length() >= 4) return UNKNOWN;
    return NONE;
  }

  private static boolean endsCuePhrase(List<Token> tokens, int i, String text) {
    List<List<String>> phrases = PHRASES_BY_LAST.get(tokens.get(i).key);
    if (phrases == null) return false;
    for (List<String> phrase : phrases) if (phraseEndsAt(tokens, i, phrase, text)) return true;
    return false;
  }

  private static boolean gapIs(Gap gap, String text, List<Token> tokens, int a) {
    Token left = at(tokens, a);
    Token right = at(tokens, a + 1);
    if (left == null || right == null) return gap.empty();
    Matcher m = Js.from(gap.re(), text, left.end);
    return m.lookingAt() && m.end() == right.start;
  }

  /**
   * After a role word, the name follows a space or a colon ("Physio Sanfeng", "DN: Robin"), or stands alone in a
   * bracket ("dietitian (Amber)"); after an interpreter, a bracket holds the language too, as in person-names.ts.
   */
  private boolean roleGap(String text, List<Token> tokens, int i) {
    if (gapIs(GAP_9, text, tokens, i)) return true;
    boolean interpreter = INTERPRETING.contains(tokens.get(i).key);
    Token next = at(tokens, i + 1);
    if (next == null) return false;
    // After a colon a role is often a heading ("Physio: Review in 2/52", "GP: Will see"): only a known given name
    // follows it as a name ("DN: Robin"), or anything after an interpreter.
    if (gapIs(ROLE_COLON, text, tokens, i))
      return interpreter || (has(next, GIVEN_BIT) && notModal(text, tokens, i + 1));
    if (!gapIs(GAP_2, text, tokens, i)) return false;
    if (interpreter) return true;
    return Js.from(NAME_IN_BRACKET, text, next.start).lookingAt();
  }

  private boolean precededByCue(String text, List<Token> tokens, int first) {
    int i = first - 1;
    int skipped = 0;
    int languages = 0;
    while (i >= 0) {
      Token t = tokens.get(i);
      if (!gapIs(CUE_GAP, text, tokens, i) && !titleDot(text, tokens, i)) return false;
      if (isCueWord(tokens, i, text)) {
        // "interpreter (Tigrinya, Selam)": an interpreter's name may follow a bracket and the language.
        if (INTERPRETING.contains(t.key)) return roleGap(text, tokens, i);
        if (languages > 0) return false;
        return !has(t, ROLE_BIT) || (i == first - 1 && roleGap(text, tokens, i));
      }
      if (has(t, LANGUAGE_BIT) && !has(t, FILLER_BIT)) languages++;
      else if (!has(t, FILLER_BIT)) return false;
      if (++skipped > 3) return false;
      i--;
    }
    return false;
  }

  /**
   * "Dr. Brown", "Fr. Dominic": a short title's full stop is not the end of a sentence; a word's is ("his sister.
   * Moved to AMU").
   */
  private static boolean titleDot(String text, List<Token> tokens, int i) {
    Token t = at(tokens, i);
    return has(t, TITLE_BIT) && SHORT_TITLES.contains(t.key) && gapIs(GAP_7, text, tokens, i);
  }

  private static boolean phraseEndsAt(List<Token> tokens, int i, List<String> phrase, String text) {
    int from = i - phrase.size() + 1;
    if (from < 0) return false;
    for (int j = 0; j < phrase.size(); j++) {
      if (!tokens.get(from + j).key.equals(phrase.get(j))) return false;
      if (j > 0 && !gapIs(GAP_1, text, tokens, from + j - 1)) return false;
    }
    return true;
  }

  private static final Set<String> NOT_ROLE_MODIFIERS =
      Set.of("per", "by", "from", "to", "via", "with", "for", "as", "at", "in", "on", "of", "and", "or", "not", "no", "if");

  /**
   * "Liezl (nurse)", "Grace (POA nurse)", "Bex (dialysis physio)": a bracket after a name saying who the person is,
   * as in person-names.ts. The role is a kinship or role noun, a staff role, or a nurse or sister; the words before
   * it are no preposition ("(per GP)").
   */
  private boolean bracketedRoleAfter(String text, List<Token> tokens, int last) {
    int end = tokens.get(last).end;
    // Most names have no bracket after them: look for one before reading the words in it.
    if (end >= text.length()
        || (text.charAt(end) != '(' && (text.charAt(end) != ' ' || end + 1 >= text.length() || text.charAt(end + 1) != '(')))
      return false;
    Matcher m = Js.from(BRACKETED_ROLE, text, end);
    if (!m.lookingAt()) return false;
    for (String word : m.group(1).split(" ")) {
      if (word.isEmpty()) continue;
      String key = Js.lower(word);
      if (NOT_ROLE_MODIFIERS.contains(key) || (factsOf(key) & (PERSON_NOUN_BIT | TITLE_BIT | FILLER_BIT)) != 0)
        return false;
    }
    String role = Js.lower(m.group(2));
    return (factsOf(role) & (PERSON_NOUN_BIT | ROLE_BIT)) != 0 || role.equals("nurse") || role.equals("sister");
  }

  private boolean followedByCue(String text, List<Token> tokens, int last) {
    if (bracketedRoleAfter(text, tokens, last)) return true;
    int i = last + 1;
    int skipped = 0;
    while (i < tokens.size()) {
      Token t = tokens.get(i);
      if (!gapIs(CUE_GAP, text, tokens, i - 1) && !gapIs(GAP_2, text, tokens, i - 1)) return false;
      if (has(t, PERSON_NOUN_BIT)) return !subjectBeforeRole(text, tokens, last, i);
      if (skipped == 0 && has(t, PERSON_VERB_BIT) && gapIs(GAP_3, text, tokens, i - 1)) return true;
      if (!has(t, FILLER_BIT) || ++skipped > 2) return false;
      i++;
    }
    return false;
  }

  /**
   * "ESOL teacher", "PhD student", "ICU physio": a word in capitals or mixed case right before a role, a space
   * between, is the subject or the place of the role, not a person.
   */
  private static boolean subjectBeforeRole(String text, List<Token> tokens, int last, int role) {
    Token t = tokens.get(last);
    return role == last + 1
        && has(tokens.get(role), ROLE_BIT)
        && t.shape != LOWER
        && capitalsIn(text, t) >= 2
        && gapIs(GAP_9, text, tokens, last);
  }

  private static int capitalsIn(String text, Token t) {
    int n = 0;
    for (int i = t.start; i < t.end; i++) {
      char c = text.charAt(i);
      if (c >= 65 && c <= 90) n++;
    }
    return n;
  }

  private boolean eponymOrPlace(String text, List<Token> tokens, int first, int last) {
    Token next = at(tokens, last + 1);
    if (next != null
        && (has(next, EPONYM_HEAD_BIT) || has(next, PLACE_HEAD_BIT))
        && gapIs(EPONYM_GAP, text, tokens, last)) return true;
    Token lastToken = tokens.get(last);
    // "Bengali interpreter", "Kurdish-speaking": a language.
    if (lastToken.parts.size() > 1 && LANGUAGE_HEADS.contains(lastToken.parts.get(lastToken.parts.size() - 1)))
      return true;
    if (next != null && LANGUAGE_HEADS.contains(next.key) && gapIs(GAP_3, text, tokens, last)) return true;
    if (languageGroup(text, tokens, first, last)) return true;
    for (int k = first + 1; k <= last; k++) if (has(tokens.get(k), EPONYM_HEAD_BIT)) return true;
    Token previous = at(tokens, first - 1);
    return previous != null && PLACE_LEADS.contains(previous.key) && gapIs(GAP_4, text, tokens, first - 1);
  }

  /**
   * A language, not a person: a lone language word ("Punjabi leaflet", "speaks Urdu"), or several right after a
   * word about speaking ("first language Welsh English"); not after a title or kinship word, nor before a kinship
   * word or a verb of a person, as in person-names.ts.
   */
  private boolean languageGroup(String text, List<Token> tokens, int first, int last) {
    for (int k = first; k <= last; k++) if (!has(tokens.get(k), LANGUAGE_BIT)) return false;
    Token before = at(tokens, first - 1);
    if (has(before, TITLE_BIT | PERSON_NOUN_BIT) && !INTERPRETING.contains(before.key)) return false;
    Token next = at(tokens, last + 1);
    if (has(next, SPEECH_BIT | PERSON_VERB_BIT) && gapIs(GAP_3, text, tokens, last)) return false;
    if (has(next, PERSON_NOUN_BIT) && gapIs(GAP_5, text, tokens, last)) return false;
    // "Shona (practice nurse)": a role described in a bracket after it makes the word a person.
    if (bracketedRoleAfter(text, tokens, last)) return false;
    return first == last || has(before, LANGUAGE_CUE_BIT);
  }

  private static final Pattern SCORE_AFTER =
      Js.regex(
          "(?:'s|’s|s'|')?[ ]{1,2}(?:\\d{1,3}(?:[.,/]\\d{1,3})?(?![\\d]| \\d)|[A-E](?![\\p{L}\\p{N}])|(?:I{1,3}|IV|V)(?![\\p{L}\\p{N}]))",
          "uy");

  /** "in Leeds", "from Manchester": a lone capitalised word after a place preposition is a place. */
  private static boolean placePreposition(String text, List<Token> tokens, int first) {
    Token previous = at(tokens, first - 1);
    return previous != null
        && previous.shape == LOWER
        && PLACE_PREPOSITIONS.contains(previous.key)
        && gapIs(GAP_9, text, tokens, first - 1);
  }

  /** A short number, a class letter or a Roman numeral right after the word ("Wells 4", "Weber B"). */
  private static boolean scoreAfter(String text, Token t) {
    return Js.from(SCORE_AFTER, text, t.end).lookingAt();
  }

  private static int modeOf(int upper, int lower) {
    if (lower == 0 && upper > 0) return UPPER;
    if (upper * 50 < lower && upper <= 2) return LOWER;
    if (lower * 10 < upper) return UPPER;
    return CAPITALISED;
  }

  private static boolean sentenceStart(String text, List<Token> tokens, int i) {
    int j = tokens.get(i).start - 1;
    while (j >= 0 && (text.charAt(j) == ' ' || text.charAt(j) == '"' || text.charAt(j) == '\'')) j--;
    if (j < 0) return true;
    char c = text.charAt(j);
    return ".!?:;\n•*(|-".indexOf(c) >= 0 || (c >= '0' && c <= '9');
  }

  private static boolean isInitial(String text, Token t) {
    return t.end - t.start == 1
        && !t.digitAdjacent
        && !t.afterSlash
        && isUpper(String.valueOf(text.charAt(t.start)));
  }

  private boolean decide(String text, List<Token> tokens, int first, int last) {
    List<Token> group = tokens.subList(first, last + 1);
    boolean capitalText = mode == CAPITALISED;
    int strong = 0;
    int ambiguous = 0;
    int unknown = 0;
    int weak = 0;
    for (Token t : group) {
      if (t.kind == STRONG) strong++;
      else if (t.kind == AMBIGUOUS_GIVEN) ambiguous++;
      else if (t.kind == UNKNOWN) unknown++;
      else if (t.kind == WEAK) weak++;
    }
    Token head = group.get(0);
    boolean cued = precededByCue(text, tokens, first) || followedByCue(text, tokens, last);
    if (group.size() == 1 && kinAdjacent(text, tokens, first)) return true;
    if (!cued && scoreAfter(text, tokens.get(last))) return false;
    Token after = at(tokens, last + 1);
    if (after != null
        && has(after, CLINICAL_BIT)
        && (!cued || !has(after, PLACE_HEAD_BIT))
        && gapIs(GAP_9, text, tokens, last)) return false;
    if (!cued && group.size() == 1 && placePreposition(text, tokens, first)) return false;
    if (!cued && capitalText) {
      for (Token t : group) if (t.shape == LOWER && t.kind != STRONG && !has(t, PARTICLE_BIT)) return false;
      // Words in small letters that are all English words ("coli sens").
      boolean allLowerWords = true;
      for (Token t : group) if (t.shape != LOWER || levelOf(t) == 0 || t.accented) allLowerWords = false;
      if (allLowerWords) return false;
    }
    if (cued) {
      if (strong + unknown > 0) return true;
      if (ambiguous > 0) return capitalText ? head.shape != LOWER : notModal(text, tokens, last);
      return weak > 0
          && capitalText
          && head.shape != LOWER
          && gazetteer.wordLevel.getOrDefault(head.key, 99) >= 35
          && has(at(tokens, first - 1), PERSON_NOUN_BIT | TITLE_BIT);
    }
    if (group.size() >= 2) {
      if (strong >= 1) return true;
      if (capitalText
          && isInitial(text, head)
          && (head.dotAfter || (!head.key.equals("a") && !head.key.equals("i")))
          && weak + ambiguous + unknown >= 1) return true;
      if (capitalText && ambiguous >= 1 && strong + ambiguous + unknown + weak == group.size()) return true;
      boolean capitalisedUnknown = false;
      for (Token t : group) if (t.kind == UNKNOWN && t.shape == CAPITALISED) capitalisedUnknown = true;
      return capitalText && capitalisedUnknown && ambiguous + weak >= 1;
    }
    if (ambiguous == 1
        && capitalText
        && head.shape == CAPITALISED
        && levelOf(head) >= 35
        && !sentenceStart(text, tokens, first)) return true;
    if (strong == 1) {
      if (capitalText && head.shape != CAPITALISED)
        return head.key.length() >= 4 && levelOf(head) == 0 && head.parts.isEmpty();
      return head.key.length() >= 3;
    }
    return false;
  }

  private boolean kinAdjacent(String text, List<Token> tokens, int i) {
    Token t = tokens.get(i);
    Token previous = at(tokens, i - 1);
    Token next = at(tokens, i + 1);
    boolean before =
        previous != null
            && (has(previous, PERSON_NOUN_BIT) || has(previous, TITLE_BIT))
            && (has(previous, ROLE_BIT)
                ? roleGap(text, tokens, i - 1)
                : gapIs(GAP_5, text, tokens, i - 1) || titleDot(text, tokens, i - 1));
    boolean after = next != null && has(next, PERSON_NOUN_BIT) && gapIs(GAP_6, text, tokens, i);
    if (!before && !after) return false;
    if (has(t, EPONYM_HEAD_BIT) || t.digitAdjacent || t.afterSlash) return false;
    if (has(t, CLINICAL_BIT)) return false;
    if (after || (mode == CAPITALISED && t.shape == CAPITALISED)) return true;
    return has(t, GIVEN_BIT) && notModal(text, tokens, i);
  }

  private boolean wordNameBesideKin(List<Token> tokens, int cue, int k) {
    Token t = tokens.get(k);
    if (k != cue + 1 || !has(tokens.get(cue), PERSON_NOUN_BIT | TITLE_BIT)) return false;
    if (t.key.length() < 2 || t.digitAdjacent || t.afterSlash) return false;
    if (has(t, CLINICAL_BIT | TITLE_BIT | PERSON_NOUN_BIT | FILLER_BIT | EPONYM_HEAD_BIT | PLACE_HEAD_BIT))
      return false;
    if (has(t, CALENDAR_BIT)) return levelOf(t) == 0;
    return mode == CAPITALISED && t.shape == CAPITALISED;
  }

  private boolean givenBesideKin(String text, List<Token> tokens, int i) {
    Token t = tokens.get(i);
    if (t.key.length() < 2 || t.digitAdjacent || t.afterSlash || !has(t, GIVEN_BIT)) return false;
    if (has(t, CLINICAL_BIT) || has(t, PERSON_NOUN_BIT) || has(t, TITLE_BIT) || has(t, FILLER_BIT)) return false;
    Token previous = at(tokens, i - 1);
    Token next = at(tokens, i + 1);
    boolean before = previous != null && has(previous, PERSON_NOUN_BIT) && gapIs(GAP_5, text, tokens, i - 1);
    boolean after = next != null && has(next, PERSON_NOUN_BIT) && gapIs(GAP_6, text, tokens, i);
    return (before && notModal(text, tokens, i)) || after;
  }

  private boolean notModal(String text, List<Token> tokens, int last) {
    Token t = tokens.get(last);
    if (!t.key.equals("will") && !t.key.equals("may") && !t.key.equals("can") && !t.key.equals("mark"))
      return true;
    Matcher m = Js.from(NEXT_WORD, text, t.end);
    if (!m.lookingAt()) return true;
    String next = Js.lower(m.group(1));
    return (factsOf(next) & (SPEECH_BIT | PERSON_VERB_BIT)) != 0 || next.endsWith("ed");
  }

  private static boolean joinsGroup(String text, List<Token> tokens, int i) {
    return gapIs(NAME_GAP, text, tokens, i)
        || (gapIs(GAP_7, text, tokens, i) && tokens.get(i).end - tokens.get(i).start == 1);
  }

  private static boolean nameable(Token t) {
    if (t.key.length() < 2 || t.digitAdjacent || t.afterSlash) return false;
    if (has(t, CLINICAL_BIT | TITLE_BIT | PERSON_NOUN_BIT | FILLER_BIT | EPONYM_HEAD_BIT)) return false;
    if (has(t, BLOCK_BIT) && !has(t, GIVEN_BIT)) return false;
    int level = levelOf(t);
    return level == 0 || level > COMMON_LEVEL;
  }

  private static boolean belongsToName(Token t, Token neighbour) {
    if (nameable(t)) return true;
    if (t.key.length() < 2 || t.digitAdjacent || t.afterSlash) return false;
    if (has(t, CLINICAL_BIT | TITLE_BIT | PERSON_NOUN_BIT | FILLER_BIT | EPONYM_HEAD_BIT | PLACE_HEAD_BIT))
      return false;
    int level = levelOf(t);
    if (has(t, CALENDAR_BIT)) return level == 0;
    return has(t, NAME_BIT | GIVEN_BIT) && t.shape == neighbour.shape && (level == 0 || level >= 20);
  }

  private static boolean isCueWord(List<Token> tokens, int i, String text) {
    Token t = tokens.get(i);
    // "Foster" says what kind of carer or parent follows; "in foster care" names no one (person-names.ts).
    if (t.key.equals("foster")) return false;
    return has(t, TITLE_BIT | PERSON_NOUN_BIT) || (has(t, PHRASE_END_BIT) && endsCuePhrase(tokens, i, text));
  }

  /**
   * In capitalised prose a short all-capitals word that is in no name list is an abbreviation ("informed DSL",
   * "Spoke to GMC"), which a verb does not make a name, as in person-names.ts.
   */
  private boolean unlistedAbbreviation(Token t) {
    return mode == CAPITALISED && t.shape == UPPER && t.key.length() <= 3 && !has(t, NAME_BIT | GIVEN_BIT);
  }

  private void promoteCued(String text, List<Token> tokens) {
    for (int i = 0; i < tokens.size(); i++) {
      if (!has(tokens.get(i), TITLE_BIT | PERSON_NOUN_BIT | PHRASE_END_BIT) || !isCueWord(tokens, i, text))
        continue;
      if (has(tokens.get(i), ROLE_BIT) && !roleGap(text, tokens, i)) continue;
      // An interpreter is named after the language too: "interpreter (Tigrinya, Selam)".
      boolean interpreter = INTERPRETING.contains(tokens.get(i).key);
      int j = i + 1;
      while (j < tokens.size()
          && (has(tokens.get(j), FILLER_BIT) || (interpreter && has(tokens.get(j), LANGUAGE_BIT)))
          && j - i <= 3) j++;
      for (int k = j; k < Math.min(j + 2, tokens.size()); k++) {
        if (!gapIs(CUE_GAP, text, tokens, k - 1) && !titleDot(text, tokens, k - 1)) break;
        Token t = tokens.get(k);
        if (k > j && tokens.get(j).kind != UNKNOWN && tokens.get(j).kind != STRONG) break;
        if (t.kind == NONE
            && (has(tokens.get(i), TITLE_BIT | PERSON_NOUN_BIT) || !unlistedAbbreviation(t))
            && (nameable(t) || givenBesideKin(text, tokens, k) || wordNameBesideKin(tokens, i, k)))
          t.kind = UNKNOWN;
        else if (t.kind == NONE) break;
      }
    }
    for (int i = 1; i < tokens.size(); i++) {
      Token t = tokens.get(i);
      if (!has(t, PERSON_NOUN_BIT | SPEECH_BIT)) continue;
      boolean kinAfter = has(t, PERSON_NOUN_BIT) && gapIs(GAP_8, text, tokens, i - 1);
      boolean speechAfter = has(t, SPEECH_BIT) && gapIs(GAP_9, text, tokens, i - 1);
      if (!kinAfter && !speechAfter) continue;
      for (int k = i - 1; k >= Math.max(0, i - 2); k--) {
        Token before = tokens.get(k);
        if (k < i - 1 && !gapIs(NAME_GAP, text, tokens, k)) break;
        if (before.kind == NONE
            && (kinAfter || !unlistedAbbreviation(before))
            && (nameable(before) || (kinAfter && givenBesideKin(text, tokens, k))))
          before.kind = UNKNOWN;
        else if (before.kind == NONE) break;
      }
    }
  }

  /** Eponyms that name a charity, a hospital or a ward in notes far more often than a person, as in person-names.ts. */
  private static final Set<String> INSTITUTION_EPONYMS = Set.of("curie", "macmillan", "nightingale", "papworth");
  /** Words before an institution's eponym that make it the institution (person-names.ts, INSTITUTION_LEADS). */
  private static final Set<String> INSTITUTION_LEADS = Set.of("marie", "florence", "royal");
  private static final Set<String> HOME_WORDS =
      Set.of(
          "house", "place", "home", "flat", "bungalow", "caravan", "school", "nursery", "college", "work", "office",
          "garden", "room");
  private static final Set<String> ORG_HEADS =
      Set.of(
          "care", "council", "councils", "uk", "cymru", "foods", "service", "services", "agency", "agencies", "society",
          "association", "charity", "team", "teams", "network", "partnership", "hub");

  /** "Tracey Ward's house": a possessive before a word for a home, as in person-names.ts. */
  private static boolean possessiveHome(String text, Token group, Token head) {
    return group.end < text.length()
        && isApostrophe(text.charAt(group.end))
        && head.shape == LOWER
        && HOME_WORDS.contains(head.key);
  }

  /**
   * clinicalSurname of person-names.ts: a family name that is also a clinical word, written as a name is, right
   * after a title or a name word ("Pauline Ng", "Gemma Stokes"), not before a word that makes the two a clinical or
   * an organisation's name.
   */
  private boolean clinicalSurname(String text, List<Token> tokens, int i) {
    Token t = tokens.get(i);
    if (t.shape != CAPITALISED || !has(t, NAME_BIT) || !has(t, CLINICAL_BIT) || i == 0) return false;
    Token previous = tokens.get(i - 1);
    if (previous.shape != CAPITALISED) return false;
    if (t.end - t.start == 2) {
      if (has(previous, TITLE_BIT)) return gapIs(GAP_4, text, tokens, i - 1);
      return previous.kind != NONE && previous.kind != WEAK && gapIs(GAP_9, text, tokens, i - 1);
    }
    if (INSTITUTION_EPONYMS.contains(t.key) && INSTITUTION_LEADS.contains(previous.key)) return false;
    if (previous.kind != STRONG && previous.kind != AMBIGUOUS_GIVEN) return false;
    if (!gapIs(GAP_9, text, tokens, i - 1)) return false;
    Token next = i + 1 < tokens.size() ? tokens.get(i + 1) : null;
    if (has(t, PLACE_HEAD_BIT))
      return bracketedRoleAfter(text, tokens, i) || (next != null && possessiveHome(text, t, next));
    return !(next != null
        && gapIs(EPONYM_GAP, text, tokens, i)
        && (has(next, PERSON_NOUN_BIT | PLACE_HEAD_BIT | EPONYM_HEAD_BIT | CLINICAL_BIT) || ORG_HEADS.contains(next.key)));
  }

  private boolean groupStarts(String text, Token t) {
    if (t.kind != NONE) return true;
    return mode == CAPITALISED && t.shape != LOWER && (isInitial(text, t) || has(t, PARTICLE_BIT));
  }

  List<Span> find(String text) {
    List<Token> tokens = tokenise(text);
    List<Span> spans = new ArrayList<>();
    if (tokens.isEmpty()) return spans;
    boolean candidates = false;
    for (int i = 0; i < tokens.size(); i++) {
      Token t = tokens.get(i);
      t.kind = classify(t);
      if (t.kind == NONE && mode == CAPITALISED && clinicalSurname(text, tokens, i)) t.kind = STRONG;
      if (t.kind != NONE || t.end - t.start == 1 || (t.bits & PARTICLE_BIT) != 0) candidates = true;
    }
    if ((noteBits & (TITLE_BIT | PERSON_NOUN_BIT | PHRASE_END_BIT | SPEECH_BIT)) != 0) {
      promoteCued(text, tokens);
      candidates = true;
    }
    if (!candidates) return spans;
    List<Group> groups = new ArrayList<>();
    int i = 0;
    while (i < tokens.size()) {
      if (!groupStarts(text, tokens.get(i))) {
        i++;
        continue;
      }
      int last = i;
      while (last + 1 < tokens.size() && last - i < 4 && joinsGroup(text, tokens, last)) {
        Token next = tokens.get(last + 1);
        boolean particle = has(next, PARTICLE_BIT) && next.end - next.start <= 3;
        boolean afterParticle =
            has(tokens.get(last), PARTICLE_BIT)
                && next.key.length() >= 2
                && !has(next, TITLE_BIT | PERSON_NOUN_BIT | FILLER_BIT | SPEECH_BIT | PERSON_VERB_BIT);
        if (afterParticle && next.kind == NONE) next.kind = UNKNOWN;
        if (!groupStarts(text, next) && !particle && !afterParticle) break;
        // person-names.ts: in capitalised prose an initial takes a word in small letters only as no English word.
        if (mode == CAPITALISED
            && next.shape == LOWER
            && !particle
            && ((next.kind != STRONG && next.kind != UNKNOWN)
                || (levelOf(next) != 0 && !next.accented && isInitial(text, tokens.get(last))))) break;
        last++;
      }
      int end = last;
      while (end > i && tokens.get(end).kind == NONE) end--;
      if (tokens.get(end).kind != NONE) {
        Group g = new Group();
        g.first = i;
        g.end = end;
        g.thing = eponymOrPlace(text, tokens, i, end);
        g.name = !g.thing && decide(text, tokens, i, end);
        groups.add(g);
      }
      i = last + 1;
    }
    for (int pass = 0; pass < 2; pass++) {
      for (int g = 0; g < groups.size(); g++) {
        Group group = groups.get(g);
        if (group.name || !listable(tokens, group.first, group.end)) continue;
        // A list does not make a place, an organisation or a language a person: "carer (Dorota, Bluebird Care)".
        if (group.thing) continue;
        Group previous = g > 0 ? groups.get(g - 1) : null;
        Group next = g + 1 < groups.size() ? groups.get(g + 1) : null;
        if ((previous != null && previous.name && joined(text, tokens, previous.end, group.first))
            || (next != null && next.name && joined(text, tokens, group.end, next.first))) group.name = true;
      }
    }
    for (Group g : groups) {
      if (!g.name) continue;
      int first = g.first;
      int end = g.end;
      while (end + 1 < tokens.size() && end - g.end < 2 && gapIs(NAME_GAP, text, tokens, end)) {
        Token next = tokens.get(end + 1);
        if (next.kind != NONE || !(belongsToName(next, tokens.get(end)) || has(next, PARTICLE_BIT))) break;
        end++;
      }
      while (has(tokens.get(end), PARTICLE_BIT) && end > g.end) end--;
      if (first > 0 && gapIs(NAME_GAP, text, tokens, first - 1)) {
        Token previous = tokens.get(first - 1);
        if (previous.kind == NONE
            && belongsToName(previous, tokens.get(first))
            && !precededByCue(text, tokens, first)) first--;
      }
      spans.add(new Span(tokens.get(first).start, tokens.get(end).end));
    }
    for (Group g : groups) {
      if (!g.name) continue;
      joinedWord(text, tokens, g.end, 1, spans);
      joinedWord(text, tokens, g.first, -1, spans);
    }
    if (!spans.isEmpty()) sameNameElsewhere(text, tokens, spans);
    return spans;
  }

  private static final Set<String> MODAL_NAMES = Set.of("will", "may", "can", "mark");

  /**
   * A word taken as a name somewhere in the note is that name wherever else the note writes it, as in
   * person-names.ts: words that are no English word and nothing clinical wherever they stand, a given name that is
   * also an English word only where the note writes it capitalised (and not as the start of a place or eponym).
   */
  private void sameNameElsewhere(String text, List<Token> tokens, List<Span> spans) {
    int found = spans.size();
    Set<String> keys = new HashSet<>();
    Set<String> capitalisedKeys = new HashSet<>();
    for (Token t : tokens) {
      if (!covered(t, spans, found)) continue;
      if (t.key.length() >= 3 && levelOf(t) == 0 && !has(t, PARTICLE_BIT) && nameable(t)) keys.add(t.key);
      else if (mode == CAPITALISED
          && t.shape == CAPITALISED
          && t.key.length() >= 3
          && has(t, GIVEN_BIT)
          && !has(t, CALENDAR_BIT | PARTICLE_BIT)
          && !MODAL_NAMES.contains(t.key)
          && !has(t, BLOCK_BIT | EPONYM_HEAD_BIT | PLACE_HEAD_BIT)) capitalisedKeys.add(t.key);
    }
    if (keys.isEmpty() && capitalisedKeys.isEmpty()) return;
    for (int i = 0; i < tokens.size(); i++) {
      Token t = tokens.get(i);
      boolean again =
          keys.contains(t.key)
              || (capitalisedKeys.contains(t.key) && t.shape == CAPITALISED && !eponymOrPlace(text, tokens, i, i));
      if (again && !covered(t, spans, found)) spans.add(new Span(t.start, t.end));
    }
  }

  private static boolean covered(Token t, List<Span> spans, int count) {
    for (int i = 0; i < count; i++) {
      Span span = spans.get(i);
      if (span.start() <= t.start && t.end <= span.end()) return true;
    }
    return false;
  }

  private static void joinedWord(String text, List<Token> tokens, int from, int step, List<Span> spans) {
    Token joiner = at(tokens, from + step);
    Token other = at(tokens, from + 2 * step);
    if (joiner == null || other == null || other.kind != NONE || !has(joiner, JOINER_BIT) || !nameable(other))
      return;
    int left = step == 1 ? from : from - 2;
    if (gapIs(GAP_9, text, tokens, left) && gapIs(GAP_9, text, tokens, left + 1))
      spans.add(new Span(other.start, other.end));
  }

  private boolean listable(List<Token> tokens, int first, int end) {
    for (int k = first; k <= end; k++) {
      Token t = tokens.get(k);
      if (t.kind == STRONG || t.kind == UNKNOWN) return true;
      if (t.kind == AMBIGUOUS_GIVEN && (mode != CAPITALISED || t.shape != LOWER)) return true;
    }
    return false;
  }

  private static boolean joined(String text, List<Token> tokens, int leftEnd, int rightFirst) {
    if (rightFirst == leftEnd + 1) return gapIs(GAP_10, text, tokens, leftEnd);
    if (rightFirst == leftEnd + 2) {
      Token middle = tokens.get(leftEnd + 1);
      return has(middle, JOINER_BIT) && gapIs(GAP_11, text, tokens, leftEnd) && gapIs(GAP_3, text, tokens, leftEnd + 1);
    }
    return false;
  }
}
