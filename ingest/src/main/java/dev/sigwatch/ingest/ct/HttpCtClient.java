package dev.sigwatch.ingest.ct;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sigwatch.ingest.LogTarget;
import dev.sigwatch.ingest.http.LogHttp;
import dev.sigwatch.ingest.http.MalformedResponseException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/** {@link CtClient} over {@link LogHttp} (retries, rate limit, size limit, deadlines). Thread-safe. */
public final class HttpCtClient implements CtClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final LogTarget target;
  private final LogHttp http;

  public HttpCtClient(LogTarget target, LogHttp http) {
    this.target = target;
    this.http = http;
  }

  @Override
  public CtSth sth() throws IOException, InterruptedException {
    return CtSth.parse(http.get(target.resolve("ct/v1/get-sth")));
  }

  @Override
  public List<byte[]> consistency(long size1, long size2) throws IOException, InterruptedException {
    if (size1 <= 0 || size1 >= size2) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, "need 0 < size1 < size2, got %d, %d", size1, size2));
    }
    byte[] raw = http.get(target.resolve("ct/v1/get-sth-consistency?first=" + size1 + "&second=" + size2));
    JsonNode n;
    try {
      n = JSON.readTree(raw);
    } catch (IOException e) {
      throw new MalformedResponseException("get-sth-consistency: bad JSON: " + e.getMessage(), e);
    }
    JsonNode hashes = n == null ? null : n.get("consistency");
    if (hashes == null || !hashes.isArray()) {
      throw new MalformedResponseException("get-sth-consistency: want {\"consistency\": [...]}, got " + n);
    }
    List<byte[]> proof = new ArrayList<>();
    for (JsonNode h : hashes) {
      try {
        if (!h.isTextual()) throw new IllegalArgumentException("hash is not text: " + h);
        proof.add(Base64.getDecoder().decode(h.asText()));
      } catch (IllegalArgumentException e) {
        throw new MalformedResponseException("get-sth-consistency: " + e.getMessage(), e);
      }
    }
    return proof;
  }

  @Override
  public List<byte[]> entries(long start, long endInclusive) throws IOException, InterruptedException {
    if (start < 0 || endInclusive < start) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, "need 0 <= start <= end, got %d, %d", start, endInclusive));
    }
    return splitEntries(http.get(target.resolve("ct/v1/get-entries?start=" + start + "&end=" + endInclusive)));
  }

  @Override
  public LeafProof leafProof(long index, long treeSize) throws IOException, InterruptedException {
    if (index < 0 || index >= treeSize) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, "need 0 <= index < treeSize, got %d, %d", index, treeSize));
    }
    try {
      JsonNode n = json("get-entry-and-proof",
          http.get(target.resolve("ct/v1/get-entry-and-proof?leaf_index=" + index + "&tree_size=" + treeSize)));
      return new LeafProof(index, base64(n.get("leaf_input"), "get-entry-and-proof: leaf_input"),
          hashes(n.get("audit_path"), "get-entry-and-proof: audit_path"));
    } catch (java.io.FileNotFoundException | dev.sigwatch.ingest.http.HttpStatusException notServed) {
      // Not every log serves get-entry-and-proof (it is optional in practice): the leaf, then the proof by its hash.
      List<byte[]> served = entries(index, index);
      if (served.size() != 1) throw new MalformedResponseException("get-entries [" + index + ", " + index + "]: "
          + served.size() + " entries served, want 1");
      byte[] leafInput = base64(json("get-entries", served.get(0)).get("leaf_input"), "get-entries: leaf_input");
      String hash = java.net.URLEncoder.encode(Base64.getEncoder().encodeToString(
          dev.sigwatch.core.merkle.Rfc6962.leafHash(leafInput)), java.nio.charset.StandardCharsets.UTF_8);
      JsonNode n = json("get-proof-by-hash",
          http.get(target.resolve("ct/v1/get-proof-by-hash?hash=" + hash + "&tree_size=" + treeSize)));
      long at = n.path("leaf_index").asLong(-1);
      if (at != index) {
        // The same leaf logged twice: the log names its first index. Its proof says nothing about this one.
        throw new MalformedResponseException(String.format(Locale.ROOT,
            "get-proof-by-hash: the leaf at %d is proven at index %d", index, at));
      }
      return new LeafProof(index, leafInput, hashes(n.get("audit_path"), "get-proof-by-hash: audit_path"));
    }
  }

  private static JsonNode json(String what, byte[] raw) throws MalformedResponseException {
    try {
      JsonNode n = JSON.readTree(raw);
      if (n == null || !n.isObject()) throw new MalformedResponseException(what + ": want a JSON object");
      return n;
    } catch (MalformedResponseException e) {
      throw e;
    } catch (IOException e) {
      throw new MalformedResponseException(what + ": bad JSON: " + e.getMessage(), e);
    }
  }

  private static byte[] base64(JsonNode v, String what) throws MalformedResponseException {
    if (v == null || !v.isTextual()) throw new MalformedResponseException(what + " must be base64 text, got " + v);
    try {
      return Base64.getDecoder().decode(v.asText());
    } catch (IllegalArgumentException e) {
      throw new MalformedResponseException(what + ": " + e.getMessage(), e);
    }
  }

  private static List<byte[]> hashes(JsonNode v, String what) throws MalformedResponseException {
    if (v == null || !v.isArray()) throw new MalformedResponseException(what + " must be an array, got " + v);
    List<byte[]> out = new ArrayList<>();
    for (JsonNode h : v) out.add(base64(h, what));
    return out;
  }

  /** The objects of {@code {"entries": [...]}}, each as its exact served bytes. */
  static List<byte[]> splitEntries(byte[] raw) throws MalformedResponseException {
    List<byte[]> out = null;
    try (JsonParser p = JSON.getFactory().createParser(raw)) {
      if (p.nextToken() != JsonToken.START_OBJECT) throw new MalformedResponseException("get-entries: want a JSON object");
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken v = p.nextToken();
        if (!"entries".equals(field)) {
          p.skipChildren();
          continue;
        }
        if (v != JsonToken.START_ARRAY) throw new MalformedResponseException("get-entries: entries must be an array, got " + v);
        out = new ArrayList<>();
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.START_OBJECT) {
          int from = (int) p.currentTokenLocation().getByteOffset();
          p.skipChildren();
          out.add(Arrays.copyOfRange(raw, from, (int) p.currentLocation().getByteOffset()));
        }
        if (t != JsonToken.END_ARRAY) throw new MalformedResponseException("get-entries: want objects in entries, got " + t);
      }
      if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
        throw new MalformedResponseException("get-entries: trailing data after the object");
      }
    } catch (MalformedResponseException e) {
      throw e;
    } catch (IOException e) {
      throw new MalformedResponseException("get-entries: bad JSON: " + e.getMessage(), e);
    }
    if (out == null) throw new MalformedResponseException("get-entries: no entries field");
    return out;
  }
}
