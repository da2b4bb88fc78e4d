package dev.sigwatch.core.merkle;

/**
 * Reads hashes of complete (perfect) subtrees of a Merkle tree: the node at {@code level} and {@code
 * index} is the root of leaves {@code [index << level, (index + 1) << level)}; level 0 holds the leaf
 * hashes. {@link ProofBuilder} computes roots and proofs from any such source, so an in-memory tree and a
 * tiled log share one implementation.
 *
 * <p>Callers only ask for nodes that are complete in the tree they are working on. Thread-safety is
 * up to the implementation.
 *
 * @param <E> the checked exception reading may throw ({@link RuntimeException} if none)
 */
@FunctionalInterface
public interface NodeSource<E extends Exception> {
  /** Returns the 32-byte hash of the complete node at {@code level} and {@code index}. */
  byte[] node(int level, long index) throws E;
}
