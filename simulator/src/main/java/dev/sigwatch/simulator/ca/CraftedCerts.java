package dev.sigwatch.simulator.ca;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Hostile certificates anyone can put in a public log (self-signed: no CA of the simulator is involved). */
public final class CraftedCerts {
  private CraftedCerts() {}

  /** DER of {@code depth} SEQUENCEs nested around a NULL: {@code 30 .. 30 .. 05 00}. */
  public static byte[] nestedSequences(int depth) {
    byte[] inner = {0x05, 0x00};
    for (int i = 0; i < depth; i++) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(inner.length + 4);
      out.write(0x30);
      int n = inner.length;
      if (n < 0x80) {
        out.write(n);
      } else if (n < 0x100) {
        out.write(0x81);
        out.write(n);
      } else {
        out.write(0x82);
        out.write(n >> 8);
        out.write(n & 0xff);
      }
      out.writeBytes(inner);
      inner = out.toByteArray();
    }
    return inner;
  }

  /**
   * A self-signed certificate for {@code email} with a custom extension of {@code depth} nested SEQUENCEs (depth
   * 3000 is about 10 KB), optionally with more SANs.
   */
  public static X509Certificate selfSigned(String email, int depth, Instant at) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(256);
    KeyPair k = g.generateKeyPair();
    X500Name name = new X500Name("CN=crafted");
    JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(at.toEpochMilli()),
        Date.from(at), Date.from(at.plus(Duration.ofMinutes(10))), name, k.getPublic());
    b.addExtension(Extension.subjectAlternativeName, true,
        new GeneralNames(new GeneralName(GeneralName.rfc822Name, email)));
    if (depth > 0) {
      b.addExtension(new ASN1ObjectIdentifier("1.3.6.1.4.1.99999.1"), false, nestedSequences(depth));
    }
    return new JcaX509CertificateConverter().getCertificate(
        b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(k.getPrivate())));
  }
}
