package dev.sigwatch.ingest.rekor;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.sigwatch.ingest.http.MalformedResponseException;
import dev.sigwatch.schemas.ServedRaw;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * The fields ingest reads from one served Rekor v1 {@code {uuid: entry}} object, read in one streaming pass (no tree:
 * this runs for every entry, tens of thousands a second).
 *
 * @param uuid the object's only field name
 * @param logIndex the entry's (virtual) {@code logIndex}
 * @param integratedTime {@code integratedTime}, if it is a number
 * @param body {@code body} base64-decoded (a string's value, or a number's or boolean's literal, as a tree read's
 *     {@code asText} gives it); empty when absent, null, an object or an array; null when that text is not base64
 * @param bodyError why {@code body} is null (the entry is rejected, not the response); null when it is not
 * @param proofLogIndex {@code verification.inclusionProof.logIndex}, if it is a number
 * @param raw the object's exact served bytes
 * @param bodyFrom where in {@code raw} the text of the body string starts, when that text is exactly
 *     {@code base64(body)} (so it can be cut out losslessly: {@link ServedRaw}); -1 when it is not
 * @param bodyTo where that text ends (exclusive); -1 with {@code bodyFrom}
 */
public record ServedEntry(String uuid, long logIndex, OptionalLong integratedTime, byte[] body, String bodyError,
    OptionalLong proofLogIndex, byte[] raw, int bodyFrom, int bodyTo) {

  /**
   * A factory for one parse. Every entry's field name is its own UUID, and a shared factory's symbol table keeps them:
   * it grows to thousands of names, and each parser copies the whole table on its first new name (measured: ~7 µs of
   * copying per entry). A factory per response starts with an empty table, far cheaper than that copy. Field names
   * are not interned (UUIDs would only churn the JVM-wide intern cache); they stay canonicalized, because without it
   * Jackson reads bytes through a char Reader, slower and without byte offsets.
   */
  private static JsonFactory freshFactory() {
    return JsonFactory.builder().disable(JsonFactory.Feature.INTERN_FIELD_NAMES).build();
  }

  public ServedEntry {
    if (uuid == null || integratedTime == null || proofLogIndex == null || raw == null) {
      throw new IllegalArgumentException("uuid, integratedTime, proofLogIndex and raw must not be null");
    }
    if ((body == null) == (bodyError == null)) {
      throw new IllegalArgumentException("exactly one of body and bodyError must be null");
    }
    if (bodyFrom == -1 ? bodyTo != -1 : body == null || bodyFrom < 0 || bodyTo < bodyFrom || bodyTo > raw.length) {
      throw new IllegalArgumentException("body text [" + bodyFrom + ", " + bodyTo + ") is not a range of raw");
    }
  }

  /**
   * What the entries topic keeps of {@link #raw}: without the body's text when it can be cut losslessly (the body is
   * the record's own field, and {@code rawBodyAt} is {@link #bodyFrom}), else {@code raw} whole.
   */
  public byte[] rawForTopic() {
    return bodyFrom < 0 ? raw : ServedRaw.cut(raw, bodyFrom, bodyTo);
  }

  /** The record's {@code rawBodyAt} with {@link #rawForTopic}: {@link #bodyFrom}, or null when nothing is cut. */
  public Integer rawBodyAt() {
    return bodyFrom < 0 ? null : bodyFrom;
  }

  /**
   * Reads one {@code {uuid: entry}} object. A number is read as a long when it fits one (a fraction is truncated, as
   * Jackson's {@code JsonNode.asLong} does); a duplicated field keeps its last value.
   *
   * @throws MalformedResponseException when it is not JSON, not an object with exactly one field, or the entry has no
   *     numeric {@code logIndex}
   */
  public static ServedEntry parse(byte[] raw) throws MalformedResponseException {
    try (JsonParser p = freshFactory().createParser(raw)) {
      if (p.nextToken() != JsonToken.START_OBJECT) throw new MalformedResponseException("retrieve: want {uuid: entry}");
      ServedEntry e = read(p, raw, latin1(raw));
      if (p.nextToken() != null) throw new MalformedResponseException("retrieve: trailing data after the entry");
      return e;
    } catch (MalformedResponseException e) {
      throw e;
    } catch (IOException e) {
      throw new MalformedResponseException("retrieve: bad JSON: " + e.getMessage(), e);
    }
  }

  /**
   * Reads a retrieve answer, a JSON array of {@code {uuid: entry}} objects, in one pass: each as {@link #parse} does,
   * with its exact bytes.
   *
   * @throws MalformedResponseException when it is not JSON, not an array of such objects, or has trailing data
   */
  public static List<ServedEntry> parseArray(byte[] raw) throws MalformedResponseException {
    List<ServedEntry> out = new ArrayList<>();
    try (JsonParser p = freshFactory().createParser(raw)) {
      if (p.nextToken() != JsonToken.START_ARRAY) throw new MalformedResponseException("retrieve: want a JSON array");
      String latin1 = latin1(raw);
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.START_OBJECT) out.add(read(p, raw, latin1));
      if (t != JsonToken.END_ARRAY) throw new MalformedResponseException("retrieve: want objects in the array, got " + t);
      if (p.nextToken() != null) throw new MalformedResponseException("retrieve: trailing data after the array");
    } catch (MalformedResponseException e) {
      throw e;
    } catch (IOException e) {
      throw new MalformedResponseException("retrieve: bad JSON: " + e.getMessage(), e);
    }
    return out;
  }

  /** Reads the object whose START_OBJECT is the current token; leaves the parser on its END_OBJECT. */
  private static ServedEntry read(JsonParser p, byte[] source, String latin1) throws IOException {
    int from = (int) p.currentTokenLocation().getByteOffset();
    String uuid = p.nextFieldName();
    if (uuid == null) throw new MalformedResponseException("retrieve: want {uuid: entry}, got 0 fields");
    JsonToken t = p.nextToken();
    Long logIndex = null;
    Long integratedTime = null;
    Long proofIndex = null;
    byte[] body = new byte[0];
    String bodyError = null;
    int bodyFrom = -1;
    int bodyTo = -1;
    if (t == JsonToken.START_OBJECT) {
      String f;
      while ((f = p.nextFieldName()) != null) {
        JsonToken v = p.nextToken();
        switch (f) {
          case "logIndex" -> logIndex = asLong(p, v);
          case "integratedTime" -> integratedTime = asLong(p, v);
          case "body" -> {
            bodyFrom = -1;
            bodyTo = -1;
            try {
              if (v.isScalarValue() && v != JsonToken.VALUE_NULL) {
                long at = v == JsonToken.VALUE_STRING ? p.currentTokenLocation().getByteOffset() : -1;
                int end = at >= 0 && at < source.length && source[(int) at] == '"' ? latin1.indexOf('"', (int) at + 1)
                    : -1;
                body = base64(p, end < 0 ? -1 : (int) at + 1, end, source);
                if (end >= 0 && ServedRaw.canCut(source, (int) at + 1, end, body)) {
                  bodyFrom = (int) at + 1 - from;
                  bodyTo = end - from;
                }
              } else {
                body = new byte[0];
              }
              bodyError = null;
            } catch (IllegalArgumentException e) {
              body = null;
              bodyError = "body is not base64: " + e.getMessage();
            }
          }
          case "verification" -> proofIndex = v == JsonToken.START_OBJECT ? proofIndex(p) : null;
          default -> { }
        }
        p.skipChildren(); // no-op after a scalar or a fully read object
      }
    } else {
      p.skipChildren();
    }
    int fields = 1;
    while (p.nextFieldName() != null) {
      fields++;
      p.nextToken();
      p.skipChildren();
    }
    if (fields != 1) {
      throw new MalformedResponseException(String.format(Locale.ROOT, "retrieve: want {uuid: entry}, got %d fields",
          fields));
    }
    if (logIndex == null) throw new MalformedResponseException("retrieve: entry " + uuid + " has no logIndex");
    int to = (int) p.currentLocation().getByteOffset();
    if (from < 0 || to > source.length || from >= to) {
      throw new IllegalStateException("parser offsets [" + from + ", " + to + ") outside " + source.length + " bytes");
    }
    return new ServedEntry(uuid, logIndex, optional(integratedTime), body, bodyError, optional(proofIndex),
        Arrays.copyOfRange(source, from, to), bodyFrom, bodyTo);
  }

  /**
   * The current scalar decoded as base64. A string is first decoded straight from the served bytes
   * {@code source[from, to)}, from its opening quote to the next quote (found by the caller with the JDK's vectorized
   * {@code String.indexOf} over the same bytes as ISO-8859-1 text; {@code from} is -1 for anything else): base64 has
   * neither quotes nor backslashes, so when that range decodes it is exactly the string's value, and when it does not
   * (an escape, a character outside base64) the string is decoded from its parsed text instead, as anything that is
   * not a string is.
   *
   * @throws IllegalArgumentException when the text is not base64
   */
  private static byte[] base64(JsonParser p, int from, int to, byte[] source) throws IOException {
    if (from >= 0) {
      try {
        return Base64.getDecoder().decode(Arrays.copyOfRange(source, from, to));
      } catch (IllegalArgumentException escapedOrNotBase64) {
        // decided below, from the parsed text
      }
    }
    return Base64.getDecoder().decode(p.getText());
  }

  /** The served bytes as ISO-8859-1 text: one char per byte, so char offsets are byte offsets. */
  private static String latin1(byte[] raw) {
    return new String(raw, StandardCharsets.ISO_8859_1);
  }

  /** {@code verification}: the inclusion proof's logIndex, if there is one. Leaves the parser at the object's end. */
  private static Long proofIndex(JsonParser p) throws IOException {
    Long index = null;
    String f;
    while ((f = p.nextFieldName()) != null) {
      JsonToken v = p.nextToken();
      if (f.equals("inclusionProof") && v == JsonToken.START_OBJECT) {
        Long found = null;
        String g;
        while ((g = p.nextFieldName()) != null) {
          JsonToken w = p.nextToken();
          if (g.equals("logIndex")) found = asLong(p, w);
          p.skipChildren();
        }
        index = found;
      } else {
        if (f.equals("inclusionProof")) index = null;
        p.skipChildren();
      }
    }
    return index;
  }

  /** The value as a long if it is a number that fits one (as {@code JsonNode.canConvertToLong}), else null. */
  private static Long asLong(JsonParser p, JsonToken t) throws IOException {
    if (t == JsonToken.VALUE_NUMBER_INT) {
      return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? null : p.getLongValue();
    }
    if (t == JsonToken.VALUE_NUMBER_FLOAT) {
      double d = p.getDoubleValue();
      return d >= Long.MIN_VALUE && d <= Long.MAX_VALUE ? (long) d : null;
    }
    return null;
  }

  private static OptionalLong optional(Long v) {
    return v == null ? OptionalLong.empty() : OptionalLong.of(v);
  }
}
