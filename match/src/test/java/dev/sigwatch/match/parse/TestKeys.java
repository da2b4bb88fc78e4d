package dev.sigwatch.match.parse;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Real key material generated for tests: EC keys, self-signed certificates with chosen extensions, PEM. */
final class TestKeys {
  static final Instant NOT_BEFORE = Instant.parse("2026-01-01T00:00:00Z");

  private TestKeys() {}

  static KeyPair ec() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  /**
   * A self-signed certificate for {@code email} with extra extensions: an {@link ASN1Encodable} value is DER-encoded,
   * a {@code byte[]} value is used as the raw extension contents.
   */
  static X509Certificate cert(KeyPair kp, String cn, String email, Map<String, Object> extensions,
      List<String> extendedKeyUsage) throws Exception {
    X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name("CN=" + cn), BigInteger.valueOf(4242),
        Date.from(NOT_BEFORE), Date.from(NOT_BEFORE.plusSeconds(600)), new X500Name("CN=" + cn), kp.getPublic());
    if (email != null) {
      b.addExtension(Extension.subjectAlternativeName, false,
          new GeneralNames(new GeneralName(GeneralName.rfc822Name, email)));
    }
    if (!extendedKeyUsage.isEmpty()) {
      b.addExtension(Extension.extendedKeyUsage, true, new org.bouncycastle.asn1.x509.ExtendedKeyUsage(
          extendedKeyUsage.stream().map(o -> org.bouncycastle.asn1.x509.KeyPurposeId.getInstance(
              new ASN1ObjectIdentifier(o))).toArray(org.bouncycastle.asn1.x509.KeyPurposeId[]::new)));
    }
    for (Map.Entry<String, Object> e : extensions.entrySet()) {
      ASN1ObjectIdentifier oid = new ASN1ObjectIdentifier(e.getKey());
      if (e.getValue() instanceof byte[] raw) {
        b.addExtension(oid, false, raw);
      } else {
        b.addExtension(oid, false, (ASN1Encodable) e.getValue());
      }
    }
    return new JcaX509CertificateConverter().getCertificate(
        b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
  }

  static String pem(String label, byte[] der) {
    return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(der) + "\n-----END " + label + "-----\n";
  }

  static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }

  static String b64(String s) {
    return b64(s.getBytes(StandardCharsets.UTF_8));
  }

  static String sha256Hex(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }
}
