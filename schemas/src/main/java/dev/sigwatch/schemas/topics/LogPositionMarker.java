package dev.sigwatch.schemas.topics;

import dev.sigwatch.schemas.IdentityEvent;

/**
 * The markers among the identity events on {@code sigwatch.identities}. The topic is keyed by certificate (the
 * precertificate TBS hash, the same for a CT precertificate and the Rekor entry that uses the issued certificate) and
 * is also the input of match's CT ⋈ Rekor join; so that the join knows how far each log is proven, match writes a
 * marker behind each log's entries to every partition: an {@link IdentityEvent} of {@code entryKind}
 * {@value #KIND}, key {@value #KEY_PREFIX}{@code <logId>}, {@code logIndex} = the audited size every entry below it precedes.
 * A marker names no identity: consumers of identities skip it ({@link #is}).
 */
public final class LogPositionMarker {
  /** The {@code entryKind} of a marker. */
  public static final String KIND = "log-position";
  /** A marker's key: this, then the log id. */
  public static final String KEY_PREFIX = "~position|";

  private LogPositionMarker() {}

  /** Whether {@code e} is a log-position marker rather than an identity. */
  public static boolean is(IdentityEvent e) {
    return e != null && KIND.equals(e.getEntryKind());
  }
}
