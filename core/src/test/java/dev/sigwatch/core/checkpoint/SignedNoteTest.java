package dev.sigwatch.core.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class SignedNoteTest {
  private static final String WITNESSED =
      "rekor-v2/checkpoints/staging-log2025-alpha3-size4026479-witness-cosigned.txt";

  @ParameterizedTest
  @ValueSource(
      strings = {
        "rekor-v1/checkpoints/prod-rekor.sigstore.dev-tree1193050959916656506-size2953833797.txt",
        "rekor-v1/checkpoints/prod-rekor.sigstore.dev-tree2605736670972794746-size7398089-with-timestamp-extension-line.txt",
        "rekor-v2/checkpoints/prod-log2025-1.rekor.sigstore.dev-size4855115.txt",
        WITNESSED,
        "rekor-v2/spec-examples/c2sp-signed-note-example.note.txt",
        "rekor-v2/spec-examples/c2sp-tlog-cosignature-example.txt"
      })
  void parsesAndReproducesEveryFixtureNote(String file) throws Exception {
    String text = NoteFixtures.read(file);
    SignedNote note = SignedNote.parse(text.getBytes(StandardCharsets.UTF_8));
    assertThat(note.toText()).isEqualTo(text);
    assertThat(text).startsWith(note.text()).contains("\n\n\u2014 ");
  }

  @Test
  void splitsTextAndSignaturesOfWitnessedCheckpoint() throws Exception {
    SignedNote note = SignedNote.parse(NoteFixtures.read(WITNESSED));
    assertThat(note.text())
        .isEqualTo("log2025-alpha3.rekor.sigstage.dev\n4026479\n5iaX4xK6PMnp4ZFTP4iywMcwLgaTjzgRTkrTOUFIrfY=\n");
    assertThat(note.signatures())
        .extracting(NoteSignature::name)
        .containsExactly(
            "log2025-alpha3.rekor.sigstage.dev",
            "witness.stagemole.eu",
            "staging.witness.transparency.goog/ring-any-bells",
            "witness.navigli.sunlight.geomys.org");
    // Key IDs as written in the vkeys file next to the fixture.
    assertThat(note.signatures())
        .extracting(NoteSignature::keyIdHex)
        .containsExactly("d3d3a70c", "67f7aea0", "2e1a8dc9", "a3e00fe2");
    assertThat(note.signatures().get(1).signature()).hasSize(8 + 64);
  }

  @Test
  void noteTextMayContainBlankLinesBeforeTheLastOne() throws Exception {
    SignedNote note = SignedNote.parse("a\n\nb\n\n\u2014 k AAAAAAE=\n");
    assertThat(note.text()).isEqualTo("a\n\nb\n");
  }

  private static void assertRejected(String note, String message) {
    assertThatThrownBy(() -> SignedNote.parse(note))
        .isInstanceOf(NoteFormatException.class)
        .hasMessage(message);
  }

  @Test
  void rejectsMalformedNotes() {
    assertRejected("text\n\u2014 k AAAAAAE=\n", "malformed note: no blank line before the signatures");
    assertRejected("text\n\n\u2014 k AAAAAAE=", "malformed note: signature block does not end with a newline");
    assertRejected("te\txt\n\n\u2014 k AAAAAAE=\n", "malformed note: control character 0x9 at offset 2");
    assertRejected("text\n\n- k AAAAAAE=\n",
        "malformed signature line \"- k AAAAAAE=\": want \"\u2014 <name> <base64>\"");
    assertRejected("text\n\n\u2014 k AAAA!AE=\n", "malformed signature line for k: signature is not base64");
    assertRejected("text\n\n\u2014 k AAAAAA==\n",
        "malformed signature line for k: 4 bytes, want a 4-byte key ID and a signature");
    assertRejected("text\n\n\u2014 a+b AAAAAAE=\n", "malformed signature line: invalid key name \"a+b\"");
    assertRejected("text\n\n\n", "malformed note: no signature lines");
    assertRejected("text\n\n\u2014 k AAAAAAE=\nfoo\n",
        "malformed signature line \"foo\": want \"\u2014 <name> <base64>\"");
    assertThatThrownBy(() -> SignedNote.parse(new byte[] {'a', '\n', '\n', (byte) 0xff, '\n'}))
        .isInstanceOf(NoteFormatException.class)
        .hasMessage("malformed note: not valid UTF-8");
  }

  @Test
  void capsTheNumberOfSignatureLines() throws Exception {
    String line = "\u2014 k " + Base64.getEncoder().encodeToString(new byte[] {0, 0, 0, 1, 2}) + "\n";
    String atCap = "text\n\n" + line.repeat(SignedNote.MAX_SIGNATURES);
    assertThat(SignedNote.parse(atCap).signatures()).hasSize(SignedNote.MAX_SIGNATURES);
    assertRejected(atCap + line, "malformed note: 101 signature lines, want at most 100");
  }

  @Test
  void recordValidatesAndCopies() {
    byte[] sig = {1, 2, 3};
    NoteSignature s = new NoteSignature("k", 7, sig);
    sig[0] = 9;
    assertThat(s.signature()[0]).isEqualTo((byte) 1);
    assertThat(s.toLine()).isEqualTo("\u2014 k AAAABwECAw==");
    assertThatThrownBy(() -> new SignedNote("no newline", List.of(s)))
        .hasMessage("note text must end with a newline");
    assertThatThrownBy(() -> new SignedNote("x\n", List.of()))
        .hasMessage("a signed note needs at least one signature");
  }
}
