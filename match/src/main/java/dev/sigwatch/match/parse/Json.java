package dev.sigwatch.match.parse;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

/** Strict accessors over a Jackson tree: each failure names the path and what was expected. */
final class Json {
  private Json() {}

  static JsonNode object(JsonNode parent, String field, String at) throws EntryParseException {
    JsonNode n = parent.get(field);
    if (n == null || !n.isObject()) {
      throw new EntryParseException(at + "." + field + " must be an object, but was: " + describe(n));
    }
    return n;
  }

  static JsonNode array(JsonNode parent, String field, String at) throws EntryParseException {
    JsonNode n = parent.get(field);
    if (n == null || !n.isArray() || n.isEmpty()) {
      throw new EntryParseException(at + "." + field + " must be a non-empty array, but was: " + describe(n));
    }
    return n;
  }

  static String text(JsonNode parent, String field, String at) throws EntryParseException {
    JsonNode n = parent.get(field);
    if (n == null || !n.isTextual() || n.asText().isEmpty()) {
      throw new EntryParseException(at + "." + field + " must be a non-empty string, but was: " + describe(n));
    }
    return n.asText();
  }

  static byte[] base64(JsonNode parent, String field, String at) throws EntryParseException {
    String s = text(parent, field, at);
    try {
      return Base64.getDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      throw new EntryParseException(at + "." + field + " must be base64: " + e.getMessage(), e);
    }
  }

  /** A Rekor v1 {@code {algorithm, value}} hash as {@code algo:hex}; null when the node is absent. */
  static String v1Hash(JsonNode hash, String at) throws EntryParseException {
    if (hash == null || hash.isMissingNode() || hash.isNull()) {
      return null;
    }
    String algo = text(hash, "algorithm", at).toLowerCase(Locale.ROOT);
    String value = text(hash, "value", at).toLowerCase(Locale.ROOT);
    if (!isHex(value, 32, 128)) {
      throw new EntryParseException(at + ".value must be hex, but was: " + abbreviate(value));
    }
    return algo + ":" + value;
  }

  /** Whether {@code s} is {@code [0-9a-f]{min,max}}. */
  static boolean isHex(String s, int min, int max) {
    if (s.length() < min || s.length() > max) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
        return false;
      }
    }
    return true;
  }

  /** A Rekor v2 {@code {algorithm: SHA2_256, digest: base64}} hash as {@code algo:hex}. */
  static String v2Hash(JsonNode hash, String at) throws EntryParseException {
    String algo = text(hash, "algorithm", at);
    byte[] digest = base64(hash, "digest", at);
    String name = switch (algo) {
      case "SHA2_256" -> "sha256";
      case "SHA2_384" -> "sha384";
      case "SHA2_512" -> "sha512";
      default -> throw new EntryParseException(at + ".algorithm must be SHA2_256, SHA2_384 or SHA2_512, but was: " + algo);
    };
    return name + ":" + HexFormat.of().formatHex(digest);
  }

  static String describe(JsonNode n) {
    if (n == null || n.isMissingNode()) {
      return "absent";
    }
    return n.getNodeType().name().toLowerCase(Locale.ROOT) + " " + abbreviate(n.toString());
  }

  private static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 60) + "…";
  }
}
