package dev.sigwatch.verify;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * What the checkpoint processor remembers of one log: its last verified checkpoint, when it last grew, whether it is
 * stale (and which STALE_LOG alert says so), whether it is a frozen shard.
 *
 * @param size size of the last verified checkpoint
 * @param root its root hash
 * @param rawNote its note as served (evidence for later alerts)
 * @param observedAtMillis when ingest observed it
 * @param progressAtMillis when (ingest's observation time) the tree last grew, or was first seen
 * @param stale a STALE_LOG alert is open
 * @param frozen the log listed this tree among its inactive shards, or the shard was quiet past its validity end; it
 *     must never change again, is never stale, and a stale episode open when it froze was resolved then
 * @param staleAlertId the id of the open STALE_LOG alert; null when not stale, or when the state was written before
 *     the id was kept (see {@link StaleLog#alertId} for how that id is recovered)
 * @param staleAtMillis when that alert was raised; meaningless when {@code staleAlertId} is null
 */
record LogState(long size, byte[] root, byte[] rawNote, long observedAtMillis, long progressAtMillis,
    boolean stale, boolean frozen, String staleAlertId, long staleAtMillis) {

  /*
   * Layout version 1: the fields up to frozen, then, only when a stale alert id is known, the id (modified UTF-8)
   * and its time. A record without the trailing part (written before it existed, or not stale) reads with no id;
   * code that predates the trailing part ignores it. Hence the version byte did not change.
   */
  private static final byte VERSION = 1;

  LogState {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(rawNote, "rawNote");
    if (size < 0) throw new IllegalArgumentException("size must be >= 0, was " + size);
    if (staleAlertId != null && !stale) throw new IllegalArgumentException("a stale alert id on a log not stale");
  }

  /** A log that is not stale. */
  LogState(long size, byte[] root, byte[] rawNote, long observedAtMillis, long progressAtMillis, boolean frozen) {
    this(size, root, rawNote, observedAtMillis, progressAtMillis, false, frozen, null, 0);
  }

  /** This log, stale since the STALE_LOG alert {@code alertId} raised at {@code atMillis}. */
  LogState withStaleAlert(String alertId, long atMillis) {
    Objects.requireNonNull(alertId, "alertId");
    return new LogState(size, root, rawNote, observedAtMillis, progressAtMillis, true, frozen, alertId, atMillis);
  }

  static Serde<LogState> serde() {
    Serializer<LogState> ser = (topic, s) -> {
      if (s == null) return null;
      try (ByteArrayOutputStream bytes = new ByteArrayOutputStream(128 + s.rawNote.length);
          DataOutputStream out = new DataOutputStream(bytes)) {
        out.writeByte(VERSION);
        out.writeLong(s.size);
        out.write(s.root.length);
        out.write(s.root);
        out.writeInt(s.rawNote.length);
        out.write(s.rawNote);
        out.writeLong(s.observedAtMillis);
        out.writeLong(s.progressAtMillis);
        out.writeBoolean(s.stale);
        out.writeBoolean(s.frozen);
        if (s.staleAlertId != null) {
          out.writeUTF(s.staleAlertId);
          out.writeLong(s.staleAtMillis);
        }
        out.flush();
        return bytes.toByteArray();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
    Deserializer<LogState> de = (topic, b) -> {
      if (b == null) return null;
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(b))) {
        int v = in.readByte();
        if (v != VERSION) throw new IllegalStateException("log state version " + v + ", want " + VERSION);
        long size = in.readLong();
        byte[] root = in.readNBytes(in.readUnsignedByte());
        byte[] note = in.readNBytes(in.readInt());
        long observedAt = in.readLong();
        long progressAt = in.readLong();
        boolean stale = in.readBoolean();
        boolean frozen = in.readBoolean();
        String alertId = null;
        long staleAt = 0;
        if (in.available() > 0) {
          alertId = in.readUTF();
          staleAt = in.readLong();
        }
        return new LogState(size, root, note, observedAt, progressAt, stale, frozen, alertId, staleAt);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
    return Serdes.serdeFrom(ser, de);
  }
}
