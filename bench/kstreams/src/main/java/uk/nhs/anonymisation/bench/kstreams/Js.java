package uk.nhs.anonymisation.bench.kstreams;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The few JavaScript semantics the TypeScript engine relies on that Java does differently: white space (JS `\s`
 * and `trim()` know the Unicode spaces, Java's `\s` and `trim()` do not), `$` (Java also matches before a final line
 * break), `.` (Java also stops at U+0085), `\b` (JS is ASCII-only; Java 17 looks at Unicode letters), `[` and `&&`
 * inside a character class (nested classes and intersection in Java), and `split` keeping trailing empty strings.
 * Patterns are written exactly as in the TypeScript source and translated here once, at start-up.
 */
final class Js {
  private Js() {}

  /** The characters of JavaScript's `\s` (and of `String.prototype.trim`). */
  static final String SPACE_CHARS =
      "\\t\\n\\u000B\\f\\r \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000\\uFEFF";

  private static String boundary(String word) {
    return "(?:(?<=" + word + ")(?!" + word + ")|(?<!" + word + ")(?=" + word + "))";
  }

  /** JS `\b`: between an ASCII word character and anything else. */
  private static final String BOUNDARY = boundary("[A-Za-z0-9_]");
  /** With flags iu, JS word characters also include the two non-ASCII letters whose case folding is ASCII. */
  private static final String BOUNDARY_IU = boundary("[A-Za-z0-9_\\u017F\\u212A]");
  /**
   * Java's own `\b`, much faster than the look-arounds. From Java 19 on it looks at ASCII word characters as JS
   * does, except that a non-spacing mark after a word character counts as part of the word (JS: not a word
   * character), and that with flags iu JS also counts U+017F and U+212A. So it is used only on text that has none of
   * these (see plain), and only from Java 19 on.
   */
  private static final String NATIVE_BOUNDARY = Runtime.version().feature() >= 19 ? "\\b" : null;

  static boolean isSpace(char c) {
    return c == ' '
        || (c >= '\t' && c <= '\r')
        || c == '\u00A0'
        || c == '\u1680'
        || (c >= '\u2000' && c <= '\u200A')
        || c == '\u2028'
        || c == '\u2029'
        || c == '\u202F'
        || c == '\u205F'
        || c == '\u3000'
        || c == '\uFEFF';
  }

  /** `String.prototype.trim`. */
  static String trim(String s) {
    int from = 0;
    int to = s.length();
    while (from < to && isSpace(s.charAt(from))) from++;
    while (to > from && isSpace(s.charAt(to - 1))) to--;
    return s.substring(from, to);
  }

  /** `String.prototype.toLowerCase` (locale-independent). */
  static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  static String upper(String s) {
    return s.toUpperCase(Locale.ROOT);
  }

  /** `String.prototype.slice(from)`, negative indices counting from the end. */
  static String slice(String s, int from) {
    return slice(s, from, s.length());
  }

  static String slice(String s, int from, int to) {
    int n = s.length();
    int a = from < 0 ? Math.max(n + from, 0) : Math.min(from, n);
    int b = to < 0 ? Math.max(n + to, 0) : Math.min(to, n);
    return a >= b ? "" : s.substring(a, b);
  }

  /** `string.split(regex)`: trailing (and leading) empty strings are kept. */
  static List<String> split(String s, Pattern separator) {
    List<String> out = new ArrayList<>();
    for (String part : separator.split(s, -1)) out.add(part);
    return out;
  }

  /** `regex.test(s)` for a regex without the g or y flag. */
  static boolean test(Pattern p, CharSequence s) {
    return p.matcher(s).find();
  }

  /** `s.replace(regex, replacement)` for a global regex and a literal replacement. */
  static String replaceAll(String s, Pattern p, String literal) {
    return p.matcher(s).replaceAll(Matcher.quoteReplacement(literal));
  }

  /** A matcher that sees the whole input from `from` on, as a JS regex with lastIndex = from does. */
  static Matcher from(Pattern p, CharSequence s, int from) {
    Matcher m = p.matcher(s);
    m.region(from, s.length());
    m.useTransparentBounds(true);
    m.useAnchoringBounds(false);
    return m;
  }

  /**
   * Compiles a JavaScript regular expression source with its flags (i, u; g, y and d change how it is used, not
   * what it matches) into the equivalent Java pattern. Case-insensitive matching: JS without u compares upper-case
   * forms but never maps a non-ASCII character to an ASCII one, which for these ASCII patterns is Java's ASCII-only
   * CASE_INSENSITIVE; JS with u compares simple case foldings, where only U+017F (long s) and U+212A (Kelvin sign)
   * fold into ASCII and dotted/dotless i fold to nothing else. Java's UNICODE_CASE differs there (it lets ı and İ
   * match i), so with iu every letter is expanded into its exact class here instead.
   */
  static Pattern regex(String source, String flags) {
    boolean ignoreCase = flags.indexOf('i') >= 0;
    boolean unicode = flags.indexOf('u') >= 0;
    if (ignoreCase && unicode) return Pattern.compile(translate(source, true));
    return Pattern.compile(translate(source, false), ignoreCase ? Pattern.CASE_INSENSITIVE : 0);
  }

  /** The characters JS (flags iu) treats as the same letter as c. */
  private static String foldClass(char c) {
    if (c < 128) {
      if (!Character.isLetter(c)) return null;
      char l = Character.toLowerCase(c);
      String out = "" + l + Character.toUpperCase(c);
      if (l == 's') out += "\\u017F";
      if (l == 'k') out += "\\u212A";
      return out;
    }
    if (!Character.isLetter(c)) return null;
    String out = "" + c;
    char l = Character.toLowerCase(c);
    char u = Character.toUpperCase(c);
    if (l != c && Character.toUpperCase(l) == c) out += l;
    if (u != c && Character.toLowerCase(u) == c) out += u;
    return out.length() == 1 ? null : out;
  }

  /** A range of ASCII letters in a class, with its other case (and long s, Kelvin sign) for flags iu. */
  private static String foldRange(char lo, char hi) {
    StringBuilder out = new StringBuilder().append(lo).append('-').append(hi);
    boolean lower = lo >= 'a' && hi <= 'z';
    boolean upper = lo >= 'A' && hi <= 'Z';
    if (!lower && !upper) return out.toString();
    char a = lower ? Character.toUpperCase(lo) : Character.toLowerCase(lo);
    char b = lower ? Character.toUpperCase(hi) : Character.toLowerCase(hi);
    out.append(a).append('-').append(b);
    char s = lower ? 's' : 'S';
    char k = lower ? 'k' : 'K';
    if (lo <= s && s <= hi) out.append("\\u017F");
    if (lo <= k && k <= hi) out.append("\\u212A");
    return out.toString();
  }

  static Pattern regex(String source) {
    return regex(source, "");
  }

  /** A pattern with `\b` in two forms: exact (look-arounds) and fast (Java's `\b`) for text that is plain. */
  record Dual(Pattern exact, Pattern fast) {
    Pattern get(boolean plain) {
      return plain ? fast : exact;
    }
  }

  static Dual dual(String source, String flags) {
    Pattern exact = regex(source, flags);
    if (NATIVE_BOUNDARY == null) return new Dual(exact, exact);
    boolean ignoreCase = flags.indexOf('i') >= 0;
    boolean foldCase = ignoreCase && flags.indexOf('u') >= 0;
    int javaFlags = ignoreCase && !foldCase ? Pattern.CASE_INSENSITIVE : 0;
    return new Dual(exact, Pattern.compile(translate(source, foldCase, NATIVE_BOUNDARY), javaFlags));
  }

  /** Whether Java's `\b` gives JS's answers everywhere in `text`: no non-spacing mark, no U+017F, no U+212A. */
  static boolean plain(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x17F) continue;
      int cp = text.codePointAt(i);
      if (cp == 0x17F || cp == 0x212A || Character.getType(cp) == Character.NON_SPACING_MARK) return false;
    }
    return true;
  }

  static String translate(String js, boolean foldCase) {
    return translate(js, foldCase, foldCase ? BOUNDARY_IU : BOUNDARY);
  }

  static String translate(String js, boolean foldCase, String boundary) {
    StringBuilder out = new StringBuilder(js.length() + 32);
    boolean inClass = false;
    for (int i = 0; i < js.length(); i++) {
      char c = js.charAt(i);
      if (c == '\\') {
        if (i + 1 >= js.length()) throw new IllegalArgumentException("pattern ends with a backslash");
        char e = js.charAt(++i);
        switch (e) {
          case 's' -> out.append(inClass ? SPACE_CHARS : "[" + SPACE_CHARS + "]");
          case 'S' -> out.append("[^" + SPACE_CHARS + "]");
          case 'b' -> out.append(inClass ? "\\x08" : boundary);
          case 'B' -> throw new IllegalArgumentException("\\B is not supported");
          case 'd', 'D', 'w', 'W', 'n', 'r', 't', 'f', 'v' -> out.append('\\').append(e == 'v' ? "x0B" : e);
          case 'p', 'P' -> {
            int close = js.indexOf('}', i);
            out.append('\\').append(js, i, close + 1);
            i = close;
          }
          case 'u' -> {
            out.append("\\u").append(js, i + 1, i + 5);
            i += 4;
          }
          case 'x' -> {
            out.append("\\x").append(js, i + 1, i + 3);
            i += 2;
          }
          default -> {
            if (Character.isLetterOrDigit(e)) throw new IllegalArgumentException("unsupported escape \\" + e);
            out.append('\\').append(e);
          }
        }
      } else if (inClass) {
        if (c == ']') inClass = false;
        if (c == '[' || c == '&') out.append('\\');
        if (foldCase && c != ']') {
          if (i + 2 < js.length() && js.charAt(i + 1) == '-' && js.charAt(i + 2) != ']' && js.charAt(i + 2) != '\\') {
            out.append(foldRange(c, js.charAt(i + 2)));
            i += 2;
            continue;
          }
          String folded = foldClass(c);
          out.append(folded != null ? folded : String.valueOf(c));
          continue;
        }
        out.append(c);
      } else if (c == '<' && js.startsWith("(?", i - 2) && i + 1 < js.length() && Character.isLetter(js.charAt(i + 1))) {
        int close = js.indexOf('>', i);
        out.append(js, i, close + 1);
        i = close;
      } else if (foldCase && foldClass(c) != null) {
        out.append('[').append(foldClass(c)).append(']');
      } else {
        switch (c) {
          case '[' -> {
            inClass = true;
            out.append(c);
            // A leading ']' or '^]' is not special in Java either; nothing to do.
          }
          case '$' -> out.append("\\z");
          case '.' -> out.append("[^\\n\\r\\u2028\\u2029]");
          default -> out.append(c);
        }
      }
    }
    return out.toString();
  }
}
