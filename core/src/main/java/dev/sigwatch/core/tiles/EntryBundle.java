package dev.sigwatch.core.tiles;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A parsed C2SP tlog-tiles entry bundle: up to 256 entries, each a big-endian uint16 length followed by
 * that many bytes. Immutable and thread-safe.
 */
public final class EntryBundle {
  /** Largest entry a bundle can carry (uint16 length). */
  public static final int MAX_ENTRY_SIZE = 0xFFFF;

  private final List<byte[]> entries;

  private EntryBundle(List<byte[]> entries) {
    this.entries = entries;
  }

  /**
   * Parses a bundle that must hold exactly {@code expectedCount} entries (the bundle's width: 256 for a
   * full bundle, W for {@code .p/W}), with no trailing bytes.
   *
   * @throws TileException if an entry is truncated, the count differs or bytes trail
   */
  public static EntryBundle parse(byte[] data, int expectedCount) throws TileException {
    if (expectedCount < 1 || expectedCount > TilePath.FULL_WIDTH) {
      throw new TileException(String.format(Locale.ROOT, "expectedCount must be in [1, %d], was %d",
          TilePath.FULL_WIDTH, expectedCount));
    }
    List<byte[]> entries = new ArrayList<>(expectedCount);
    int pos = 0;
    while (pos < data.length) {
      if (entries.size() == expectedCount) {
        throw new TileException(String.format(Locale.ROOT,
            "entry bundle has %d trailing bytes after %d entries", data.length - pos, expectedCount));
      }
      if (data.length - pos < 2) {
        throw new TileException(String.format(Locale.ROOT,
            "entry %d is truncated: %d byte(s) left, want a 2-byte length", entries.size(), data.length - pos));
      }
      int length = ((data[pos] & 0xFF) << 8) | (data[pos + 1] & 0xFF);
      pos += 2;
      if (data.length - pos < length) {
        throw new TileException(String.format(Locale.ROOT, "entry %d is truncated: %d bytes left, want %d",
            entries.size(), data.length - pos, length));
      }
      byte[] entry = new byte[length];
      System.arraycopy(data, pos, entry, 0, length);
      entries.add(entry);
      pos += length;
    }
    if (entries.size() != expectedCount) {
      throw new TileException(String.format(Locale.ROOT, "entry bundle has %d entries, want %d",
          entries.size(), expectedCount));
    }
    return new EntryBundle(entries);
  }

  /**
   * Serializes entries into a bundle.
   *
   * @throws IllegalArgumentException if there are more than 256 entries or one exceeds 65535 bytes
   */
  public static byte[] encode(List<byte[]> entries) {
    if (entries.size() > TilePath.FULL_WIDTH) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "a bundle holds at most %d entries, got %d", TilePath.FULL_WIDTH, entries.size()));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < entries.size(); i++) {
      byte[] entry = entries.get(i);
      if (entry.length > MAX_ENTRY_SIZE) {
        throw new IllegalArgumentException(String.format(Locale.ROOT,
            "entry %d has %d bytes, at most %d fit in a bundle", i, entry.length, MAX_ENTRY_SIZE));
      }
      out.write(entry.length >>> 8);
      out.write(entry.length);
      out.write(entry, 0, entry.length);
    }
    return out.toByteArray();
  }

  /** The entries in order (copies). */
  public List<byte[]> entries() {
    List<byte[]> out = new ArrayList<>(entries.size());
    for (byte[] e : entries) {
      out.add(e.clone());
    }
    return out;
  }

  /** Number of entries. */
  public int size() {
    return entries.size();
  }
}
