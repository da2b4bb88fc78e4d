package dev.sigwatch.simulator.trust;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * Writes a {@code trusted_root.json} (mediaType trustedroot+json;version=0.1) and a signing config v0.2 in the shape
 * of Sigstore's own (see fixtures/trust/*). Not thread-safe; build, then {@link #toJson()}.
 */
public final class TrustedRootWriter {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final Base64.Encoder B64 = Base64.getEncoder();
  private final ObjectNode root = JSON.createObjectNode();
  private final ArrayNode tlogs;
  private final ArrayNode cas;
  private final ArrayNode ctlogs;

  public TrustedRootWriter() {
    root.put("mediaType", "application/vnd.dev.sigstore.trustedroot+json;version=0.1");
    tlogs = root.putArray("tlogs");
    cas = root.putArray("certificateAuthorities");
    ctlogs = root.putArray("ctlogs");
    root.putArray("timestampAuthorities");
  }

  /** A Rekor v1 / CT key (PKIX_ECDSA_P256_SHA_256) or Rekor v2 key (PKIX_ED25519), with its log ID. */
  public TrustedRootWriter tlog(String baseUrl, byte[] spki, String keyDetails, byte[] logId, Instant start) {
    log(tlogs, baseUrl, spki, keyDetails, logId, start);
    return this;
  }

  /** Like {@link #tlog(String, byte[], String, byte[], Instant)}, valid until {@code end} (a retired key). */
  public TrustedRootWriter tlog(String baseUrl, byte[] spki, String keyDetails, byte[] logId, Instant start,
                                Instant end) {
    log(tlogs, baseUrl, spki, keyDetails, logId, start);
    if (end != null) {
      ((ObjectNode) tlogs.get(tlogs.size() - 1).get("publicKey").get("validFor")).put("end", end.toString());
    }
    return this;
  }

  public TrustedRootWriter ctlog(String baseUrl, byte[] spki, byte[] logId, Instant start) {
    log(ctlogs, baseUrl, spki, "PKIX_ECDSA_P256_SHA_256", logId, start);
    return this;
  }

  /** A Fulcio CA: chain from the intermediate to the root. */
  public TrustedRootWriter ca(String uri, List<X509Certificate> chain, Instant start) {
    return ca(uri, chain, start, null);
  }

  /** A Fulcio CA that issues until {@code end} (null: open-ended): a retired CA. */
  public TrustedRootWriter ca(String uri, List<X509Certificate> chain, Instant start, Instant end) {
    ObjectNode ca = cas.addObject();
    ca.putObject("subject").put("organization", "sigstore.dev").put("commonName", "sigstore");
    ca.put("uri", uri);
    ArrayNode certs = ca.putObject("certChain").putArray("certificates");
    try {
      for (X509Certificate c : chain) certs.addObject().put("rawBytes", B64.encodeToString(c.getEncoded()));
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
    ObjectNode validFor = ca.putObject("validFor").put("start", start.toString());
    if (end != null) validFor.put("end", end.toString());
    return this;
  }

  private static void log(ArrayNode into, String baseUrl, byte[] spki, String keyDetails, byte[] logId, Instant start) {
    ObjectNode t = into.addObject();
    t.put("baseUrl", baseUrl);
    t.put("hashAlgorithm", "SHA2_256");
    ObjectNode pk = t.putObject("publicKey");
    pk.put("rawBytes", B64.encodeToString(spki));
    pk.put("keyDetails", keyDetails);
    pk.putObject("validFor").put("start", start.toString());
    t.putObject("logId").put("keyId", B64.encodeToString(logId));
  }

  public byte[] toJson() {
    try {
      return JSON.writeValueAsBytes(root);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A signing config v0.2 naming the CA, Rekor v1 and (if non-null) Rekor v2 URLs. */
  public static byte[] signingConfig(String caUrl, String rekorV1Url, String rekorV2Url, Instant start) {
    ObjectNode c = JSON.createObjectNode();
    c.put("mediaType", "application/vnd.dev.sigstore.signingconfig.v0.2+json");
    service(c.putArray("caUrls"), caUrl, 1, start);
    c.putArray("oidcUrls");
    ArrayNode rekor = c.putArray("rekorTlogUrls");
    if (rekorV2Url != null) service(rekor, rekorV2Url, 2, start);
    service(rekor, rekorV1Url, 1, start);
    c.putArray("tsaUrls");
    c.putObject("rekorTlogConfig").put("selector", "ANY");
    c.putObject("tsaConfig").put("selector", "ANY");
    try {
      return JSON.writeValueAsBytes(c);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void service(ArrayNode into, String url, int major, Instant start) {
    ObjectNode s = into.addObject();
    s.put("url", url);
    s.put("majorApiVersion", major);
    s.putObject("validFor").put("start", start.toString());
    s.put("operator", "sigwatch-simulator");
  }
}
