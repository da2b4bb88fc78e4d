package dev.sigwatch.alert.api;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The query parameters of one request, parsed strictly: an unknown, repeated, over-long or malformed parameter is a
 * 400 naming it, so a typo ({@code serverity=HIGH}) is an error instead of a silently unfiltered answer. Values are
 * passed to the store as bound JDBC parameters only, never spliced into SQL. Not thread-safe (one per request).
 */
public final class Params {
  /** Longest value of any one parameter; identities and regexes are far shorter. */
  public static final int MAX_VALUE_CHARS = 1024;

  private final Map<String, String> values;

  private Params(Map<String, String> values) {
    this.values = values;
  }

  /**
   * Parses a raw (still percent-encoded) query string, accepting only {@code allowed} names.
   *
   * @throws ApiException 400 naming the first bad parameter
   */
  public static Params parse(String rawQuery, Set<String> allowed) throws ApiException {
    Map<String, String> out = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return new Params(out);
    }
    for (String pair : rawQuery.split("&", -1)) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq), "query");
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1), name);
      if (!allowed.contains(name)) {
        throw ApiException.badParameter(printable(name), "unknown parameter '" + printable(name)
            + "'; this endpoint accepts " + String.join(", ", allowed.stream().sorted().toList()));
      }
      if (out.containsKey(name)) {
        throw ApiException.badParameter(name, name + " is given twice");
      }
      if (value.length() > MAX_VALUE_CHARS) {
        throw ApiException.badParameter(name, name + " is " + value.length() + " characters long, at most "
            + MAX_VALUE_CHARS + " are accepted");
      }
      out.put(name, value);
    }
    return new Params(out);
  }

  /** Path segment {@code raw} decoded, for ids in paths; 400 naming {@code name} when malformed. */
  public static String pathSegment(String raw, String name) throws ApiException {
    String v = decodePath(raw, name);
    if (v.isEmpty() || v.length() > MAX_VALUE_CHARS) {
      throw ApiException.badParameter(name, name + " must be 1.." + MAX_VALUE_CHARS + " characters");
    }
    return v;
  }

  private static String decodePath(String raw, String name) throws ApiException {
    try {
      return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw ApiException.badParameter(name, name + " is not valid percent-encoding: " + e.getMessage());
    }
  }

  private static String decode(String raw, String name) throws ApiException {
    try {
      return URLDecoder.decode(raw, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw ApiException.badParameter(printable(name), "parameter " + printable(name)
          + " is not valid percent-encoding: " + e.getMessage());
    }
  }

  /** A name safe to echo in a message: at most 64 printable ASCII characters. */
  private static String printable(String s) {
    String t = s.replaceAll("[^\\x20-\\x7e]", "?");
    return t.length() > 64 ? t.substring(0, 64) + "..." : t;
  }

  public boolean has(String name) {
    String v = values.get(name);
    return v != null && !v.isEmpty();
  }

  /** The value, or null when absent or empty. */
  public String string(String name) {
    String v = values.get(name);
    return v == null || v.isEmpty() ? null : v;
  }

  /** The value matched against {@code format} (described by {@code what} in the error), or null when absent. */
  public String matching(String name, Pattern format, String what) throws ApiException {
    String v = string(name);
    if (v != null && !format.matcher(v).matches()) {
      throw ApiException.badParameter(name, name + " must be " + what + ", was '" + printable(v) + "'");
    }
    return v;
  }

  /** Lower-case 64-digit hex (a SHA-256), or null when absent. */
  public String sha256(String name) throws ApiException {
    String v = matching(name, Pattern.compile("[0-9a-fA-F]{64}"), "64 hex digits (a SHA-256)");
    return v == null ? null : v.toLowerCase(Locale.ROOT);
  }

  /** An integer in {@code [min, max]}, or {@code dflt} when absent. */
  public long longValue(String name, long min, long max, long dflt) throws ApiException {
    String v = string(name);
    if (v == null) {
      return dflt;
    }
    try {
      long n = Long.parseLong(v);
      if (n < min || n > max) {
        throw ApiException.badParameter(name, name + " must be between " + min + " and " + max + ", was " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw ApiException.badParameter(name, name + " must be an integer between " + min + " and " + max
          + ", was '" + printable(v) + "'");
    }
  }

  /** An integer in {@code [min, max]}, or null when absent. */
  public Long optionalLong(String name, long min, long max) throws ApiException {
    return has(name) ? longValue(name, min, max, 0) : null;
  }

  /** An ISO-8601 instant ({@code 2026-12-01T00:00:00Z}) or epoch milliseconds, or null when absent. */
  public Instant instant(String name) throws ApiException {
    String v = string(name);
    if (v == null) {
      return null;
    }
    if (v.matches("-?\\d{1,15}")) {
      return Instant.ofEpochMilli(Long.parseLong(v));
    }
    try {
      return Instant.parse(v);
    } catch (DateTimeParseException e) {
      throw ApiException.badParameter(name, name + " must be an ISO-8601 instant such as 2026-12-01T00:00:00Z, "
          + "or epoch milliseconds, was '" + printable(v) + "'");
    }
  }

  /** One of {@code type}'s constants (any case), or null when absent. */
  public <E extends Enum<E>> E enumValue(String name, Class<E> type) throws ApiException {
    String v = string(name);
    if (v == null) {
      return null;
    }
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(v)) {
        return e;
      }
    }
    throw ApiException.badParameter(name, name + " must be one of " + List.of(type.getEnumConstants())
        + ", was '" + printable(v) + "'");
  }

  /** A comma-separated list of {@code type}'s constants, or an empty list when absent. */
  public <E extends Enum<E>> List<E> enumList(String name, Class<E> type) throws ApiException {
    String v = string(name);
    if (v == null) {
      return List.of();
    }
    List<E> out = new java.util.ArrayList<>();
    for (String part : v.split(",")) {
      E e = null;
      for (E c : type.getEnumConstants()) {
        if (c.name().equalsIgnoreCase(part.trim())) {
          e = c;
        }
      }
      if (e == null) {
        throw ApiException.badParameter(name, name + " must be a comma-separated list of "
            + List.of(type.getEnumConstants()) + ", had '" + printable(part) + "'");
      }
      out.add(e);
    }
    return List.copyOf(out);
  }

  /** A Java regular expression that compiles, or null when absent. */
  public Pattern regex(String name, int maxChars) throws ApiException {
    String v = string(name);
    if (v == null) {
      return null;
    }
    if (v.length() > maxChars) {
      throw ApiException.badParameter(name, name + " is longer than " + maxChars + " characters");
    }
    try {
      return Pattern.compile(v);
    } catch (PatternSyntaxException e) {
      throw ApiException.badParameter(name, name + " is not a valid regular expression: "
          + e.getDescription() + " near index " + e.getIndex());
    }
  }
}
