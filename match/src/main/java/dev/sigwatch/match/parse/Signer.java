package dev.sigwatch.match.parse;

import dev.sigwatch.core.x509.FulcioCertificate;
import dev.sigwatch.core.x509.ParsedCertificate;
import java.util.List;
import java.util.Objects;

/** Who signed an entry, as its verifier material says: a certificate or a bare key. */
public sealed interface Signer permits Signer.Cert, Signer.Key {

  /**
   * A certificate signer.
   *
   * @param certificate the leaf and its identity fields
   * @param chain further certificates shipped with it (PEM bundle, CT extra_data), leaf excluded; may be empty
   */
  record Cert(FulcioCertificate certificate, List<ParsedCertificate> chain) implements Signer {
    public Cert {
      Objects.requireNonNull(certificate, "certificate");
      chain = List.copyOf(chain);
    }
  }

  /**
   * A key signer.
   *
   * @param keyType pkix, pgp, ssh or minisign
   * @param fingerprints key fingerprints (SHA-256 hex of SPKI; SSH {@code SHA256:...}; PGP hex SHA-1; minisign key id)
   * @param subjects subjects the key names (PGP user-id emails, SSH comment); may be empty
   */
  record Key(String keyType, List<String> fingerprints, List<String> subjects) implements Signer {
    public Key {
      Objects.requireNonNull(keyType, "keyType");
      fingerprints = List.copyOf(fingerprints);
      subjects = List.copyOf(subjects);
      if (fingerprints.isEmpty()) {
        throw new IllegalArgumentException(keyType + " key without a fingerprint");
      }
    }
  }
}
