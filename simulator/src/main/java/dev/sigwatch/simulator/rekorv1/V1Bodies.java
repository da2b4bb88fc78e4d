package dev.sigwatch.simulator.rekorv1;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;

/**
 * Builds canonical (sorted-key, compact) Rekor v1 bodies of the kinds hashedrekord 0.0.1 (certificate or public key),
 * dsse 0.0.1, intoto 0.0.2 and rekord 0.0.1, each with the artifact/payload digest as its template slot. Stateless.
 */
public final class V1Bodies {
  /** Entry kinds the simulator writes. MALFORMED is a body that is not valid JSON of any kind. */
  public enum Kind { HASHEDREKORD_CERT, HASHEDREKORD_KEY, DSSE, INTOTO, REKORD, MALFORMED }

  private static final Base64.Encoder B64 = Base64.getEncoder();

  private V1Bodies() {}

  /**
   * A template of {@code kind} for a signer with {@code cert} (or {@code key} for HASHEDREKORD_KEY) and signature
   * {@code sig} (DER ECDSA).
   */
  public static BodyTemplate template(Kind kind, X509Certificate cert, PublicKey key, byte[] sig) {
    String verifier = kind == Kind.MALFORMED ? ""
        : b64(kind == Kind.HASHEDREKORD_KEY ? pem("PUBLIC KEY", key.getEncoded()) : certPem(cert));
    String s = B64.encodeToString(sig);
    String sha = "{\"algorithm\":\"sha256\",\"value\":\"";
    return switch (kind) {
      case HASHEDREKORD_CERT, HASHEDREKORD_KEY -> BodyTemplate.of("hashedrekord",
          "{\"apiVersion\":\"0.0.1\",\"kind\":\"hashedrekord\",\"spec\":{\"data\":{\"hash\":" + sha,
          "\"}},\"signature\":{\"content\":\"" + s + "\",\"publicKey\":{\"content\":\"" + verifier + "\"}}}}");
      case DSSE -> BodyTemplate.of("dsse",
          "{\"apiVersion\":\"0.0.1\",\"kind\":\"dsse\",\"spec\":{\"envelopeHash\":" + sha + hex(sig) + "\"},"
              + "\"payloadHash\":" + sha,
          "\"},\"signatures\":[{\"signature\":\"" + s + "\",\"verifier\":\"" + verifier + "\"}]}}");
      case INTOTO -> BodyTemplate.of("intoto",
          "{\"apiVersion\":\"0.0.2\",\"kind\":\"intoto\",\"spec\":{\"content\":{\"envelope\":{\"payloadType\":"
              + "\"application/vnd.in-toto+json\",\"signatures\":[{\"publicKey\":\"" + verifier + "\",\"sig\":\""
              + b64(s) + "\"}]},\"hash\":" + sha + hex(sig) + "\"},\"payloadHash\":" + sha,
          "\"}}}}");
      case REKORD -> BodyTemplate.of("rekord",
          "{\"apiVersion\":\"0.0.1\",\"kind\":\"rekord\",\"spec\":{\"data\":{\"hash\":" + sha,
          "\"}},\"signature\":{\"content\":\"" + s + "\",\"format\":\"x509\",\"publicKey\":{\"content\":\""
              + verifier + "\"}}}}");
      case MALFORMED -> BodyTemplate.of("malformed",
          "{\"apiVersion\":\"0.0.1\",\"kind\":\"hashedrekord\",\"spec\":{\"data\":{\"hash\":{\"value\":\"", "\"");
    };
  }

  /** ECDSA signature over the artifact whose SHA-256 is {@code digest} (what hashedrekord verifiers check). */
  public static byte[] signDigest(PrivateKey key, byte[] digest) {
    try {
      Signature s = Signature.getInstance("NONEwithECDSA");
      s.initSign(key);
      s.update(digest);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("signing digest", e);
    }
  }

  public static String certPem(X509Certificate cert) {
    try {
      return pem("CERTIFICATE", cert.getEncoded());
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String pem(String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }

  private static String b64(String s) {
    return B64.encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String hex(byte[] b) {
    return java.util.HexFormat.of().formatHex(dev.sigwatch.simulator.crypto.SimKey.sha256(b));
  }
}
