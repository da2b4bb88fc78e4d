package dev.sigwatch.core.x509;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One certificate authority of a trusted root (a Fulcio instance during one validity period), the input
 * of {@link ChainVerifier}. {@code dev.sigwatch.core.trust.TrustedRoot} maps its CAs to this.
 *
 * @param uri the CA's URI, e.g. {@code https://fulcio.sigstore.dev}
 * @param chain the CA's certificates, issuing intermediate first and root last (trusted_root.json order)
 * @param validFrom start of the period in which the CA may issue (inclusive)
 * @param validUntil end of that period (inclusive), or null if open-ended
 */
public record TrustedCa(String uri, List<X509Certificate> chain, Instant validFrom, Instant validUntil) {
  public TrustedCa {
    Objects.requireNonNull(uri, "uri");
    chain = List.copyOf(chain);
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("CA " + uri + ": chain must not be empty");
    }
    Objects.requireNonNull(validFrom, "validFrom");
    if (validUntil != null && validUntil.isBefore(validFrom)) {
      throw new IllegalArgumentException(
          "CA " + uri + ": validUntil " + validUntil + " is before validFrom " + validFrom);
    }
  }

  /** Whether the CA's validity period contains {@code t}. */
  public boolean validAt(Instant t) {
    return !t.isBefore(validFrom) && (validUntil == null || !t.isAfter(validUntil));
  }
}
