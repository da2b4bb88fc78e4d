package dev.sigwatch.alert.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads one sink's settings from its YAML mapping, naming the key in every complaint ({@code alerts.sinks[2].url is
 * missing: ...}). Each getter marks its key as known; {@link #rejectUnknown()} then refuses a key nobody asked for (a
 * typo, or a key of another sink type). Values of secret keys never appear in a message.
 */
public final class SinkOptions {
  private final ObjectNode node;
  private final String at;
  private final Set<String> known = new HashSet<>();

  public SinkOptions(ObjectNode node, String at) {
    this.node = node;
    this.at = at;
  }

  /** Where these settings are, e.g. {@code alerts.sinks[2]}. */
  public String at() {
    return at;
  }

  public IllegalArgumentException problem(String key, String message) {
    return new IllegalArgumentException(at + "." + key + " " + message);
  }

  private JsonNode get(String key) {
    known.add(key);
    JsonNode v = node.get(key);
    return v == null || v.isNull() ? null : v;
  }

  public String string(String key, String dflt) {
    JsonNode v = get(key);
    if (v == null) return dflt;
    if (!v.isValueNode()) throw problem(key, "must be a single value, was a " + kind(v));
    return v.asText();
  }

  public String required(String key, String hint) {
    String v = string(key, null);
    if (v == null || v.isBlank()) throw problem(key, "is missing: " + hint);
    return v;
  }

  public int integer(String key, int dflt, int min) {
    JsonNode v = get(key);
    if (v == null) return dflt;
    int i;
    if (v.isTextual()) {
      i = parseInt(key, v.asText());
    } else if (v.isIntegralNumber() && v.canConvertToInt()) {
      i = v.asInt();
    } else {
      throw problem(key, "must be a whole number, was " + v);
    }
    if (i < min) throw problem(key, "must be >= " + min + ", was " + i);
    return i;
  }

  private int parseInt(String key, String s) {
    try {
      return Integer.parseInt(s.trim());
    } catch (NumberFormatException e) {
      throw problem(key, "must be a whole number, was '" + s + "'");
    }
  }

  public double number(String key, double dflt) {
    JsonNode v = get(key);
    if (v == null) return dflt;
    if (v.isNumber()) return v.asDouble();
    try {
      return Double.parseDouble(v.asText().trim());
    } catch (NumberFormatException e) {
      throw problem(key, "must be a number, was '" + v.asText() + "'");
    }
  }

  public boolean bool(String key, boolean dflt) {
    JsonNode v = get(key);
    if (v == null) return dflt;
    if (v.isBoolean()) return v.asBoolean();
    String s = v.asText().trim().toLowerCase(Locale.ROOT);
    if (s.equals("true") || s.equals("false")) return Boolean.parseBoolean(s);
    throw problem(key, "must be true or false, was '" + v.asText() + "'");
  }

  /** An ISO-8601 duration ({@code PT30S}, {@code PT5M}); must be positive unless {@code zeroOk}. */
  public Duration duration(String key, Duration dflt, boolean zeroOk) {
    String s = string(key, null);
    if (s == null) return dflt;
    Duration d;
    try {
      d = Duration.parse(s.trim());
    } catch (DateTimeParseException e) {
      throw problem(key, "must be an ISO-8601 duration such as PT30S or PT5M, was '" + s + "'");
    }
    if (d.isNegative() || (!zeroOk && d.isZero())) throw problem(key, "must be > 0, was " + s);
    return d;
  }

  public Secret secret(String key) {
    JsonNode v = get(key);
    if (v == null) return null;
    if (!v.isValueNode() || v.asText().isEmpty()) {
      throw problem(key, "must be a non-empty string (write it as \"${ENV_VAR}\" so it stays out of the file)");
    }
    return new Secret(v.asText());
  }

  public List<Secret> secrets(String key) {
    List<Secret> out = new ArrayList<>();
    for (String s : strings(key)) {
      if (s.isEmpty()) throw problem(key, "must not hold an empty secret (is its environment variable empty?)");
      out.add(new Secret(s));
    }
    return out;
  }

  /** A list of strings; a single value counts as a list of one. */
  public List<String> strings(String key) {
    JsonNode v = get(key);
    if (v == null) return List.of();
    if (v.isValueNode()) return List.of(v.asText());
    if (!v.isArray()) throw problem(key, "must be a list, was a " + kind(v));
    List<String> out = new ArrayList<>();
    for (JsonNode e : v) {
      if (!e.isValueNode()) throw problem(key, "must be a list of strings");
      out.add(e.asText());
    }
    return out;
  }

  /** A mapping of string to string. */
  public Map<String, String> map(String key) {
    JsonNode v = get(key);
    if (v == null) return Map.of();
    if (!v.isObject()) throw problem(key, "must be a mapping of names to values, was a " + kind(v));
    Map<String, String> out = new LinkedHashMap<>();
    v.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }

  public Path path(String key) {
    String s = string(key, null);
    return s == null ? null : Path.of(s);
  }

  /** Throws naming the first key no getter asked for. */
  public void rejectUnknown(String type) {
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String n = names.next();
      if (!known.contains(n)) {
        throw new IllegalArgumentException(String.format(Locale.ROOT, "%s.%s is not a setting of a %s sink; its "
            + "settings are: %s", at, n, type, String.join(", ", new TreeSet<>(known))));
      }
    }
  }

  private static String kind(JsonNode v) {
    return v.getNodeType().toString().toLowerCase(Locale.ROOT);
  }
}
