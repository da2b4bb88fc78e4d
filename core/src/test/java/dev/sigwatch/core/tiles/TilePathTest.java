package dev.sigwatch.core.tiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class TilePathTest {
  @Test
  void formatsTheSpecExamples() {
    // C2SP tlog-tiles: "the index 1234067 is encoded as x001/x234/067".
    assertThat(TilePath.hashTile(0, 1234067, 256)).isEqualTo("tile/0/x001/x234/067");
    assertThat(TilePath.hashTile(1, 1234067, 8)).isEqualTo("tile/1/x001/x234/067.p/8");
    assertThat(TilePath.hashTile(2, 0, 1)).isEqualTo("tile/2/000.p/1");
    assertThat(TilePath.entryBundle(1234067, 256)).isEqualTo("tile/entries/x001/x234/067");
    assertThat(TilePath.entryBundle(999, 255)).isEqualTo("tile/entries/999.p/255");
    assertThat(TilePath.entryBundle(1000, 256)).isEqualTo("tile/entries/x001/000");
    assertThat(new TilePath(TilePath.Kind.DATA, 0, 3550, 256).path()).isEqualTo("tile/data/x003/550");
  }

  @ParameterizedTest
  @CsvSource({
    "tile/0/000.p/15, HASH, 0, 0, 15",
    "tile/0/x001/x234/067, HASH, 0, 1234067, 256",
    "tile/63/x009/x223/x372/x036/x854/x775/807, HASH, 63, 9223372036854775807, 256",
    "tile/entries/x001/000.p/1, ENTRIES, 0, 1000, 1",
    "tile/data/x003/550, DATA, 0, 3550, 256",
  })
  void parsesAndRoundTrips(String path, TilePath.Kind kind, int level, long index, int width) throws TileException {
    TilePath parsed = TilePath.parse(path);
    assertThat(parsed).isEqualTo(new TilePath(kind, level, index, width));
    assertThat(parsed.path()).isEqualTo(path);
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "tile/0/67", "tile/0/x000/067", "tile/0/001/067", "tile/0/x1/067", "tile/00/000", "tile/64/000",
    "tile/0/000.p/256", "tile/0/000.p/0", "tile/0/000.p/08", "tile/0/000.p/", "tile/0/000.p", "tiles/0/000",
    "/tile/0/000", "tile/0/000/", "tile/0", "tile/x/000", "tile/entries/x009/x999/x999/x999/x999/x999/999",
    "tile/0/x1a3/000", "tile/-1/000",
  })
  void rejectsNonCanonicalPaths(String path) {
    assertThatThrownBy(() -> TilePath.parse(path)).isInstanceOf(TileException.class)
        .hasMessageStartingWith("bad tile path '" + path + "': ");
  }

  @Test
  void rejectionsSayWhy() {
    assertThatThrownBy(() -> TilePath.parse("tile/0/x000/067"))
        .hasMessage("bad tile path 'tile/0/x000/067': not canonical, want 'tile/0/067'");
    assertThatThrownBy(() -> TilePath.parse("tile/0/000.p/256"))
        .hasMessage("bad tile path 'tile/0/000.p/256': partial width must be in [1, 255], was 256");
    assertThatThrownBy(() -> TilePath.ofHashTile(0, -1, 256)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("index must be >= 0, was -1");
    assertThatThrownBy(() -> TilePath.ofEntryBundle(0, 257)).hasMessage("width must be in [1, 256], was 257");
  }
}
