package dev.sigwatch.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sigwatch.core.checkpoint.SignedNote;
import dev.sigwatch.core.trust.TrustedRoot;
import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.schemas.LogType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The real checkpoints of the fixtures verify with the fixture trusted roots; one flipped signature byte does not. */
class FixtureCheckpointsTest {

  static final Path FIXTURES = Path.of(System.getProperty("sigwatch.fixtures", "../../shared/fixtures"));

  @ParameterizedTest
  @CsvSource({
    "rekor-v1/checkpoints/prod-rekor.sigstore.dev-tree1193050959916656506-size2953833797.txt, production, REKOR_V1, 2025-11-01T00:00:00Z",
    "rekor-v1/checkpoints/prod-rekor.sigstore.dev-tree2605736670972794746-size117740831.txt, production, REKOR_V1, 2025-11-01T00:00:00Z",
    "rekor-v1/checkpoints/prod-rekor.sigstore.dev-tree2605736670972794746-size7398089-with-timestamp-extension-line.txt, production, REKOR_V1, 2023-01-20T05:34:34Z",
    "rekor-v1/checkpoints/prod-rekor.sigstore.dev-tree3904496407287907110-size4163431.txt, production, REKOR_V1, 2025-11-01T00:00:00Z",
    "rekor-v1/checkpoints/staging-rekor.sigstage.dev-tree108574341321668964-size14358.txt, staging, REKOR_V1, 2025-11-01T00:00:00Z",
    "rekor-v2/checkpoints/prod-log2025-1.rekor.sigstore.dev-size4855115.txt, production, REKOR_V2, 2026-03-01T00:00:00Z",
    "rekor-v2/checkpoints/staging-log2025-alpha1-size736.txt, staging, REKOR_V2, 2025-07-01T00:00:00Z",
    "rekor-v2/checkpoints/staging-log2025-alpha3-size4026479-witness-cosigned.txt, staging, REKOR_V2, 2026-05-14T00:00:00Z",
  })
  void realCheckpointsVerifyAndMutationsDoNot(String file, String root, LogType type, String observed) throws Exception {
    CheckpointSignatures sigs = new CheckpointSignatures(
        TrustedRoot.load(FIXTURES.resolve("trust").resolve(root).resolve("trusted_root.json")));
    String note = Files.readString(FIXTURES.resolve(file), StandardCharsets.UTF_8);
    Checkpoint c = record(note, type, Instant.parse(observed));
    assertThat(sigs.verify(c)).isInstanceOf(SignatureOutcome.Valid.class);

    // Flip one bit of the log's signature (the first signature line), keeping it well-formed base64.
    SignedNote parsed = SignedNote.parse(note);
    String line = parsed.signatures().get(0).toLine();
    byte[] raw = parsed.signatures().get(0).signature();
    raw[raw.length / 2] ^= 0x01;
    String flipped = new dev.sigwatch.core.checkpoint.NoteSignature(parsed.signatures().get(0).name(),
        parsed.signatures().get(0).keyId(), raw).toLine();
    SignatureOutcome bad = sigs.verify(record(note.replace(line, flipped), type, Instant.parse(observed)));
    assertThat(bad).isInstanceOf(SignatureOutcome.Bad.class);
  }

  @ParameterizedTest
  @CsvSource({"3, true", "1, true"})
  void stagingWitnessesSatisfyTheirPolicy(int threshold, boolean satisfied) throws Exception {
    List<String> vkeys = Files.readAllLines(FIXTURES.resolve("rekor-v2/checkpoints/staging-witness-vkeys.txt"))
        .stream().filter(l -> !l.startsWith("log2025-alpha3")).toList();
    WitnessCheck check = new WitnessCheck(WitnessPolicy.ofVkeys(vkeys, threshold));
    String note = Files.readString(
        FIXTURES.resolve("rekor-v2/checkpoints/staging-log2025-alpha3-size4026479-witness-cosigned.txt"));
    WitnessCheck.Result r = check.check(SignedNote.parse(note));
    assertThat(r.satisfied()).isEqualTo(satisfied);
    assertThat(r.cosigned()).hasSize(3);
    // The unverifiable example: the same witnesses are missing from it.
    String other = Files.readString(FIXTURES.resolve("rekor-v2/checkpoints/staging-log2025-alpha1-size736.txt"));
    assertThat(check.check(SignedNote.parse(other)).missing()).hasSize(3);
  }

  static Checkpoint record(String note, LogType type, Instant observed) throws Exception {
    dev.sigwatch.core.checkpoint.Checkpoint body = dev.sigwatch.core.checkpoint.Checkpoint.parse(
        note.substring(0, note.indexOf("\n\n") + 1));
    return Checkpoint.newBuilder().setLogId(body.origin()).setLogType(type).setOrigin(body.origin())
        .setTreeSize(body.size()).setRootHash(ByteBuffer.wrap(body.rootHash())).setObservedAtMillis(observed.toEpochMilli())
        .setRawNote(ByteBuffer.wrap(note.getBytes(StandardCharsets.UTF_8))).setSourceUrl("fixture").build();
  }
}
