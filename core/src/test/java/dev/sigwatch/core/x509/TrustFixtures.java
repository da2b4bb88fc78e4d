package dev.sigwatch.core.x509;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * Test-only, minimal reading of the fixtures' trusted roots: the Fulcio CAs and CT log keys. The real
 * loader is {@code dev.sigwatch.core.trust}; this reads just enough to feed {@link ChainVerifier} and the
 * SCT tests.
 */
public final class TrustFixtures {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A CT log of a trusted root. {@code name} is "prod:" / "stag:" + baseUrl, as in the fixture indexes. */
  public record CtLog(String name, byte[] logId, PublicKey key) {}

  private TrustFixtures() {}

  public static Path fixtures() {
    String dir = System.getProperty("sigwatch.fixtures");
    if (dir == null) {
      throw new IllegalStateException("system property sigwatch.fixtures is not set (run through Maven)");
    }
    return Path.of(dir);
  }

  public static byte[] read(String relative) throws IOException {
    return Files.readAllBytes(fixtures().resolve(relative));
  }

  public static JsonNode json(String relative) throws IOException {
    return JSON.readTree(fixtures().resolve(relative).toFile());
  }

  /** "prod", "stag" or "github" (line 2 of github/trusted_root.jsonl, GitHub's private instance). */
  public static JsonNode root(String which) throws IOException {
    return switch (which) {
      case "prod" -> json("trust/production/trusted_root.json");
      case "stag" -> json("trust/staging/trusted_root.json");
      case "github" -> JSON.readTree(
          Files.readAllLines(fixtures().resolve("trust/github/trusted_root.jsonl")).get(1));
      default -> throw new IllegalArgumentException(which);
    };
  }

  public static List<TrustedCa> cas(String which) throws Exception {
    List<TrustedCa> out = new ArrayList<>();
    for (JsonNode ca : root(which).path("certificateAuthorities")) {
      List<X509Certificate> chain = new ArrayList<>();
      for (JsonNode c : ca.path("certChain").path("certificates")) {
        chain.add(Certificates.parse(Base64.getDecoder().decode(c.path("rawBytes").asText())));
      }
      JsonNode v = ca.path("validFor");
      out.add(new TrustedCa(ca.path("uri").asText(), chain, Instant.parse(v.path("start").asText()),
          v.has("end") ? Instant.parse(v.path("end").asText()) : null));
    }
    return out;
  }

  /** CT logs of the production and staging roots by base64 log ID. */
  public static Map<String, CtLog> ctLogs() throws Exception {
    Map<String, CtLog> out = new LinkedHashMap<>();
    for (String which : List.of("prod", "stag")) {
      for (JsonNode log : root(which).path("ctlogs")) {
        String id = log.path("logId").path("keyId").asText();
        JsonNode pk = log.path("publicKey");
        out.put(id, new CtLog(which + ":" + log.path("baseUrl").asText(), Base64.getDecoder().decode(id),
            publicKey(pk.path("keyDetails").asText(), Base64.getDecoder().decode(pk.path("rawBytes").asText()))));
      }
    }
    return out;
  }

  private static PublicKey publicKey(String details, byte[] raw) throws GeneralSecurityException, IOException {
    if (details.startsWith("PKCS1_RSA")) {
      raw = new SubjectPublicKeyInfo(
          new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE), raw).getEncoded();
      return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(raw));
    }
    String alg = details.contains("ECDSA") ? "EC" : details.contains("RSA") ? "RSA" : "Ed25519";
    return KeyFactory.getInstance(alg).generatePublic(new X509EncodedKeySpec(raw));
  }
}
