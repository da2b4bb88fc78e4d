package dev.sigwatch.core.x509;

import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import javax.security.auth.x500.X500Principal;

/**
 * The identity-bearing fields of a Fulcio-style leaf certificate.
 *
 * <p>Parsing does not verify the certificate's chain; see {@link ChainVerifier}.
 *
 * @param certificate the parsed certificate
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
    X509Certificate certificate,
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
    TreeMap<String, FulcioExtension> sorted =
        new TreeMap<>((a, b) -> Integer.compare(FulcioOids.arc(a), FulcioOids.arc(b)));
    sorted.putAll(extensions);
    extensions = Collections.unmodifiableSortedMap(sorted);
    Objects.requireNonNull(certFingerprint, "certFingerprint");
    Objects.requireNonNull(keyFingerprint, "keyFingerprint");
    Objects.requireNonNull(serial, "serial");
    if (notAfter.isBefore(notBefore)) {
      throw new IllegalArgumentException("notAfter " + notAfter + " is before notBefore " + notBefore);
    }
  }

  /** Parses a certificate from DER or PEM and extracts its identity fields. */
  public static FulcioCertificate parse(byte[] derOrPem) throws CertificateParseException {
    return from(Certificates.parse(derOrPem));
  }

  /** Extracts the identity fields of an already parsed certificate. */
  public static FulcioCertificate from(X509Certificate cert) throws CertificateParseException {
    Map<String, FulcioExtension> extensions = FulcioExtensions.read(cert);
    if (cert.getNotAfter().before(cert.getNotBefore())) { // the record would reject it (found by CertificateFuzzTest)
      throw new CertificateParseException("validity ends (notAfter " + cert.getNotAfter().toInstant()
          + ") before it begins (notBefore " + cert.getNotBefore().toInstant() + ")");
    }
    FulcioExtension issuerExt = extensions.get(FulcioOids.ISSUER_V2);
    if (issuerExt == null) {
      issuerExt = extensions.get(FulcioOids.ISSUER_V1);
    }
    return new FulcioCertificate(
        cert,
        SubjectAltNames.read(cert),
        issuerExt == null ? null : issuerExt.value(),
        extensions,
        Certificates.fingerprint(cert),
        Certificates.keyFingerprint(cert.getPublicKey()),
        cert.getSubjectX500Principal().getName(X500Principal.RFC2253),
        cert.getIssuerX500Principal().getName(X500Principal.RFC2253),
        cert.getSerialNumber(),
        cert.getNotBefore().toInstant(),
        cert.getNotAfter().toInstant());
  }

  /** The value of one Fulcio extension, or null if absent. */
  public String extensionValue(String oid) {
    FulcioExtension e = extensions.get(oid);
    return e == null ? null : e.value();
  }
}
