package dev.sigwatch.core.tiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sigwatch.core.merkle.MerkleTree;
import dev.sigwatch.core.merkle.Rfc6962;
import java.io.FileNotFoundException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A generated log of 332,144 leaves published through eleven checkpoints with {@link TileWriter}: full
 * and partial tiles on levels 0 to 2, and index paths of two elements ({@code x001/297}). Everything
 * computed from tiles must equal what {@link MerkleTree} computes from all leaves.
 */
class TileProofsTest {
  private static final int N = 4 * 65536 + 70_000; // 332,144
  private static final long[] CHECKPOINTS = {1, 255, 256, 257, 65_535, 65_536, 65_537, 70_000, 256_000, 300_001, N};

  private static final MerkleTree TREE = new MerkleTree();
  private static final List<byte[]> ENTRIES = new ArrayList<>(N);
  private static final Map<String, byte[]> STORE = new HashMap<>();

  @BeforeAll
  static void publish() {
    for (int i = 0; i < N; i++) {
      byte[] entry = ("entry " + i).getBytes(StandardCharsets.UTF_8);
      ENTRIES.add(entry);
      TREE.append(Rfc6962.leafHash(entry));
    }
    long previous = 0;
    for (long size : CHECKPOINTS) {
      STORE.putAll(TileWriter.hashTiles(TREE, previous, size));
      STORE.putAll(TileWriter.entryBundles(ENTRIES, previous, size));
      previous = size;
    }
  }

  /** Serves STORE and records what was fetched. */
  private static final class Recorder implements TileFetcher {
    final List<String> fetched = new ArrayList<>();
    final boolean partialsDeletedOnceFull;

    Recorder(boolean partialsDeletedOnceFull) {
      this.partialsDeletedOnceFull = partialsDeletedOnceFull;
    }

    @Override
    public byte[] fetch(String path) throws FileNotFoundException {
      fetched.add(path);
      int p = path.indexOf(".p/");
      if (partialsDeletedOnceFull && p >= 0 && STORE.containsKey(path.substring(0, p))) {
        throw new FileNotFoundException(path);
      }
      byte[] data = STORE.get(path);
      if (data == null) {
        throw new FileNotFoundException(path);
      }
      return data.clone();
    }
  }

  @Test
  void publishesFullAndPartialTilesOnSeveralLevelsWithMultiSegmentPaths() throws TileException {
    // 332,144 leaves = 1297 full level-0 tiles + 112; 1297 level-1 nodes = 5 full tiles + 17; 5 level-2 nodes.
    assertThat(STORE.keySet()).contains("tile/0/x001/000", "tile/0/x001/296", "tile/0/x001/297.p/112",
        "tile/1/004", "tile/1/005.p/17", "tile/2/000.p/5", "tile/entries/x001/297.p/112",
        "tile/0/000.p/1", "tile/0/000.p/255", "tile/0/001.p/1", "tile/1/000.p/255", "tile/1/001.p/17");
    assertThat(STORE.keySet()).doesNotContain("tile/0/x001/298", "tile/1/005", "tile/3/000.p/1");
    assertThat(TileWriter.hashTiles(TREE, N, N)).isEmpty();
    TileWriter.hashTiles(TREE, 0, N).forEach((path, bytes) -> assertThat(STORE.get(path)).as(path).isEqualTo(bytes));

    HashTile level1 = HashTile.parse(TilePath.parse("tile/1/004"), STORE.get("tile/1/004"));
    MerkleTree tile1027 = new MerkleTree();
    HashTile.parse(TilePath.parse("tile/0/x001/027"), STORE.get("tile/0/x001/027")).hashes().forEach(tile1027::append);
    assertThat(level1.hash(3)).as("a level-1 hash is the root of a full level-0 tile").isEqualTo(tile1027.root(256));
    List<byte[]> bundle = EntryBundle.parse(STORE.get("tile/entries/x001/000"), 256).entries();
    HashTile leaves = HashTile.parse(TilePath.parse("tile/0/x001/000"), STORE.get("tile/0/x001/000"));
    for (int i = 0; i < 256; i++) {
      assertThat(bundle.get(i)).isEqualTo(ENTRIES.get(256_000 + i));
      assertThat(leaves.hash(i)).isEqualTo(Rfc6962.leafHash(bundle.get(i)));
    }
  }

  @Test
  void rootsAndFrontiersFromTilesEqualTheTree() throws Exception {
    for (long size : CHECKPOINTS) {
      Recorder f = new Recorder(false);
      assertThat(TileProofs.root(f, size)).as("root(%d)", size).isEqualTo(TREE.root(size));
      assertThat(f.fetched).as("tiles fetched for root(%d)", size).hasSizeLessThanOrEqualTo(3).doesNotHaveDuplicates();
      assertThat(TileProofs.frontier(new Recorder(false), size)).containsExactlyElementsOf(TREE.frontier(size));
    }
    Recorder none = new Recorder(false);
    assertThat(TileProofs.root(none, 0)).isEqualTo(Rfc6962.emptyRoot());
    assertThat(none.fetched).isEmpty();
  }

  @Test
  void inclusionProofsFromTilesEqualTheTree() throws Exception {
    Random random = new Random(42);
    for (long size : CHECKPOINTS) {
      for (int k = 0; k < 40; k++) {
        long index = k == 0 ? size - 1 : k == 1 ? 0 : (long) (random.nextDouble() * size);
        Recorder f = new Recorder(false);
        assertThat(TileProofs.inclusionProof(f, index, size)).as("inclusion %d in %d", index, size)
            .containsExactlyElementsOf(TREE.inclusionProof(index, size));
        assertThat(f.fetched).hasSizeLessThanOrEqualTo(6).doesNotHaveDuplicates();
      }
    }
  }

  @Test
  void consistencyProofsFromTilesEqualTheTree() throws Exception {
    for (long size1 : CHECKPOINTS) {
      for (long size2 : CHECKPOINTS) {
        if (size1 <= size2) {
          Recorder f = new Recorder(false);
          assertThat(TileProofs.consistencyProof(f, size1, size2)).as("consistency %d to %d", size1, size2)
              .containsExactlyElementsOf(TREE.consistencyProof(size1, size2));
          assertThat(f.fetched).hasSizeLessThanOrEqualTo(7).doesNotHaveDuplicates();
        }
      }
    }
  }

  @Test
  void fallsBackToTheFullTileWhenAPartialTileIsGone() throws Exception {
    for (long size : new long[] {1, 257, 65_537, 70_000}) {
      Recorder f = new Recorder(true);
      assertThat(TileProofs.root(f, size)).as("root(%d)", size).isEqualTo(TREE.root(size));
      assertThat(TileProofs.inclusionProof(f, size / 2, size))
          .containsExactlyElementsOf(TREE.inclusionProof(size / 2, size));
    }
    Recorder f = new Recorder(true);
    TileProofs.root(f, 257);
    assertThat(f.fetched).contains("tile/0/001.p/1", "tile/0/001");
  }

  @Test
  void aMissingTileIsReportedNotPapered() {
    TileFetcher nothing = path -> {
      throw new FileNotFoundException(path);
    };
    assertThatThrownBy(() -> TileProofs.root(nothing, 512)).isInstanceOf(FileNotFoundException.class)
        .hasMessage("tile/1/000.p/2")
        .satisfies(e -> assertThat(e.getSuppressed()).singleElement().hasToString("java.io.FileNotFoundException: tile/1/000"));
    TileFetcher shortTile = path -> new byte[32];
    assertThatThrownBy(() -> TileProofs.root(shortTile, 3)).isInstanceOf(TileException.class)
        .hasMessage("hash tile tile/0/000.p/3 has 32 bytes, want 96 (3 hashes)");
  }
}
