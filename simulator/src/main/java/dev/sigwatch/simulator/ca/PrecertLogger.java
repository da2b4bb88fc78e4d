package dev.sigwatch.simulator.ca;

import java.security.cert.X509Certificate;
import java.util.List;

/** A CT log that accepts a precertificate and returns its serialized SCT. Implementations are thread-safe. */
@FunctionalInterface
public interface PrecertLogger {
  /**
   * Logs {@code precert} (issued directly by {@code chain.get(0)}); {@code tbs} is its TBSCertificate with the
   * poison extension removed. Returns the TLS-encoded SignedCertificateTimestamp.
   */
  byte[] logPrecert(X509Certificate precert, byte[] tbs, List<X509Certificate> chain);
}
