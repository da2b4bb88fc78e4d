package dev.sigwatch.match.bench;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Rekor v1 hashedrekord bodies, each with a certificate of its own: copies of the real Fulcio certificates in a
 * fixtures directory (same names, validity and extensions, SCT list included) with a fresh serial and key, signed by a
 * throwaway CA. Benchmark input, so that no decoder cache (the JDK keeps the last 750 certificates it parsed) makes
 * parsing look cheaper than on a real log, where every certificate is new.
 */
final class DistinctBodies {
  private DistinctBodies() {}

  static List<byte[]> hashedRekords(Path certs, int n) throws Exception {
    List<X509CertificateHolder> originals = new ArrayList<>();
    try (var files = Files.list(certs)) {
      for (Path p : files.sorted().toList()) {
        if (p.toString().endsWith(".pem")) {
          originals.add(new X509CertificateHolder(pemBody(Files.readString(p))));
        }
      }
    }
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    ContentSigner ca = new JcaContentSignerBuilder("SHA256withECDSA").build(g.generateKeyPair().getPrivate());
    KeyPair[] keys = new KeyPair[16];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = g.generateKeyPair();
    }
    List<byte[]> bodies = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      X509CertificateHolder o = originals.get(i % originals.size());
      X509v3CertificateBuilder b = new X509v3CertificateBuilder(o.getIssuer(), BigInteger.valueOf(1_000_000L + i),
          o.getNotBefore(), o.getNotAfter(), o.getSubject(),
          SubjectPublicKeyInfo.getInstance(keys[i % keys.length].getPublic().getEncoded()));
      for (Object oid : o.getExtensionOIDs()) {
        b.addExtension(o.getExtension((ASN1ObjectIdentifier) oid));
      }
      bodies.add(body(b.build(ca).getEncoded(), i));
    }
    return bodies;
  }

  private static byte[] body(byte[] der, int i) {
    String pem = "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END CERTIFICATE-----\n";
    String digest = HexFormat.of().formatHex(java.nio.ByteBuffer.allocate(32).putInt(i).array());
    String json = "{\"apiVersion\":\"0.0.1\",\"kind\":\"hashedrekord\",\"spec\":{\"data\":{\"hash\":{\"algorithm\":"
        + "\"sha256\",\"value\":\"" + digest + "\"}},\"signature\":{\"content\":\"MEUCIQ==\",\"publicKey\":{\"content\":\""
        + Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII)) + "\"}}}}";
    return json.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] pemBody(String pem) {
    int b = pem.indexOf("-----BEGIN CERTIFICATE-----");
    int e = pem.indexOf("-----END CERTIFICATE-----");
    return Base64.getMimeDecoder().decode(pem.substring(b + "-----BEGIN CERTIFICATE-----".length(), e));
  }
}
