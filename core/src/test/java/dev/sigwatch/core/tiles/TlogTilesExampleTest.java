package dev.sigwatch.core.tiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.sigwatch.core.merkle.MerkleTree;
import dev.sigwatch.core.merkle.MerkleVerifier;
import dev.sigwatch.core.merkle.Rfc6962;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * tessera's 15-entry test log (fixtures/rekor-v2/tlog-tiles-example): checkpoint.N, tile/0/000.p/N and
 * tile/entries/000.p/N for N = 1..15.
 */
class TlogTilesExampleTest {
  private static final Path LOG = Path.of(System.getProperty("sigwatch.fixtures"), "rekor-v2/tlog-tiles-example/log");
  private static final TileFetcher FILES = path -> Files.readAllBytes(LOG.resolve(path));

  static IntStream sizes() {
    return IntStream.rangeClosed(0, 15);
  }

  /** Checkpoint body: origin, size, base64 root (signed-note lines 1 to 3). */
  private static Checkpoint checkpoint(int n) throws IOException {
    List<String> lines = Files.readAllLines(LOG.resolve("checkpoint." + n), StandardCharsets.UTF_8);
    return new Checkpoint(Long.parseLong(lines.get(1)), Base64.getDecoder().decode(lines.get(2)));
  }

  private record Checkpoint(long size, byte[] root) {}

  @ParameterizedTest(name = "checkpoint.{0}")
  @MethodSource("sizes")
  void everyCheckpointRootRecomputesFromTheTiles(int n) throws Exception {
    Checkpoint cp = checkpoint(n);
    assertThat(cp.size()).isEqualTo(n);
    assertThat(TileProofs.root(FILES, n)).isEqualTo(cp.root());
  }

  @ParameterizedTest(name = "size {0}")
  @MethodSource("sizes")
  void entryBundlesHashToTheLevel0TileAndTileWriterReproducesBothByteForByte(int n) throws Exception {
    if (n == 0) {
      return;
    }
    byte[] bundleBytes = Files.readAllBytes(LOG.resolve(TilePath.entryBundle(0, n)));
    byte[] tileBytes = Files.readAllBytes(LOG.resolve(TilePath.hashTile(0, 0, n)));
    List<byte[]> entries = EntryBundle.parse(bundleBytes, n).entries();
    HashTile tile = HashTile.parse(TilePath.ofHashTile(0, 0, n), tileBytes);
    MerkleTree tree = new MerkleTree();
    for (int i = 0; i < n; i++) {
      assertThat(Rfc6962.leafHash(entries.get(i))).as("leaf %d", i).isEqualTo(tile.hash(i));
      tree.append(Rfc6962.leafHash(entries.get(i)));
    }
    assertThat(tree.root(n)).isEqualTo(checkpoint(n).root());

    Map<String, byte[]> hashTiles = TileWriter.hashTiles(tree, 0, n);
    assertThat(hashTiles).containsOnlyKeys(TilePath.hashTile(0, 0, n));
    assertThat(hashTiles.get(TilePath.hashTile(0, 0, n))).isEqualTo(tileBytes);
    Map<String, byte[]> bundles = TileWriter.entryBundles(entries, 0, n);
    assertThat(bundles).containsOnlyKeys(TilePath.entryBundle(0, n));
    assertThat(bundles.get(TilePath.entryBundle(0, n))).isEqualTo(bundleBytes);
  }

  @ParameterizedTest(name = "size {0}")
  @MethodSource("sizes")
  void proofsFromTheTilesVerifyAgainstTheCheckpoints(int n) throws Exception {
    byte[] root = checkpoint(n).root();
    for (int i = 0; i < n; i++) {
      int index = i;
      byte[] leaf = HashTile.parse(TilePath.ofHashTile(0, 0, n),
          Files.readAllBytes(LOG.resolve(TilePath.hashTile(0, 0, n)))).hash(index);
      List<byte[]> proof = TileProofs.inclusionProof(FILES, index, n);
      assertThatCode(() -> MerkleVerifier.verifyInclusion(index, n, leaf, proof, root)).doesNotThrowAnyException();
    }
    for (int m = 1; m < n; m++) {
      int size1 = m;
      byte[] root1 = checkpoint(size1).root();
      List<byte[]> proof = TileProofs.consistencyProof(FILES, size1, n);
      assertThatCode(() -> MerkleVerifier.verifyConsistency(size1, n, proof, root1, root))
          .doesNotThrowAnyException();
    }
  }

  @ParameterizedTest(name = "size {0}")
  @MethodSource("sizes")
  void anyFlippedBitInTheTileChangesTheRoot(int n) throws Exception {
    if (n == 0) {
      return;
    }
    byte[] want = checkpoint(n).root();
    String path = TilePath.hashTile(0, 0, n);
    List<Integer> bits = new ArrayList<>();
    for (int bit = 0; bit < n * 256; bit += 97) {
      bits.add(bit);
    }
    for (int bit : bits) {
      TileFetcher mutated = p -> {
        byte[] b = FILES.fetch(p);
        if (p.equals(path)) {
          b[bit / 8] ^= (byte) (1 << (bit % 8));
        }
        return b;
      };
      assertThat(TileProofs.root(mutated, n)).as("bit %d", bit).isNotEqualTo(want);
    }
  }
}
