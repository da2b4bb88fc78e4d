package dev.sigwatch.verify;

import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.schemas.CtEntry;
import dev.sigwatch.schemas.RekorEntry;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** What the audit processor consumes: entries (as leaf hashes) and verified checkpoints of the same log. */
sealed interface AuditInput {

  String logId();

  /**
   * One log entry.
   *
   * @param index shard-local leaf index
   * @param leafHash SHA-256(0x00 ‖ leaf)
   * @param raw Rekor v1 entry JSON (carries the inclusion proof used to start mid-log), else null; read only when
   *     the audit must be anchored at this entry
   */
  record Entry(String logId, long index, byte[] leafHash, ByteBuffer raw, long observedAtMillis) implements AuditInput {}

  /** A checkpoint the checkpoint processor verified. */
  record Verified(String logId, Checkpoint checkpoint) implements AuditInput {}

  /** An entry record that cannot be audited (null value, bad index): rejected to the DLQ. */
  record Bad(String logId, String reason) implements AuditInput {}

  ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  });

  static AuditInput of(RekorEntry e) {
    if (e == null) return new Bad("", "null RekorEntry");
    if (e.getLeafIndex() < 0) return new Bad(e.getLogId(), "negative leafIndex " + e.getLeafIndex());
    return new Entry(e.getLogId(), e.getLeafIndex(), leafHash(e.getBody(), e.getLeafHash()), e.getRaw(),
        e.getObservedAtMillis());
  }

  static AuditInput of(CtEntry e) {
    if (e == null) return new Bad("", "null CtEntry");
    if (e.getIndex() < 0) return new Bad(e.getLogId(), "negative index " + e.getIndex());
    return new Entry(e.getLogId(), e.getIndex(), leafHash(e.getLeafInput(), e.getLeafHash()), null,
        e.getObservedAtMillis());
  }

  /**
   * The leaf hash of an entry: of its leaf, or the one ingest computed from the served bytes when the entry was too big
   * for one Kafka record and its leaf is truncated ({@code truncatedLeafHash}).
   */
  static byte[] leafHash(ByteBuffer leaf, ByteBuffer truncatedLeafHash) {
    if (truncatedLeafHash == null) return leafHash(leaf);
    ByteBuffer d = truncatedLeafHash.duplicate();
    byte[] out = new byte[d.remaining()];
    d.get(out);
    return out;
  }

  /** SHA-256(0x00 ‖ leaf) without copying the leaf out of its buffer. */
  static byte[] leafHash(ByteBuffer leaf) {
    MessageDigest md = SHA256.get();
    md.update((byte) 0);
    md.update(leaf.duplicate());
    return md.digest();
  }
}
