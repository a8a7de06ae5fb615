package uk.nhs.anonymisation.bench.kstreams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Port of anonymise/pseudonymise.ts and keyring.ts: `PREFIX-keyId-BASE32(HMAC-SHA256(key, PREFIX ":" normalised))`
 * cut to 26 characters, the normalisers, and the per-subject date offset in [-maxDays, -1] ∪ [1, maxDays] from
 * HMAC(key, "DATE-SHIFT:" token). Tokens and offsets are cached (least recently used, 50,000 entries, as the
 * pipeline's default TOKEN_CACHE_SIZE). Not thread-safe: one instance per stream thread.
 */
final class Pseudonymiser {
  static final int TOKEN_BODY_LENGTH = 26;
  private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  private static final Pattern KEY_ID = Pattern.compile("^[A-Za-z0-9_]{1,16}\\z");
  private static final Pattern SPACES = Js.regex("\\s", "g");
  private static final Pattern SPACE_RUNS = Js.regex("\\s+", "g");
  private static final Pattern UUID =
      Js.regex("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");

  /** The active key of a keyring `{"active": "k1", "keys": {"k1": "<base64, 32+ bytes>"}}`. */
  record Key(String id, byte[] material) {
    static Key fromKeyring(String json) throws IOException {
      JsonNode root = new ObjectMapper().readTree(json);
      String active = root.path("active").asText("");
      if (!KEY_ID.matcher(active).find()) throw new IOException("keyring: 'active' is not a valid key id");
      String material = root.path("keys").path(active).asText("");
      byte[] bytes = Base64.getDecoder().decode(material);
      if (bytes.length < 32) throw new IOException("keyring: key '" + active + "' is shorter than 32 bytes");
      return new Key(active, bytes);
    }
  }

  private final String keyId;
  private final Mac mac;
  private final Map<String, Object> cache;

  Pseudonymiser(Key key, int cacheSize) {
    this.keyId = key.id();
    try {
      mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.material(), "HmacSHA256"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available", e);
    }
    cache =
        new LinkedHashMap<>(1024, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Object> eldest) {
            return size() > cacheSize;
          }
        };
  }

  String keyId() {
    return keyId;
  }

  /** The normalisers; null means "not a valid identifier". */
  static String normalise(String normaliser, String raw) {
    switch (normaliser) {
      case "nhs-number":
        return NhsNumber.normalise(raw);
      case "identifier":
        {
          String v = Js.upper(Js.replaceAll(raw, SPACES, ""));
          return v.isEmpty() ? null : v;
        }
      case "uuid":
        {
          String v = Js.lower(Js.trim(raw));
          return Js.test(UUID, v) ? v : null;
        }
      case "text":
        {
          String v = Js.lower(Js.replaceAll(Js.trim(raw), SPACE_RUNS, " "));
          return v.isEmpty() ? null : v;
        }
      default:
        throw new IllegalArgumentException("unknown normaliser " + normaliser);
    }
  }

  static boolean isNormaliser(String name) {
    return name.equals("nhs-number") || name.equals("identifier") || name.equals("uuid") || name.equals("text");
  }

  private byte[] hmac(String input) {
    return mac.doFinal(input.getBytes(StandardCharsets.UTF_8));
  }

  static String base32(byte[] bytes, int length) {
    StringBuilder out = new StringBuilder(length);
    int buffer = 0;
    int bits = 0;
    for (int i = 0; i < bytes.length && out.length() < length; i++) {
      buffer = ((buffer << 8) | (bytes[i] & 0xff)) & 0xffff;
      bits += 8;
      while (bits >= 5 && out.length() < length) {
        out.append(BASE32.charAt((buffer >>> (bits - 5)) & 31));
        bits -= 5;
      }
    }
    return out.toString();
  }

  String token(String prefix, String normalised) {
    String cacheKey = prefix + "\u0000" + normalised;
    Object hit = cache.get(cacheKey);
    if (hit != null) return (String) hit;
    String token =
        prefix + "-" + keyId + "-" + base32(hmac(prefix + ":" + normalised), TOKEN_BODY_LENGTH);
    cache.put(cacheKey, token);
    return token;
  }

  int dateShiftDays(String subjectToken, int maxDays) {
    String cacheKey = "\u0001" + maxDays + "\u0000" + subjectToken;
    Object hit = cache.get(cacheKey);
    if (hit != null) return (Integer) hit;
    long n =
        Integer.toUnsignedLong(ByteBuffer.wrap(hmac("DATE-SHIFT:" + subjectToken)).getInt(0)) % (2L * maxDays);
    int shift = (int) (n < maxDays ? -(n + 1) : n - maxDays + 1);
    cache.put(cacheKey, shift);
    return shift;
  }
}
