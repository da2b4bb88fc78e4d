package dev.sigwatch.core.checkpoint;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * A signature line that verified with a trusted key.
 *
 * @param key the trusted key
 * @param timestamp the time the signature carries: seconds for cosignature/v1, milliseconds for
 *     RFC 6962 STH notes, empty for plain Ed25519 and Rekor v1 ECDSA
 */
public record VerifiedSignature(NoteKey key, OptionalLong timestamp) {
  public VerifiedSignature {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(timestamp, "timestamp");
  }
}
