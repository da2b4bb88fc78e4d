package dev.sigwatch.core.x509;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeMap;

/**
 * The Fulcio extensions of a certificate as an immutable map ordered by arc number, with the semantics of the
 * {@code TreeMap} ordered by {@link FulcioOids#arc} it replaces (keys are found by arc: {@code get} of a key with the
 * same arc finds the entry; a non-String key is a {@link ClassCastException}, null a {@link NullPointerException}).
 * Built from extensions whose arcs are already known without a comparison per entry pair: a comparator that parses
 * both keys' arcs was 5% of matching an entry.
 *
 * <p>Immutable and thread-safe.
 */
final class ArcOrderedExtensions extends AbstractMap<String, FulcioExtension> {
  static final Comparator<String> ARC_ORDER = (a, b) -> Integer.compare(FulcioOids.arc(a), FulcioOids.arc(b));

  private final int[] arcs;
  private final String[] keys;
  private final FulcioExtension[] values;
  private final Set<Map.Entry<String, FulcioExtension>> entries = new Entries();

  private ArcOrderedExtensions(int[] arcs, String[] keys, FulcioExtension[] values) {
    this.arcs = arcs;
    this.keys = keys;
    this.values = values;
  }

  /** {@code map} in arc order (as a {@code TreeMap} ordered by {@link #ARC_ORDER} holds it). */
  static ArcOrderedExtensions of(Map<String, FulcioExtension> map) {
    if (map instanceof ArcOrderedExtensions a) {
      return a;
    }
    TreeMap<String, FulcioExtension> sorted = new TreeMap<>(ARC_ORDER);
    sorted.putAll(map);
    int n = sorted.size();
    int[] arcs = new int[n];
    String[] keys = new String[n];
    FulcioExtension[] values = new FulcioExtension[n];
    int i = 0;
    for (Map.Entry<String, FulcioExtension> e : sorted.entrySet()) {
      arcs[i] = FulcioOids.arc(e.getKey());
      keys[i] = e.getKey();
      values[i++] = e.getValue();
    }
    return new ArcOrderedExtensions(arcs, keys, values);
  }

  /**
   * Extensions of distinct arcs, each under its own OID (from a certificate: BouncyCastle refuses a repeated
   * extension), in any order.
   */
  static ArcOrderedExtensions ofDistinct(FulcioExtension[] extensions, int count) {
    long[] order = new long[count]; // arc in the high half, index in the low half: one primitive sort
    for (int i = 0; i < count; i++) {
      order[i] = (long) FulcioOids.arc(extensions[i].oid()) << 32 | i;
    }
    Arrays.sort(order);
    int[] arcs = new int[count];
    String[] keys = new String[count];
    FulcioExtension[] values = new FulcioExtension[count];
    for (int i = 0; i < count; i++) {
      FulcioExtension e = extensions[(int) order[i]];
      arcs[i] = (int) (order[i] >>> 32);
      if (i > 0 && arcs[i] == arcs[i - 1]) {
        throw new IllegalArgumentException("two extensions with arc " + arcs[i]);
      }
      keys[i] = e.oid();
      values[i] = e;
    }
    return new ArcOrderedExtensions(arcs, keys, values);
  }

  private int indexOf(Object key) {
    if (keys.length == 0) {
      return -1; // as TreeMap: an empty map compares nothing, so any key (even null) is simply absent
    }
    return Arrays.binarySearch(arcs, FulcioOids.arc((String) key));
  }

  @Override
  public FulcioExtension get(Object key) {
    int i = indexOf(key);
    return i < 0 ? null : values[i];
  }

  @Override
  public boolean containsKey(Object key) {
    return indexOf(key) >= 0;
  }

  @Override
  public int size() {
    return keys.length;
  }

  @Override
  public Set<Map.Entry<String, FulcioExtension>> entrySet() {
    return entries;
  }

  private final class Entries extends AbstractSet<Map.Entry<String, FulcioExtension>> {
    @Override
    public Iterator<Map.Entry<String, FulcioExtension>> iterator() {
      return new Iterator<>() {
        private int next;

        @Override
        public boolean hasNext() {
          return next < keys.length;
        }

        @Override
        public Map.Entry<String, FulcioExtension> next() {
          if (next >= keys.length) {
            throw new NoSuchElementException();
          }
          int i = next++;
          return new SimpleImmutableEntry<>(keys[i], values[i]);
        }
      };
    }

    @Override
    public int size() {
      return keys.length;
    }
  }
}
