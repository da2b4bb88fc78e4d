package dev.sigwatch.core.x509;

import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.TBSCertificate;
import org.bouncycastle.asn1.x509.Time;

/**
 * A certificate decoded once: its DER bytes and BouncyCastle's ASN.1 structure, which everything sigwatch reads from
 * a certificate per entry shares — identity fields ({@link FulcioCertificate#from(ParsedCertificate)}), extensions,
 * the precertificate TBS of the CT join. Decoding was the largest cost of matching an entry when each reader decoded
 * on its own (the JDK's parser, then BouncyCastle per extension, then BouncyCastle again for the TBS).
 *
 * <p>The bytes pass {@link Der#checkNesting} before BouncyCastle sees them. The JDK's {@link X509Certificate} is
 * built only when asked for ({@link #x509()}: chain checks, SCT checks), never on the per-entry path. BouncyCastle's
 * structural checks are what make bytes a certificate here: the JDK's parser also decodes every extension type it
 * knows and the public key, so a certificate with, say, a malformed key usage it rejects is read here (and its
 * identity reported), and {@link #x509()} then fails.
 *
 * <p>Immutable and thread-safe; equal when the DER bytes are.
 */
public final class ParsedCertificate {
  private final byte[] der;
  private final Certificate asn1;
  private final Der.Tlv tbs;
  private final boolean strictDer;
  /** Where the fields read per entry are in {@link #der}; null when the certificate has BER lengths. */
  private final TbsLayout layout;
  private volatile X509Certificate x509;

  private ParsedCertificate(byte[] der, Certificate asn1, Der.Tlv tbs, boolean strictDer, TbsLayout layout,
      X509Certificate x509) {
    this.der = der;
    this.asn1 = asn1;
    this.tbs = tbs;
    this.strictDer = strictDer;
    this.layout = layout;
    this.x509 = x509;
  }

  /**
   * Decodes one certificate from DER (or PEM, read by the JDK); trailing data after a DER certificate is an error.
   *
   * @throws CertificateParseException if the bytes are not one certificate
   */
  public static ParsedCertificate parse(byte[] derOrPem) throws CertificateParseException {
    if (derOrPem == null || derOrPem.length == 0) {
      throw new CertificateParseException("certificate is empty");
    }
    if (derOrPem[0] != 0x30) {
      return of(Certificates.parse(derOrPem)); // PEM (or garbage): the JDK's reader and its messages
    }
    return decode(derOrPem.clone(), null);
  }

  /**
   * {@link #parse} of bytes the caller hands over: {@code der} is kept, not copied, and must not be changed
   * afterwards (for a decoder's fresh output, such as a PEM body).
   */
  public static ParsedCertificate parseOwned(byte[] der) throws CertificateParseException {
    if (der == null || der.length == 0 || der[0] != 0x30) {
      return parse(der);
    }
    return decode(der, null);
  }

  /** The certificate the JDK already parsed, decoded for sigwatch's readers. */
  public static ParsedCertificate of(X509Certificate cert) throws CertificateParseException {
    return decode(Certificates.der(cert), cert);
  }

  private static ParsedCertificate decode(byte[] der, X509Certificate x509) throws CertificateParseException {
    try {
      Der.Tlv outer = Der.tlv(der, 0, der.length);
      if (outer.end() < der.length) {
        throw new CertificateParseException("trailing data after DER certificate: " + (der.length - outer.end())
            + " bytes");
      }
      boolean strict = Der.checkNesting(der, Der.MAX_DEPTH);
      Certificate asn1 = Certificate.getInstance(Der.read(der));
      Der.Tlv tbs = strict ? Der.tlv(der, outer.contentStart(), outer.end()) : null;
      return new ParsedCertificate(der, asn1, tbs, strict, tbs == null ? null : TbsLayout.of(der, tbs), x509);
    } catch (IOException | RuntimeException e) {
      // BouncyCastle reports a wrong shape as IllegalArgumentException / IllegalStateException.
      throw new CertificateParseException("not an X.509 certificate: " + e.getMessage(), e);
    }
  }

  /** The DER encoding (a copy). */
  public byte[] der() {
    return der.clone();
  }

  /** The DER encoding's length in bytes. */
  public int length() {
    return der.length;
  }

  /** BouncyCastle's decoded structure (mutable in principle: do not change it). */
  public Certificate asn1() {
    return asn1;
  }

  /** The TBSCertificate. */
  public TBSCertificate tbs() {
    return asn1.getTBSCertificate();
  }

  /** The extension with dotted OID {@code oid}, or null. */
  public Extension extension(String oid) {
    Extensions ext = tbs().getExtensions();
    return ext == null ? null : ext.getExtension(new org.bouncycastle.asn1.ASN1ObjectIdentifier(oid));
  }

  /**
   * The TBSCertificate's bytes as they appear in the certificate (a copy), or null when the certificate uses BER
   * lengths (then only a re-encoding of {@link #tbs()} gives DER).
   */
  public byte[] tbsDer() {
    return tbs == null ? null : Arrays.copyOfRange(der, tbs.start(), tbs.end());
  }

  /** Whether every length in the certificate is definite and minimal (DER lengths). */
  public boolean strictDerLengths() {
    return strictDer;
  }

  /**
   * The start of the validity period.
   *
   * @throws CertificateParseException if BouncyCastle cannot read a time outside RFC 5280's two forms
   */
  public Instant notBefore() throws CertificateParseException {
    Instant t = layout == null ? null : layout.notBefore(der);
    return t != null ? t : bcDate(tbs().getStartDate());
  }

  /**
   * The end of the validity period.
   *
   * @throws CertificateParseException if BouncyCastle cannot read a time outside RFC 5280's two forms
   */
  public Instant notAfter() throws CertificateParseException {
    Instant t = layout == null ? null : layout.notAfter(der);
    return t != null ? t : bcDate(tbs().getEndDate());
  }

  private static Instant bcDate(Time time) throws CertificateParseException {
    try {
      return time.getDate().toInstant();
    } catch (RuntimeException e) { // "invalid date string: ..."
      throw new CertificateParseException("not an X.509 certificate: " + e.getMessage(), e);
    }
  }

  /**
   * The subject as the JDK writes it in RFC 2253 form (what {@code X509Certificate}'s principals gave).
   *
   * @throws CertificateParseException if the JDK cannot read the name
   */
  public String subjectRfc2253() throws CertificateParseException {
    return layout == null ? Rfc2253Names.of(tbs().getSubject()) : Rfc2253Names.of(der, layout.subject(), tbs()::getSubject);
  }

  /**
   * The issuer as the JDK writes it in RFC 2253 form.
   *
   * @throws CertificateParseException if the JDK cannot read the name
   */
  public String issuerRfc2253() throws CertificateParseException {
    return layout == null ? Rfc2253Names.of(tbs().getIssuer()) : Rfc2253Names.of(der, layout.issuer(), tbs()::getIssuer);
  }

  /** Lower-case hex SHA-256 of the DER SubjectPublicKeyInfo (as BouncyCastle encodes it in DER). */
  public String keyFingerprint() throws CertificateParseException {
    byte[] spki = layout == null ? null : layout.spkiAsEncoded(der);
    if (spki == null) {
      try {
        spki = tbs().getSubjectPublicKeyInfo().getEncoded(ASN1Encoding.DER);
      } catch (IOException | RuntimeException e) {
        throw new CertificateParseException("not an X.509 certificate: " + e.getMessage(), e);
      }
    }
    return HexFormat.of().formatHex(Certificates.sha256(spki));
  }

  /** Lower-case hex SHA-256 of the DER encoding. */
  public String fingerprint() {
    return HexFormat.of().formatHex(Certificates.sha256(der));
  }

  /**
   * The JDK's view of this certificate, built on first use.
   *
   * @throws CertificateParseException if the JDK's parser rejects what BouncyCastle decoded
   */
  public X509Certificate x509() throws CertificateParseException {
    X509Certificate c = x509;
    if (c == null) {
      c = Certificates.parse(der);
      x509 = c;
    }
    return c;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ParsedCertificate p && Arrays.equals(der, p.der);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(der);
  }

  @Override
  public String toString() {
    return "ParsedCertificate[" + der.length + " bytes, subject " + tbs().getSubject() + "]";
  }
}
