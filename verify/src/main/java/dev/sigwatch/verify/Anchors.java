package dev.sigwatch.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sigwatch.core.merkle.CompactRange;
import dev.sigwatch.core.merkle.MerkleVerifier;
import dev.sigwatch.core.merkle.ProofException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * Starts a full audit mid-log from a Rekor v1 entry: the frontier of {@code [0, index)} from the inclusion proof of
 * entry {@code index} (in any larger tree). The left siblings on the path from a leaf to the root are exactly the
 * perfect subtrees that make up {@code [0, index)}, i.e. its frontier. The proof is checked against its own root
 * first; the frontier is proven only when that root is a verified checkpoint's of the same size, or when the audit
 * reaches a signed checkpoint and its root matches ({@link AuditProcessor}). Stateless.
 */
final class Anchors {

  private static final ObjectMapper JSON = new ObjectMapper();

  private Anchors() {}

  /** Thrown when an entry cannot anchor the audit; the message says why. */
  static final class AnchorException extends Exception {
    private static final long serialVersionUID = 1L;

    AnchorException(String message) {
      super(message);
    }
  }

  /**
   * Where an entry starts the audit.
   *
   * @param range {@code [0, index)}, the entry itself not yet appended
   * @param proofSize the tree size the inclusion proof is for ({@code -1} at index 0: the empty range needs no proof)
   * @param proofRoot the root the inclusion proof leads to (null at index 0)
   */
  record Anchor(CompactRange range, long proofSize, byte[] proofRoot) {}

  /**
   * The range {@code [0, index)} (the entry itself not yet appended) from a Rekor v1 entry's
   * {@code verification.inclusionProof}.
   */
  static Anchor beforeEntry(long index, byte[] leafHash, byte[] rekorV1Json) throws AnchorException {
    if (index == 0) return new Anchor(CompactRange.empty(), -1, null);
    if (rekorV1Json == null) {
      throw new AnchorException("entry " + index + " carries no inclusion proof to start the audit from");
    }
    JsonNode proof;
    try {
      JsonNode entry = JSON.readTree(rekorV1Json);
      if (entry != null && !entry.has("verification") && entry.size() == 1) {
        Iterator<JsonNode> only = entry.elements();
        entry = only.next(); // {uuid: entry} as the API returns it
      }
      proof = entry == null ? null : entry.path("verification").path("inclusionProof");
    } catch (IOException e) {
      throw new AnchorException("entry " + index + ": raw JSON does not parse: " + e.getMessage());
    }
    if (proof == null || !proof.isObject()) {
      throw new AnchorException("entry " + index + " carries no verification.inclusionProof");
    }
    long proofIndex = proof.path("logIndex").asLong(-1);
    long treeSize = proof.path("treeSize").asLong(-1);
    if (proofIndex != index) {
      throw new AnchorException(String.format(Locale.ROOT,
          "entry %d: inclusion proof is for index %d, want %d", index, proofIndex, index));
    }
    List<byte[]> hashes = new ArrayList<>();
    byte[] root;
    try {
      for (JsonNode h : proof.path("hashes")) hashes.add(HexFormat.of().parseHex(h.asText()));
      root = HexFormat.of().parseHex(proof.path("rootHash").asText());
      MerkleVerifier.verifyInclusion(index, treeSize, leafHash, hashes, root);
      return new Anchor(CompactRange.fromFrontier(index, leftSiblings(index, treeSize, hashes)), treeSize, root);
    } catch (IllegalArgumentException | ProofException e) {
      throw new AnchorException("entry " + index + ": inclusion proof does not verify: " + e.getMessage());
    }
  }

  /** The left siblings of leaf {@code index}'s path in a tree of {@code size}, left to right. */
  static List<byte[]> leftSiblings(long index, long size, List<byte[]> proof) {
    int inner = 64 - Long.numberOfLeadingZeros(index ^ (size - 1));
    List<byte[]> left = new ArrayList<>();
    for (int k = 0; k < proof.size(); k++) {
      if (k >= inner || ((index >>> k) & 1) == 1) left.add(proof.get(k));
    }
    Collections.reverse(left);
    return left;
  }
}
