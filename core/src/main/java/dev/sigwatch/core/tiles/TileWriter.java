package dev.sigwatch.core.tiles;

import static dev.sigwatch.core.merkle.Rfc6962.HASH_SIZE;

import dev.sigwatch.core.merkle.MerkleTree;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Produces the C2SP tlog-tiles resources of a log from a {@link MerkleTree} (hash tiles) and its entries
 * (entry bundles), for log simulators and tests. Stateless; thread-safe as far as the tree is (a {@link
 * MerkleTree} may be appended to concurrently).
 */
public final class TileWriter {
  private TileWriter() {}

  /**
   * The bytes of one hash tile: the nodes at tree level {@code 8 * level}, positions {@code [256 * index,
   * 256 * index + width)}. Requires those nodes to be complete in {@code tree}.
   *
   * @throws IllegalArgumentException if the tile is not (yet) available in the tree
   */
  public static byte[] hashTile(MerkleTree tree, TilePath path) {
    if (path.kind() != TilePath.Kind.HASH) {
      throw new IllegalArgumentException("not a hash tile path: " + path);
    }
    int treeLevel = 8 * path.level();
    long first = path.index() * TilePath.FULL_WIDTH;
    long available = treeLevel >= 63 ? 0 : tree.size() >>> treeLevel;
    if (first + path.width() > available) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "tile %s needs %d nodes at tree level %d, the tree of size %d has %d",
          path, first + path.width(), treeLevel, tree.size(), available));
    }
    byte[] out = new byte[path.width() * HASH_SIZE];
    for (int i = 0; i < path.width(); i++) {
      System.arraycopy(tree.node(treeLevel, first + i), 0, out, i * HASH_SIZE, HASH_SIZE);
    }
    return out;
  }

  /**
   * The hash tiles a log publishes when it grows from {@code oldSize} to {@code newSize} leaves: every
   * tile that exists at {@code newSize} but not (with the same width) at {@code oldSize}, that is the new
   * full tiles and the new partial tile of each level. {@code hashTiles(tree, 0, n)} is the whole set at
   * size n. Requires {@code 0 <= oldSize <= newSize <= tree.size()}.
   *
   * @return path string to tile bytes, ordered by level then index
   */
  public static Map<String, byte[]> hashTiles(MerkleTree tree, long oldSize, long newSize) {
    checkSizes(oldSize, newSize, tree.size());
    Map<String, byte[]> out = new LinkedHashMap<>();
    for (int level = 0; level < 8 && (newSize >>> (8 * level)) > 0; level++) {
      for (TilePath path : newTiles(TilePath.Kind.HASH, level, oldSize >>> (8 * level), newSize >>> (8 * level))) {
        out.put(path.path(), hashTile(tree, path));
      }
    }
    return out;
  }

  /**
   * The entry bundles a log publishes when it grows from {@code oldSize} to {@code newSize} entries, as
   * {@link #hashTiles}; {@code entries.get(i)} is entry i. Requires {@code 0 <= oldSize <= newSize <=
   * entries.size()}.
   */
  public static Map<String, byte[]> entryBundles(List<byte[]> entries, long oldSize, long newSize) {
    checkSizes(oldSize, newSize, entries.size());
    Map<String, byte[]> out = new LinkedHashMap<>();
    for (TilePath path : newTiles(TilePath.Kind.ENTRIES, 0, oldSize, newSize)) {
      int from = (int) (path.index() * TilePath.FULL_WIDTH);
      out.put(path.path(), EntryBundle.encode(entries.subList(from, from + path.width())));
    }
    return out;
  }

  /** Tiles of a level holding {@code newCount} items that did not exist when it held {@code oldCount}. */
  private static List<TilePath> newTiles(TilePath.Kind kind, int level, long oldCount, long newCount) {
    List<TilePath> out = new ArrayList<>();
    for (long n = oldCount / TilePath.FULL_WIDTH; n * TilePath.FULL_WIDTH < newCount; n++) {
      long start = n * TilePath.FULL_WIDTH;
      int width = (int) Math.min(TilePath.FULL_WIDTH, newCount - start);
      long oldWidth = Math.max(0, Math.min(TilePath.FULL_WIDTH, oldCount - start));
      if (width > oldWidth) {
        out.add(new TilePath(kind, level, n, width));
      }
    }
    return out;
  }

  private static void checkSizes(long oldSize, long newSize, long available) {
    if (oldSize < 0 || newSize < oldSize || newSize > available) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "sizes must satisfy 0 <= oldSize <= newSize <= %d, was oldSize %d, newSize %d",
          available, oldSize, newSize));
    }
  }
}
