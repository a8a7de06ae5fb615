package uk.nhs.anonymisation.bench.kstreams;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Port of anonymise/text/own-renderings.ts: the folded needles of the record's own name parts and address (separators
 * dropped, two-letter spellings of umlauts, Gaelic prefixes, each part alone, the street with and without its house
 * number, street types written out or abbreviated).
 */
final class OwnRenderings {
  private static final Set<String> PARTICLES =
      Set.of(
          "o", "ua", "ui", "mac", "mc", "m", "ni", "nic", "nig", "de", "del", "della", "der", "den", "van", "von",
          "da", "das", "dos", "di", "du", "la", "le", "al", "el", "bin", "bint", "binti", "ibn", "ap", "ab", "ter",
          "st");

  private static final Pattern[] TWO_LETTER = {
    Js.regex("[äÄ]", "gu"), Js.regex("[öÖ]", "gu"), Js.regex("[üÜ]", "gu"), Js.regex("[øØ]", "gu"),
    Js.regex("[åÅ]", "gu"),
  };
  private static final String[] TWO_LETTER_WITH = {"ae", "oe", "ue", "oe", "aa"};

  private static final Pattern O_PREFIX =
      Js.regex("^(?:(?:[OoÓó]|[Uu][AaIiÍí])(?:['’‘`´]\\s?|\\s)|[Óó]|O(?=\\p{Lu}\\p{Ll}))(?=\\p{L}{2})", "u");
  private static final Pattern MAC_PREFIX =
      Js.regex("^(?:M[Cc]|mc|[Mm]['’‘]|[Mm]ac(?:['’‘\\s]|(?=\\p{Lu})))\\s?(?=\\p{L}{2})", "u");
  private static final Pattern NI_PREFIX = Js.regex("^(?:ní|ni|nic|nig)\\s(?=\\p{L}{2})", "iu");
  private static final Pattern[] PREFIX_RE = {O_PREFIX, MAC_PREFIX, NI_PREFIX};
  private static final String[][] PREFIX_FORMS = {
    {"o ", "o", "ua "}, {"mac ", "mac", "mc ", "mc"}, {"ni ", "nic "},
  };

  private static final Pattern SEPARATORS_DROPPED = Js.regex("['’‘`´-]", "gu");
  private static final Pattern NAME_PARTS = Js.regex("[\\s\\-‐–—'’‘`´]+", "u");
  private static final Pattern ADDRESS_PARTS = Js.regex("[,;\\n]");
  private static final Pattern APOSTROPHES = Js.regex("['’‘`´]", "gu");
  private static final Pattern UNIT_WORDS = Js.regex("\\b(?:flat|apartment|apt|unit)\\b", "g");
  private static final Pattern THREE_LETTERS = Js.regex("[a-z]{3}");
  /**
   * A part of an address that names where someone lives by its kind after its name ("Heatherlea Care Home", "c/o
   * Salvation Army Hostel"): the name alone, folded, as in own-renderings.ts.
   */
  private static final Pattern ESTABLISHMENT =
      Js.regex(
          "^(?:c\\/o |c o )?(?<name>.+?) (?:(?:nursing|care|residential|rest|retirement|childrens|group) home|home|hostel|(?:travellers?|gypsy|caravan) (?:site|park)|refuge|supported (?:housing|living))$");
  private static final Pattern HOUSE =
      Js.regex("^(?:(?:flat|apartment|apt|unit)\\s+\\w{1,6}\\s+)?(\\d{1,5})([a-z])?\\s+");

  static final String[][] STREET_TYPES = {
    {"road", "rd"}, {"street", "st", "str"}, {"avenue", "ave", "av"}, {"close", "cl"}, {"lane", "ln"},
    {"drive", "dr", "drv"}, {"crescent", "cres", "cresc", "cr"}, {"gardens", "gdns", "gdn", "gards"},
    {"place", "pl"}, {"court", "ct", "crt"}, {"terrace", "terr", "ter", "tce"}, {"square", "sq"},
    {"grove", "gr", "gro", "grv"}, {"park", "pk"}, {"parade", "pde"}, {"green", "grn"}, {"way", "wy"},
    {"walk", "wlk"}, {"mews", "mws"}, {"hill", "hl"}, {"rise", "ri"}, {"row"}, {"mount", "mt"}, {"view", "vw"},
    {"vale"}, {"gate", "gt"}, {"heights", "hts"}, {"boulevard", "blvd"}, {"broadway", "bdwy"},
    {"esplanade", "esp"}, {"highway", "hwy"}, {"approach", "app"}, {"circus", "circ"}, {"wharf"},
    {"yard", "yd"}, {"quay"}, {"chase"}, {"meadows", "mdws"}, {"fields", "flds"},
  };

  private static final Map<String, String[]> TYPE_FORMS = new HashMap<>();

  static {
    for (String[] forms : STREET_TYPES) for (String f : forms) TYPE_FORMS.put(f, forms);
  }

  private final Fold fold;
  private final Map<String, List<String>> nicknames;
  private final Map<String, Integer> wordLevel;

  OwnRenderings(Fold fold, Map<String, List<String>> nicknames, Map<String, Integer> wordLevel) {
    this.fold = fold;
    this.nicknames = nicknames;
    this.wordLevel = wordLevel;
  }

  /** The nicknames table of own-renderings.ts, both ways, in the same order, from the same CSV file. */
  static Map<String, List<String>> loadNicknames(Path csv) throws IOException {
    Map<String, List<String>> table = new HashMap<>();
    List<String> lines = List.of(Files.readString(csv).split("\r?\n", -1));
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",", -1);
      if (f.length < 3 || !f[1].equals("has_nickname") || f[0].isEmpty() || f[2].isEmpty()) continue;
      addNickname(table, f[0], f[2]);
    }
    return table;
  }

  private static void addNickname(Map<String, List<String>> table, String from, String to) {
    List<String> list = table.computeIfAbsent(from, k -> new ArrayList<>());
    if (!list.contains(to)) list.add(to);
  }

  private static final Set<String> NOT_NICKNAMES =
      Set.of("jr", "mc", "nan", "nana", "ma", "pa", "gran", "sis", "bro", "peg", "day");
  private static final int MOST_COMMON_LEVEL = 10;

  /** The other names of a name: matched with a capital anywhere (titled), or only mid-sentence (the commonest words). */
  record OtherNames(List<String> titled, List<String> midSentence) {}

  OtherNames nicknameRenderings(String value) {
    Set<String> parts = new LinkedHashSet<>();
    for (String part : Js.split(Js.trim(value), NAME_PARTS)) {
      String folded = fold.foldString(part);
      if (folded.length() >= 2) parts.add(folded);
    }
    Set<String> titled = new LinkedHashSet<>();
    Set<String> mid = new LinkedHashSet<>();
    for (String part : parts) {
      for (String shortForm : shortenedForms(part))
        if (!parts.contains(shortForm) && !wordLevel.containsKey(shortForm)) titled.add(shortForm);
      for (String other : nicknames.getOrDefault(part, List.of())) {
        String folded = fold.foldString(other);
        if (folded.length() < 2 || parts.contains(folded) || NOT_NICKNAMES.contains(folded)) continue;
        Integer level = wordLevel.get(folded);
        (level != null && level <= MOST_COMMON_LEVEL ? mid : titled).add(folded);
      }
    }
    return new OtherNames(new ArrayList<>(titled), new ArrayList<>(mid));
  }

  /** Yoruba names without their first element, an Arabic compound's first element alone, as in own-renderings.ts. */
  private static final List<String> LEADING_ELEMENTS = List.of("oluwa", "olu", "baba", "ade", "ayo");
  private static final List<String> STANDING_ELEMENTS = List.of("abdul", "abdel");

  private static List<String> shortenedForms(String part) {
    List<String> out = new ArrayList<>();
    for (String e : LEADING_ELEMENTS)
      if (part.startsWith(e) && part.length() - e.length() >= 3) {
        out.add(part.substring(e.length()));
        break;
      }
    for (String e : STANDING_ELEMENTS) if (part.startsWith(e) && part.length() - e.length() >= 3) out.add(e);
    return out;
  }

  private static List<String> gaelicVariants(String word) {
    for (int c = 0; c < PREFIX_RE.length; c++) {
      Matcher m = PREFIX_RE[c].matcher(word);
      if (m.find()) {
        List<String> out = new ArrayList<>();
        for (String f : PREFIX_FORMS[c]) out.add(f + word.substring(m.end()));
        return out;
      }
    }
    return List.of();
  }

  private static List<String> withSpellings(String value) {
    List<String> out = new ArrayList<>();
    out.add(value);
    String german = value;
    for (int i = 0; i < TWO_LETTER.length; i++) german = Js.replaceAll(german, TWO_LETTER[i], TWO_LETTER_WITH[i]);
    if (!german.equals(value)) out.add(german);
    return out;
  }

  private void addFolded(Set<String> into, String s) {
    String f = fold.foldString(s);
    if (f.length() >= 2) into.add(f);
  }

  List<String> nameRenderings(String value) {
    Set<String> needles = new LinkedHashSet<>();
    for (String v : withSpellings(Js.trim(value))) {
      addFolded(needles, v);
      addFolded(needles, Js.replaceAll(v, SEPARATORS_DROPPED, ""));
      for (String g : gaelicVariants(v)) addFolded(needles, g);
      for (String part : Js.split(v, NAME_PARTS)) {
        String folded = fold.foldString(part);
        if (folded.length() >= 2 && !PARTICLES.contains(folded)) needles.add(folded);
        for (String g : gaelicVariants(part)) addFolded(needles, g);
      }
    }
    return new ArrayList<>(needles);
  }

  List<String> addressRenderings(String value) {
    Set<String> needles = new LinkedHashSet<>();
    addFolded(needles, value);
    List<String> parts = Js.split(value, ADDRESS_PARTS);
    List<String> all = new ArrayList<>(parts);
    // A part without apostrophes would only give its needles again.
    for (String p : parts) {
      String plain = Js.replaceAll(p, APOSTROPHES, "");
      if (!plain.equals(p)) all.add(plain);
    }
    for (String part : all) {
      String folded = fold.foldString(part);
      if (!Js.test(THREE_LETTERS, Js.replaceAll(folded, UNIT_WORDS, ""))) continue;
      needles.add(folded);
      // "Heatherlea Care Home", "c/o Salvation Army Hostel": a note names the place without its kind.
      Matcher establishment = ESTABLISHMENT.matcher(folded);
      if (establishment.find() && Js.test(THREE_LETTERS, establishment.group("name")))
        needles.add(establishment.group("name"));
      Matcher house = HOUSE.matcher(folded + " ");
      boolean housed = house.find();
      String rest = housed ? Js.trim(Js.slice(folded, house.end())) : folded;
      List<String> words = new ArrayList<>();
      for (String w : rest.split(" ", -1)) if (!w.isEmpty()) words.add(w);
      String last = words.isEmpty() ? null : words.get(words.size() - 1);
      String[] forms = last == null ? null : TYPE_FORMS.get(last);
      List<String> stems = new ArrayList<>();
      List<String> name;
      if (forms == null) {
        stems.add(String.join(" ", words));
        name = words;
      } else {
        name = words.subList(0, words.size() - 1);
        for (String f : forms) {
          List<String> s = new ArrayList<>(name);
          s.add(f);
          stems.add(String.join(" ", s));
        }
      }
      for (String street : stems) {
        if (String.join("", name).length() >= 3) needles.add(street);
        if (housed) {
          String number = house.group(1);
          String letter = house.group(2);
          needles.add(number + " " + street);
          if (letter != null && !letter.isEmpty()) {
            needles.add(number + letter + " " + street);
            needles.add(number + " " + letter + " " + street);
          }
        }
      }
    }
    return new ArrayList<>(needles);
  }
}
