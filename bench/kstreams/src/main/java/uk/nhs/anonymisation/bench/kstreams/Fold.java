package uk.nhs.anonymisation.bench.kstreams;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Port of anonymise/text/fold.ts: one comparable form of a note and of the record's identifiers (transliterated,
 * lower case, runs of separators as one space), with, for each folded character, the range of the original text it
 * came from.
 */
final class Fold {
  record Folded(String text, int[] start, int[] end) {}

  private final AnyAscii anyAscii;
  private final Map<Integer, String> transliterated = new HashMap<>();

  Fold(AnyAscii anyAscii) {
    this.anyAscii = anyAscii;
  }

  static boolean isSeparator(int code) {
    return code == 32
        || (code >= 9 && code <= 13)
        || code == 39
        || code == 45
        || code == 46
        || code == 44
        || code == 96
        || code == 0xa0
        || code == 0xb4
        || (code >= 0x2010 && code <= 0x2015)
        || code == 0x2018
        || code == 0x2019
        || code == 0x02bc
        || code == 0x2032
        || code == 0x202f
        || code == 0x3000;
  }

  private String foldCodePoint(int cp) {
    String out = transliterated.get(cp);
    if (out == null) {
      String t = Js.lower(anyAscii.transliterate(new String(Character.toChars(cp))));
      StringBuilder kept = new StringBuilder(t.length());
      for (int i = 0; i < t.length(); i++) {
        char c = t.charAt(i);
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) kept.append(c);
      }
      out = kept.toString();
      if (transliterated.size() < 50_000) transliterated.put(cp, out);
    }
    return out;
  }

  Folded foldText(String text) {
    int capacity = text.length() + 16;
    int[] start = new int[capacity];
    int[] end = new int[capacity];
    StringBuilder out = new StringBuilder(text.length());
    int n = 0;
    boolean inSeparator = false;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      int width = cp > 0xffff ? 2 : 1;
      String piece = null;
      if (isSeparator(cp)) {
        if (inSeparator) end[n - 1] = i + width;
        else piece = " ";
        inSeparator = true;
      } else if (cp < 128) {
        piece = String.valueOf((char) (cp >= 65 && cp <= 90 ? cp + 32 : cp));
        inSeparator = false;
      } else {
        String folded = foldCodePoint(cp);
        if (!folded.isEmpty()) {
          piece = folded;
          inSeparator = false;
        } else if (n > 0) {
          end[n - 1] = i + width;
        }
      }
      if (piece != null) {
        for (int k = 0; k < piece.length(); k++) {
          if (n >= capacity) {
            capacity *= 2;
            start = Arrays.copyOf(start, capacity);
            end = Arrays.copyOf(end, capacity);
          }
          start[n] = i;
          end[n] = i + width;
          n++;
        }
        out.append(piece);
      }
      i += width;
    }
    return new Folded(out.toString(), Arrays.copyOf(start, n), Arrays.copyOf(end, n));
  }

  String foldString(String s) {
    return Js.trim(foldText(s).text());
  }

  /** A gazetteer key: ASCII letters only, lower case. */
  String keyOf(String word) {
    boolean ascii = true;
    for (int i = 0; i < word.length(); i++) {
      if (word.charAt(i) >= 128) {
        ascii = false;
        break;
      }
    }
    String s = Js.lower(ascii ? word : anyAscii.transliterate(word));
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 'a' && c <= 'z') out.append(c);
    }
    return out.toString();
  }

  static boolean isFoldedWordChar(int code) {
    return (code >= 48 && code <= 57) || (code >= 97 && code <= 122);
  }
}
