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
 * stale, whether it is a frozen shard.
 *
 * @param size size of the last verified checkpoint
 * @param root its root hash
 * @param rawNote its note as served (evidence for later alerts)
 * @param observedAtMillis when ingest observed it
 * @param progressAtMillis when (ingest's observation time) the tree last grew, or was first seen
 * @param stale a STALE_LOG alert is open
 * @param frozen the log listed this tree among its inactive shards; it must never change again
 */
record LogState(long size, byte[] root, byte[] rawNote, long observedAtMillis, long progressAtMillis,
    boolean stale, boolean frozen) {

  private static final byte VERSION = 1;

  LogState {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(rawNote, "rawNote");
    if (size < 0) throw new IllegalArgumentException("size must be >= 0, was " + size);
  }

  LogState withStale(boolean s) {
    return new LogState(size, root, rawNote, observedAtMillis, progressAtMillis, s, frozen);
  }

  static Serde<LogState> serde() {
    Serializer<LogState> ser = (topic, s) -> {
      if (s == null) return null;
      try (ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + s.rawNote.length);
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
        return new LogState(size, root, note, in.readLong(), in.readLong(), in.readBoolean(), in.readBoolean());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
    return Serdes.serdeFrom(ser, de);
  }
}
