package dev.sigwatch.core.merkle;

import static dev.sigwatch.core.merkle.Rfc6962.HASH_SIZE;

import java.util.List;
import java.util.Locale;

/**
 * An in-memory Merkle tree of leaf hashes that serves roots and proofs for every size it has reached,
 * for log simulators and tests.
 *
 * <p>Every complete node is stored once (about 64 bytes per leaf in total), so {@link #root}, {@link
 * #inclusionProof} and {@link #consistencyProof} need O(log n) hashing at any size; appending costs
 * amortized one node hash.
 *
 * <p>Thread-safety: {@link #append} is synchronized (appends are serialized); any number of threads may
 * read concurrently with it, without locking, and see every leaf whose append returned before their
 * read of {@link #size()}.
 */
public final class MerkleTree implements NodeSource<RuntimeException> {
  private final HashStore[] levels = new HashStore[64];
  private volatile long size; // published after the nodes of the new leaf are stored

  public MerkleTree() {
    levels[0] = new HashStore();
  }

  /**
   * Appends a leaf hash (32 bytes, copied).
   *
   * @throws IllegalArgumentException if the hash is not 32 bytes
   */
  public synchronized void append(byte[] leafHash) {
    if (leafHash.length != HASH_SIZE) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "leafHash has unexpected size %d, want %d", leafHash.length, HASH_SIZE));
    }
    long index = size;
    levels[0].add(leafHash);
    byte[] hash = leafHash;
    // Completing a right child completes its parent: climb while the index is odd.
    for (int level = 0; (index & 1) == 1; level++, index >>>= 1) {
      hash = Rfc6962.nodeHash(levels[level].get(index - 1), hash);
      if (levels[level + 1] == null) {
        levels[level + 1] = new HashStore();
      }
      levels[level + 1].add(hash);
    }
    size = size + 1;
  }

  /** Number of leaves appended so far. */
  public long size() {
    return size;
  }

  /** The leaf hash at {@code index} (a copy). Requires {@code 0 <= index < size()}. */
  public byte[] leafHash(long index) {
    return node(0, index);
  }

  /**
   * The hash of the complete node at {@code level} and {@code index}, the root of leaves {@code [index <<
   * level, (index + 1) << level)}. Requires {@code 0 <= level < 63}, {@code index >= 0} and {@code (index
   * + 1) << level <= size()}.
   */
  @Override
  public byte[] node(int level, long index) {
    long n = size;
    if (level < 0 || level >= 63 || index < 0 || index >= (n >>> level)) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "no complete node at level %d, index %d in a tree of size %d", level, index, n));
    }
    return levels[level].get(index);
  }

  /** The root of the tree of the first {@code size} leaves. Requires {@code 0 <= size <= size()}. */
  public byte[] root(long size) {
    checkSize("size", size);
    return ProofBuilder.root(this, size);
  }

  /**
   * The inclusion proof of leaf {@code index} in the tree of the first {@code size} leaves, leaf-most
   * hash first. Requires {@code 0 <= index < size <= size()}.
   */
  public List<byte[]> inclusionProof(long index, long size) {
    checkSize("size", size);
    return ProofBuilder.inclusionProof(this, index, size);
  }

  /**
   * The consistency proof from the tree of {@code size1} leaves to the tree of {@code size2} leaves.
   * Requires {@code 0 <= size1 <= size2 <= size()}; empty when {@code size1 == 0} or {@code size1 ==
   * size2}.
   */
  public List<byte[]> consistencyProof(long size1, long size2) {
    checkSize("size2", size2);
    return ProofBuilder.consistencyProof(this, size1, size2);
  }

  /** The frontier of the tree of the first {@code size} leaves, as {@link CompactRange#frontier()}. */
  public List<byte[]> frontier(long size) {
    checkSize("size", size);
    return ProofBuilder.frontier(this, size);
  }

  private void checkSize(String name, long value) {
    long n = size;
    if (value < 0 || value > n) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "%s must be in [0, %d], was %d", name, n, value));
    }
  }
}
