package uk.nhs.anonymisation.bench.kstreams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;

/**
 * What every stream task shares, loaded once: the compiled policy, both schemas, the key, the transliteration
 * table and the gazetteer (immutable after loading). `anonymiser()` builds the per-task parts.
 */
final class Engine {
  final Policy policy;
  final Schema rawSchema;
  final Schema anonymisedSchema;
  private final Pseudonymiser.Key key;
  private final AnyAscii anyAscii;
  private final Gazetteer gazetteer;
  private final Map<String, List<String>> nicknames;
  private final String pipelineVersion;
  private final boolean personNames;

  Engine(
      Path rawSchemaFile,
      Path anonymisedSchemaFile,
      Path nodeModules,
      Path nicknamesCsv,
      String keyringJson,
      String strategy,
      String pipelineVersion,
      boolean personNames)
      throws IOException {
    String raw = Files.readString(rawSchemaFile);
    String anonymised = Files.readString(anonymisedSchemaFile);
    JsonNode rawJson = new ObjectMapper().readTree(raw);
    this.policy = new Policy(rawJson, strategy);
    this.rawSchema = new Schema.Parser().parse(raw);
    this.anonymisedSchema = new Schema.Parser().parse(anonymised);
    Set<String> expected = new HashSet<>(policy.outputs);
    expected.addAll(Set.of("policy_version", "strategy", "key_id", "pipeline_version"));
    Set<String> actual = new HashSet<>();
    for (Schema.Field f : anonymisedSchema.getFields()) actual.add(f.name());
    if (!expected.equals(actual))
      throw new IllegalArgumentException("ANON_OUTPUT_MISMATCH: the policy's outputs are not the anonymised schema's fields");
    this.key = Pseudonymiser.Key.fromKeyring(keyringJson);
    this.anyAscii = new AnyAscii(nodeModules);
    this.gazetteer = new Gazetteer(nodeModules, new Fold(anyAscii));
    this.nicknames = OwnRenderings.loadNicknames(nicknamesCsv);
    this.pipelineVersion = pipelineVersion;
    this.personNames = personNames;
  }

  /** A new anonymiser with its own caches (one per stream task; the shared parts are read-only). */
  Anonymiser anonymiser() {
    Fold fold = new Fold(anyAscii);
    ScrubText scrubber = new ScrubText(fold, new OwnRenderings(fold, nicknames, gazetteer.wordLevel), new PersonNames(fold, gazetteer), gazetteer);
    return new Anonymiser(policy, new Pseudonymiser(key, 50_000), scrubber, personNames, pipelineVersion);
  }

  String keyId() {
    return key.id();
  }
}
