package dev.sigwatch.ingest.tiles;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sigwatch.core.merkle.MerkleTree;
import dev.sigwatch.core.merkle.Rfc6962;
import dev.sigwatch.core.tiles.EntryBundle;
import dev.sigwatch.core.tiles.TileException;
import dev.sigwatch.core.tiles.TileFetcher;
import dev.sigwatch.core.tiles.TilePath;
import dev.sigwatch.core.tiles.TileWriter;
import dev.sigwatch.ingest.Fetched;
import dev.sigwatch.ingest.LogTarget;
import dev.sigwatch.schemas.serde.SerdeConfig;
import dev.sigwatch.schemas.topics.Topics;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Past 65536 entries a batch's level-0 tile is authenticated through a level-1 tile and the tree's right edge; once
 * verified those are reused, so later batches cost their level-0 tile and bundle only. The log is core's {@link MerkleTree} served through
 * {@link TileWriter} (the checkpoint's signature line is a placeholder: ingest does not verify signatures).
 */
class UpperTileCacheTest {
  static final String ORIGIN = "cache.example/log";
  static final int SIZE = 65536 + 300;

  final MerkleTree tree = new MerkleTree();
  final List<byte[]> entries = new ArrayList<>();
  final List<String> requests = new CopyOnWriteArrayList<>();

  final TileFetcher log = path -> {
    requests.add(path);
    if (path.equals("checkpoint")) {
      String body = ORIGIN + "\n" + SIZE + "\n" + Base64.getEncoder().encodeToString(tree.root(SIZE)) + "\n";
      String sig = Base64.getEncoder().encodeToString(new byte[4 + 64]);
      return (body + "\n\u2014 " + ORIGIN + " " + sig + "\n").getBytes(StandardCharsets.UTF_8);
    }
    try {
      TilePath p = TilePath.parse(path);
      if (p.kind() == TilePath.Kind.HASH) return TileWriter.hashTile(tree, p);
      long first = p.index() * TilePath.FULL_WIDTH;
      return EntryBundle.encode(entries.subList((int) first, (int) first + p.width()));
    } catch (TileException | IllegalArgumentException e) {
      throw new FileNotFoundException(path);
    }
  };

  @Test
  void verifiedTilesAreNotFetchedAgain() throws Exception {
    for (int i = 0; i < SIZE; i++) {
      byte[] e = ByteBuffer.allocate(8).putLong(i).array();
      entries.add(e);
      tree.append(Rfc6962.leafHash(e));
    }
    RekorV2Source source = new RekorV2Source(LogTarget.of("rekor-v2", "https://" + ORIGIN), log,
        Topics.create(SerdeConfig.embedded()), Clock.systemUTC());
    source.poll(Map.of());
    requests.clear();
    List<Fetched> a = source.fetch(0, 256);
    // the tile, the full level-1 tile above it, the tree's right edge (level 1 and level 0), the bundle
    assertThat(requests).containsExactlyInAnyOrder("tile/0/000", "tile/1/000", "tile/1/001.p/1", "tile/0/257.p/44",
        "tile/entries/000");
    requests.clear();
    List<Fetched> b = source.fetch(256, 512);
    assertThat(requests).containsExactly("tile/0/001", "tile/entries/001");
    assertThat(a).hasSize(256).allSatisfy(f -> assertThat(f).isInstanceOf(Fetched.Entry.class));
    assertThat(b).hasSize(256).allSatisfy(f -> assertThat(f).isInstanceOf(Fetched.Entry.class));
  }
}
