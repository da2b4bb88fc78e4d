package dev.sigwatch.core.x509;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/** The outcome of {@link ChainVerifier#verify}. */
public sealed interface ChainStatus permits ChainStatus.Fulcio, ChainStatus.Lookalike {

  /** Whether the certificate chains to a Fulcio CA of the trusted root. */
  default boolean isFulcio() {
    return this instanceof Fulcio;
  }

  /**
   * The certificate was issued by a Fulcio CA of the trusted root valid at its notBefore.
   *
   * @param ca the CA
   * @param path the verified path, leaf first, ending with the CA's root
   */
  record Fulcio(TrustedCa ca, List<X509Certificate> path) implements ChainStatus {
    public Fulcio {
      Objects.requireNonNull(ca, "ca");
      path = List.copyOf(path);
    }
  }

  /**
   * The certificate does not chain to any Fulcio CA of the trusted root at its notBefore, although it
   * may look like a Fulcio certificate (same issuer names, same extensions).
   *
   * @param reason why no chain was found, for the alert
   */
  record Lookalike(String reason) implements ChainStatus {
    public Lookalike {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
