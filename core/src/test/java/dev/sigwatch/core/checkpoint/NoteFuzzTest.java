package dev.sigwatch.core.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sigwatch.core.fuzz.FuzzSeeds;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Jazzer targets for signed notes, checkpoints, cosignatures, vkeys and RFC 6962 DigitallySigned. Any input yields
 * a value, a {@link NoteFormatException} or (verifying) a {@link NoteVerificationException}; nothing that does not
 * verify under the trusted keys is accepted.
 */
class NoteFuzzTest {
  private static NoteVerifier verifier;

  @BeforeAll
  static void setUp() throws NoteFormatException {
    List<NoteKey> keys = new ArrayList<>(NoteFixtures.vkeys("rekor-v2/tlog-tiles-example/log.vkey"));
    keys.addAll(NoteFixtures.vkeys("rekor-v2/spec-examples/c2sp-signed-note-example.vkey"));
    keys.addAll(NoteFixtures.vkeys("rekor-v2/checkpoints/staging-witness-vkeys.txt"));
    keys.addAll(NoteFixtures.logVerifier("trust/production/trusted_root.json",
        NoteFixtures.read("rekor-v1/checkpoints/prod-rekor.sigstore.dev-tree1193050959916656506-size2953833797.txt"))
        .keys());
    verifier = new NoteVerifier(keys);
    FuzzSeeds.write(NoteFuzzTest.class, "signedNote", noteFiles().map(FuzzSeeds::read));
    FuzzSeeds.write(NoteFuzzTest.class, "vkey", vkeyLines());
  }

  @FuzzTest(maxDuration = FuzzSeeds.MAX_DURATION, maxExecutions = 1_000_000)
  void signedNote(byte[] input) {
    SignedNote note;
    try {
      note = SignedNote.parse(input);
    } catch (NoteFormatException expected) {
      return;
    }
    assertThat(note.signatures()).isNotEmpty().hasSizeLessThanOrEqualTo(SignedNote.MAX_SIGNATURES);
    assertThat(input.length).isLessThanOrEqualTo(SignedNote.MAX_NOTE_BYTES);
    for (NoteSignature s : note.signatures()) {
      try {
        Cosignature.parse(s.signature());
      } catch (NoteFormatException expected) {
        // a value or a NoteFormatException
      }
      try {
        DigitallySigned.parse(s.signature());
      } catch (NoteFormatException expected) {
        // a value or a NoteFormatException
      }
    }
    try {
      Checkpoint cp = Checkpoint.from(note);
      assertThat(cp.size()).isNotNegative();
      cp.rekorTimestampNanos();
    } catch (NoteFormatException expected) {
      // a value or a NoteFormatException
    }
    try {
      VerificationResult r = verifier.verify(note);
      assertThat(r).isNotNull();
    } catch (NoteVerificationException expected) {
      // a value or a NoteVerificationException
    }
  }

  @FuzzTest(maxDuration = FuzzSeeds.MAX_DURATION, maxExecutions = 500_000)
  void vkey(byte[] input) {
    try {
      NoteKey.parseVkey(new String(input, StandardCharsets.UTF_8));
    } catch (NoteFormatException expected) {
      // a value or a NoteFormatException
    }
  }

  @ParameterizedTest
  @MethodSource("noteFiles")
  void fixtureNotes(Path file) {
    signedNote(FuzzSeeds.read(file));
  }

  static Stream<Path> noteFiles() {
    return Stream.of(FuzzSeeds.files("rekor-v1/checkpoints", ".txt"), FuzzSeeds.files("rekor-v2/checkpoints", ".txt"),
            FuzzSeeds.files("rekor-v2/spec-examples", ".txt"),
            FuzzSeeds.files("rekor-v2/tlog-tiles-example/log", "").filter(p -> p.getFileName().toString()
                .startsWith("checkpoint")))
        .flatMap(s -> s);
  }

  static Stream<byte[]> vkeyLines() {
    return Stream.of("rekor-v2/tlog-tiles-example/log.vkey", "rekor-v2/spec-examples/c2sp-signed-note-example.vkey",
            "rekor-v2/checkpoints/staging-witness-vkeys.txt")
        .flatMap(f -> NoteFixtures.read(f).lines())
        .map(l -> l.getBytes(StandardCharsets.UTF_8));
  }
}
