package dev.sigwatch.core.trust;

import java.util.List;
import java.util.Objects;

/**
 * What a Sigstore bundle's {@code tlogEntries[i]} claims about one Rekor entry: enough to check it
 * against the trusted root with {@link LogEntryVerifier}. All byte arrays are copied by the caller's
 * decoding; the record does not copy them again.
 *
 * @param logId the log ID ({@code logId.keyId})
 * @param logIndex the entry's index as Rekor reports it (global for Rekor v1)
 * @param integratedTime seconds since the epoch, or null (Rekor v2 has none)
 * @param canonicalizedBody the entry body exactly as logged
 * @param signedEntryTimestamp the SET ({@code inclusionPromise}), or null
 * @param proofIndex the leaf index inside the shard's tree, or -1 if there is no inclusion proof
 * @param treeSize the tree size of the proof
 * @param rootHash the root hash of the proof
 * @param hashes the proof hashes
 * @param checkpoint the signed checkpoint note anchoring the proof, or null
 */
public record LogEntryProof(
    byte[] logId,
    long logIndex,
    Long integratedTime,
    byte[] canonicalizedBody,
    byte[] signedEntryTimestamp,
    long proofIndex,
    long treeSize,
    byte[] rootHash,
    List<byte[]> hashes,
    String checkpoint) {
  public LogEntryProof {
    Objects.requireNonNull(logId, "logId");
    Objects.requireNonNull(canonicalizedBody, "canonicalizedBody");
    hashes = hashes == null ? List.of() : List.copyOf(hashes);
  }

  /** Whether the entry carries an inclusion proof. */
  public boolean hasInclusionProof() {
    return proofIndex >= 0 && rootHash != null;
  }
}
