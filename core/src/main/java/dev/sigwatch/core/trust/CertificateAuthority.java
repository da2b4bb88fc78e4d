package dev.sigwatch.core.trust;

import dev.sigwatch.core.x509.TrustedCa;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A certificate or timestamp authority of a trusted root.
 *
 * @param uri the authority's URI (may be empty)
 * @param subject the subject as "organization/commonName" (may be empty)
 * @param chain the certificate chain, leaf-most (intermediate) first, root last; not empty
 * @param validFrom start of the authority's validity
 * @param validUntil end (exclusive), or null if still valid
 */
public record CertificateAuthority(
    String uri, String subject, List<X509Certificate> chain, Instant validFrom, Instant validUntil) {
  public CertificateAuthority {
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(validFrom, "validFrom");
    chain = List.copyOf(chain);
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("certificate authority " + uri + " has an empty chain");
    }
  }

  /** Whether the authority was valid at {@code at}. */
  public boolean isValidAt(Instant at) {
    return !at.isBefore(validFrom) && (validUntil == null || at.isBefore(validUntil));
  }

  /** The last certificate of the chain: the trust anchor. */
  public X509Certificate root() {
    return chain.get(chain.size() - 1);
  }

  /** This authority as the input of {@link dev.sigwatch.core.x509.ChainVerifier}. */
  public TrustedCa toTrustedCa() {
    return new TrustedCa(uri, chain, validFrom, validUntil);
  }
}
