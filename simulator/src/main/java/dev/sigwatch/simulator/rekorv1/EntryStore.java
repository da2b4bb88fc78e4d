package dev.sigwatch.simulator.rekorv1;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The entries of one simulated tree, by leaf index: each a body template, its digest, integrated time and SET. Two
 * layouts serve the same entries: {@link #list()} keeps one object per entry (~250 bytes with its SET), {@link
 * #packed(int)} keeps fixed-width records in 64 KiB-ish chunks (4 + 32 + 8 + 1 + SET-slot bytes each, no object per
 * entry), for benchmarks that log millions of entries. Not thread-safe: the owning log or shard serializes calls.
 */
public interface EntryStore {
  /** The most bytes an ECDSA P-256 signature takes in DER (the Rekor v1 SET). */
  int ECDSA_P256_DER_MAX = 72;

  void add(V1Shard.Entry e);

  /** The entry at {@code index}. Requires {@code 0 <= index < size()}. */
  V1Shard.Entry get(long index);

  long size();

  /** A new store holding the first {@code n} entries, in the same layout. Requires {@code 0 <= n <= size()}. */
  EntryStore prefix(long n);

  /** One object per entry (the default: every test's simulator). */
  static EntryStore list() {
    return new ListStore(new ArrayList<>());
  }

  /**
   * Packed fixed-width records with room for a SET of up to {@code maxSet} bytes (0: entries without one, Rekor v2):
   * ~117 bytes per Rekor v1 entry, 36 per Rekor v2 entry.
   */
  static EntryStore packed(int maxSet) {
    return new Packed(maxSet, new Templates());
  }

  /** One object per entry. */
  final class ListStore implements EntryStore {
    private final List<V1Shard.Entry> entries;

    private ListStore(List<V1Shard.Entry> entries) {
      this.entries = entries;
    }

    @Override
    public void add(V1Shard.Entry e) {
      entries.add(e);
    }

    @Override
    public V1Shard.Entry get(long index) {
      return entries.get(Math.toIntExact(index));
    }

    @Override
    public long size() {
      return entries.size();
    }

    @Override
    public EntryStore prefix(long n) {
      return new ListStore(new ArrayList<>(entries.subList(0, Math.toIntExact(n))));
    }
  }

  /**
   * The distinct templates of a packed store (and of its prefixes), numbered in order of first use. Reads are
   * lock-free (a copy-on-write array: a store holds a few thousand templates, each added once).
   */
  final class Templates {
    private final Map<BodyTemplate, Integer> ids = new IdentityHashMap<>();
    private volatile BodyTemplate[] byId = new BodyTemplate[0];

    synchronized int id(BodyTemplate t) {
      return ids.computeIfAbsent(t, x -> {
        BodyTemplate[] grown = java.util.Arrays.copyOf(byId, byId.length + 1);
        grown[grown.length - 1] = x;
        byId = grown;
        return grown.length - 1;
      });
    }

    BodyTemplate get(int id) {
      return byId[id];
    }
  }

  /** Record: template id (4) ‖ digest (32) ‖ integrated time (8) ‖ SET length (1) ‖ SET (maxSet). */
  final class Packed implements EntryStore {
    private static final int CHUNK_BITS = 10; // 1024 records per chunk
    private static final int DIGEST = 32;
    private final int maxSet;
    private final int width;
    private final Templates templates;
    private byte[][] chunks = new byte[8][];
    private long size;

    private Packed(int maxSet, Templates templates) {
      if (maxSet < 0 || maxSet > 255) throw new IllegalArgumentException("maxSet must be in [0, 255], was " + maxSet);
      this.maxSet = maxSet;
      this.width = 4 + DIGEST + 8 + 1 + maxSet;
      this.templates = templates;
    }

    @Override
    public void add(V1Shard.Entry e) {
      if (e.digest().length != DIGEST) {
        throw new IllegalArgumentException("digest must be " + DIGEST + " bytes, was " + e.digest().length);
      }
      if (e.set().length > maxSet) {
        throw new IllegalArgumentException("SET must be <= " + maxSet + " bytes, was " + e.set().length);
      }
      int chunk = Math.toIntExact(size >>> CHUNK_BITS);
      if (chunk == chunks.length) chunks = java.util.Arrays.copyOf(chunks, chunks.length * 2);
      if (chunks[chunk] == null) chunks[chunk] = new byte[width << CHUNK_BITS];
      byte[] c = chunks[chunk];
      int at = (int) (size & ((1 << CHUNK_BITS) - 1)) * width;
      int id = templates.id(e.template());
      c[at] = (byte) (id >>> 24);
      c[at + 1] = (byte) (id >>> 16);
      c[at + 2] = (byte) (id >>> 8);
      c[at + 3] = (byte) id;
      System.arraycopy(e.digest(), 0, c, at + 4, DIGEST);
      long t = e.integratedTime();
      for (int i = 0; i < 8; i++) c[at + 4 + DIGEST + i] = (byte) (t >>> (56 - 8 * i));
      c[at + 4 + DIGEST + 8] = (byte) e.set().length;
      System.arraycopy(e.set(), 0, c, at + 4 + DIGEST + 9, e.set().length);
      size++;
    }

    @Override
    public V1Shard.Entry get(long index) {
      if (index < 0 || index >= size) {
        throw new IndexOutOfBoundsException("no entry " + index + " in a store of " + size);
      }
      byte[] c = chunks[(int) (index >>> CHUNK_BITS)];
      int at = (int) (index & ((1 << CHUNK_BITS) - 1)) * width;
      int id = (c[at] & 0xff) << 24 | (c[at + 1] & 0xff) << 16 | (c[at + 2] & 0xff) << 8 | (c[at + 3] & 0xff);
      byte[] digest = java.util.Arrays.copyOfRange(c, at + 4, at + 4 + DIGEST);
      long t = 0;
      for (int i = 0; i < 8; i++) t = t << 8 | (c[at + 4 + DIGEST + i] & 0xff);
      int setLength = c[at + 4 + DIGEST + 8] & 0xff;
      byte[] set = java.util.Arrays.copyOfRange(c, at + 4 + DIGEST + 9, at + 4 + DIGEST + 9 + setLength);
      return new V1Shard.Entry(templates.get(id), digest, t, set);
    }

    @Override
    public long size() {
      return size;
    }

    @Override
    public EntryStore prefix(long n) {
      if (n < 0 || n > size) throw new IllegalArgumentException("n must be in [0, " + size + "], was " + n);
      Packed p = new Packed(maxSet, templates);
      for (long i = 0; i < n; i++) p.add(get(i));
      return p;
    }
  }
}
