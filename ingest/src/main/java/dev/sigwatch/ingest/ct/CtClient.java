package dev.sigwatch.ingest.ct;

import java.io.IOException;
import java.util.List;

/**
 * The read side of an RFC 6962 CT log ({@code <base>/ct/v1/...}). Implementations are thread-safe: {@link #entries} is
 * called by many fetch threads at once.
 */
public interface CtClient {
  /** {@code get-sth}: the current signed tree head, with the JSON exactly as served. */
  CtSth sth() throws IOException, InterruptedException;

  /** {@code get-sth-consistency?first=&second=}: the proof from {@code size1} to {@code size2} (0 &lt; size1 &lt; size2). */
  List<byte[]> consistency(long size1, long size2) throws IOException, InterruptedException;

  /**
   * {@code get-entries?start=&end=} (both inclusive): the served entry objects, each as its exact JSON bytes, from
   * {@code start} on. The log may serve fewer than asked (never zero for a well-behaved log); callers loop.
   */
  List<byte[]> entries(long start, long endInclusive) throws IOException, InterruptedException;

  /**
   * A leaf and its inclusion proof, as served: unauthenticated until its root is compared with a signed tree head.
   *
   * @param leafInput the {@code leaf_input} bytes (leaf hash = SHA-256(0x00 ‖ leafInput))
   * @param auditPath the audit path from the leaf to the root of the tree it was asked for, leaf to root
   */
  record LeafProof(long index, byte[] leafInput, List<byte[]> auditPath) {}

  /**
   * Leaf {@code index} with its inclusion proof in the tree of {@code treeSize} leaves: {@code get-entry-and-proof},
   * or, on a log that does not serve it, {@code get-entries} of the leaf and {@code get-proof-by-hash} of its hash.
   * Requires {@code 0 <= index < treeSize}.
   */
  LeafProof leafProof(long index, long treeSize) throws IOException, InterruptedException;
}
