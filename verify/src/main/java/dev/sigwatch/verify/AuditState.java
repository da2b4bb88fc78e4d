package dev.sigwatch.verify;

import dev.sigwatch.core.merkle.CompactRange;
import dev.sigwatch.core.merkle.ProofException;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The full audit's state of one log: the compact range over the leaves appended so far (O(log n) hashes), the next
 * entry index expected (leaves {@code [range.size, nextIndex)} wait in {@link #buffer} for a checkpoint), the last
 * audited size, and the verified checkpoints ahead of the entries. While unanchored (no range yet, or after a gap or
 * a tamper), {@link #buffer} holds the entries seen since then, {@code [buffer.start, nextIndex)}, until a verified
 * checkpoint's frontier or a Rekor v1 inclusion proof anchors the audit inside them. The serde writes everything but
 * the buffer, which {@link AuditStore} persists in chunks. Version 1 (no anchor proof, no frontiers) is still read.
 * Mutable; confined to the audit processor's task.
 */
final class AuditState {

  /**
   * A verified checkpoint waiting for the entries to reach its size.
   *
   * @param frontier the tree's frontier published with it, already checked to hash to {@code root} (so the audit can
   *     start or re-anchor at {@code size}), or empty
   */
  record Pending(long size, byte[] root, byte[] rawNote, long observedAtMillis, List<byte[]> frontier) {
    Pending {
      frontier = List.copyOf(frontier);
    }

    boolean anchors() {
      return size == 0 || !frontier.isEmpty();
    }
  }

  /** At most this many checkpoints wait per log; the smallest is dropped first (a larger one covers it). */
  static final int MAX_PENDING = 64;
  private static final byte VERSION_1 = 1;
  private static final byte VERSION = 2;

  CompactRange range; // null while unanchored
  long nextIndex;
  long auditedSize;
  boolean unanchoredReported;
  /**
   * Whether the frontier the audit started from is proven: it hashed to a signed root (a checkpoint's frontier), or
   * the inclusion proof it came from is for a verified checkpoint's root, or a comparison since the anchor matched.
   * Only a proven anchor lets a root mismatch be reported as tampered entries.
   */
  boolean proven;
  /** Rekor v1 anchor not yet proven: the tree size and root its inclusion proof is for; {@code -1} if none. */
  long claimSize = -1;
  byte[] claimRoot;
  final TreeMap<Long, Pending> pending = new TreeMap<>();
  /**
   * Leaves {@code [range.size, nextIndex)} while anchored; while unanchored the leaves {@code [start, nextIndex)} seen
   * since the audit lost (or never had) its anchor, at most the buffer bound, waiting for an anchor among them.
   */
  final LeafBuffer buffer = new LeafBuffer(0);
  /** The buffer's range as last written to the store (see {@link AuditStore}). */
  long persistedStart;
  long persistedEnd;

  boolean anchored() {
    return range != null;
  }

  void addPending(Pending p) {
    pending.put(p.size(), p);
    while (pending.size() > MAX_PENDING) pending.pollFirstEntry();
  }

  static Serde<AuditState> serde() {
    Serializer<AuditState> ser = (topic, s) -> {
      if (s == null) return null;
      try (ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
          DataOutputStream out = new DataOutputStream(bytes)) {
        out.writeByte(VERSION);
        out.writeLong(s.nextIndex);
        out.writeLong(s.auditedSize);
        out.writeBoolean(s.unanchoredReported);
        out.writeLong(s.buffer.start());
        out.writeBoolean(s.proven);
        out.writeLong(s.claimSize);
        if (s.claimSize >= 0) out.write(s.claimRoot);
        out.writeBoolean(s.range != null);
        if (s.range != null) {
          out.writeLong(s.range.size());
          for (byte[] h : s.range.frontier()) out.write(h);
        }
        out.writeInt(s.pending.size());
        for (Pending p : s.pending.values()) {
          out.writeLong(p.size());
          out.write(p.root());
          out.writeInt(p.rawNote().length);
          out.write(p.rawNote());
          out.writeLong(p.observedAtMillis());
          out.writeByte(p.frontier().size());
          for (byte[] h : p.frontier()) out.write(h);
        }
        out.flush();
        return bytes.toByteArray();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
    Deserializer<AuditState> de = (topic, b) -> {
      if (b == null) return null;
      ByteBuffer in = ByteBuffer.wrap(b);
      byte version = in.get();
      if (version != VERSION && version != VERSION_1) throw new IllegalStateException("unknown audit state version " + version);
      AuditState s = new AuditState();
      s.nextIndex = in.getLong();
      s.auditedSize = in.getLong();
      s.unanchoredReported = in.get() != 0;
      long bufferStart = -1;
      if (version == VERSION) {
        bufferStart = in.getLong();
        s.proven = in.get() != 0;
        s.claimSize = in.getLong();
        if (s.claimSize >= 0) s.claimRoot = hash(in);
      }
      if (in.get() != 0) {
        long size = in.getLong();
        List<byte[]> frontier = new ArrayList<>();
        for (int i = 0; i < Long.bitCount(size); i++) frontier.add(hash(in));
        try {
          s.range = CompactRange.fromFrontier(size, frontier);
        } catch (ProofException e) {
          throw new IllegalStateException("corrupt audit state: " + e.getMessage(), e);
        }
      }
      if (version == VERSION_1) {
        // Version 1 held leaves only while anchored, from the range's end, and reported any mismatch as tampering:
        // an anchored state keeps that rule (it cannot tell whether a comparison proved its anchor yet).
        bufferStart = s.range != null ? s.range.size() : s.nextIndex;
        s.proven = s.range != null;
      }
      s.buffer.reset(bufferStart);
      int n = in.getInt();
      for (int i = 0; i < n; i++) {
        long size = in.getLong();
        byte[] root = hash(in);
        byte[] note = new byte[in.getInt()];
        in.get(note);
        long observed = in.getLong();
        List<byte[]> frontier = new ArrayList<>();
        if (version == VERSION) for (int k = in.get(); k > 0; k--) frontier.add(hash(in));
        s.pending.put(size, new Pending(size, root, note, observed, frontier));
      }
      return s;
    };
    return Serdes.serdeFrom(ser, de);
  }

  private static byte[] hash(ByteBuffer in) {
    byte[] h = new byte[32];
    in.get(h);
    return h;
  }
}
