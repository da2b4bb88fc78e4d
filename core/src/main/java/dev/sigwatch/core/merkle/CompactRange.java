package dev.sigwatch.core.merkle;

import static dev.sigwatch.core.merkle.Rfc6962.HASH_SIZE;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The Merkle frontier of the leaves {@code [0, size)}: the roots of the perfect subtrees that make up the
 * tree, one per set bit of {@code size}, largest (leftmost) first. O(log n) state; appending a leaf costs
 * amortized two hashes, computing the root O(log n).
 *
 * <p>Used to audit a log: append every leaf hash, and whenever {@link #size()} reaches a checkpoint's
 * size compare {@link #root()} with the signed root.
 *
 * <p>Not thread-safe: confine an instance to one thread or synchronize externally. The hashes passed in
 * and returned are copies.
 */
public final class CompactRange {
  private long size;
  private final ArrayList<byte[]> frontier; // perfect-subtree roots, left to right

  private CompactRange(long size, ArrayList<byte[]> frontier) {
    this.size = size;
    this.frontier = frontier;
  }

  /** A range over no leaves; its root is {@link Rfc6962#emptyRoot()}. */
  public static CompactRange empty() {
    return new CompactRange(0, new ArrayList<>());
  }

  /**
   * A range over {@code [0, size)} from its frontier: the roots of the perfect subtrees, left to right
   * (as returned by {@link #frontier()}). Requires {@code size >= 0} and exactly {@code
   * Long.bitCount(size)} hashes of 32 bytes each. The frontier is not verified: compare {@link #root()}
   * with a trusted root.
   *
   * @throws ProofException if the size is negative or the frontier has the wrong shape
   */
  public static CompactRange fromFrontier(long size, List<byte[]> frontier) throws ProofException {
    if (size < 0) {
      throw new ProofException(String.format(Locale.ROOT, "size must be >= 0, was %d", size));
    }
    int want = Long.bitCount(size);
    if (frontier.size() != want) {
      throw new ProofException(String.format(Locale.ROOT, "wrong frontier size %d, want %d for size %d",
          frontier.size(), want, size));
    }
    ArrayList<byte[]> copy = new ArrayList<>(want + 1);
    for (int i = 0; i < frontier.size(); i++) {
      byte[] h = frontier.get(i);
      if (h.length != HASH_SIZE) {
        throw new ProofException(String.format(Locale.ROOT, "frontier[%d] has unexpected size %d, want %d",
            i, h.length, HASH_SIZE));
      }
      copy.add(h.clone());
    }
    return new CompactRange(size, copy);
  }

  /**
   * A range over {@code [0, size)} from the inclusion proof of its last leaf, {@code size - 1}, in the
   * tree of {@code size} leaves. Such a proof consists only of left siblings, which are the frontier of
   * {@code [0, size - 1)}, right to left. Requires {@code size >= 1}, a 32-byte leaf hash and exactly
   * {@code Long.bitCount(size - 1)} proof hashes.
   *
   * <p>Nothing is verified here: compare {@link #root()} with the signed root of the tree of {@code size}
   * leaves (this is then equivalent to verifying the inclusion proof).
   *
   * @throws ProofException if a precondition does not hold
   */
  public static CompactRange fromInclusionProofOfLastLeaf(long size, byte[] lastLeafHash, List<byte[]> proof)
      throws ProofException {
    if (size < 1) {
      throw new ProofException(String.format(Locale.ROOT, "size must be >= 1, was %d", size));
    }
    if (lastLeafHash.length != HASH_SIZE) {
      throw new ProofException(String.format(Locale.ROOT, "lastLeafHash has unexpected size %d, want %d",
          lastLeafHash.length, HASH_SIZE));
    }
    int want = Long.bitCount(size - 1);
    if (proof.size() != want) {
      throw new ProofException(String.format(Locale.ROOT, "wrong proof size %d, want %d", proof.size(), want));
    }
    List<byte[]> leftToRight = new ArrayList<>(proof);
    Collections.reverse(leftToRight);
    CompactRange range;
    try {
      range = fromFrontier(size - 1, leftToRight);
    } catch (ProofException e) {
      throw new ProofException("bad inclusion proof of the last leaf: " + e.getMessage(), e);
    }
    range.append(lastLeafHash);
    return range;
  }

  /**
   * Appends the next leaf hash (32 bytes).
   *
   * @throws IllegalArgumentException if the hash is not 32 bytes
   */
  public void append(byte[] leafHash) {
    if (leafHash.length != HASH_SIZE) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "leafHash has unexpected size %d, want %d", leafHash.length, HASH_SIZE));
    }
    byte[] hash = leafHash.clone();
    // Each trailing one bit of the old size is a perfect subtree of the same height as the carry.
    for (long s = size; (s & 1) == 1; s >>>= 1) {
      hash = Rfc6962.nodeHash(frontier.remove(frontier.size() - 1), hash);
    }
    frontier.add(hash);
    size++;
  }

  /** Number of leaves covered, {@code [0, size)}. */
  public long size() {
    return size;
  }

  /** The Merkle tree hash of the leaves {@code [0, size)}; the empty root when there are none. */
  public byte[] root() {
    if (frontier.isEmpty()) {
      return Rfc6962.emptyRoot();
    }
    byte[] hash = frontier.get(frontier.size() - 1);
    for (int i = frontier.size() - 2; i >= 0; i--) {
      hash = Rfc6962.nodeHash(frontier.get(i), hash);
    }
    return hash == frontier.get(frontier.size() - 1) ? hash.clone() : hash;
  }

  /** The perfect-subtree roots, left to right (copies); empty when {@code size == 0}. */
  public List<byte[]> frontier() {
    List<byte[]> out = new ArrayList<>(frontier.size());
    for (byte[] h : frontier) {
      out.add(h.clone());
    }
    return out;
  }

  /** An independent copy of this range. */
  public CompactRange copy() {
    return new CompactRange(size, new ArrayList<>(frontier)); // hashes are never mutated in place
  }

  @Override
  public String toString() {
    return "CompactRange[size=" + size + "]";
  }
}
