package dev.sigwatch.verify;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * What the incident tracker remembers of one log: its open episodes and the roots of its latest verified
 * checkpoints, so that a smaller checkpoint can be told apart: an old view replayed (its root is ours at that size)
 * or a second tree (another root at a size we verified).
 *
 * <p>Stored with {@link #serde()}, a versioned binary layout of this module's own (not an Avro schema): version 1
 * has views, signature, roots; version 2 adds the witness episode after the signature one. Version 1 state (written
 * before witness episodes existed) still reads, as no open witness episode. A newer version than this code knows
 * fails loudly rather than dropping episodes.
 *
 * @param views the open split-view / rollback / fork episode, or null
 * @param signature the open bad-signature / unknown-key episode, or null
 * @param witness the open witness-policy episode (Rekor v2), or null
 * @param roots verified root by tree size, the {@link #MAX_ROOTS} largest sizes (an unmodifiable copy)
 */
record IncidentState(Episode views, Episode signature, Episode witness, NavigableMap<Long, byte[]> roots) {

  /** Bounds the state per log (32 bytes a root): a rollback further back than this is classified without it. */
  static final int MAX_ROOTS = 256;
  /** The layout written; {@link #serde()} reads it and every earlier one. */
  static final byte VERSION = 2;

  static final IncidentState EMPTY = new IncidentState(null, null, null, new TreeMap<>());

  IncidentState {
    TreeMap<Long, byte[]> copy = new TreeMap<>(roots);
    while (copy.size() > MAX_ROOTS) copy.pollFirstEntry();
    roots = Collections.unmodifiableNavigableMap(copy);
  }

  IncidentState withViews(Episode e) {
    return new IncidentState(e, signature, witness, roots);
  }

  IncidentState withSignature(Episode e) {
    return new IncidentState(views, e, witness, roots);
  }

  IncidentState withWitness(Episode e) {
    return new IncidentState(views, signature, e, roots);
  }

  IncidentState withRoot(long size, byte[] root) {
    TreeMap<Long, byte[]> r = new TreeMap<>(roots);
    r.put(size, root.clone());
    return new IncidentState(views, signature, witness, r);
  }

  boolean isEmpty() {
    return views == null && signature == null && witness == null && roots.isEmpty();
  }

  static Serde<IncidentState> serde() {
    Serializer<IncidentState> ser = (topic, s) -> {
      if (s == null) return null;
      try (ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + 40 * s.roots.size());
          DataOutputStream out = new DataOutputStream(bytes)) {
        out.writeByte(VERSION);
        write(out, s.views);
        write(out, s.signature);
        write(out, s.witness);
        out.writeInt(s.roots.size());
        for (Map.Entry<Long, byte[]> e : s.roots.entrySet()) {
          out.writeLong(e.getKey());
          out.write(e.getValue().length);
          out.write(e.getValue());
        }
        out.flush();
        return bytes.toByteArray();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
    Deserializer<IncidentState> de = (topic, b) -> {
      if (b == null) return null;
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(b))) {
        int v = in.readByte();
        if (v < 1 || v > VERSION) {
          throw new IllegalStateException("incident state version " + v + ", want 1.." + VERSION);
        }
        Episode views = read(in);
        Episode signature = read(in);
        Episode witness = v >= 2 ? read(in) : null; // version 1 predates witness episodes: none open
        int n = in.readInt();
        TreeMap<Long, byte[]> roots = new TreeMap<>();
        for (int i = 0; i < n; i++) roots.put(in.readLong(), in.readNBytes(in.readUnsignedByte()));
        return new IncidentState(views, signature, witness, roots);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
    return Serdes.serdeFrom(ser, de);
  }

  private static void write(DataOutputStream out, Episode e) throws IOException {
    out.writeBoolean(e != null);
    if (e == null) return;
    out.writeUTF(e.type());
    out.writeUTF(e.alertId());
    out.writeUTF(e.subject());
    out.writeLong(e.openedAtMillis());
    out.writeLong(e.lastSeenAtMillis());
    out.writeLong(e.observations());
    out.writeLong(e.lastSize());
  }

  private static Episode read(DataInputStream in) throws IOException {
    if (!in.readBoolean()) return null;
    return new Episode(in.readUTF(), in.readUTF(), in.readUTF(), in.readLong(), in.readLong(), in.readLong(),
        in.readLong());
  }
}
