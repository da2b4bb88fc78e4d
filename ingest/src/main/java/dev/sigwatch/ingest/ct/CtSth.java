package dev.sigwatch.ingest.ct;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sigwatch.core.checkpoint.DigitallySigned;
import dev.sigwatch.core.checkpoint.NoteFormatException;
import dev.sigwatch.core.checkpoint.SignedTreeHead;
import dev.sigwatch.ingest.http.MalformedResponseException;
import java.io.IOException;
import java.util.Base64;

/**
 * A {@code get-sth} answer: the parsed tree head and the JSON bytes exactly as served (published as the raw note, so
 * the verify stage checks the signature over what the log really said).
 */
public record CtSth(SignedTreeHead head, byte[] raw) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public CtSth {
    if (head == null || raw == null) throw new IllegalArgumentException("head and raw must not be null");
    raw = raw.clone();
  }

  @Override
  public byte[] raw() {
    return raw.clone();
  }

  /** Parses a served get-sth JSON; every field is required. */
  public static CtSth parse(byte[] raw) throws MalformedResponseException {
    JsonNode n;
    try {
      n = JSON.readTree(raw);
    } catch (IOException e) {
      throw new MalformedResponseException("get-sth: bad JSON: " + e.getMessage(), e);
    }
    if (n == null || !n.isObject()) throw new MalformedResponseException("get-sth: want a JSON object");
    long size = number(n, "tree_size");
    long timestamp = number(n, "timestamp");
    try {
      byte[] root = Base64.getDecoder().decode(text(n, "sha256_root_hash"));
      DigitallySigned sig = DigitallySigned.parse(Base64.getDecoder().decode(text(n, "tree_head_signature")));
      return new CtSth(new SignedTreeHead(size, timestamp, root, sig), raw);
    } catch (IllegalArgumentException | NoteFormatException e) {
      throw new MalformedResponseException("get-sth: " + e.getMessage(), e);
    }
  }

  private static long number(JsonNode n, String field) throws MalformedResponseException {
    JsonNode v = n.get(field);
    if (v == null || !v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
      throw new MalformedResponseException("get-sth: " + field + " must be a non-negative integer, but was: " + v);
    }
    return v.asLong();
  }

  private static String text(JsonNode n, String field) throws MalformedResponseException {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) throw new MalformedResponseException("get-sth: " + field + " must be base64 text, but was: " + v);
    return v.asText();
  }
}
