package uk.nhs.anonymisation.bench.kstreams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Port of anonymise/policy.ts and the operators (anonymise/operators/): the policy is read from the `x-anonymise`
 * attributes of the raw schema and compiled once; anything unknown stops start-up (fail closed). The compiled policy
 * is immutable and shared by the stream threads; per-record state lives in Anonymiser.
 */
final class Policy {
  static final String ATTRIBUTE = "x-anonymise";
  static final long MS_PER_DAY = 86_400_000L;
  static final String REDACTED = "[REDACTED]";
  private static final Set<String> COMMON_KEYS = Set.of("op", "as", "pseudonymisation", "redaction");
  private static final Pattern OUTPUT_NAME = Js.regex("^[A-Za-z_][A-Za-z0-9_]{0,63}$");
  private static final Pattern TOKEN_PREFIX = Js.regex("^[A-Z]{2,5}$");

  /** A field's type: nullable, base (a primitive name or "array"), logical type, array item type. */
  record Shape(String name, boolean nullable, String base, String logicalType, String items) {
    boolean dateLike() {
      return (base.equals("int") && "date".equals(logicalType))
          || (base.equals("long") && "timestamp-millis".equals(logicalType));
    }
  }

  record Ref(String field, String prefix, String normaliser) {}

  /** A record-level refusal: a code and the field NAME, never a value. */
  record Failure(String code, String field) {}

  record Withhold(String reason) {}

  /** What one operation does to one field's value; returns the output value, a Failure, a Withhold or SUPPRESS. */
  interface Operation {
    Object apply(Object value, Anonymiser.Context ctx);
  }

  static final Object SUPPRESS = new Object();

  record Compiled(String field, String output, boolean gate, Operation operation) {}

  final String version;
  final String strategy;
  final List<Compiled> gates = new ArrayList<>();
  final List<Compiled> fields = new ArrayList<>();
  final Set<String> knownFields = new LinkedHashSet<>();
  final List<String> outputs = new ArrayList<>();
  private final Map<String, Shape> shapes = new LinkedHashMap<>();
  private final Map<String, List<JsonNode>> annotations = new LinkedHashMap<>();

  static IllegalArgumentException bad(String field, String message) {
    return new IllegalArgumentException("ANON_POLICY_INVALID: field '" + field + "': " + message);
  }

  Policy(JsonNode rawSchema, String strategy) {
    if (!strategy.equals("pseudonymisation") && !strategy.equals("redaction"))
      throw new IllegalArgumentException("ANON_STRATEGY_INVALID: strategy must be pseudonymisation or redaction");
    this.strategy = strategy;
    if (!"record".equals(rawSchema.path("type").asText()) || !rawSchema.path("fields").isArray())
      throw new IllegalArgumentException("ANON_SCHEMA_INVALID: the raw schema must be an Avro record schema");
    JsonNode v = rawSchema.path(ATTRIBUTE).path("policy_version");
    if (!v.isTextual() || v.asText().isEmpty() || v.asText().length() > 64)
      throw new IllegalArgumentException("ANON_POLICY_VERSION_MISSING");
    version = v.asText();
    for (JsonNode f : rawSchema.get("fields")) {
      String name = f.path("name").asText();
      shapes.put(name, shapeOf(name, f.get("type")));
      JsonNode raw = f.get(ATTRIBUTE);
      if (raw == null) throw new IllegalArgumentException("ANON_POLICY_MISSING: field '" + name + "'");
      List<JsonNode> list = new ArrayList<>();
      if (raw.isArray()) raw.forEach(list::add);
      else list.add(raw);
      if (list.isEmpty() || !list.stream().allMatch(JsonNode::isObject))
        throw new IllegalArgumentException("ANON_POLICY_INVALID: field '" + name + "'");
      annotations.put(name, list);
    }
    knownFields.addAll(shapes.keySet());
    Set<String> outputNames = new HashSet<>();
    for (Map.Entry<String, List<JsonNode>> e : annotations.entrySet()) {
      String name = e.getKey();
      List<Compiled> compiled = new ArrayList<>();
      for (JsonNode base : e.getValue()) {
        JsonNode annotation = forStrategy(base, name);
        String op = annotation.path("op").asText("");
        List<String> params = PARAMS.get(op);
        if (params == null) throw new IllegalArgumentException("ANON_UNKNOWN_OPERATOR: field '" + name + "'");
        for (Iterator<String> it = annotation.fieldNames(); it.hasNext(); ) {
          String key = it.next();
          if (!COMMON_KEYS.contains(key) && !params.contains(key))
            throw bad(name, "operator '" + op + "' has no parameter '" + key + "'");
        }
        Shape shape = shapes.get(name);
        Operation operation = compile(op, annotation, shape);
        boolean writes = !op.equals("suppress") && !op.equals("consent");
        String output = null;
        if (writes) {
          JsonNode as = annotation.get("as");
          output = as == null || as.isNull() ? name : as.asText();
          if (!Js.test(OUTPUT_NAME, output) || !outputNames.add(output))
            throw bad(name, "output name is invalid or used twice");
          outputs.add(output);
        }
        compiled.add(new Compiled(name, output, op.equals("consent"), operation));
      }
      if (compiled.stream().anyMatch(Compiled::gate)) {
        if (compiled.size() > 1) throw bad(name, "a gate must be the field's only operator");
        gates.addAll(compiled);
      } else fields.addAll(compiled);
    }
  }

  /** The strategy applied: a per-field override for it wins; under redaction, pseudonymise becomes redact. */
  private JsonNode forStrategy(JsonNode annotation, String field) {
    JsonNode override = annotation.get(strategy);
    if (override != null) {
      if (!override.isObject()) throw bad(field, "'" + strategy + "' override must be an object");
      ObjectNode merged = ((ObjectNode) override).objectNode();
      if (annotation.has("as")) merged.set("as", annotation.get("as"));
      for (Map.Entry<String, JsonNode> f : override.properties()) merged.set(f.getKey(), f.getValue());
      return merged;
    }
    if (strategy.equals("redaction") && "pseudonymise".equals(annotation.path("op").asText())) {
      ObjectNode redact = ((ObjectNode) annotation).objectNode();
      redact.put("op", "redact");
      if (annotation.has("as")) redact.set("as", annotation.get("as"));
      return redact;
    }
    return annotation;
  }

  private static final Map<String, List<String>> PARAMS =
      Map.of(
          "keep", List.of("pattern", "allowed", "maxLength"),
          "pseudonymise", List.of("prefix", "normalise"),
          "redact", List.of(),
          "suppress", List.of(),
          "generalise", List.of("to", "reference", "width", "topCode"),
          "date-shift", List.of("maxDays", "subject"),
          "scrub-text", List.of("maxLength", "own", "nicknames"),
          "consent", List.of());

  private static Shape shapeOf(String name, JsonNode type) {
    boolean nullable = false;
    if (type.isArray()) {
      List<JsonNode> branches = new ArrayList<>();
      type.forEach(b -> {
        if (!(b.isTextual() && b.asText().equals("null"))) branches.add(b);
      });
      if (branches.size() != 1 || type.size() != 2) throw bad(name, "unsupported union");
      nullable = true;
      type = branches.get(0);
    }
    if (type.isTextual()) return new Shape(name, nullable, type.asText(), null, null);
    String base = type.path("type").asText();
    if (base.equals("array")) return new Shape(name, nullable, "array", null, type.path("items").asText());
    JsonNode logical = type.get("logicalType");
    return new Shape(name, nullable, base, logical == null ? null : logical.asText(), null);
  }

  private static int optionalInt(JsonNode params, String key, String field, int min, int max, int fallback) {
    JsonNode v = params.get(key);
    if (v == null) return fallback;
    if (!v.isIntegralNumber() || v.asLong() < min || v.asLong() > max)
      throw bad(field, "'" + key + "' must be an integer from " + min + " to " + max);
    return v.asInt();
  }

  private Ref pseudonymRef(String field) {
    Shape shape = shapes.get(field);
    if (shape == null) return null;
    for (JsonNode a : annotations.get(field)) {
      if ("pseudonymise".equals(a.path("op").asText())) return refOf(a, shape);
    }
    return null;
  }

  private static Ref refOf(JsonNode params, Shape shape) {
    if (!shape.base().equals("string")) throw bad(shape.name(), "operator 'pseudonymise' needs a string field");
    String prefix = params.path("prefix").asText("");
    String normaliser = params.path("normalise").asText("");
    if (!Js.test(TOKEN_PREFIX, prefix)) throw bad(shape.name(), "'prefix' must be 2-5 capital letters");
    if (!Pseudonymiser.isNormaliser(normaliser)) throw bad(shape.name(), "unknown 'normalise'");
    return new Ref(shape.name(), prefix, normaliser);
  }

  private Operation compile(String op, JsonNode params, Shape f) {
    switch (op) {
      case "keep":
        return keep(params, f);
      case "pseudonymise":
        {
          Ref ref = refOf(params, f);
          return (value, ctx) -> {
            if (value == null) return null;
            String token = ctx.tokenOf(ref);
            return token != null ? token : new Failure("ANON_VALUE_INVALID", f.name());
          };
        }
      case "redact":
        return (value, ctx) -> value == null ? null : REDACTED;
      case "suppress":
        return (value, ctx) -> SUPPRESS;
      case "generalise":
        return generalise(params, f);
      case "date-shift":
        return dateShift(params, f);
      case "scrub-text":
        return scrubText(params, f);
      case "consent":
        if (!f.base().equals("boolean")) throw bad(f.name(), "'consent' needs a boolean field");
        return (value, ctx) -> {
          if (Boolean.TRUE.equals(value)) return new Withhold("OPTED_OUT");
          if (value == null) return new Withhold("CONSENT_MISSING");
          return SUPPRESS;
        };
      default:
        throw new IllegalArgumentException("ANON_UNKNOWN_OPERATOR: field '" + f.name() + "'");
    }
  }

  private static Operation keep(JsonNode params, Shape f) {
    boolean stringy = f.base().equals("string") || (f.base().equals("array") && "string".equals(f.items()));
    JsonNode pattern = params.get("pattern");
    JsonNode allowed = params.get("allowed");
    if ((pattern != null || allowed != null || params.has("maxLength")) && !stringy)
      throw bad(f.name(), "'pattern', 'allowed' and 'maxLength' apply to string fields only");
    if (stringy && pattern == null && allowed == null)
      throw bad(f.name(), "'keep' on a string field needs 'pattern' or 'allowed'");
    Pattern re = null;
    if (pattern != null) {
      String p = pattern.asText();
      if (!pattern.isTextual() || !p.startsWith("^") || !p.endsWith("$"))
        throw bad(f.name(), "'pattern' must be an anchored regular expression (^...$)");
      re = Js.regex(p, "u");
    }
    Set<String> allow = null;
    if (allowed != null) {
      allow = new HashSet<>();
      for (JsonNode a : allowed) allow.add(a.asText());
    }
    int maxLength = optionalInt(params, "maxLength", f.name(), 1, 10_000, 256);
    Pattern finalRe = re;
    Set<String> finalAllow = allow;
    return (value, ctx) -> {
      if (value instanceof String s)
        return keepString(s, finalRe, finalAllow, maxLength) ? s : new Failure("ANON_VALUE_INVALID", f.name());
      if (value instanceof List<?> list && (finalRe != null || finalAllow != null)) {
        for (Object item : list)
          if (!keepString((String) item, finalRe, finalAllow, maxLength))
            return new Failure("ANON_VALUE_INVALID", f.name());
      }
      return value;
    };
  }

  private static boolean keepString(String s, Pattern re, Set<String> allowed, int maxLength) {
    return s.length() <= maxLength && (allowed == null || allowed.contains(s)) && (re == null || Js.test(re, s));
  }

  // ---- generalise (anonymise/generalise.ts, postcode.ts) ----

  static int yearOf(int days) {
    return LocalDate.ofEpochDay(days).getYear();
  }

  static String monthOf(int days) {
    LocalDate d = LocalDate.ofEpochDay(days);
    return d.getYear() + "-" + (d.getMonthValue() < 10 ? "0" : "") + d.getMonthValue();
  }

  static int ageInYears(long birthDays, long referenceDays) {
    LocalDate b = LocalDate.ofEpochDay(birthDays);
    LocalDate r = LocalDate.ofEpochDay(referenceDays);
    int age = r.getYear() - b.getYear();
    boolean beforeBirthday =
        r.getMonthValue() < b.getMonthValue()
            || (r.getMonthValue() == b.getMonthValue() && r.getDayOfMonth() < b.getDayOfMonth());
    if (beforeBirthday) age--;
    return age;
  }

  static String ageBand(int age, int width, int topCode) {
    if (age >= topCode) return topCode + "+";
    int low = Math.floorDiv(age, width) * width;
    return low + "-" + Math.min(low + width - 1, topCode - 1);
  }

  private static final Pattern POSTCODE = Js.regex("^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9])([A-Z]{2})$");
  private static final Pattern WHITE = Js.regex("\\s", "g");

  /** [outward, sector] or null when not a UK postcode. */
  static String[] parsePostcode(String raw) {
    if (raw.length() > 16) return null;
    String compact = Js.upper(Js.replaceAll(raw, WHITE, ""));
    if (compact.equals("GIR0AA")) return new String[] {"GIR", "GIR 0"};
    Matcher m = POSTCODE.matcher(Js.slice(compact, 0, -3) + " " + Js.slice(compact, -3));
    if (!m.find()) return null;
    return new String[] {m.group(1), m.group(1) + " " + m.group(2)};
  }

  private Operation generalise(JsonNode params, Shape f) {
    String to = params.path("to").asText("");
    if (to.equals("postcode-district") || to.equals("postcode-sector")) {
      if (!f.base().equals("string")) throw bad(f.name(), "generalise to postcode needs a string field");
      int part = to.equals("postcode-district") ? 0 : 1;
      return (value, ctx) -> {
        if (value == null) return null;
        String[] p = parsePostcode((String) value);
        return p == null ? null : p[part];
      };
    }
    if (!List.of("year", "month", "age-band").contains(to)) throw bad(f.name(), "unknown 'to'");
    if (!f.base().equals("int") || !"date".equals(f.logicalType()))
      throw bad(f.name(), "generalise to '" + to + "' needs a date field");
    Shape reference = null;
    if (params.has("reference")) {
      reference = shapes.get(params.get("reference").asText());
      if (reference == null || !reference.dateLike())
        throw bad(f.name(), "'reference' must name a date or timestamp-millis field");
    }
    Integer topCodeParam = params.has("topCode") ? optionalInt(params, "topCode", f.name(), 1, 150, 90) : null;
    if ((to.equals("age-band") || topCodeParam != null) && reference == null)
      throw bad(f.name(), "age bands and top-coding need a 'reference' date field");
    if (to.equals("month") && topCodeParam != null) throw bad(f.name(), "'topCode' applies to year and age-band");
    int width = optionalInt(params, "width", f.name(), 1, 50, 5);
    Integer topCode = to.equals("age-band") ? (topCodeParam == null ? 90 : topCodeParam) : topCodeParam;
    Shape ref = reference;
    return (value, ctx) -> {
      if (value == null) return null;
      int days = (Integer) value;
      if (to.equals("month")) return monthOf(days);
      Integer age = null;
      if (ref != null) {
        Object r = ctx.record().get(ref.name());
        if (!(r instanceof Number n)) return null;
        long refDays =
            "timestamp-millis".equals(ref.logicalType()) ? Math.floorDiv(n.longValue(), MS_PER_DAY) : n.longValue();
        age = ageInYears(days, refDays);
        if (age < 0) return new Failure("ANON_VALUE_INVALID", f.name());
      }
      if (to.equals("age-band")) return ageBand(age, width, topCode);
      if (topCode != null && age != null && age >= topCode) return null;
      return yearOf(days);
    };
  }

  // ---- date-shift ----

  private Operation dateShift(JsonNode params, Shape f) {
    if (!f.dateLike()) throw bad(f.name(), "date-shift needs a date or timestamp-millis field");
    JsonNode subject = params.get("subject");
    if (subject == null || !subject.isArray() || subject.isEmpty())
      throw bad(f.name(), "'subject' must list the pseudonymised fields that identify the patient");
    List<Ref> subjects = new ArrayList<>();
    for (JsonNode s : subject) {
      Ref ref = s.isTextual() ? pseudonymRef(s.asText()) : null;
      if (ref == null) throw bad(f.name(), "every 'subject' must name a field whose policy is 'pseudonymise'");
      subjects.add(ref);
    }
    int maxDays = optionalInt(params, "maxDays", f.name(), 1, 3650, 180);
    boolean timestamp = "timestamp-millis".equals(f.logicalType());
    return (value, ctx) -> {
      if (value == null) return null;
      String token = null;
      for (Ref s : subjects) {
        token = ctx.tokenOf(s);
        if (token != null) break;
      }
      if (token == null) return new Failure("ANON_VALUE_INVALID", subjects.get(0).field());
      int offset = ctx.pseudonymiser().dateShiftDays(token, maxDays);
      return timestamp ? (Object) ((Long) value + offset * MS_PER_DAY) : (Object) ((Integer) value + offset);
    };
  }

  // ---- scrub-text ----

  private record OwnField(String field, String entity, Ref ref, boolean otherNames) {}

  private Operation scrubText(JsonNode params, Shape f) {
    if (!f.base().equals("string")) throw bad(f.name(), "operator 'scrub-text' needs a string field");
    JsonNode ownParam = params.has("own") ? params.get("own") : null;
    if (ownParam != null && !ownParam.isObject()) throw bad(f.name(), "'own' must map field names to entity types");
    java.util.Set<String> nicknames = new java.util.HashSet<>();
    if (params.has("nicknames")) {
      if (!params.get("nicknames").isArray()) throw bad(f.name(), "'nicknames' must list fields of 'own'");
      for (JsonNode n : params.get("nicknames")) nicknames.add(n.asText());
    }
    List<OwnField> own = new ArrayList<>();
    Ref nhs = null;
    if (ownParam != null) {
      for (Map.Entry<String, JsonNode> e : ownParam.properties()) {
        Shape shape = shapes.get(e.getKey());
        if (shape == null || !shape.base().equals("string"))
          throw bad(f.name(), "'own' names '" + e.getKey() + "', which is not a string field");
        String entity = e.getValue().asText();
        if (!ScrubText.ENTITY_TYPES.contains(entity)) throw bad(f.name(), "'own." + e.getKey() + "' is unknown");
        Ref ref = pseudonymRef(e.getKey());
        own.add(new OwnField(e.getKey(), entity, ref, nicknames.contains(e.getKey())));
        if (entity.equals("NHS_NUMBER") && ref != null) nhs = ref;
      }
    }
    int maxLength = optionalInt(params, "maxLength", f.name(), 1, 100_000, 10_000);
    Ref nhsRef = nhs;
    boolean pseudonymisation = strategy.equals("pseudonymisation");
    return (value, ctx) -> {
      if (value == null) return null;
      String text = (String) value;
      if (text.length() > maxLength) return new Failure("ANON_TEXT_TOO_LONG", f.name());
      List<ScrubText.Own> ids = new ArrayList<>();
      for (OwnField o : own) {
        Object v = ctx.record().get(o.field());
        if (!(v instanceof String s) || Js.trim(s).isEmpty()) continue;
        String replacement = pseudonymisation && o.ref() != null ? ctx.tokenOf(o.ref()) : null;
        ids.add(new ScrubText.Own(Js.trim(s), o.entity(), replacement, o.otherNames()));
      }
      java.util.function.UnaryOperator<String> nhsToken = null;
      if (pseudonymisation && nhsRef != null) {
        nhsToken =
            digits -> {
              String n = Pseudonymiser.normalise(nhsRef.normaliser(), digits);
              return ctx.pseudonymiser().token(nhsRef.prefix(), n != null ? n : digits);
            };
      }
      return ctx.scrubber().scrub(text, ids, nhsToken, ctx.personNames(), new HashMap<>());
    };
  }
}
