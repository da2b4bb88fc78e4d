package dev.sigwatch.simulator.merkle;

import dev.sigwatch.core.merkle.MerkleTree;
import dev.sigwatch.core.tiles.EntryBundle;
import dev.sigwatch.core.tiles.TileException;
import dev.sigwatch.core.tiles.TilePath;
import dev.sigwatch.core.tiles.TileWriter;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

/**
 * Serves C2SP tiles of a {@link MerkleTree} as a log does: only what exists at the published size (a tile beyond it
 * is "not found"), using core's {@link TilePath} and {@link TileWriter}. Stateless.
 */
public final class Tiles {
  private Tiles() {}

  /** The canonical tile path {@code path} ("tile/..."), or null if it is not one. */
  public static TilePath parse(String path) {
    try {
      return TilePath.parse(path);
    } catch (TileException e) {
      return null;
    }
  }

  /**
   * The bytes of {@code p} at tree size {@code publishedSize}: a hash tile, or the entries written by {@code entry}
   * (length-prefixed tlog-tiles entry bundle, or concatenated static-ct TileLeafs). Null when not available.
   */
  public static byte[] render(MerkleTree tree, long publishedSize, TilePath p, LongFunction<byte[]> entry) {
    int shift = p.kind() == TilePath.Kind.HASH ? 8 * p.level() : 0;
    long available = shift >= 63 ? 0 : publishedSize >>> shift;
    long first = p.index() * TilePath.FULL_WIDTH;
    if (first + p.width() > available) return null;
    return switch (p.kind()) {
      case HASH -> TileWriter.hashTile(tree, p);
      case ENTRIES -> {
        List<byte[]> es = new ArrayList<>(p.width());
        for (int i = 0; i < p.width(); i++) es.add(entry.apply(first + i));
        yield EntryBundle.encode(es);
      }
      case DATA -> {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < p.width(); i++) out.writeBytes(entry.apply(first + i));
        yield out.toByteArray();
      }
    };
  }
}
