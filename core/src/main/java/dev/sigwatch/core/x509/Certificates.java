package dev.sigwatch.core.x509;

import java.io.ByteArrayInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;

/**
 * Decoding of X.509 certificates from DER or PEM, and SHA-256 fingerprints.
 *
 * <p>Thread-safe: every method may be called concurrently.
 */
public final class Certificates {
  private static final ThreadLocal<CertificateFactory> FACTORY =
      ThreadLocal.withInitial(Certificates::newFactory);
  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(Certificates::newSha256);

  private Certificates() {}

  /** Parses one certificate from DER or PEM bytes; trailing data after the first certificate is an error. */
  public static X509Certificate parse(byte[] derOrPem) throws CertificateParseException {
    if (derOrPem == null || derOrPem.length == 0) {
      throw new CertificateParseException("certificate is empty");
    }
    try {
      ByteArrayInputStream in = new ByteArrayInputStream(derOrPem);
      X509Certificate cert = (X509Certificate) FACTORY.get().generateCertificate(in);
      if (derOrPem[0] == 0x30 && in.available() > 0) {
        throw new CertificateParseException(
            "trailing data after DER certificate: " + in.available() + " bytes");
      }
      return cert;
    } catch (CertificateException | RuntimeException e) {
      throw new CertificateParseException("not an X.509 certificate: " + e.getMessage(), e);
    }
  }

  /** Parses every certificate of a PEM bundle (or a single DER certificate), in order. */
  public static List<X509Certificate> parseAll(byte[] derOrPem) throws CertificateParseException {
    try {
      Collection<? extends java.security.cert.Certificate> certs =
          FACTORY.get().generateCertificates(new ByteArrayInputStream(derOrPem));
      List<X509Certificate> out = new ArrayList<>(certs.size());
      for (java.security.cert.Certificate c : certs) {
        out.add((X509Certificate) c);
      }
      return List.copyOf(out);
    } catch (CertificateException | RuntimeException e) {
      throw new CertificateParseException("not a certificate list: " + e.getMessage(), e);
    }
  }

  /** Returns the DER encoding of {@code cert}. */
  public static byte[] der(X509Certificate cert) {
    try {
      return cert.getEncoded();
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException("a parsed certificate always has an encoding", e);
    }
  }

  /** Lower-case hex SHA-256 of the certificate's DER encoding. */
  public static String fingerprint(X509Certificate cert) {
    return HexFormat.of().formatHex(sha256(der(cert)));
  }

  /** Lower-case hex SHA-256 of the DER SubjectPublicKeyInfo of {@code key}. */
  public static String keyFingerprint(PublicKey key) {
    return HexFormat.of().formatHex(sha256(key.getEncoded()));
  }

  /** SHA-256 of {@code data}. */
  public static byte[] sha256(byte[] data) {
    return SHA256.get().digest(data);
  }

  private static CertificateFactory newFactory() {
    try {
      return CertificateFactory.getInstance("X.509");
    } catch (CertificateException e) {
      throw new IllegalStateException("X.509 is required by every Java platform", e);
    }
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }
}
