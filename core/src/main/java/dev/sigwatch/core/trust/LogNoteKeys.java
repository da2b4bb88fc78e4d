package dev.sigwatch.core.trust;

import dev.sigwatch.core.checkpoint.NoteKey;
import dev.sigwatch.core.checkpoint.NoteKeyType;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds the {@link NoteKey}s that verify a Rekor checkpoint from the logs of a trusted root.
 *
 * <ul>
 *   <li>Rekor v1: origin {@code <host> - <tree ID>}, ECDSA key, key name = host of the base URL, key
 *       ID = log ID[0:4] (SHA-256 of the SPKI).
 *   <li>Rekor v2: origin = base URL without scheme, Ed25519 key, key name = origin, key ID = log
 *       ID[0:4] (= C2SP key ID).
 * </ul>
 *
 * Key IDs are taken from the trusted root's log IDs, never recomputed. Stateless.
 */
public final class LogNoteKeys {
  private static final Pattern REKOR_V1_ORIGIN = Pattern.compile("(.+) - (\\d+)");

  private LogNoteKeys() {}

  /**
   * The keys of every trusted Rekor log that may sign a checkpoint with this origin (several when
   * a log's key rotated).
   *
   * @return empty if the trusted root has no log for this origin
   */
  public static List<NoteKey> forOrigin(TrustedRoot root, String origin) {
    Matcher v1 = REKOR_V1_ORIGIN.matcher(origin);
    List<NoteKey> keys = new ArrayList<>();
    for (LogKey log : root.tlogs()) {
      boolean ec = log.key().getAlgorithm().equals("EC");
      if (ec && v1.matches() && log.host().equals(v1.group(1))) {
        forLog(log).ifPresent(keys::add);
      } else if (!ec && log.urlWithoutScheme().equals(origin)) {
        forLog(log).ifPresent(keys::add);
      }
    }
    return keys;
  }

  /**
   * The note key of one Rekor log: ECDSA logs sign as v1 (name = host), Ed25519 logs as v2 (name =
   * URL without scheme).
   *
   * @return empty for key types that do not sign Rekor checkpoints (e.g. RSA)
   */
  public static Optional<NoteKey> forLog(LogKey log) {
    byte[] id = log.logId();
    if (id.length < 4) {
      return Optional.empty();
    }
    int keyId = ByteBuffer.wrap(id, 0, 4).getInt();
    return switch (log.key().getAlgorithm()) {
      case "EC" -> Optional.of(new NoteKey(log.host(), keyId, NoteKeyType.ECDSA_REKOR_V1, log.key()));
      case "Ed25519", "EdDSA" -> Optional.of(
          new NoteKey(log.urlWithoutScheme(), keyId, NoteKeyType.ED25519, log.key()));
      default -> Optional.empty();
    };
  }
}
