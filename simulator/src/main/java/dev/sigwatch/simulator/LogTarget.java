package dev.sigwatch.simulator;

/** Which simulated log an {@link Incident} hits. */
public enum LogTarget {
  /** Rekor v1 (every incident except the witness ones). */
  REKOR_V1,
  /**
   * Rekor v2: FORK, SPLIT_VIEW, ROLLBACK, BAD_SIGNATURE, UNKNOWN_KEY, STALE, TAMPERED_ENTRY, TAMPERED_NEXT_ENTRY,
   * WITNESS_MISSING, WITNESS_INVALID.
   */
  REKOR_V2,
  /** The RFC 6962 CT log: FORK, SPLIT_VIEW, ROLLBACK, BAD_SIGNATURE, UNKNOWN_KEY, STALE, TAMPERED_ENTRY,
   * TAMPERED_NEXT_ENTRY. */
  CT,
  /** The static-ct log: FORK, SPLIT_VIEW, ROLLBACK, BAD_SIGNATURE, UNKNOWN_KEY, STALE, TAMPERED_ENTRY,
   * TAMPERED_NEXT_ENTRY. */
  STATIC_CT
}
