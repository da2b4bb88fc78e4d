package dev.sigwatch.verify;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * What the incident tracker remembers of one log: its open episodes, the roots of its latest verified checkpoints (so
 * that a smaller checkpoint can be told apart: an old view replayed, its root ours at that size, or a second tree,
 * another root at a size we verified), and the newest checkpoint whose consistency with the trusted head is unproven.
 *
 * <p>Stored with {@link #serde()}, a versioned binary layout of this module's own (not an Avro schema): version 1
 * has one views episode, signature, roots; version 2 adds the witness episode after the signature one; version 3
 * holds a list of views episodes (one per distinct fact) and the unproven checkpoint after the roots; version 4 adds
 * when a checkpoint of a view or signature incident was last seen and the unsigned extensions of the head, at the
 * end. Earlier
 * versions still read: their one views episode becomes a list of one, no witness episode (v1), nothing unproven. A
 * newer version than this code knows fails loudly rather than dropping episodes.
 *
 * @param views the open split-view / rollback / fork episodes, one per distinct fact, oldest first (an unmodifiable
 *     copy, at most {@link #MAX_VIEWS}: the oldest is dropped from the state, not resolved, beyond that)
 * @param signature the open bad-signature / unknown-key episode, or null
 * @param witness the open witness-policy episode (Rekor v2), or null
 * @param roots verified root by tree size, the {@link #MAX_ROOTS} largest sizes (an unmodifiable copy)
 * @param unproven the newest checkpoint larger than the trusted head whose consistency with it is not proven, or null
 * @param incidentSeenAtMillis when (event time) the log last served a checkpoint of a view or signature incident, open
 *     or since closed ({@link Long#MIN_VALUE}: never, or not recorded by layouts before 4): such a log is publishing,
 *     and is not stale before {@code staleAfter} has passed since
 * @param extensions roots, at sizes above the trusted head, of checkpoints that were not accepted (a bad or unknown
 *     signature) but whose consistency proof from the head (or from another such root) verifies: a later validly
 *     signed checkpoint proven consistent with one of them extends the head too (consistency is transitive, and a
 *     proof needs no signature). Used only to accept, never to alert: an unsigned root may be anyone's. At most
 *     {@link #MAX_EXTENSIONS}, the largest kept; those at or below a newly verified size are dropped
 */
record IncidentState(List<Episode> views, Episode signature, Episode witness, NavigableMap<Long, byte[]> roots,
    Unproven unproven, long incidentSeenAtMillis, NavigableMap<Long, byte[]> extensions) {

  /** Bounds the state per log (32 bytes a root): a rollback further back than this is classified without it. */
  static final int MAX_ROOTS = 256;
  /** Bounds the open views episodes per log: a log showing more distinct views at once is alerted on each anyway. */
  static final int MAX_VIEWS = 32;
  /** The layout written; {@link #serde()} reads it and every earlier one. */
  static final byte VERSION = 4;

  /** Bounds the unsigned extensions of the head kept per log. */
  static final int MAX_EXTENSIONS = 16;

  static final IncidentState EMPTY = new IncidentState(List.of(), null, null, new TreeMap<>(), null, Long.MIN_VALUE,
      new TreeMap<>());

  IncidentState(List<Episode> views, Episode signature, Episode witness, NavigableMap<Long, byte[]> roots,
      Unproven unproven) {
    this(views, signature, witness, roots, unproven, Long.MIN_VALUE, new TreeMap<>());
  }

  /**
   * A checkpoint whose consistency with the trusted head is not proven.
   *
   * @param size its size
   * @param root its root
   * @param sinceMillis when (event or wall-clock time) the log's newest checkpoint first became unproven in this run
   * @param alertId the UNPROVEN_CONSISTENCY alert raised for it, or null while within the bound
   */
  record Unproven(long size, byte[] root, long sinceMillis, String alertId) {
    Unproven {
      Objects.requireNonNull(root, "root");
      root = root.clone();
    }

    Unproven alerted(String id) {
      return new Unproven(size, root, sinceMillis, id);
    }
  }

  IncidentState {
    views = List.copyOf(views.size() > MAX_VIEWS ? views.subList(views.size() - MAX_VIEWS, views.size()) : views);
    TreeMap<Long, byte[]> copy = new TreeMap<>(roots);
    while (copy.size() > MAX_ROOTS) copy.pollFirstEntry();
    roots = Collections.unmodifiableNavigableMap(copy);
    TreeMap<Long, byte[]> ext = new TreeMap<>(extensions);
    while (ext.size() > MAX_EXTENSIONS) ext.pollFirstEntry();
    extensions = Collections.unmodifiableNavigableMap(ext);
  }

  IncidentState withViews(List<Episode> e) {
    return new IncidentState(e, signature, witness, roots, unproven, incidentSeenAtMillis, extensions);
  }

  IncidentState withSignature(Episode e) {
    return new IncidentState(views, e, witness, roots, unproven, incidentSeenAtMillis, extensions);
  }

  IncidentState withWitness(Episode e) {
    return new IncidentState(views, signature, e, roots, unproven, incidentSeenAtMillis, extensions);
  }

  IncidentState withUnproven(Unproven u) {
    return new IncidentState(views, signature, witness, roots, u, incidentSeenAtMillis, extensions);
  }

  IncidentState withRoot(long size, byte[] root) {
    TreeMap<Long, byte[]> r = new TreeMap<>(roots);
    r.put(size, root.clone());
    TreeMap<Long, byte[]> ext = new TreeMap<>(extensions.tailMap(size, false));
    return new IncidentState(views, signature, witness, r, unproven, incidentSeenAtMillis, ext);
  }

  /** This state with {@code root} at {@code size} as an unsigned extension of the head (see {@code extensions}). */
  IncidentState withExtension(long size, byte[] root) {
    TreeMap<Long, byte[]> ext = new TreeMap<>(extensions);
    ext.put(size, root.clone());
    return new IncidentState(views, signature, witness, roots, unproven, incidentSeenAtMillis, ext);
  }

  /** This state, having seen a checkpoint of a view or signature incident at {@code atMillis} (the latest kept). */
  IncidentState withIncidentSeen(long atMillis) {
    return new IncidentState(views, signature, witness, roots, unproven, Math.max(incidentSeenAtMillis, atMillis),
        extensions);
  }

  boolean isEmpty() {
    return views.isEmpty() && signature == null && witness == null && roots.isEmpty() && unproven == null;
  }

  static Serde<IncidentState> serde() {
    Serializer<IncidentState> ser = (topic, s) -> {
      if (s == null) return null;
      try (ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + 40 * s.roots.size());
          DataOutputStream out = new DataOutputStream(bytes)) {
        out.writeByte(VERSION);
        out.writeInt(s.views.size());
        for (Episode e : s.views) write(out, e);
        write(out, s.signature);
        write(out, s.witness);
        out.writeInt(s.roots.size());
        for (Map.Entry<Long, byte[]> e : s.roots.entrySet()) {
          out.writeLong(e.getKey());
          out.write(e.getValue().length);
          out.write(e.getValue());
        }
        out.writeBoolean(s.unproven != null);
        if (s.unproven != null) {
          out.writeLong(s.unproven.size());
          out.write(s.unproven.root().length);
          out.write(s.unproven.root());
          out.writeLong(s.unproven.sinceMillis());
          out.writeBoolean(s.unproven.alertId() != null);
          if (s.unproven.alertId() != null) out.writeUTF(s.unproven.alertId());
        }
        out.writeLong(s.incidentSeenAtMillis);
        out.writeInt(s.extensions.size());
        for (Map.Entry<Long, byte[]> e : s.extensions.entrySet()) {
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
        List<Episode> views = new ArrayList<>();
        if (v >= 3) {
          int n = in.readInt();
          for (int i = 0; i < n; i++) views.add(read(in));
        } else {
          Episode one = read(in); // versions 1 and 2 kept one views episode for every fact
          if (one != null) views.add(one);
        }
        Episode signature = read(in);
        Episode witness = v >= 2 ? read(in) : null; // version 1 predates witness episodes: none open
        int n = in.readInt();
        TreeMap<Long, byte[]> roots = new TreeMap<>();
        for (int i = 0; i < n; i++) roots.put(in.readLong(), in.readNBytes(in.readUnsignedByte()));
        Unproven unproven = null;
        if (v >= 3 && in.readBoolean()) {
          long size = in.readLong();
          byte[] root = in.readNBytes(in.readUnsignedByte());
          long since = in.readLong();
          unproven = new Unproven(size, root, since, in.readBoolean() ? in.readUTF() : null);
        }
        long incidentSeen = v >= 4 ? in.readLong() : Long.MIN_VALUE;
        TreeMap<Long, byte[]> ext = new TreeMap<>();
        if (v >= 4) {
          int k = in.readInt();
          for (int i = 0; i < k; i++) ext.put(in.readLong(), in.readNBytes(in.readUnsignedByte()));
        }
        return new IncidentState(views, signature, witness, roots, unproven, incidentSeen, ext);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
    return Serdes.serdeFrom(ser, de);
  }

  /** Writes an episode (present flag first); version 1 and 2 layouts of one episode are the same. */
  static void write(DataOutputStream out, Episode e) throws IOException {
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
