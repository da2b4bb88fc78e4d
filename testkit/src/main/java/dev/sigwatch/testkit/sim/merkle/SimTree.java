package dev.sigwatch.testkit.sim.merkle;

import dev.sigwatch.core.merkle.NodeSource;
import dev.sigwatch.core.merkle.ProofBuilder;
import dev.sigwatch.core.merkle.Rfc6962;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * An in-memory append-only RFC 6962 tree that keeps every complete node (packed 32-byte hashes in 2 MiB chunks), so
 * roots and proofs cost O(log n) via core's {@link ProofBuilder}. Appends and reads are thread-safe.
 */
public final class SimTree implements NodeSource<RuntimeException> {
  private static final int CHUNK_SHIFT = 16;
  private static final int CHUNK = 1 << CHUNK_SHIFT;

  private final List<List<byte[]>> levels = new ArrayList<>();
  private final List<Long> counts = new ArrayList<>();
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private volatile long size;

  /** Appends one leaf hash (32 bytes) and every node it completes. */
  public void append(byte[] leafHash) {
    if (leafHash.length != Rfc6962.HASH_SIZE) {
      throw new IllegalArgumentException("leaf hash must be 32 bytes, was " + leafHash.length);
    }
    lock.writeLock().lock();
    try {
      byte[] h = leafHash;
      int level = 0;
      while (true) {
        long idx = put(level, h);
        if ((idx & 1) == 0) break;
        h = Rfc6962.nodeHash(get(level, idx - 1), h);
        level++;
      }
      size++;
    } finally {
      lock.writeLock().unlock();
    }
  }

  public long size() {
    return size;
  }

  @Override
  public byte[] node(int level, long index) {
    lock.readLock().lock();
    try {
      if (level >= levels.size() || index >= counts.get(level)) {
        throw new IllegalArgumentException("no complete node at level " + level + " index " + index);
      }
      return get(level, index);
    } finally {
      lock.readLock().unlock();
    }
  }

  public byte[] leafHash(long index) {
    return node(0, index);
  }

  public byte[] root(long treeSize) {
    checkSize(treeSize);
    return ProofBuilder.root(this, treeSize);
  }

  public List<byte[]> inclusionProof(long index, long treeSize) {
    checkSize(treeSize);
    return ProofBuilder.inclusionProof(this, index, treeSize);
  }

  public List<byte[]> consistencyProof(long size1, long size2) {
    checkSize(size2);
    return ProofBuilder.consistencyProof(this, size1, size2);
  }

  /** A new tree holding the first {@code n} leaves of this one. */
  public SimTree copyPrefix(long n) {
    checkSize(n);
    SimTree t = new SimTree();
    for (long i = 0; i < n; i++) t.append(leafHash(i));
    return t;
  }

  private void checkSize(long treeSize) {
    if (treeSize < 0 || treeSize > size) {
      throw new IllegalArgumentException("tree size must be in [0, " + size + "], was " + treeSize);
    }
  }

  private long put(int level, byte[] h) {
    while (levels.size() <= level) {
      levels.add(new ArrayList<>());
      counts.add(0L);
    }
    long idx = counts.get(level);
    List<byte[]> chunks = levels.get(level);
    int c = (int) (idx >>> CHUNK_SHIFT);
    int off = (int) (idx & (CHUNK - 1)) * 32;
    if (c == chunks.size()) chunks.add(new byte[64 * 32]);
    byte[] chunk = chunks.get(c);
    if (off >= chunk.length) { // grow the last chunk by doubling, up to CHUNK hashes
      chunk = java.util.Arrays.copyOf(chunk, Math.min(chunk.length * 2, CHUNK * 32));
      chunks.set(c, chunk);
    }
    System.arraycopy(h, 0, chunk, off, 32);
    counts.set(level, idx + 1);
    return idx;
  }

  private byte[] get(int level, long idx) {
    byte[] chunk = levels.get(level).get((int) (idx >>> CHUNK_SHIFT));
    int off = (int) (idx & (CHUNK - 1)) * 32;
    byte[] out = new byte[32];
    System.arraycopy(chunk, off, out, 0, 32);
    return out;
  }
}
