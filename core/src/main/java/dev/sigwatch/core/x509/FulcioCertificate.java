package dev.sigwatch.core.x509;

import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.TBSCertificate;

/**
 * The identity-bearing fields of a Fulcio-style leaf certificate.
 *
 * <p>Parsing does not verify the certificate's chain; see {@link ChainVerifier}.
 *
 * @param certificate the decoded certificate
 * @param sans every subject alternative name, in certificate order
 * @param oidcIssuer the OIDC issuer from extension 1.8, falling back to 1.1; null if neither is present
 * @param extensions every 1.3.6.1.4.1.57264.1.* extension by dotted OID, ordered by arc number
 * @param certFingerprint lower-case hex SHA-256 of the certificate DER
 * @param keyFingerprint lower-case hex SHA-256 of the DER SubjectPublicKeyInfo
 * @param subject RFC 2253 subject DN (often empty for Fulcio leaves)
 * @param issuer RFC 2253 issuer DN
 * @param serial serial number
 * @param notBefore start of validity
 * @param notAfter end of validity
 */
public record FulcioCertificate(
    ParsedCertificate certificate,
    List<SubjectAltName> sans,
    String oidcIssuer,
    Map<String, FulcioExtension> extensions,
    String certFingerprint,
    String keyFingerprint,
    String subject,
    String issuer,
    BigInteger serial,
    Instant notBefore,
    Instant notAfter) {

  public FulcioCertificate {
    Objects.requireNonNull(certificate, "certificate");
    sans = List.copyOf(sans);
    extensions = ArcOrderedExtensions.of(extensions); // ordered by arc number, immutable
    Objects.requireNonNull(certFingerprint, "certFingerprint");
    Objects.requireNonNull(keyFingerprint, "keyFingerprint");
    Objects.requireNonNull(serial, "serial");
    if (notAfter.isBefore(notBefore)) {
      throw new IllegalArgumentException("notAfter " + notAfter + " is before notBefore " + notBefore);
    }
  }

  /** Parses a certificate from DER or PEM and extracts its identity fields. */
  public static FulcioCertificate parse(byte[] derOrPem) throws CertificateParseException {
    return from(ParsedCertificate.parse(derOrPem));
  }

  /** Extracts the identity fields of a certificate the JDK parsed. */
  public static FulcioCertificate from(X509Certificate cert) throws CertificateParseException {
    return from(ParsedCertificate.of(cert));
  }

  /** Extracts the identity fields of a decoded certificate. */
  public static FulcioCertificate from(ParsedCertificate cert) throws CertificateParseException {
    TBSCertificate tbs = cert.tbs();
    Extensions all = tbs.getExtensions();
    Map<String, FulcioExtension> extensions = FulcioExtensions.read(all);
    // In the order BouncyCastle read them before: the first that fails names the reason.
    Instant notBefore = cert.notBefore();
    Instant notAfter = cert.notAfter();
    String subject = cert.subjectRfc2253();
    String issuer = cert.issuerRfc2253();
    String keyFingerprint = cert.keyFingerprint();
    if (notAfter.isBefore(notBefore)) { // the record would reject it (found by CertificateFuzzTest)
      throw new CertificateParseException("validity ends (notAfter " + notAfter + ") before it begins (notBefore "
          + notBefore + ")");
    }
    FulcioExtension issuerExt = extensions.get(FulcioOids.ISSUER_V2);
    if (issuerExt == null) {
      issuerExt = extensions.get(FulcioOids.ISSUER_V1);
    }
    Extension san = all == null ? null : all.getExtension(Extension.subjectAlternativeName);
    return new FulcioCertificate(
        cert,
        san == null ? List.of() : SubjectAltNames.fromExtnValue(san.getExtnValue().getOctets()),
        issuerExt == null ? null : issuerExt.value(),
        extensions,
        cert.fingerprint(),
        keyFingerprint,
        subject,
        issuer,
        tbs.getSerialNumber().getValue(),
        notBefore,
        notAfter);
  }

  /** The value of one Fulcio extension, or null if absent. */
  public String extensionValue(String oid) {
    FulcioExtension e = extensions.get(oid);
    return e == null ? null : e.value();
  }
}
