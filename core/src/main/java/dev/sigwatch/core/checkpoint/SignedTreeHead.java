package dev.sigwatch.core.checkpoint;

import java.nio.ByteBuffer;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * An RFC 6962 signed tree head (a CT log's {@code get-sth} answer).
 *
 * <p>The signature covers the {@code TreeHeadSignature} struct (RFC 6962 §3.5): version v1 (0),
 * signature_type tree_hash (1), timestamp (uint64 ms), tree_size (uint64), sha256_root_hash (32
 * bytes).
 *
 * @param treeSize number of entries, {@code >= 0}
 * @param timestamp milliseconds since the epoch
 * @param rootHash the 32-byte SHA-256 root
 * @param signature the tree_head_signature
 */
public record SignedTreeHead(long treeSize, long timestamp, byte[] rootHash, DigitallySigned signature) {
  private static final int VERSION_V1 = 0;
  private static final int SIGNATURE_TYPE_TREE_HASH = 1;

  public SignedTreeHead {
    Objects.requireNonNull(rootHash, "rootHash");
    Objects.requireNonNull(signature, "signature");
    if (treeSize < 0) {
      throw new IllegalArgumentException("tree size must be >= 0, was " + treeSize);
    }
    if (rootHash.length != Checkpoint.HASH_SIZE) {
      throw new IllegalArgumentException(
          "root hash has " + rootHash.length + " bytes, want " + Checkpoint.HASH_SIZE);
    }
    rootHash = rootHash.clone();
  }

  @Override
  public byte[] rootHash() {
    return rootHash.clone();
  }

  /** The serialized TreeHeadSignature: the bytes the log signed. */
  public static byte[] signedData(long treeSize, long timestamp, byte[] rootHash) {
    return ByteBuffer.allocate(2 + 8 + 8 + 32)
        .put((byte) VERSION_V1)
        .put((byte) SIGNATURE_TYPE_TREE_HASH)
        .putLong(timestamp)
        .putLong(treeSize)
        .put(rootHash)
        .array();
  }

  /** The serialized TreeHeadSignature of this tree head. */
  public byte[] signedData() {
    return signedData(treeSize, timestamp, rootHash);
  }

  /**
   * Verifies the tree head signature with the log's key (ECDSA or RSA).
   *
   * @throws NoteVerificationException if the signature does not verify
   */
  public void verify(PublicKey logKey) throws NoteVerificationException {
    if (!signature.verify(logKey, signedData())) {
      throw new NoteVerificationException(
          "bad tree head signature for tree size " + treeSize + " at " + timestamp);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SignedTreeHead s
        && s.treeSize == treeSize
        && s.timestamp == timestamp
        && Arrays.equals(s.rootHash, rootHash)
        && s.signature.equals(signature);
  }

  @Override
  public int hashCode() {
    return Objects.hash(treeSize, timestamp, Arrays.hashCode(rootHash), signature);
  }

  @Override
  public String toString() {
    return "SignedTreeHead[size=" + treeSize + ", timestamp=" + timestamp + ", root="
        + HexFormat.of().formatHex(rootHash) + "]";
  }
}
