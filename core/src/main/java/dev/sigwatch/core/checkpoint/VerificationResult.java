package dev.sigwatch.core.checkpoint;

import java.util.List;
import java.util.Objects;

/**
 * What a {@link NoteVerifier} accepted: the verified signatures (at least one) and the signature
 * lines from keys it does not know, which were ignored as C2SP signed-note requires.
 */
public record VerificationResult(
    SignedNote note, List<VerifiedSignature> verified, List<NoteSignature> ignored) {
  public VerificationResult {
    Objects.requireNonNull(note, "note");
    verified = List.copyOf(verified);
    ignored = List.copyOf(ignored);
    if (verified.isEmpty()) {
      throw new IllegalArgumentException("a verification result needs a verified signature");
    }
  }

  /** The verified signatures of keys of the given type, e.g. witness cosignatures. */
  public List<VerifiedSignature> verifiedOfType(NoteKeyType type) {
    return verified.stream().filter(v -> v.key().type() == type).toList();
  }

  /** Whether the key with this name and ID produced a verified signature. */
  public boolean isVerifiedBy(String name, int keyId) {
    return verified.stream().anyMatch(v -> v.key().name().equals(name) && v.key().keyId() == keyId);
  }
}
