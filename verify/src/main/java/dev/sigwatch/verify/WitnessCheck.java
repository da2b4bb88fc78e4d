package dev.sigwatch.verify;

import dev.sigwatch.core.checkpoint.NoteKey;
import dev.sigwatch.core.checkpoint.NoteSignature;
import dev.sigwatch.core.checkpoint.NoteVerificationException;
import dev.sigwatch.core.checkpoint.NoteVerifier;
import dev.sigwatch.core.checkpoint.SignedNote;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies a {@link WitnessPolicy} to a note: which configured witnesses cosigned it validly, which did not cosign,
 * which cosigned with a bad signature. Immutable and thread-safe.
 */
final class WitnessCheck {

  /** The outcome for one note; {@code satisfied} when at least the threshold of witnesses cosigned validly. */
  record Result(List<String> cosigned, List<String> missing, List<String> invalid, boolean satisfied) {}

  private final WitnessPolicy policy;
  private final List<NoteVerifier> verifiers;

  WitnessCheck(WitnessPolicy policy) {
    this.policy = policy;
    this.verifiers = policy.witnesses().stream().map(k -> new NoteVerifier(List.of(k))).toList();
  }

  Result check(SignedNote note) {
    List<String> cosigned = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    List<String> invalid = new ArrayList<>();
    for (int i = 0; i < policy.witnesses().size(); i++) {
      NoteKey k = policy.witnesses().get(i);
      boolean present = false;
      for (NoteSignature s : note.signatures()) {
        present |= s.name().equals(k.name()) && s.keyId() == k.keyId();
      }
      if (!present) {
        missing.add(k.id());
        continue;
      }
      try {
        verifiers.get(i).verify(note);
        cosigned.add(k.id());
      } catch (NoteVerificationException e) {
        invalid.add(k.id());
      }
    }
    return new Result(cosigned, missing, invalid, cosigned.size() >= policy.threshold());
  }
}
