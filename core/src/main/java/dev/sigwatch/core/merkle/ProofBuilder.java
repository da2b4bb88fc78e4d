package dev.sigwatch.core.merkle;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Computes RFC 6962 / RFC 9162 roots, frontiers, inclusion and consistency proofs from the hashes of
 * complete subtrees ({@link NodeSource}). Each result needs O(log n) node reads. Stateless; thread-safe
 * if the source is.
 */
public final class ProofBuilder {
  private ProofBuilder() {}

  /** Root of the tree of the first {@code size} leaves; the empty root when {@code size == 0}. */
  public static <E extends Exception> byte[] root(NodeSource<E> src, long size) throws E {
    checkNonNegative("size", size);
    return size == 0 ? Rfc6962.emptyRoot() : rangeHash(src, 0, size);
  }

  /**
   * Roots of the perfect subtrees that make up {@code [0, size)}, left to right (largest first): one per
   * set bit of {@code size}. Empty when {@code size == 0}.
   */
  public static <E extends Exception> List<byte[]> frontier(NodeSource<E> src, long size) throws E {
    checkNonNegative("size", size);
    List<byte[]> out = new ArrayList<>(Long.bitCount(size));
    long pos = 0;
    for (int level = 63; level >= 0; level--) {
      if (((size >>> level) & 1) == 1) {
        out.add(src.node(level, pos >>> level));
        pos += 1L << level;
      }
    }
    return out;
  }

  /**
   * Inclusion proof (audit path, RFC 6962 section 2.1.1) of leaf {@code index} in the tree of {@code
   * size} leaves, leaf-most hash first. Requires {@code 0 <= index < size}.
   */
  public static <E extends Exception> List<byte[]> inclusionProof(NodeSource<E> src, long index, long size)
      throws E {
    if (index < 0 || index >= size) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "index must be in [0, size), was index %d, size %d", index, size));
    }
    List<byte[]> topDown = new ArrayList<>();
    long lo = 0;
    long n = size;
    long m = index;
    while (n > 1) {
      long k = Long.highestOneBit(n - 1); // largest power of two < n
      if (m < k) {
        topDown.add(rangeHash(src, lo + k, n - k));
        n = k;
      } else {
        topDown.add(rangeHash(src, lo, k));
        lo += k;
        m -= k;
        n -= k;
      }
    }
    Collections.reverse(topDown);
    return topDown;
  }

  /**
   * Consistency proof (RFC 6962 section 2.1.2) between the trees of {@code size1} and {@code size2}
   * leaves. Requires {@code 0 <= size1 <= size2}; the proof is empty when {@code size1 == 0} or {@code
   * size1 == size2}.
   */
  public static <E extends Exception> List<byte[]> consistencyProof(NodeSource<E> src, long size1, long size2)
      throws E {
    if (size1 < 0 || size2 < size1) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "sizes must satisfy 0 <= size1 <= size2, was size1 %d, size2 %d", size1, size2));
    }
    List<byte[]> topDown = new ArrayList<>();
    if (size1 == 0 || size1 == size2) {
      return topDown;
    }
    long lo = 0;
    long n = size2;
    long m = size1;
    boolean wholeOldTree = true; // SUBPROOF's flag b: the subtree [lo, lo+m) is the whole old tree
    while (m != n) {
      long k = Long.highestOneBit(n - 1);
      if (m <= k) {
        topDown.add(rangeHash(src, lo + k, n - k));
        n = k;
      } else {
        topDown.add(rangeHash(src, lo, k));
        lo += k;
        m -= k;
        n -= k;
        wholeOldTree = false;
      }
    }
    if (!wholeOldTree) {
      topDown.add(rangeHash(src, lo, n));
    }
    Collections.reverse(topDown);
    return topDown;
  }

  /**
   * Hash of leaves {@code [lo, lo + n)}, for {@code n > 0} and {@code lo} a multiple of the smallest
   * power of two {@code >= n} (true of every subtree RFC 6962 hashes): the perfect pieces given by the
   * bits of {@code n}, folded from the right.
   */
  static <E extends Exception> byte[] rangeHash(NodeSource<E> src, long lo, long n) throws E {
    int level = 63 - Long.numberOfLeadingZeros(n);
    if (n == 1L << level) {
      return src.node(level, lo >>> level);
    }
    byte[][] pieces = new byte[Long.bitCount(n)][];
    int count = 0;
    long pos = lo;
    for (; level >= 0; level--) {
      if (((n >>> level) & 1) == 1) {
        pieces[count++] = src.node(level, pos >>> level);
        pos += 1L << level;
      }
    }
    return foldRight(pieces, count);
  }

  /** Folds perfect-subtree roots, given left to right, into the root of their concatenation. */
  static byte[] foldRight(byte[][] pieces, int count) {
    byte[] hash = pieces[count - 1];
    for (int i = count - 2; i >= 0; i--) {
      hash = Rfc6962.nodeHash(pieces[i], hash);
    }
    return hash;
  }

  private static void checkNonNegative(String name, long value) {
    if (value < 0) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, "%s must be >= 0, was %d", name, value));
    }
  }
}
