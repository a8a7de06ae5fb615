package uk.nhs.anonymisation.bench.kstreams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.Schema;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * The Kafka Streams baseline: raw topic → decode (registry wire format) → anonymise (the ported policy) → split:
 * withheld → a small topic of (partition, offset, reason), failed → the dead-letter topic (raw bytes and error
 * headers), anonymised → the anonymised topic (Avro, registry framing). exactly_once_v2, Kafka only.
 *
 * <pre>
 * java -jar kstreams-baseline.jar stream --bootstrap H:P --registry URL --application-id ID --input T --output T
 *      --dead-letter T --withheld T --output-schema-id N --threads N --commit-ms N [--max-poll-records N]
 *      --raw-schema F --anonymised-schema F --node-modules DIR --pipeline-version V [--strategy S] [--state-dir D]
 *      [--warm-up-records N] [--warm-up-passes P] [--batch-size BYTES] [--max-record-bytes N]
 *      [--person-names false]
 * java -jar kstreams-baseline.jar jsonl --in F --out F --raw-schema F --anonymised-schema F --node-modules DIR
 *      --pipeline-version V [--strategy S] [--person-names false]
 * </pre>
 *
 * The keyring comes from the KEYRING_JSON environment variable (never from the command line). Progress is written
 * to stdout as JSON lines: {"event":"starting"}, {"event":"warmed",...}, {"event":"running"},
 * {"event":"first","at":ms}, {"event":"stopped",...} or
 * {"event":"failed","error":...} (error messages name codes and classes, never record values).
 */
public final class Main {
  private Main() {}

  private static final ObjectMapper JSON = new ObjectMapper();

  static synchronized void event(Map<String, Object> fields) {
    try {
      System.out.println(JSON.writeValueAsString(fields));
      System.out.flush();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, String> parse(String[] args, int from) {
    Map<String, String> out = new HashMap<>();
    for (int i = from; i < args.length; i += 2) {
      if (!args[i].startsWith("--") || i + 1 >= args.length)
        throw new IllegalArgumentException("expected --name value pairs, got " + args[i]);
      out.put(args[i].substring(2), args[i + 1]);
    }
    return out;
  }

  private static String need(Map<String, String> a, String name) {
    String v = a.get(name);
    if (v == null) throw new IllegalArgumentException("missing --" + name);
    return v;
  }

  private static Engine engine(Map<String, String> a) throws IOException {
    String keyring = System.getenv("KEYRING_JSON");
    if (keyring == null || keyring.isBlank()) throw new IllegalArgumentException("KEYRING_JSON is not set");
    return new Engine(
        Path.of(need(a, "raw-schema")),
        Path.of(need(a, "anonymised-schema")),
        Path.of(need(a, "node-modules")),
        Path.of(need(a, "nicknames")),
        keyring,
        a.getOrDefault("strategy", "pseudonymisation"),
        need(a, "pipeline-version"),
        !"false".equals(a.get("person-names")));
  }

  public static void main(String[] args) throws Exception {
    if (args.length == 0) throw new IllegalArgumentException("usage: stream|jsonl --name value ...");
    Map<String, String> a = parse(args, 1);
    switch (args[0]) {
      case "stream" -> stream(a);
      case "jsonl" -> jsonl(a);
      default -> throw new IllegalArgumentException("unknown mode " + args[0]);
    }
  }

  // ---- Kafka Streams ----

  enum Kind {
    ANONYMISED,
    WITHHELD,
    FAILED
  }

  /** A routed result: its kind and the bytes to write (already encoded). */
  record Routed(Kind kind, byte[] bytes) {}

  static final AtomicBoolean FIRST = new AtomicBoolean();
  static final AtomicLong ANONYMISED = new AtomicLong();
  static final AtomicLong WITHHELD = new AtomicLong();
  static final AtomicLong FAILED = new AtomicLong();

  static WireCodec codec(Engine engine, Map<String, String> a) {
    return new WireCodec(
        need(a, "registry"),
        engine.rawSchema,
        engine.anonymisedSchema,
        Integer.parseInt(need(a, "output-schema-id")),
        Integer.parseInt(a.getOrDefault("max-record-bytes", "921600")),
        engine.policy.knownFields);
  }

  /** decode → anonymise, per stream task; forwards the routed result with the key and headers of its branch. */
  static final class AnonymiseProcessor implements Processor<byte[], byte[], byte[], Routed> {
    private final Engine engine;
    private final Map<String, String> settings;
    private ProcessorContext<byte[], Routed> context;
    private Anonymiser anonymiser;
    private WireCodec codec;
    private String keyField;

    AnonymiseProcessor(Engine engine, Map<String, String> settings) {
      this.engine = engine;
      this.settings = settings;
    }

    @Override
    public void init(ProcessorContext<byte[], Routed> context) {
      this.context = context;
      this.anonymiser = engine.anonymiser();
      this.codec = codec(engine, settings);
      this.keyField = engine.policy.strategy.equals("pseudonymisation") ? "patient_id" : "record_id";
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
      if (FIRST.compareAndSet(false, true)) event(Map.of("event", "first", "at", System.currentTimeMillis()));
      Anonymiser.Result result;
      String node = "anonymise";
      try {
        result = anonymiser.anonymise(codec.decode(record.value()));
      } catch (WireCodec.Refused refused) {
        result = new Anonymiser.Failed(refused.code, refused.field);
        node = "decode";
      }
      RecordMetadata where = context.recordMetadata().orElseThrow();
      if (result instanceof Anonymiser.Anonymised ok) {
        byte[] bytes;
        try {
          bytes = codec.encode(ok.value());
        } catch (IOException | RuntimeException e) {
          throw new IllegalStateException("encoding an anonymised record failed: " + e.getClass().getSimpleName());
        }
        ANONYMISED.incrementAndGet();
        byte[] key = String.valueOf(ok.value().get(keyField)).getBytes(StandardCharsets.UTF_8);
        context.forward(record.withKey(key).withValue(new Routed(Kind.ANONYMISED, bytes)));
      } else if (result instanceof Anonymiser.Withheld w) {
        WITHHELD.incrementAndGet();
        String body =
            "{\"partition\":" + where.partition() + ",\"offset\":" + where.offset() + ",\"reason\":\"" + w.reason() + "\"}";
        context.forward(
            record
                .withKey((byte[]) null)
                .withValue(new Routed(Kind.WITHHELD, body.getBytes(StandardCharsets.UTF_8)))
                .withHeaders(new RecordHeaders()));
      } else {
        Anonymiser.Failed f = (Anonymiser.Failed) result;
        FAILED.incrementAndGet();
        Headers headers = new RecordHeaders();
        headers.add("errors.reason", f.code().getBytes(StandardCharsets.UTF_8));
        headers.add("errors.node", node.getBytes(StandardCharsets.UTF_8));
        headers.add("errors.topic", where.topic().getBytes(StandardCharsets.UTF_8));
        headers.add("errors.partition", String.valueOf(where.partition()).getBytes(StandardCharsets.UTF_8));
        headers.add("errors.offset", String.valueOf(where.offset()).getBytes(StandardCharsets.UTF_8));
        if (f.field() != null) headers.add("errors.field", f.field().getBytes(StandardCharsets.UTF_8));
        context.forward(record.withValue(new Routed(Kind.FAILED, record.value())).withHeaders(headers));
      }
    }
  }

  static Topology topology(Engine engine, Map<String, String> a) {
    StreamsBuilder builder = new StreamsBuilder();
    Map<String, KStream<byte[], Routed>> branches =
        builder.stream(need(a, "input"), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("raw"))
            .process(() -> new AnonymiseProcessor(engine, a), Named.as("decode-anonymise"))
            .split(Named.as("route-"))
            .branch((k, r) -> r.kind() == Kind.WITHHELD, Branched.as("withheld"))
            .branch((k, r) -> r.kind() == Kind.FAILED, Branched.as("failed"))
            .defaultBranch(Branched.as("anonymised"));
    Produced<byte[], byte[]> bytes = Produced.with(Serdes.ByteArray(), Serdes.ByteArray());
    branches.get("route-withheld").mapValues(Routed::bytes).to(need(a, "withheld"), bytes);
    branches.get("route-failed").mapValues(Routed::bytes).to(need(a, "dead-letter"), bytes);
    branches.get("route-anonymised").mapValues(Routed::bytes).to(need(a, "output"), bytes);
    return builder.build();
  }

  static Properties config(Map<String, String> a) {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, need(a, "application-id"));
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, need(a, "bootstrap"));
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, need(a, "commit-ms"));
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, need(a, "threads"));
    p.put(StreamsConfig.STATE_DIR_CONFIG, a.getOrDefault("state-dir", System.getProperty("java.io.tmpdir")));
    p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
    p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    p.put(
        StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG),
        a.getOrDefault("max-poll-records", "1000"));
    // Output batches of up to 256 KB per partition (the default 16 KB splits a 200 ms commit into many requests).
    p.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), a.getOrDefault("batch-size", "262144"));
    return p;
  }

  /**
   * JIT warm-up before Kafka Streams starts (outside the measured window): the first `records` records of the input
   * are read without a consumer group and decoded, anonymised and encoded `passes` times with a throwaway
   * anonymiser, so the measured run starts with compiled code but with cold caches, as a long-running instance would
   * after a restart. Nothing is committed or produced.
   */
  static void warmUp(Engine engine, Map<String, String> a, int records, int passes) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, need(a, "bootstrap"));
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
    List<byte[]> values = new ArrayList<>();
    long t0 = System.currentTimeMillis();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(need(a, "input")).stream()
              .map(i -> new TopicPartition(i.topic(), i.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      for (int empty = 0; values.size() < records && empty < 3; ) {
        int before = values.size();
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) values.add(r.value());
        empty = values.size() == before ? empty + 1 : 0;
      }
    }
    Anonymiser anonymiser = engine.anonymiser();
    WireCodec codec = codec(engine, a);
    for (int pass = 0; pass < passes; pass++) {
      for (byte[] v : values.subList(0, Math.min(records, values.size()))) {
        try {
          if (anonymiser.anonymise(codec.decode(v)) instanceof Anonymiser.Anonymised ok) codec.encode(ok.value());
        } catch (WireCodec.Refused | IOException e) {
          // Refused records are part of the work too; nothing to do with them here.
        }
      }
    }
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("event", "warmed");
    e.put("records", Math.min(records, values.size()));
    e.put("passes", passes);
    e.put("ms", System.currentTimeMillis() - t0);
    event(e);
  }

  static void stream(Map<String, String> a) throws Exception {
    Engine engine = engine(a);
    int warm = Integer.parseInt(a.getOrDefault("warm-up-records", "0"));
    if (warm > 0) warmUp(engine, a, warm, Integer.parseInt(a.getOrDefault("warm-up-passes", "3")));
    Topology topology = topology(engine, a);
    KafkaStreams streams = new KafkaStreams(topology, config(a));
    CountDownLatch stopped = new CountDownLatch(1);
    streams.setUncaughtExceptionHandler(
        e -> {
          event(Map.of("event", "failed", "error", e.getClass().getName() + ": " + String.valueOf(e.getMessage())));
          return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    streams.setStateListener(
        (now, before) -> {
          if (now == KafkaStreams.State.RUNNING && before == KafkaStreams.State.REBALANCING)
            event(Map.of("event", "running", "at", System.currentTimeMillis()));
          if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) stopped.countDown();
        });
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  streams.close(Duration.ofSeconds(30));
                  Map<String, Object> e = new LinkedHashMap<>();
                  e.put("event", "stopped");
                  e.put("anonymised", ANONYMISED.get());
                  e.put("withheld", WITHHELD.get());
                  e.put("failed", FAILED.get());
                  event(e);
                }));
    event(Map.of("event", "starting", "keyId", engine.keyId()));
    streams.start();
    stopped.await();
    if (streams.state() == KafkaStreams.State.ERROR) System.exit(1);
  }

  // ---- JSON Lines: the engine alone, for checking the port against the TypeScript engine ----

  private static Object fromJson(JsonNode v, Schema type) {
    if (v == null || v.isNull()) return null;
    if (type.getType() == Schema.Type.UNION) {
      for (Schema branch : type.getTypes()) if (branch.getType() != Schema.Type.NULL) return fromJson(v, branch);
    }
    return switch (type.getType()) {
      case INT -> v.asInt();
      case LONG -> v.asLong();
      case BOOLEAN -> v.asBoolean();
      case ARRAY -> {
        List<Object> out = new ArrayList<>();
        for (JsonNode item : v) out.add(fromJson(item, type.getElementType()));
        yield out;
      }
      default -> v.asText();
    };
  }

  static void jsonl(Map<String, String> a) throws IOException {
    Engine engine = engine(a);
    Anonymiser anonymiser = engine.anonymiser();
    try (BufferedReader in = Files.newBufferedReader(Path.of(need(a, "in")));
        BufferedWriter out = Files.newBufferedWriter(Path.of(need(a, "out")))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        JsonNode json = JSON.readTree(line);
        Map<String, Object> record = new LinkedHashMap<>();
        for (Schema.Field f : engine.rawSchema.getFields()) record.put(f.name(), fromJson(json.get(f.name()), f.schema()));
        Anonymiser.Result r = anonymiser.anonymise(record);
        ObjectNode o = JSON.createObjectNode();
        if (r instanceof Anonymiser.Anonymised ok) {
          o.put("kind", "anonymised");
          o.set("value", JSON.valueToTree(ok.value()));
        } else if (r instanceof Anonymiser.Withheld w) {
          o.put("kind", "withheld");
          o.put("reason", w.reason());
        } else {
          Anonymiser.Failed f = (Anonymiser.Failed) r;
          o.put("kind", "failed");
          o.put("code", f.code());
          if (f.field() != null) o.put("field", f.field());
        }
        out.write(JSON.writeValueAsString(o));
        out.newLine();
      }
    }
  }
}
