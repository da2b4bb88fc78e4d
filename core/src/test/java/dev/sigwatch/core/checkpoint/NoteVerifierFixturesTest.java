package dev.sigwatch.core.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sigwatch.core.trust.LogNoteKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every real checkpoint of the fixtures verifies with keys from its trusted root, and its mutations do not. */
class NoteVerifierFixturesTest {
  private static final String PROD = "trust/production/trusted_root.json";
  private static final String STAGING = "trust/staging/trusted_root.json";
  private static final String WITNESSED =
      "rekor-v2/checkpoints/staging-log2025-alpha3-size4026479-witness-cosigned.txt";
  private static final String VKEYS = "rekor-v2/checkpoints/staging-witness-vkeys.txt";

  static Stream<Arguments> checkpoints() {
    return Stream.of(
        Arguments.of("rekor-v1/checkpoints/prod-rekor.sigstore.dev-tree1193050959916656506-size2953833797.txt", PROD, NoteKeyType.ECDSA_REKOR_V1),
        Arguments.of("rekor-v1/checkpoints/prod-rekor.sigstore.dev-tree2605736670972794746-size117740831.txt", PROD, NoteKeyType.ECDSA_REKOR_V1),
        Arguments.of("rekor-v1/checkpoints/prod-rekor.sigstore.dev-tree2605736670972794746-size7398089-with-timestamp-extension-line.txt", PROD, NoteKeyType.ECDSA_REKOR_V1),
        Arguments.of("rekor-v1/checkpoints/prod-rekor.sigstore.dev-tree3904496407287907110-size4163431.txt", PROD, NoteKeyType.ECDSA_REKOR_V1),
        Arguments.of("rekor-v1/checkpoints/staging-rekor.sigstage.dev-tree108574341321668964-size14358.txt", STAGING, NoteKeyType.ECDSA_REKOR_V1),
        Arguments.of("rekor-v2/checkpoints/prod-log2025-1.rekor.sigstore.dev-size4855115.txt", PROD, NoteKeyType.ED25519),
        Arguments.of("rekor-v2/checkpoints/staging-log2025-alpha1-size736.txt", STAGING, NoteKeyType.ED25519),
        Arguments.of("rekor-v2/checkpoints/staging-log2025-alpha1-size736-example-cosigs-unverifiable.txt", STAGING, NoteKeyType.ED25519),
        Arguments.of(WITNESSED, STAGING, NoteKeyType.ED25519));
  }

  @ParameterizedTest
  @MethodSource("checkpoints")
  void verifiesWithTheLogKeyOfTheTrustedRoot(String file, String root, NoteKeyType type) throws Exception {
    String text = NoteFixtures.read(file);
    Checkpoint cp = Checkpoint.from(SignedNote.parse(text));
    NoteVerifier verifier = NoteFixtures.logVerifier(root, text);

    VerifiedCheckpoint v = verifier.verifyCheckpoint(text);

    assertThat(v.checkpoint()).isEqualTo(cp);
    assertThat(v.result().verified()).hasSize(1);
    NoteKey key = v.result().verified().get(0).key();
    assertThat(key.type()).isEqualTo(type);
    assertThat(text).contains("\u2014 " + key.name() + " ");
    // The other lines of the note (witnesses without keys) were ignored, not failed.
    assertThat(v.result().ignored()).hasSize(SignedNote.parse(text).signatures().size() - 1);
  }

  @ParameterizedTest
  @MethodSource("checkpoints")
  void rejectsAFlippedSignatureBit(String file, String root, NoteKeyType type) throws Exception {
    String text = NoteFixtures.read(file);
    NoteVerifier verifier = NoteFixtures.logVerifier(root, text);
    NoteSignature logSig = SignedNote.parse(text).signatures().get(0);
    // Byte 10 lies inside the signature value for both DER ECDSA and raw Ed25519 signatures.
    String mutated = NoteFixtures.flipSignatureBit(text, 0, 10);

    assertThatThrownBy(() -> verifier.verifyCheckpoint(mutated))
        .isInstanceOf(NoteVerificationException.class)
        .hasMessage("bad signature from key " + logSig.name() + "+" + logSig.keyIdHex());
  }

  @ParameterizedTest
  @MethodSource("checkpoints")
  void rejectsAChangedTreeSize(String file, String root, NoteKeyType type) throws Exception {
    String text = NoteFixtures.read(file);
    SignedNote note = SignedNote.parse(text);
    Checkpoint cp = Checkpoint.from(note);
    String body = note.text().replaceFirst("\n" + cp.size() + "\n", "\n" + (cp.size() + 1) + "\n");
    String mutated = new SignedNote(body, note.signatures()).toText();
    NoteVerifier verifier = NoteFixtures.logVerifier(root, text);
    NoteSignature logSig = note.signatures().get(0);

    assertThatThrownBy(() -> verifier.verifyCheckpoint(mutated))
        .isInstanceOf(NoteVerificationException.class)
        .hasMessage("bad signature from key " + logSig.name() + "+" + logSig.keyIdHex());
  }

  @Test
  void productionKeyDoesNotVerifyStagingCheckpoint() throws Exception {
    String text = NoteFixtures.read("rekor-v1/checkpoints/staging-rekor.sigstage.dev-tree108574341321668964-size14358.txt");
    NoteVerifier prodV1 = new NoteVerifier(NoteFixtures.root(PROD).tlogs().stream()
        .flatMap(l -> LogNoteKeys.forLog(l).stream()).filter(k -> k.type() == NoteKeyType.ECDSA_REKOR_V1).toList());
    assertThatThrownBy(() -> prodV1.verifyCheckpoint(text))
        .isInstanceOf(NoteVerificationException.class)
        .hasMessage("no signature from a trusted key: got [rekor.sigstage.dev+d32f30a3], "
            + "want one of [rekor.sigstore.dev+c0d23d6a]");
  }

  @Test
  void verifiesThreeWitnessCosignaturesAndTheLogSignature() throws Exception {
    List<NoteKey> vkeys = NoteFixtures.vkeys(VKEYS);
    VerifiedCheckpoint v = new NoteVerifier(vkeys).verifyCheckpoint(NoteFixtures.read(WITNESSED));

    assertThat(v.result().verified()).hasSize(4);
    assertThat(v.result().ignored()).isEmpty();
    List<VerifiedSignature> witnesses = v.result().verifiedOfType(NoteKeyType.COSIGNATURE_V1);
    assertThat(witnesses)
        .extracting(w -> w.key().name())
        .containsExactlyInAnyOrder(
            "witness.stagemole.eu",
            "staging.witness.transparency.goog/ring-any-bells",
            "witness.navigli.sunlight.geomys.org");
    // All three cosigned at 0x6a04cfb6 (bytes 4..11 of each line), i.e. in May 2026.
    assertThat(witnesses).allSatisfy(w -> assertThat(w.timestamp()).hasValue(0x6a04cfb6L));
    // The vkey of the log equals the key of the staging trusted root.
    NoteKey fromRoot = LogNoteKeys.rekorV2(NoteFixtures.root(STAGING), v.checkpoint().origin()).get(0).noteKey();
    NoteKey fromVkey = vkeys.stream().filter(k -> k.type() == NoteKeyType.ED25519).findFirst().orElseThrow();
    assertThat(fromVkey.id()).isEqualTo(fromRoot.id());
    assertThat(fromVkey.publicKey().getEncoded()).isEqualTo(fromRoot.publicKey().getEncoded());
  }

  @Test
  void rejectsAFlippedWitnessCosignature() throws Exception {
    List<NoteKey> keys = new ArrayList<>(NoteFixtures.vkeys(VKEYS));
    // Byte 20 is inside the Ed25519 signature (after key ID... the 8-byte timestamp).
    String mutated = NoteFixtures.flipSignatureBit(NoteFixtures.read(WITNESSED), 2, 20);
    assertThatThrownBy(() -> new NoteVerifier(keys).verifyCheckpoint(mutated))
        .isInstanceOf(NoteVerificationException.class)
        .hasMessage("bad signature from key staging.witness.transparency.goog/ring-any-bells+2e1a8dc9");
    // A changed cosignature timestamp is covered by the signature too.
    String newTime = NoteFixtures.flipSignatureBit(NoteFixtures.read(WITNESSED), 1, 7);
    assertThatThrownBy(() -> new NoteVerifier(keys).verifyCheckpoint(newTime))
        .hasMessage("bad signature from key witness.stagemole.eu+67f7aea0");
  }

  @Test
  void witnessKeysAloneDoNotAcceptOtherNotes() throws Exception {
    List<NoteKey> witnesses = NoteFixtures.vkeys(VKEYS).stream()
        .filter(k -> k.type() == NoteKeyType.COSIGNATURE_V1).toList();
    String unwitnessed = NoteFixtures.read("rekor-v2/checkpoints/staging-log2025-alpha1-size736.txt");
    assertThatThrownBy(() -> new NoteVerifier(witnesses).verifyCheckpoint(unwitnessed))
        .isInstanceOf(NoteVerificationException.class)
        .hasMessageStartingWith("no signature from a trusted key: got [log2025-alpha1.rekor.sigstage.dev+f30d5a99], want one of [");
  }

  @Test
  void verifiesTheC2spSignedNoteExample() throws Exception {
    NoteKey key = NoteKey.parseVkey(NoteFixtures.read("rekor-v2/spec-examples/c2sp-signed-note-example.vkey"));
    SignedNote note = SignedNote.parse(NoteFixtures.read("rekor-v2/spec-examples/c2sp-signed-note-example.note.txt"));

    VerificationResult r = new NoteVerifier(List.of(key)).verify(note);

    assertThat(r.verified()).extracting(s -> s.key().id()).containsExactly("example.com/foo+530d903a");
    assertThat(note.text()).isEqualTo("This is an example message.\n");
    SignedNote changed = new SignedNote("This is an example message!\n", note.signatures());
    assertThatThrownBy(() -> new NoteVerifier(List.of(key)).verify(changed))
        .hasMessage("bad signature from key example.com/foo+530d903a");
  }

  @Test
  void specCheckpointExamplesParseWithoutKeys() throws Exception {
    SignedNote note = SignedNote.parse(NoteFixtures.read("rekor-v2/spec-examples/c2sp-tlog-cosignature-example.txt"));
    Checkpoint cp = Checkpoint.from(note);
    assertThat(cp.origin()).isEqualTo("example.com/behind-the-sofa");
    assertThat(cp.size()).isEqualTo(20852163L);
    Cosignature c = Cosignature.parse(note.signatures().get(1).signature());
    assertThat(c.timestamp()).isEqualTo(0x641850cbL);
  }
}
