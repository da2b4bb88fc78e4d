package dev.sigwatch.simulator;

/** Log misbehaviour the simulator can stage on demand (see {@link SigstoreSimulator#trigger}). */
public enum Incident {
  /**
   * The log's tree is replaced by one that diverges from the published one at half its size and is one entry larger
   * (Rekor v1: the active shard; Rekor v2, RFC 6962 CT and static-ct, whose moved entries name their new index).
   */
  FORK,
  /** Every other log-info request sees a different root at the same size. */
  SPLIT_VIEW,
  /** The published Rekor v1 checkpoint goes back to a smaller size. */
  ROLLBACK,
  /** The published Rekor v1 checkpoint's signature is corrupted. */
  BAD_SIGNATURE,
  /** The published Rekor v1 checkpoint is signed by a key that is not in the trusted root. */
  UNKNOWN_KEY,
  /** The newest entry is served with a body (CT: a leaf) that does not hash to its leaf in the tree. */
  TAMPERED_ENTRY,
  /**
   * The next entry logged is served with a body (CT: a leaf) that does not hash to its leaf in the tree: a tamper a
   * monitor reading the log as it grows sees (the newest entry has usually been read already).
   */
  TAMPERED_NEXT_ENTRY,
  /** The logs stop growing (timed growth and {@code grow} publish nothing new). */
  STALE,
  /** Expected Rekor v1 shard rotation: a new active tree; the old one becomes inactive with its final size. */
  SHARD_ROTATION,
  /** A frozen (inactive) Rekor v1 shard gains an entry and a new head. Requires a prior rotation. */
  FROZEN_SHARD_CHANGE,
  /** A Rekor v1 entry whose body is not valid JSON of any kind is logged. */
  MALFORMED_ENTRY,
  /** Rekor v2 checkpoints lose their witness cosignature. */
  WITNESS_MISSING,
  /** Rekor v2 checkpoints carry an invalid witness cosignature. */
  WITNESS_INVALID
}
