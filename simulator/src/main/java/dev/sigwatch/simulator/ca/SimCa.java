package dev.sigwatch.simulator.ca;

import dev.sigwatch.core.ct.CtFormatException;
import dev.sigwatch.core.ct.Sct;
import dev.sigwatch.core.ct.SctList;
import dev.sigwatch.simulator.crypto.SimKey;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A Fulcio-like CA: a self-signed root and an intermediate ("sigstore-intermediate", O=sigstore.dev) that issue
 * short-lived code-signing leaves with Fulcio extensions. Each leaf is first issued as a precertificate (poison
 * extension, last), logged to every {@link PrecertLogger}, then re-issued with the SCT list in place of the poison, so
 * both TBSs are equal once poison/SCT extension are removed. Thread-safe.
 */
public final class SimCa {
  public static final String FULCIO_ARC = "1.3.6.1.4.1.57264.1.";
  static final ASN1ObjectIdentifier POISON = new ASN1ObjectIdentifier("1.3.6.1.4.1.11129.2.4.3");
  static final ASN1ObjectIdentifier SCT_LIST = new ASN1ObjectIdentifier("1.3.6.1.4.1.11129.2.4.2");

  private final SimKey rootKey = SimKey.generate(SimKey.Alg.ECDSA_P256);
  private final SimKey intermediateKey = SimKey.generate(SimKey.Alg.ECDSA_P256);
  private final X509Certificate root;
  private final X509Certificate intermediate;
  private final Instant notBefore;
  private final AtomicLong serials = new AtomicLong(System.nanoTime() & 0xffffffffL);

  /** A CA with the usual Fulcio names; two instances have the same names but different keys (a lookalike). */
  public SimCa(Instant notBefore) {
    this.notBefore = notBefore;
    X500Name rootName = new X500Name("O=sigstore.dev,CN=sigstore");
    X500Name intName = new X500Name("O=sigstore.dev,CN=sigstore-intermediate");
    Instant end = notBefore.plus(Duration.ofDays(3650));
    this.root = ca(rootName, rootName, rootKey.keyPair().getPublic(), rootKey, notBefore, end, 1);
    this.intermediate = ca(intName, rootName, intermediateKey.keyPair().getPublic(), rootKey, notBefore, end, 0);
  }

  public X509Certificate root() {
    return root;
  }

  public X509Certificate intermediate() {
    return intermediate;
  }

  /** Chain from the issuing intermediate up to the root. */
  public List<X509Certificate> chain() {
    return List.of(intermediate, root);
  }

  /** Issues a leaf for {@code id} valid for 10 minutes from {@code at}, logging its precert to each logger. */
  public IssuedCert issue(Identity id, Instant at, List<PrecertLogger> loggers) {
    KeyPair subject = SimKey.generate(SimKey.Alg.ECDSA_P256).keyPair();
    BigInteger serial = BigInteger.valueOf(serials.incrementAndGet()).shiftLeft(64).add(BigInteger.valueOf(at.toEpochMilli()));
    try {
      X509Certificate pre = build(leafBuilder(id, subject.getPublic(), serial, at)
          .addExtension(POISON, true, DERNull.INSTANCE));
      byte[] tbs = build(leafBuilder(id, subject.getPublic(), serial, at)).getTBSCertificate();
      List<byte[]> scts = new ArrayList<>();
      for (PrecertLogger l : loggers) scts.add(l.logPrecert(pre, tbs, chain()));
      X509v3CertificateBuilder fin = leafBuilder(id, subject.getPublic(), serial, at);
      if (!scts.isEmpty()) fin.addExtension(SCT_LIST, false, sctListExtension(scts));
      return new IssuedCert(build(fin), pre, subject, id);
    } catch (IOException | CertificateException e) {
      throw new IllegalStateException("issuing certificate for " + id.san(), e);
    }
  }

  /** The SCT-list extension value (DER OCTET STRING of the TLS list) for serialized SCTs. */
  static byte[] sctListExtension(List<byte[]> scts) {
    List<Sct> parsed = new ArrayList<>();
    try {
      for (byte[] s : scts) parsed.add(Sct.parse(s));
    } catch (CtFormatException e) {
      throw new IllegalStateException("a simulated CT log returned a bad SCT", e);
    }
    return SctList.encodeExtensionValue(parsed);
  }

  private X509v3CertificateBuilder leafBuilder(Identity id, PublicKey pub, BigInteger serial, Instant at)
      throws IOException {
    try {
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(intermediate, serial, Date.from(at),
          Date.from(at.plus(Duration.ofMinutes(10))), new X500Name(new org.bouncycastle.asn1.x500.RDN[0]), pub);
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_codeSigning));
      b.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(pub));
      b.addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(intermediate));
      GeneralName san = id.sanType() == Identity.SanType.EMAIL
          ? new GeneralName(GeneralName.rfc822Name, id.san())
          : new GeneralName(GeneralName.uniformResourceIdentifier, id.san());
      b.addExtension(Extension.subjectAlternativeName, true, new GeneralNames(san));
      b.addExtension(new ASN1ObjectIdentifier(FULCIO_ARC + "1"), false,
          id.issuer().getBytes(StandardCharsets.UTF_8));
      for (int arc = 2; arc <= 6; arc++) {
        String v = id.extensions().get(arc);
        if (v != null) {
          b.addExtension(new ASN1ObjectIdentifier(FULCIO_ARC + arc), false, v.getBytes(StandardCharsets.UTF_8));
        }
      }
      b.addExtension(new ASN1ObjectIdentifier(FULCIO_ARC + "8"), false, new DERUTF8String(id.issuer()));
      for (Map.Entry<Integer, String> e : new java.util.TreeMap<>(id.extensions()).entrySet()) {
        if (e.getKey() >= 9) {
          b.addExtension(new ASN1ObjectIdentifier(FULCIO_ARC + e.getKey()), false, new DERUTF8String(e.getValue()));
        }
      }
      return b;
    } catch (java.security.NoSuchAlgorithmException | CertificateException e) {
      throw new IOException(e);
    }
  }

  private X509Certificate build(X509v3CertificateBuilder b) throws CertificateException {
    return sign(b, intermediateKey);
  }

  private static X509Certificate ca(X500Name subject, X500Name issuer, PublicKey pub, SimKey signer, Instant from,
      Instant to, int pathLen) {
    try {
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(System.nanoTime()),
          Date.from(from), Date.from(to), subject, pub);
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(pathLen));
      b.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(pub));
      return sign(b, signer);
    } catch (IOException | CertificateException | java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("creating CA certificate " + subject, e);
    }
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, SimKey key) throws CertificateException {
    try {
      return new JcaX509CertificateConverter().getCertificate(
          b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.keyPair().getPrivate())));
    } catch (OperatorCreationException e) {
      throw new CertificateException(e);
    }
  }

  public Instant notBefore() {
    return notBefore;
  }
}
