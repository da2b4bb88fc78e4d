package dev.sigwatch.core.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class CheckpointTest {
  private static final String ROOT = "d1DQUHLBKbT7Sl4m1f5RZ7homaI52tiF60buxAyhJCM=";

  @Test
  void parsesRekorV1CheckpointWithTimestampExtension() throws Exception {
    SignedNote note = SignedNote.parse(NoteFixtures.read(
        "rekor-v1/checkpoints/prod-rekor.sigstore.dev-tree2605736670972794746-size7398089-with-timestamp-extension-line.txt"));
    Checkpoint cp = Checkpoint.from(note);
    assertThat(cp.origin()).isEqualTo("rekor.sigstore.dev - 2605736670972794746");
    assertThat(cp.size()).isEqualTo(7398089L);
    assertThat(cp.rootHash()).isEqualTo(Base64.getDecoder().decode(ROOT));
    assertThat(cp.extensions()).containsExactly("Timestamp: 1674192874293544902");
    assertThat(cp.rekorTimestampNanos()).hasValue(1674192874293544902L);
    assertThat(cp.toText()).isEqualTo(note.text());
  }

  @Test
  void parsesCheckpointWithoutExtensions() throws Exception {
    Checkpoint cp = Checkpoint.parse("log2025-1.rekor.sigstore.dev\n4855115\n" + ROOT + "\n");
    assertThat(cp.extensions()).isEmpty();
    assertThat(cp.rekorTimestampNanos()).isEmpty();
    assertThat(cp.rootHashHex()).isEqualTo(HexFormat.of().formatHex(Base64.getDecoder().decode(ROOT)));
  }

  private static void assertRejected(String text, String message) {
    assertThatThrownBy(() -> Checkpoint.parse(text)).isInstanceOf(NoteFormatException.class).hasMessage(message);
  }

  @Test
  void rejectsMalformedCheckpoints() {
    assertRejected("o\n1\n" + ROOT, "malformed checkpoint: text does not end with a newline");
    assertRejected("o\n1\n", "malformed checkpoint: 2 lines, want at least 3 (origin, size, root)");
    assertRejected("\n1\n" + ROOT + "\n", "malformed checkpoint: empty origin");
    assertRejected("o\n01\n" + ROOT + "\n",
        "malformed checkpoint: size must be a decimal without leading zeros, but was: \"01\"");
    assertRejected("o\n-1\n" + ROOT + "\n",
        "malformed checkpoint: size must be a decimal without leading zeros, but was: \"-1\"");
    assertRejected("o\n99999999999999999999\n" + ROOT + "\n",
        "malformed checkpoint: size 99999999999999999999 is too large");
    assertRejected("o\n1\nAAAA\n", "malformed checkpoint: root hash has 3 bytes, want 32");
    assertRejected("o\n1\n*\n", "malformed checkpoint: root hash \"*\" is not base64");
    assertRejected("o\n1\n" + ROOT + "\n\n", "malformed checkpoint: empty extension line 4");
  }

  @Test
  void requireTreeHeadReportsGotAndWant() throws Exception {
    Checkpoint cp = Checkpoint.parse("o\n5\n" + ROOT + "\n");
    byte[] root = Base64.getDecoder().decode(ROOT);
    cp.requireTreeHead(5, root);
    assertThatThrownBy(() -> cp.requireTreeHead(4, root))
        .isInstanceOf(NoteVerificationException.class)
        .hasMessage("checkpoint tree size 5 does not match proof tree size 4");
    byte[] other = root.clone();
    other[31] ^= 1;
    assertThatThrownBy(() -> cp.requireTreeHead(5, other))
        .hasMessage("checkpoint root hash " + HexFormat.of().formatHex(root)
            + " does not match proof root hash " + HexFormat.of().formatHex(other));
  }

  @Test
  void recordValidates() {
    byte[] root = new byte[32];
    assertThatThrownBy(() -> new Checkpoint("o", -1, root, List.of())).hasMessage("size must be >= 0, was -1");
    assertThatThrownBy(() -> new Checkpoint("o", 1, new byte[31], List.of()))
        .hasMessage("root hash has 31 bytes, want 32");
    assertThat(new Checkpoint("o", 1, root, List.of())).isEqualTo(new Checkpoint("o", 1, new byte[32], List.of()));
  }
}
