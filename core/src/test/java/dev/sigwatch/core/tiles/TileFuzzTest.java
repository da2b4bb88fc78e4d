package dev.sigwatch.core.tiles;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sigwatch.core.fuzz.FuzzSeeds;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Jazzer targets for C2SP tlog-tiles: entry bundles, tile paths, hash tiles, and proofs computed from tiles served
 * by a hostile log (any bytes for any tile, or 404). Any input yields a value, a {@link TileException} or (from the
 * fetcher) an {@link IOException}; sizes up to 2^63 - 1 must neither loop nor allocate without bound.
 */
class TileFuzzTest {
  private static final Path EXAMPLE = Path.of("rekor-v2/tlog-tiles-example/log/tile");

  @BeforeAll
  static void seed() {
    FuzzSeeds.write(TileFuzzTest.class, "entryBundle", bundles());
    FuzzSeeds.write(TileFuzzTest.class, "tilePath", paths().map(p -> p.getBytes(StandardCharsets.UTF_8)));
  }

  /** The first byte is the bundle's width minus one, the rest the bundle. */
  @FuzzTest(maxDuration = FuzzSeeds.MAX_DURATION, maxExecutions = 1_000_000)
  void entryBundle(byte[] input) {
    if (input.length == 0) {
      return;
    }
    int width = (input[0] & 0xff) + 1;
    byte[] data = Arrays.copyOfRange(input, 1, input.length);
    try {
      EntryBundle b = EntryBundle.parse(data, width);
      assertThat(b.size()).isEqualTo(width);
      assertThat(EntryBundle.encode(b.entries())).isEqualTo(data);
    } catch (TileException expected) {
      // a value or a TileException
    }
  }

  /** A tile path, then (for a hash tile) the tile itself from the rest of the input. */
  @FuzzTest(maxDuration = FuzzSeeds.MAX_DURATION, maxExecutions = 1_000_000)
  void tilePath(byte[] input) {
    int nl = 0;
    while (nl < input.length && input[nl] != '\n') {
      nl++;
    }
    String s = new String(input, 0, nl, StandardCharsets.UTF_8);
    try {
      TilePath p = TilePath.parse(s);
      assertThat(TilePath.parse(p.path())).isEqualTo(p);
      if (p.kind() == TilePath.Kind.HASH) {
        HashTile t = HashTile.parse(p, Arrays.copyOfRange(input, Math.min(nl + 1, input.length), input.length));
        assertThat(t.hashes()).hasSize(p.width());
      }
    } catch (TileException expected) {
      // a value or a TileException
    }
  }

  /** Root, inclusion and consistency proofs for fuzzed sizes, from tiles the fuzzer serves. */
  @FuzzTest(maxDuration = FuzzSeeds.MAX_DURATION, maxExecutions = 500_000)
  void proofsFromHostileTiles(FuzzedDataProvider data) {
    // FuzzedDataProvider.consumeLong(min, max) overflows on ranges wider than 2^63: derive the ranges here.
    long size2 = data.consumeLong() & Long.MAX_VALUE;
    long size1 = size2 == 0 ? 0 : Long.remainderUnsigned(data.consumeLong(), size2) + (data.consumeBoolean() ? 1 : 0);
    long index = size2 == 0 ? 0 : Long.remainderUnsigned(data.consumeLong(), size2);
    int which = data.consumeInt(0, 3);
    TileFetcher hostile = path -> {
      if (data.remainingBytes() == 0 || data.consumeBoolean()) {
        throw new FileNotFoundException(path);
      }
      return data.consumeBytes(data.consumeInt(0, 256 * 32 + 1));
    };
    try {
      switch (which) {
        case 0 -> assertThat(TileProofs.root(hostile, size2)).hasSize(32);
        case 1 -> {
          if (size2 > 0) {
            TileProofs.inclusionProof(hostile, index, size2);
          }
        }
        case 2 -> TileProofs.consistencyProof(hostile, size1, size2);
        default -> TileProofs.frontier(hostile, size2);
      }
    } catch (IOException | TileException expected) {
      // a value, a TileException, or the fetcher's IOException
    }
  }

  @ParameterizedTest
  @MethodSource("bundles")
  void fixtureBundles(byte[] input) {
    entryBundle(input);
  }

  @ParameterizedTest
  @MethodSource("paths")
  void fixturePaths(String path) {
    tilePath((path + "\n").getBytes(StandardCharsets.UTF_8));
  }

  /** The example log's entry bundles, each prefixed with its width minus one. */
  static Stream<byte[]> bundles() {
    return FuzzSeeds.files(EXAMPLE.resolve("entries").toString(), "").map(f -> {
      byte[] b = FuzzSeeds.read(f);
      byte[] out = new byte[b.length + 1];
      out[0] = (byte) (Integer.parseInt(f.getFileName().toString()) - 1);
      System.arraycopy(b, 0, out, 1, b.length);
      return out;
    });
  }

  /** The example log's tile paths, as its URLs name them. */
  static Stream<String> paths() {
    Path base = FuzzSeeds.fixtures().resolve(EXAMPLE).getParent();
    return Stream.concat(FuzzSeeds.files(EXAMPLE.resolve("0").toString(), ""),
            FuzzSeeds.files(EXAMPLE.resolve("entries").toString(), ""))
        .map(f -> base.relativize(f).toString());
  }
}
