package dev.sigwatch.core.tiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HashTileTest {
  @Test
  void splitsIntoHashes() throws TileException {
    byte[] data = new byte[3 * 32];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i / 32 + 1);
    }
    HashTile tile = HashTile.parse(1, 7, data);
    assertThat(tile.width()).isEqualTo(3);
    assertThat(tile.level()).isEqualTo(1);
    assertThat(tile.index()).isEqualTo(7);
    assertThat(tile.hashes()).hasSize(3);
    assertThat(tile.hash(2)).containsOnly((byte) 3).hasSize(32);
    data[0] = 9;
    assertThat(tile.hash(0)[0]).as("parse copies its input").isEqualTo((byte) 1);
  }

  @Test
  void rejectsMalformedData() {
    assertThatThrownBy(() -> HashTile.parse(0, 0, new byte[33])).isInstanceOf(TileException.class)
        .hasMessage("hash tile at level 0, index 0 has 33 bytes, want a positive multiple of 32 up to 8192");
    assertThatThrownBy(() -> HashTile.parse(0, 0, new byte[0]))
        .hasMessage("hash tile at level 0, index 0 has 0 bytes, want a positive multiple of 32 up to 8192");
    assertThatThrownBy(() -> HashTile.parse(0, 0, new byte[257 * 32]))
        .hasMessage("hash tile at level 0, index 0 has 8224 bytes, want a positive multiple of 32 up to 8192");
    assertThatThrownBy(() -> HashTile.parse(TilePath.ofHashTile(2, 1, 5), new byte[4 * 32]))
        .hasMessage("hash tile tile/2/001.p/5 has 128 bytes, want 160 (5 hashes)");
    assertThatThrownBy(() -> HashTile.parse(TilePath.ofEntryBundle(0, 5), new byte[5 * 32]))
        .hasMessage("not a hash tile path: tile/entries/000.p/5");
    assertThatThrownBy(() -> HashTile.parse(64, 0, new byte[32]))
        .hasMessage("level must be in [0, 63] for hash tiles and 0 otherwise, was 64 for HASH");
  }
}
