package dev.sigwatch.ingest.rekor;

import java.util.List;

/**
 * {@code GET /api/v1/log}, parsed.
 *
 * @param active the active shard
 * @param inactive the frozen shards, oldest first (as Rekor lists them)
 * @param raw the response as served
 */
public record RekorLogInfo(Shard active, List<Shard> inactive, byte[] raw) {
  /** One shard's (final, if inactive) tree head. */
  public record Shard(String treeId, long treeSize, byte[] rootHash, String signedTreeHead) {
    public Shard {
      if (treeId == null || treeId.isBlank()) throw new IllegalArgumentException("treeID must be non-blank");
      if (treeSize < 0) throw new IllegalArgumentException("treeSize must be >= 0, was " + treeSize);
    }
  }

  public RekorLogInfo {
    inactive = List.copyOf(inactive);
  }
}
