package dev.sigwatch.simulator.ca;

import java.security.KeyPair;
import java.security.cert.X509Certificate;

/**
 * A leaf issued by {@link SimCa}: the final certificate (with its SCT list), the precertificate logged to CT, the
 * subject's key pair, and who it was issued to.
 */
public record IssuedCert(X509Certificate certificate, X509Certificate precertificate, KeyPair subjectKey,
    Identity identity) {
  public IssuedCert {
    if (certificate == null || subjectKey == null || identity == null) {
      throw new IllegalArgumentException("certificate, subjectKey and identity must be set");
    }
  }
}
