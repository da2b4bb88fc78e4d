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
 * audited size, and the verified checkpoints ahead of the entries. The serde writes everything but the buffer, which
 * {@link AuditStore} persists in chunks. Mutable; confined to the audit processor's task.
 */
final class AuditState {

  /** A verified checkpoint waiting for the entries to reach its size. */
  record Pending(long size, byte[] root, byte[] rawNote, long observedAtMillis) {}

  /** At most this many checkpoints wait per log; the smallest is dropped first (a larger one covers it). */
  static final int MAX_PENDING = 64;
  private static final byte VERSION = 1;

  CompactRange range; // null while unanchored
  long nextIndex;
  long auditedSize;
  boolean unanchoredReported;
  final TreeMap<Long, Pending> pending = new TreeMap<>();
  /** Leaves {@code [range.size, nextIndex)} while anchored; empty while unanchored. */
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
      if (in.get() != VERSION) throw new IllegalStateException("unknown audit state version " + b[0]);
      AuditState s = new AuditState();
      s.nextIndex = in.getLong();
      s.auditedSize = in.getLong();
      s.unanchoredReported = in.get() != 0;
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
      int n = in.getInt();
      for (int i = 0; i < n; i++) {
        long size = in.getLong();
        byte[] root = hash(in);
        byte[] note = new byte[in.getInt()];
        in.get(note);
        s.pending.put(size, new Pending(size, root, note, in.getLong()));
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
