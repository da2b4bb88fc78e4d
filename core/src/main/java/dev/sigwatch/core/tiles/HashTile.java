package dev.sigwatch.core.tiles;

import static dev.sigwatch.core.merkle.Rfc6962.HASH_SIZE;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A parsed C2SP tlog-tiles hash tile: the concatenated 32-byte hashes of up to 256 consecutive tree nodes
 * at tree level {@code 8 * level}, starting at node {@code 256 * index}. Level-0 tiles hold leaf hashes;
 * a level-L tile holds the roots of full level-(L-1) tiles. Immutable and thread-safe.
 */
public final class HashTile {
  private final int level;
  private final long index;
  private final byte[] data;

  private HashTile(int level, long index, byte[] data) {
    this.level = level;
    this.index = index;
    this.data = data;
  }

  /**
   * Parses a tile of any width from 1 to 256.
   *
   * @throws TileException if the data is empty, longer than 256 hashes or not a multiple of 32 bytes
   */
  public static HashTile parse(int level, long index, byte[] data) throws TileException {
    TilePath path;
    try {
      path = TilePath.ofHashTile(level, index, TilePath.FULL_WIDTH);
    } catch (IllegalArgumentException e) {
      throw new TileException(e.getMessage(), e);
    }
    if (data.length == 0 || data.length % HASH_SIZE != 0 || data.length > TilePath.FULL_WIDTH * HASH_SIZE) {
      throw new TileException(String.format(Locale.ROOT,
          "hash tile at level %d, index %d has %d bytes, want a positive multiple of %d up to %d",
          path.level(), path.index(), data.length, HASH_SIZE, TilePath.FULL_WIDTH * HASH_SIZE));
    }
    return new HashTile(level, index, data.clone());
  }

  /**
   * Parses the tile at {@code path}, which must hold exactly {@code path.width()} hashes.
   *
   * @throws TileException if the path is not a hash tile or the data has another width
   */
  public static HashTile parse(TilePath path, byte[] data) throws TileException {
    if (path.kind() != TilePath.Kind.HASH) {
      throw new TileException("not a hash tile path: " + path);
    }
    if (data.length != path.width() * HASH_SIZE) {
      throw new TileException(String.format(Locale.ROOT, "hash tile %s has %d bytes, want %d (%d hashes)",
          path, data.length, path.width() * HASH_SIZE, path.width()));
    }
    return parse(path.level(), path.index(), data);
  }

  /** Tile level L (the nodes are at tree level 8L). */
  public int level() {
    return level;
  }

  /** Tile index N within the level. */
  public long index() {
    return index;
  }

  /** Number of hashes, 1 to 256. */
  public int width() {
    return data.length / HASH_SIZE;
  }

  /** The hash at position {@code i} (a copy). Requires {@code 0 <= i < width()}. */
  public byte[] hash(int i) {
    if (i < 0 || i >= width()) {
      throw new IndexOutOfBoundsException(String.format(Locale.ROOT, "hash %d of a tile of width %d", i, width()));
    }
    byte[] out = new byte[HASH_SIZE];
    System.arraycopy(data, i * HASH_SIZE, out, 0, HASH_SIZE);
    return out;
  }

  /** All hashes in order (copies). */
  public List<byte[]> hashes() {
    List<byte[]> out = new ArrayList<>(width());
    for (int i = 0; i < width(); i++) {
      out.add(hash(i));
    }
    return out;
  }

  /** The tile's serialized form, the concatenated hashes (a copy). */
  public byte[] encoded() {
    return data.clone();
  }
}
