package uk.nhs.anonymisation.bench.kstreams;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Unicode → ASCII transliteration with the table of the any-ascii npm package the TypeScript engine uses, read at
 * start-up from that package's own `block.js` (one `case <block>:return"<tab-separated transliterations>"` per block
 * of 256 code points), so both engines transliterate from the same data.
 */
final class AnyAscii {
  private static final String[] EMPTY_BLOCK = {""};
  private final Map<Integer, String[]> blocks = new HashMap<>();

  AnyAscii(Path nodeModules) throws IOException {
    String js = Files.readString(nodeModules.resolve("any-ascii/block.js"), StandardCharsets.UTF_8);
    int at = 0;
    for (; ; ) {
      int c = js.indexOf("case ", at);
      if (c < 0) break;
      int colon = js.indexOf(':', c);
      int block = Integer.parseInt(js.substring(c + 5, colon).trim());
      int open = js.indexOf("return\"", colon);
      if (open < 0 || open - colon > 2) throw new IOException("any-ascii/block.js: unexpected layout at " + c);
      StringBuilder s = new StringBuilder();
      int i = open + 7;
      for (; ; i++) {
        char ch = js.charAt(i);
        if (ch == '"') break;
        if (ch == '\\') {
          char e = js.charAt(++i);
          switch (e) {
            case 'n' -> s.append('\n');
            case 't' -> s.append('\t');
            case 'u' -> {
              s.append((char) Integer.parseInt(js.substring(i + 1, i + 5), 16));
              i += 4;
            }
            default -> s.append(e);
          }
        } else s.append(ch);
      }
      blocks.put(block, s.toString().split("\t", -1));
      at = i + 1;
    }
    if (blocks.size() < 100) throw new IOException("any-ascii/block.js: only " + blocks.size() + " blocks found");
  }

  /** anyAscii(string): code point by code point (a lone surrogate counts as one), ASCII kept as it is. */
  String transliterate(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      if (cp <= 0x7f) {
        out.appendCodePoint(cp);
        continue;
      }
      String[] b = blocks.getOrDefault(cp >>> 8, EMPTY_BLOCK);
      int lo = cp & 0xff;
      if (b.length > lo) out.append(b[lo]);
    }
    return out.toString();
  }
}
