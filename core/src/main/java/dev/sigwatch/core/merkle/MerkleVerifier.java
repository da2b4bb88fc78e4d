package dev.sigwatch.core.merkle;

import static dev.sigwatch.core.merkle.Rfc6962.HASH_SIZE;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Strict verification of RFC 6962 / RFC 9162 inclusion and consistency proofs.
 *
 * <p>Every method checks the index, the sizes, the leaf hash length, the number of proof hashes and
 * their lengths before it hashes anything, and reports what it got and what it wanted ("wrong proof
 * size 3, want 4"). A computed root that differs from the expected one is a {@link
 * RootMismatchException} carrying both roots. Stateless and thread-safe.
 */
public final class MerkleVerifier {
  private MerkleVerifier() {}

  /**
   * Verifies that {@code leafHash} is the leaf at {@code index} of the tree of {@code size} leaves whose
   * root is {@code root}.
   *
   * <p>Requires {@code 0 <= index < size}, a 32-byte leaf hash and exactly the number of 32-byte proof
   * hashes the shape of the tree dictates.
   *
   * @throws RootMismatchException if the proof is well-formed but yields another root
   * @throws ProofException if a precondition does not hold
   */
  public static void verifyInclusion(long index, long size, byte[] leafHash, List<byte[]> proof, byte[] root)
      throws ProofException {
    byte[] calculated = rootFromInclusionProof(index, size, leafHash, proof);
    if (!Arrays.equals(calculated, root)) {
      throw new RootMismatchException(calculated, root);
    }
  }

  /**
   * Computes the root implied by an inclusion proof, with the same preconditions as {@link
   * #verifyInclusion}. The result is only meaningful once compared with a trusted root.
   *
   * @throws ProofException if a precondition does not hold
   */
  public static byte[] rootFromInclusionProof(long index, long size, byte[] leafHash, List<byte[]> proof)
      throws ProofException {
    if (size < 0) {
      throw new ProofException(String.format(Locale.ROOT, "size must be >= 0, was %d", size));
    }
    if (Long.compareUnsigned(index, size) >= 0) {
      throw new ProofException(String.format(Locale.ROOT, "index is beyond size: %s >= %d",
          Long.toUnsignedString(index), size));
    }
    checkHashSize("leafHash", leafHash);
    int inner = innerProofSize(index, size);
    int border = Long.bitCount(index >>> inner);
    checkProof(proof, inner + border);
    byte[] hash = chainInner(leafHash, proof.subList(0, inner), index);
    return chainBorderRight(hash, proof.subList(inner, proof.size()));
  }

  /**
   * Verifies that the tree of {@code size2} leaves with root {@code root2} extends the tree of {@code
   * size1} leaves with root {@code root1}.
   *
   * <p>Requires {@code 0 < size1 <= size2} (a consistency proof from the empty tree proves nothing, so
   * {@code size1 == 0} is rejected). When {@code size1 == size2} the proof must be empty and the roots
   * equal; otherwise the proof must have exactly the number of 32-byte hashes the sizes dictate.
   *
   * @throws RootMismatchException if the proof is well-formed but does not lead to {@code root1} (in
   *     which case {@code want()} is root1) or to {@code root2}
   * @throws ProofException if a precondition does not hold
   */
  public static void verifyConsistency(long size1, long size2, List<byte[]> proof, byte[] root1, byte[] root2)
      throws ProofException {
    if (size1 <= 0) {
      throw new ProofException(String.format(Locale.ROOT, "size1 must be > 0, was %d", size1));
    }
    if (size2 < size1) {
      throw new ProofException(String.format(Locale.ROOT, "size2 (%d) < size1 (%d)", size2, size1));
    }
    if (size1 == size2) {
      if (!proof.isEmpty()) {
        throw new ProofException(String.format(Locale.ROOT,
            "wrong proof size %d, want 0 (size1 = size2 = %d)", proof.size(), size1));
      }
      if (!Arrays.equals(root1, root2)) {
        throw new RootMismatchException(root2, root1);
      }
      return;
    }
    // The proof starts at the largest perfect subtree that ends at size1; when size1 is a power of two
    // that subtree is the whole first tree and its root is root1 rather than a proof hash.
    int shift = Long.numberOfTrailingZeros(size1);
    int inner = innerProofSize(size1 - 1, size2) - shift;
    int border = Long.bitCount((size1 - 1) >>> (inner + shift));
    boolean seedIsRoot1 = size1 == 1L << shift;
    int start = seedIsRoot1 ? 0 : 1;
    checkProof(proof, start + inner + border);
    byte[] seed = seedIsRoot1 ? root1 : proof.get(0);
    List<byte[]> innerPart = proof.subList(start, start + inner);
    List<byte[]> borderPart = proof.subList(start + inner, proof.size());
    long mask = (size1 - 1) >>> shift;

    byte[] hash1 = chainBorderRight(chainInnerRight(seed, innerPart, mask), borderPart);
    if (!Arrays.equals(hash1, root1)) {
      throw new RootMismatchException(hash1, root1);
    }
    byte[] hash2 = chainBorderRight(chainInner(seed, innerPart, mask), borderPart);
    if (!Arrays.equals(hash2, root2)) {
      throw new RootMismatchException(hash2, root2);
    }
  }

  /** Number of proof hashes below the point where the paths of {@code index} and {@code size-1} meet. */
  static int innerProofSize(long index, long size) {
    return 64 - Long.numberOfLeadingZeros(index ^ (size - 1));
  }

  private static void checkHashSize(String name, byte[] hash) throws ProofException {
    if (hash.length != HASH_SIZE) {
      throw new ProofException(String.format(Locale.ROOT, "%s has unexpected size %d, want %d",
          name, hash.length, HASH_SIZE));
    }
  }

  private static void checkProof(List<byte[]> proof, int want) throws ProofException {
    if (proof.size() != want) {
      throw new ProofException(String.format(Locale.ROOT, "wrong proof size %d, want %d", proof.size(), want));
    }
    for (int i = 0; i < proof.size(); i++) {
      checkHashSize("proof[" + i + "]", proof.get(i));
    }
  }

  /** Hashes the seed with the inner proof hashes, on the side given by the bits of index. */
  private static byte[] chainInner(byte[] seed, List<byte[]> proof, long index) {
    for (int i = 0; i < proof.size(); i++) {
      seed = ((index >>> i) & 1) == 0 ? Rfc6962.nodeHash(seed, proof.get(i)) : Rfc6962.nodeHash(proof.get(i), seed);
    }
    return seed;
  }

  /** Like {@link #chainInner} but only uses the hashes that are left siblings (bit set). */
  private static byte[] chainInnerRight(byte[] seed, List<byte[]> proof, long index) {
    for (int i = 0; i < proof.size(); i++) {
      if (((index >>> i) & 1) == 1) {
        seed = Rfc6962.nodeHash(proof.get(i), seed);
      }
    }
    return seed;
  }

  /** Hashes the seed with the border hashes, all of which are left siblings. */
  private static byte[] chainBorderRight(byte[] seed, List<byte[]> proof) {
    for (byte[] h : proof) {
      seed = Rfc6962.nodeHash(h, seed);
    }
    return seed;
  }
}
