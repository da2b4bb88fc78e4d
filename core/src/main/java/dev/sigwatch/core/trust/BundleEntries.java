package dev.sigwatch.core.trust;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Reads the {@code verificationMaterial.tlogEntries} of a Sigstore bundle (protobuf JSON) into
 * {@link LogEntryProof}s. Stateless.
 */
public final class BundleEntries {
  private static final ObjectMapper JSON = new ObjectMapper();

  private BundleEntries() {}

  /** The transparency-log entries of a bundle, in order; empty if it has none. */
  public static List<LogEntryProof> fromBundle(String bundleJson) throws TrustException {
    JsonNode root;
    try {
      root = JSON.readTree(bundleJson);
    } catch (IOException e) {
      throw new TrustException("bundle is not JSON: " + e.getMessage(), e);
    }
    JsonNode entries = root.path("verificationMaterial").path("tlogEntries");
    List<LogEntryProof> out = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      out.add(entry(entries.get(i), "tlogEntries[" + i + "]"));
    }
    return out;
  }

  private static LogEntryProof entry(JsonNode e, String where) throws TrustException {
    JsonNode proof = e.path("inclusionProof");
    List<byte[]> hashes = new ArrayList<>();
    for (JsonNode h : proof.path("hashes")) {
      hashes.add(b64(h.asText(), where + ".inclusionProof.hashes"));
    }
    JsonNode set = e.path("inclusionPromise").path("signedEntryTimestamp");
    JsonNode envelope = proof.path("checkpoint").path("envelope");
    return new LogEntryProof(
        b64(TrustedRoot.text(e.path("logId"), "keyId", where + ".logId"), where + ".logId.keyId"),
        number(e, "logIndex", where, 0),
        e.has("integratedTime") ? number(e, "integratedTime", where, 0) : null,
        b64(TrustedRoot.text(e, "canonicalizedBody", where), where + ".canonicalizedBody"),
        set.isTextual() ? b64(set.asText(), where + ".inclusionPromise") : null,
        proof.isObject() ? number(proof, "logIndex", where + ".inclusionProof", 0) : -1,
        proof.isObject() ? number(proof, "treeSize", where + ".inclusionProof", 0) : 0,
        proof.has("rootHash") ? b64(proof.get("rootHash").asText(), where + ".inclusionProof.rootHash") : null,
        hashes,
        envelope.isTextual() ? envelope.asText() : null);
  }

  /** Protobuf JSON writes int64 as a string and omits zero values. */
  private static long number(JsonNode n, String field, String where, long absent) throws TrustException {
    JsonNode v = n.get(field);
    if (v == null) {
      return absent;
    }
    try {
      return Long.parseLong(v.asText());
    } catch (NumberFormatException e) {
      throw new TrustException(where + "." + field + " must be a number, but was: " + v, e);
    }
  }

  private static byte[] b64(String s, String where) throws TrustException {
    try {
      return Base64.getDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      throw new TrustException(where + " is not base64", e);
    }
  }
}
