package uk.nhs.anonymisation.bench.kstreams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.util.Utf8;

/**
 * The registry wire format (magic byte 0, 4-byte big-endian schema id, Avro binary) done by hand with
 * org.apache.avro, as schemas/avro-codec.ts does with avsc: writer schemas fetched by id from the registry's
 * Confluent-compatible API and cached; the same refusals with the same codes (empty, oversize, wrong magic,
 * truncated, unknown id, a writer field the policy does not know, incompatible, undecodable, trailing bytes, invalid
 * UTF-8). Not thread-safe (cached readers, encoder and decoder are reused): one instance per stream task.
 */
final class WireCodec {
  static final int HEADER = 5;
  private static final long MAX_SAFE = 9_007_199_254_740_991L;

  /** A record refused before the policy ran: a reason code only. */
  static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;
    final String code;
    final String field;

    Refused(String code, String field) {
      super(code, null, false, false);
      this.code = code;
      this.field = field;
    }
  }

  private record Writer(GenericDatumReader<GenericRecord> reader, Refused refusal) {}

  private final String registryUrl;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1).build();
  private final Schema reader;
  private final Schema output;
  private final int outputId;
  private final int maxRecordBytes;
  private final java.util.Set<String> knownFields;
  private final Map<Integer, Writer> writers = new HashMap<>();
  private final GenericDatumWriter<GenericRecord> datumWriter;
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(1024);
  private BinaryDecoder decoder;
  private BinaryEncoder encoder;

  WireCodec(
      String registryUrl, Schema reader, Schema output, int outputId, int maxRecordBytes, java.util.Set<String> known) {
    this.registryUrl = registryUrl.replaceAll("/+$", "");
    this.reader = reader;
    this.output = output;
    this.outputId = outputId;
    this.maxRecordBytes = maxRecordBytes;
    this.knownFields = known;
    this.datumWriter = new GenericDatumWriter<>(output);
  }

  /** The writer schema of an id: fetched once; a 404 refuses its records as SCHEMA_UNKNOWN_ID (not cached). */
  private Writer writer(int id) throws Refused {
    Writer w = writers.get(id);
    if (w != null) return w;
    JsonNode answer = fetch(id);
    if (answer == null) throw new Refused("SCHEMA_UNKNOWN_ID", null);
    Schema schema;
    try {
      schema = new Schema.Parser().setValidateDefaults(false).parse(answer.path("schema").asText());
    } catch (RuntimeException e) {
      w = new Writer(null, new Refused("SCHEMA_INCOMPATIBLE", null));
      writers.put(id, w);
      return w;
    }
    Refused refusal = null;
    if (schema.getType() != Schema.Type.RECORD) refusal = new Refused("ANON_SCHEMA_INVALID", null);
    else {
      for (Schema.Field f : schema.getFields()) {
        if (!knownFields.contains(f.name())) {
          refusal = new Refused("ANON_FIELD_UNKNOWN", f.name());
          break;
        }
      }
    }
    if (refusal == null
        && SchemaCompatibility.checkReaderWriterCompatibility(reader, schema).getType()
            != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) refusal = new Refused("SCHEMA_INCOMPATIBLE", null);
    w = new Writer(refusal == null ? new GenericDatumReader<>(schema, reader) : null, refusal);
    writers.put(id, w);
    return w;
  }

  private JsonNode fetch(int id) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(registryUrl + "/schemas/ids/" + id))
            .timeout(Duration.ofSeconds(10))
            .header("Accept", "application/vnd.schemaregistry.v1+json, application/json")
            .GET()
            .build();
    IOException last = null;
    for (int attempt = 1; attempt <= 3; attempt++) {
      try {
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 404) return null;
        if (r.statusCode() == 200) return new ObjectMapper().readTree(r.body());
        last = new IOException("registry answered " + r.statusCode());
      } catch (IOException e) {
        last = e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while fetching writer schema " + id, e);
      }
      try {
        Thread.sleep(250L * attempt);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    // Transient and not the record's fault: stop rather than dead-letter it (the stream thread fails).
    throw new IllegalStateException("REGISTRY_UNAVAILABLE: writer schema " + id, last);
  }

  /** Registry-framed Avro → the record's values (strings as String, unions unwrapped), or a refusal. */
  Map<String, Object> decode(byte[] data) throws Refused {
    if (data == null || data.length == 0) throw new Refused("RECORD_EMPTY", null);
    if (data.length > maxRecordBytes) throw new Refused("RECORD_OVERSIZE", null);
    if (data[0] != 0) throw new Refused("SCHEMA_WRONG_MAGIC", null);
    if (data.length < HEADER) throw new Refused("AVRO_TRUNCATED", null);
    int id = ByteBuffer.wrap(data, 1, 4).getInt();
    Writer w = writer(id);
    if (w.refusal() != null) throw w.refusal();
    GenericRecord record;
    decoder = DecoderFactory.get().binaryDecoder(data, HEADER, data.length - HEADER, decoder);
    try {
      record = w.reader().read(null, decoder);
    } catch (EOFException e) {
      throw new Refused("AVRO_TRUNCATED", null);
    } catch (IOException | RuntimeException e) {
      throw new Refused("AVRO_DECODE_FAILED", null);
    }
    try {
      if (!decoder.isEnd()) throw new Refused("AVRO_TRAILING_BYTES", null);
    } catch (IOException e) {
      throw new Refused("AVRO_DECODE_FAILED", null);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (Schema.Field f : reader.getFields()) out.put(f.name(), plain(record.get(f.pos())));
    return out;
  }

  private static Object plain(Object v) throws Refused {
    if (v instanceof Utf8 u) return utf8(u.getBytes(), u.getByteLength());
    if (v instanceof CharSequence s) return s.toString();
    if (v instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      for (Object item : list) out.add(plain(item));
      return out;
    }
    // avsc refuses longs it cannot hold exactly in a JavaScript number.
    if (v instanceof Long l && (l > MAX_SAFE || l < -MAX_SAFE)) throw new Refused("AVRO_DECODE_FAILED", null);
    return v;
  }

  private static String utf8(byte[] bytes, int length) throws Refused {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, 0, length))
          .toString();
    } catch (CharacterCodingException e) {
      throw new Refused("AVRO_INVALID_UTF8", null);
    }
  }

  /** An anonymised record → registry-framed Avro with the output schema id. */
  byte[] encode(Map<String, Object> value) throws IOException {
    GenericData.Record record = new GenericData.Record(output);
    for (Map.Entry<String, Object> e : value.entrySet()) record.put(e.getKey(), e.getValue());
    buffer.reset();
    buffer.write(0);
    buffer.write(outputId >>> 24);
    buffer.write(outputId >>> 16);
    buffer.write(outputId >>> 8);
    buffer.write(outputId);
    encoder = EncoderFactory.get().directBinaryEncoder(buffer, encoder);
    datumWriter.write(record, encoder);
    encoder.flush();
    return buffer.toByteArray();
  }
}
