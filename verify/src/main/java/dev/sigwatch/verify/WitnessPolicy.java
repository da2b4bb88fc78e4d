package dev.sigwatch.verify;

import dev.sigwatch.core.checkpoint.NoteFormatException;
import dev.sigwatch.core.checkpoint.NoteKey;
import dev.sigwatch.core.checkpoint.NoteKeyType;
import java.util.ArrayList;
import java.util.List;

/**
 * Which witnesses must cosign a Rekor v2 checkpoint: at least {@code threshold} of {@code witnesses}
 * (cosignature/v1 keys). A threshold of 0 disables the policy.
 *
 * @param witnesses the witness keys; no duplicates
 * @param threshold how many of them must cosign, {@code 0 <= threshold <= witnesses.size()}
 */
public record WitnessPolicy(List<NoteKey> witnesses, int threshold) {

  public WitnessPolicy {
    witnesses = List.copyOf(witnesses);
    if (threshold < 0 || threshold > witnesses.size()) {
      throw new IllegalArgumentException(
          "witness threshold must be in 0.." + witnesses.size() + ", was " + threshold);
    }
    for (NoteKey k : witnesses) {
      if (k.type() != NoteKeyType.COSIGNATURE_V1) {
        throw new IllegalArgumentException("witness " + k.id() + " must be a cosignature/v1 key, was " + k.type());
      }
    }
    if (witnesses.stream().map(NoteKey::id).distinct().count() != witnesses.size()) {
      throw new IllegalArgumentException("witness keys must be distinct");
    }
  }

  /** No witness requirement. */
  public static WitnessPolicy none() {
    return new WitnessPolicy(List.of(), 0);
  }

  /** {@code threshold} of the witnesses given as C2SP vkeys ({@code name+keyid+base64}). */
  public static WitnessPolicy ofVkeys(List<String> vkeys, int threshold) throws NoteFormatException {
    List<NoteKey> keys = new ArrayList<>();
    for (String v : vkeys) {
      NoteKey k = NoteKey.parseVkey(v);
      keys.add(k.type() == NoteKeyType.COSIGNATURE_V1 ? k : NoteKey.cosignature(k.name(), k.publicKey()));
    }
    return new WitnessPolicy(keys, threshold);
  }

  public boolean enabled() {
    return threshold > 0;
  }
}
