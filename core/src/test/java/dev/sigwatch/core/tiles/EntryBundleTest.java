package dev.sigwatch.core.tiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Real bundles are checked in {@link TlogTilesExampleTest}; these are the malformed shapes. */
class EntryBundleTest {
  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void encodesLengthPrefixedEntries() throws TileException {
    byte[] encoded = EntryBundle.encode(List.of(utf8("one"), utf8("two"), new byte[0]));
    // Bytes written by hand from the spec: uint16 big-endian length, then the entry.
    assertThat(encoded).isEqualTo(new byte[] {0, 3, 'o', 'n', 'e', 0, 3, 't', 'w', 'o', 0, 0});
    assertThat(EntryBundle.parse(encoded, 3).entries()).containsExactly(utf8("one"), utf8("two"), new byte[0]);
  }

  @Test
  void rejectsWrongCountTruncationAndTrailingBytes() {
    byte[] two = EntryBundle.encode(List.of(utf8("one"), utf8("two")));
    assertThatThrownBy(() -> EntryBundle.parse(two, 3)).isInstanceOf(TileException.class)
        .hasMessage("entry bundle has 2 entries, want 3");
    assertThatThrownBy(() -> EntryBundle.parse(two, 1))
        .hasMessage("entry bundle has 5 trailing bytes after 1 entries");
    assertThatThrownBy(() -> EntryBundle.parse(Arrays.copyOf(two, 9), 2))
        .hasMessage("entry 1 is truncated: 2 bytes left, want 3");
    assertThatThrownBy(() -> EntryBundle.parse(Arrays.copyOf(two, 6), 2))
        .hasMessage("entry 1 is truncated: 1 byte(s) left, want a 2-byte length");
    assertThatThrownBy(() -> EntryBundle.parse(two, 0)).hasMessage("expectedCount must be in [1, 256], was 0");
  }

  @Test
  void encodeRejectsOversizedInput() {
    assertThatThrownBy(() -> EntryBundle.encode(List.of(new byte[65536])))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("entry 0 has 65536 bytes, at most 65535 fit in a bundle");
    assertThatThrownBy(() -> EntryBundle.encode(java.util.Collections.nCopies(257, new byte[1])))
        .hasMessage("a bundle holds at most 256 entries, got 257");
  }
}
