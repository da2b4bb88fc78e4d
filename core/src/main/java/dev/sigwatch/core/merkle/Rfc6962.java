package dev.sigwatch.core.merkle;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * RFC 6962 / RFC 9162 Merkle tree hashing with SHA-256: leaf hash = SHA-256(0x00 ‖ leaf), node hash =
 * SHA-256(0x01 ‖ left ‖ right), and the empty tree's root = SHA-256("").
 *
 * <p>Thread-safe: every method may be called concurrently (each thread uses its own digest).
 */
public final class Rfc6962 {
  /** Size in bytes of every hash (SHA-256). */
  public static final int HASH_SIZE = 32;

  private static final byte LEAF_PREFIX = 0x00;
  private static final byte NODE_PREFIX = 0x01;
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(Rfc6962::newSha256);
  private static final byte[] EMPTY_ROOT = newSha256().digest();

  private Rfc6962() {}

  /** Returns SHA-256(0x00 ‖ leaf). {@code leaf} may be empty but not null. */
  public static byte[] leafHash(byte[] leaf) {
    MessageDigest md = SHA256.get();
    md.update(LEAF_PREFIX);
    md.update(leaf);
    return md.digest();
  }

  /**
   * Returns SHA-256(0x01 ‖ left ‖ right). Callers are expected to pass {@link #HASH_SIZE}-byte hashes;
   * this function does not check (the verifiers check lengths before hashing).
   */
  public static byte[] nodeHash(byte[] left, byte[] right) {
    MessageDigest md = SHA256.get();
    md.update(NODE_PREFIX);
    md.update(left);
    md.update(right);
    return md.digest();
  }

  /** Returns the root of the empty tree, SHA-256 of the empty string (a fresh copy). */
  public static byte[] emptyRoot() {
    return EMPTY_ROOT.clone();
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }
}
