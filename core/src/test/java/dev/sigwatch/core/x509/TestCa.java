package dev.sigwatch.core.x509;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Test-only certificate authority made with BouncyCastle: a self-made root or intermediate and its leaves. */
public final class TestCa {
  private static final AtomicLong SERIAL = new AtomicLong(1000);
  public final KeyPair keys;
  public final X509Certificate cert;

  private TestCa(KeyPair keys, X509Certificate cert) {
    this.keys = keys;
    this.cert = cert;
  }

  public static KeyPair newKeys() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  /** A self-signed root CA named {@code dn} (e.g. the Fulcio root's own names, for a lookalike). */
  public static TestCa root(String dn, Instant from, Instant to) throws Exception {
    return root(new X500Name(dn), from, to);
  }

  /** A self-signed root CA with exactly the subject of {@code copied}: a lookalike of it. */
  public static TestCa lookalike(X509Certificate copied, Instant from, Instant to) throws Exception {
    return root(X500Name.getInstance(copied.getSubjectX500Principal().getEncoded()), from, to);
  }

  public static TestCa root(X500Name name, Instant from, Instant to) throws Exception {
    KeyPair k = newKeys();
    return new TestCa(k, sign(caBuilder(name, name, k, from, to), k));
  }

  /** An intermediate CA named {@code dn} issued by this CA. */
  public TestCa intermediate(String dn, Instant from, Instant to) throws Exception {
    return intermediate(new X500Name(dn), from, to);
  }

  /** An intermediate CA with exactly the subject of {@code copied}, issued by this CA. */
  public TestCa intermediateLike(X509Certificate copied, Instant from, Instant to) throws Exception {
    return intermediate(X500Name.getInstance(copied.getSubjectX500Principal().getEncoded()), from, to);
  }

  public TestCa intermediate(X500Name name, Instant from, Instant to) throws Exception {
    KeyPair k = newKeys();
    return new TestCa(k, sign(caBuilder(issuerName(), name, k, from, to), keys));
  }

  /** A leaf builder with an empty subject issued by this CA; add extensions, then {@link #sign}. */
  public X509v3CertificateBuilder leafBuilder(KeyPair leafKeys, Instant from, Instant to) {
    return new JcaX509v3CertificateBuilder(issuerName(), BigInteger.valueOf(SERIAL.incrementAndGet()),
        Date.from(from), Date.from(to), new X500Name(""), leafKeys.getPublic());
  }

  /** A leaf with the given SANs and extra extensions (oid, DER value pairs). */
  public X509Certificate leaf(Instant from, Instant to, GeneralNames sans, Object... oidAndValue)
      throws Exception {
    X509v3CertificateBuilder b = leafBuilder(newKeys(), from, to);
    if (sans != null) {
      b.addExtension(Extension.subjectAlternativeName, true, sans);
    }
    for (int i = 0; i < oidAndValue.length; i += 2) {
      b.addExtension(new ASN1ObjectIdentifier((String) oidAndValue[i]), false, (byte[]) oidAndValue[i + 1]);
    }
    return sign(b);
  }

  public X509Certificate sign(X509v3CertificateBuilder b) throws Exception {
    return sign(b, keys);
  }

  private X500Name issuerName() {
    return X500Name.getInstance(cert.getSubjectX500Principal().getEncoded());
  }

  private static X509v3CertificateBuilder caBuilder(X500Name issuer, X500Name subject, KeyPair k,
      Instant from, Instant to) throws Exception {
    return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
        Date.from(from), Date.from(to), subject, k.getPublic())
        .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
        .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, KeyPair signer) throws Exception {
    return new JcaX509CertificateConverter().getCertificate(
        b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
  }
}
