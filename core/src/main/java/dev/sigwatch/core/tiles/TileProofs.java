package dev.sigwatch.core.tiles;

import dev.sigwatch.core.merkle.NodeSource;
import dev.sigwatch.core.merkle.ProofBuilder;
import dev.sigwatch.core.merkle.Rfc6962;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Computes roots, frontiers and proofs of a tiled log (C2SP tlog-tiles) from its hash tiles, fetching
 * only the tiles that hold the needed nodes, each at most once per call: about one tile per tile level for
 * a root, two or three per level for a proof.
 *
 * <p>Tiles are requested at the width they have in the tree of the given size (a partial {@code .p/W}
 * tile for the right edge). If a partial tile is gone ({@link FileNotFoundException} or {@link
 * NoSuchFileException}), the full tile is fetched instead, as the spec allows logs to delete partial
 * tiles once full.
 *
 * <p>Nothing returned here is authenticated: compare a root with a signed checkpoint, and verify a proof
 * with {@link dev.sigwatch.core.merkle.MerkleVerifier} against signed roots. Stateless; thread-safe if the
 * fetcher is.
 */
public final class TileProofs {
  private TileProofs() {}

  /** Root of the tree of {@code size} leaves; the empty root (and no fetch) when {@code size == 0}. */
  public static byte[] root(TileFetcher f, long size) throws IOException, TileException {
    Nodes nodes = new Nodes(f, size);
    return run(() -> ProofBuilder.root(nodes, size));
  }

  /** Inclusion proof of leaf {@code index} in the tree of {@code size} leaves. Requires {@code 0 <= index < size}. */
  public static List<byte[]> inclusionProof(TileFetcher f, long index, long size) throws IOException, TileException {
    Nodes nodes = new Nodes(f, size);
    return run(() -> ProofBuilder.inclusionProof(nodes, index, size));
  }

  /**
   * Consistency proof between the trees of {@code size1} and {@code size2} leaves. Requires {@code 0 <=
   * size1 <= size2}; empty when {@code size1 == 0} or {@code size1 == size2}.
   */
  public static List<byte[]> consistencyProof(TileFetcher f, long size1, long size2)
      throws IOException, TileException {
    Nodes nodes = new Nodes(f, size2);
    return run(() -> ProofBuilder.consistencyProof(nodes, size1, size2));
  }

  /**
   * The frontier of the tree of {@code size} leaves (perfect-subtree roots, left to right), ready for
   * {@link dev.sigwatch.core.merkle.CompactRange#fromFrontier}.
   */
  public static List<byte[]> frontier(TileFetcher f, long size) throws IOException, TileException {
    Nodes nodes = new Nodes(f, size);
    return run(() -> ProofBuilder.frontier(nodes, size));
  }

  private interface Call<T> {
    T call() throws Exception;
  }

  private static <T> T run(Call<T> call) throws IOException, TileException {
    try {
      return call.call();
    } catch (IOException | TileException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("unexpected exception computing from tiles", e);
    }
  }

  /** Complete nodes of the tree of {@code size} leaves, read from (cached) hash tiles. */
  private static final class Nodes implements NodeSource<Exception> {
    private final TileFetcher fetcher;
    private final long size;
    private final Map<TilePath, HashTile> cache = new HashMap<>();

    Nodes(TileFetcher fetcher, long size) {
      if (size < 0) {
        throw new IllegalArgumentException(String.format(Locale.ROOT, "size must be >= 0, was %d", size));
      }
      this.fetcher = fetcher;
      this.size = size;
    }

    @Override
    public byte[] node(int level, long index) throws IOException, TileException {
      int tileLevel = level / 8;
      int height = level % 8; // the node is the root of 2^height hashes of one tile
      long first = index << height;
      long tileIndex = first >>> 8;
      int offset = (int) (first & 0xFF);
      HashTile tile = tile(tileLevel, tileIndex);
      int count = 1 << height;
      if (offset + count > tile.width()) {
        throw new IllegalStateException(String.format(Locale.ROOT,
            "node at level %d, index %d is not complete in the tree of size %d", level, index, size));
      }
      byte[][] hashes = new byte[count][];
      for (int i = 0; i < count; i++) {
        hashes[i] = tile.hash(offset + i);
      }
      for (int n = count; n > 1; n >>= 1) {
        for (int i = 0; i < n / 2; i++) {
          hashes[i] = Rfc6962.nodeHash(hashes[2 * i], hashes[2 * i + 1]);
        }
      }
      return hashes[0];
    }

    private HashTile tile(int tileLevel, long tileIndex) throws IOException, TileException {
      long nodesAtLevel = size >>> (8 * tileLevel);
      long width = Math.min(TilePath.FULL_WIDTH, nodesAtLevel - tileIndex * TilePath.FULL_WIDTH);
      if (width <= 0) {
        throw new IllegalStateException(String.format(Locale.ROOT,
            "tile %d at level %d is beyond the tree of size %d", tileIndex, tileLevel, size));
      }
      TilePath path = TilePath.ofHashTile(tileLevel, tileIndex, (int) width);
      HashTile tile = cache.get(path);
      if (tile == null) {
        tile = fetch(path);
        cache.put(path, tile);
      }
      return tile;
    }

    private HashTile fetch(TilePath path) throws IOException, TileException {
      try {
        return HashTile.parse(path, fetcher.fetch(path.path()));
      } catch (FileNotFoundException | NoSuchFileException e) {
        if (!path.isPartial()) {
          throw e;
        }
        TilePath full = TilePath.ofHashTile(path.level(), path.index(), TilePath.FULL_WIDTH);
        byte[] data;
        try {
          data = fetcher.fetch(full.path());
        } catch (FileNotFoundException | NoSuchFileException fullMissing) {
          e.addSuppressed(fullMissing);
          throw e; // report the tile the tree size called for
        }
        return HashTile.parse(full, data);
      }
    }
  }
}
