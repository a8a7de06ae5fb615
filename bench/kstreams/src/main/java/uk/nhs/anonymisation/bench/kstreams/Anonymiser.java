package uk.nhs.anonymisation.bench.kstreams;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Port of anonymise/anonymiser.ts: one record → anonymised (the output fields and the four stamps), withheld (the
 * consent gate) or failed (a code and a field name). Never throws for record content: an unexpected error refuses
 * the record as ANON_INTERNAL. One instance per stream thread (its pseudonym cache and scrubber memos are not
 * shared); the compiled policy and the gazetteer are.
 */
final class Anonymiser {
  sealed interface Result permits Anonymised, Withheld, Failed {}

  record Anonymised(Map<String, Object> value) implements Result {}

  record Withheld(String reason) implements Result {}

  record Failed(String code, String field) implements Result {}

  /** What an operation sees of the record: its values, the key, the scrubber, and tokens memoised per record. */
  record Context(
      Map<String, Object> record,
      Pseudonymiser pseudonymiser,
      ScrubText scrubber,
      boolean personNames,
      Map<String, String> tokens) {
    String tokenOf(Policy.Ref ref) {
      if (tokens.containsKey(ref.field())) return tokens.get(ref.field());
      Object raw = record.get(ref.field());
      String normalised = raw instanceof String s ? Pseudonymiser.normalise(ref.normaliser(), s) : null;
      String token = normalised == null ? null : pseudonymiser.token(ref.prefix(), normalised);
      tokens.put(ref.field(), token);
      return token;
    }
  }

  private final Policy policy;
  private final Pseudonymiser pseudonymiser;
  private final ScrubText scrubber;
  private final boolean personNames;
  private final String pipelineVersion;

  Anonymiser(
      Policy policy, Pseudonymiser pseudonymiser, ScrubText scrubber, boolean personNames, String pipelineVersion) {
    this.policy = policy;
    this.pseudonymiser = pseudonymiser;
    this.scrubber = scrubber;
    this.personNames = personNames;
    this.pipelineVersion = pipelineVersion;
  }

  Result anonymise(Map<String, Object> record) {
    try {
      return run(record);
    } catch (RuntimeException e) {
      return new Failed("ANON_INTERNAL", null);
    }
  }

  private Result run(Map<String, Object> record) {
    for (String name : record.keySet())
      if (!policy.knownFields.contains(name)) return new Failed("ANON_FIELD_UNKNOWN", name);
    for (String name : policy.knownFields)
      if (!record.containsKey(name)) return new Failed("ANON_FIELD_MISSING", name);
    Context ctx = new Context(record, pseudonymiser, scrubber, personNames, new HashMap<>());
    for (Policy.Compiled g : policy.gates) {
      Object verdict = g.operation().apply(record.get(g.field()), ctx);
      if (verdict instanceof Policy.Withhold w) return new Withheld(w.reason());
      if (verdict instanceof Policy.Failure f) return new Failed(f.code(), f.field());
    }
    Map<String, Object> value = new LinkedHashMap<>();
    for (Policy.Compiled op : policy.fields) {
      Object out = op.operation().apply(record.get(op.field()), ctx);
      if (out instanceof Policy.Failure f) return new Failed(f.code(), f.field());
      if (op.output() != null) value.put(op.output(), out);
    }
    value.put("policy_version", policy.version);
    value.put("strategy", policy.strategy);
    value.put("key_id", pseudonymiser.keyId());
    value.put("pipeline_version", pipelineVersion);
    return new Anonymised(value);
  }
}
