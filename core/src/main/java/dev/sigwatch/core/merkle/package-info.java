/**
 * RFC 6962 / RFC 9162 Merkle trees: hashing ({@link dev.sigwatch.core.merkle.Rfc6962}), strict proof
 * verification ({@link dev.sigwatch.core.merkle.MerkleVerifier}), the O(log n) frontier used to audit a
 * whole log ({@link dev.sigwatch.core.merkle.CompactRange}), and proof generation from complete subtrees
 * ({@link dev.sigwatch.core.merkle.ProofBuilder} over a {@link dev.sigwatch.core.merkle.NodeSource}, with
 * the in-memory {@link dev.sigwatch.core.merkle.MerkleTree} for simulators and tests).
 *
 * <p>Conventions: hashes are 32-byte arrays, copied in and out; sizes are leaf counts ({@code size1},
 * {@code size2} for consistency); proofs are lists ordered leaf-most first. A malformed or failing proof
 * is a checked {@link dev.sigwatch.core.merkle.ProofException} (a differing root is its subtype {@link
 * dev.sigwatch.core.merkle.RootMismatchException}); a caller's broken precondition on a generator is an
 * {@link java.lang.IllegalArgumentException}.
 */
package dev.sigwatch.core.merkle;
