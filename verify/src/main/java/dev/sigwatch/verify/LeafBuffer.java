package dev.sigwatch.verify;

import java.util.Arrays;

/**
 * Leaf hashes {@code [start, end)} of one log that arrived ahead of every verified checkpoint, in index order: a
 * FIFO with random access, 32 bytes per leaf, so the audit can hold back entries until a checkpoint says where to
 * compare. Mutable; confined to the audit's stream thread.
 */
final class LeafBuffer {

  private byte[][] leaves = new byte[64][];
  private int head;
  private int size;
  private long start;

  /** An empty buffer whose next leaf has index {@code start}. */
  LeafBuffer(long start) {
    reset(start);
  }

  /** Index of the first buffered leaf (or of the next one to be added, when empty). */
  long start() {
    return start;
  }

  /** One past the last buffered leaf's index. */
  long end() {
    return start + size;
  }

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  /** Drops every leaf; the next one added has index {@code newStart}. */
  void reset(long newStart) {
    if (size > 0) Arrays.fill(leaves, null);
    head = 0;
    size = 0;
    start = newStart;
  }

  /** Adds the leaf with index {@link #end()}. */
  void add(byte[] leafHash) {
    if (size == leaves.length) {
      byte[][] grown = new byte[leaves.length * 2][];
      for (int i = 0; i < size; i++) grown[i] = leaves[(head + i) % leaves.length];
      leaves = grown;
      head = 0;
    }
    leaves[(head + size) % leaves.length] = leafHash;
    size++;
  }

  /** Removes and returns the leaf with index {@link #start()}. */
  byte[] poll() {
    if (size == 0) throw new IllegalStateException("leaf buffer is empty at index " + start);
    byte[] h = leaves[head];
    leaves[head] = null;
    head = (head + 1) % leaves.length;
    size--;
    start++;
    return h;
  }

  /** The leaf with index {@code index}; requires {@code start() <= index < end()}. */
  byte[] get(long index) {
    if (index < start || index >= end()) {
      throw new IndexOutOfBoundsException("leaf " + index + " is not in the buffer [" + start + ", " + end() + ")");
    }
    return leaves[(int) ((head + (index - start)) % leaves.length)];
  }
}
