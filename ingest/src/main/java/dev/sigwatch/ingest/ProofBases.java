package dev.sigwatch.ingest;

import dev.sigwatch.core.merkle.MerkleVerifier;
import dev.sigwatch.core.merkle.ProofException;
import dev.sigwatch.schemas.Checkpoint;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which published checkpoint of each log a new checkpoint's consistency proof should start from: the <em>base</em>,
 * the newest published checkpoint on the chain of checkpoints each proven consistent with the one before (the first
 * published starts the chain). Verify accepts a larger checkpoint as its trusted head only with a proof from that head,
 * and it follows the same chain, so the proof must start there, not at whatever was published last: during a split
 * view the last published checkpoint may be the other view, after a fork the forked head, after a proof-less publish
 * (a failed tile fetch) a head verify did not accept.
 *
 * <ul>
 *   <li>A checkpoint larger than the base gets the proof from the base ({@code proofFromSize} = base size).
 *   <li>A smaller one gets the proof from its own size to the base's ({@code proofFromSize} = the base's, the larger
 *       end): verify tells a rollback (a prefix of the verified tree) from a second tree by it.
 *   <li>The same size with another root gets none (there is nothing to prove).
 * </ul>
 *
 * The chain moves only over published checkpoints ({@link #offer}: the poller's last published ones before each poll,
 * and every committed one again at a restart), so a checkpoint whose publication failed is never a base. Thread-safe.
 */
public final class ProofBases {

  private final Map<String, Checkpoint> bases = new ConcurrentHashMap<>();

  /**
   * Takes a published checkpoint into account: it starts the chain of its log, or extends it if its attached proof
   * from the base verifies. Idempotent; an older or inconsistent checkpoint changes nothing.
   */
  public void offer(Checkpoint published) {
    if (published == null) return;
    bases.merge(published.getLogId(), published, (base, c) -> extendsBase(base, c) ? c : base);
  }

  /** Offers every checkpoint of {@code lastPublished}. */
  public void offerAll(Map<String, Checkpoint> lastPublished) {
    lastPublished.values().forEach(this::offer);
  }

  /**
   * The base of {@code logId} after offering {@code lastPublished} (the poller's last published checkpoints), or null
   * if that has none of the log (nothing published yet: no proof to attach).
   */
  public Checkpoint base(String logId, Map<String, Checkpoint> lastPublished) {
    offerAll(lastPublished);
    return lastPublished.containsKey(logId) ? bases.get(logId) : null;
  }

  /**
   * Whether {@code c}, a checkpoint of the same log as {@code base} and larger than it, carries a proof from the base
   * that verifies: a published checkpoint that lacks one (a failed tile fetch) is published again with one.
   */
  public static boolean extendsBase(Checkpoint base, Checkpoint c) {
    if (base.getTreeSize() == 0 && c.getTreeSize() > 0) return true; // the empty tree is a prefix of every tree
    if (c.getTreeSize() <= base.getTreeSize() || c.getProofFromSize() == null
        || c.getProofFromSize() != base.getTreeSize() || !base.getRootHash().equals(c.getProofFromRoot())) {
      return false;
    }
    List<byte[]> proof = c.getConsistencyProof().stream().map(ProofBases::bytes).toList();
    try {
      MerkleVerifier.verifyConsistency(base.getTreeSize(), c.getTreeSize(), proof, bytes(base.getRootHash()),
          bytes(c.getRootHash()));
      return true;
    } catch (ProofException e) {
      return false;
    }
  }

  private static byte[] bytes(ByteBuffer b) {
    ByteBuffer d = b.duplicate();
    byte[] out = new byte[d.remaining()];
    d.get(out);
    return out;
  }

  /** What kind of proof a new checkpoint of {@code size} needs relative to {@code base} (null: none published). */
  public static Direction direction(Checkpoint base, long size) {
    if (base == null || base.getTreeSize() == 0) return Direction.NONE;
    if (size > base.getTreeSize()) return Direction.FROM_BASE;
    if (size < base.getTreeSize() && size > 0) return Direction.TO_BASE;
    return Direction.NONE;
  }

  /** The proof a new checkpoint gets: from the base to it, from it to the base, or none. */
  public enum Direction { NONE, FROM_BASE, TO_BASE }
}
