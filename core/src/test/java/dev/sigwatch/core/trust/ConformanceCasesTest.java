package dev.sigwatch.core.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sigwatch.core.checkpoint.VerifiedCheckpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The sigstore-conformance {@code _fail} bundles: each is rejected for the reason its README states
 * (quoted next to each case), with the exact message. Valid bundles pass the same checks.
 */
class ConformanceCasesTest {
  private static final String CASES = "bundles/conformance-cases/";
  private static final String PROD = "trust/production/trusted_root.json";

  static Stream<Arguments> failCases() {
    return Stream.of(
        // "checkpoint signature does not match the transparency log providing the entry" (key hint xNI9aj, not wNI9aj)
        Arguments.of("checkpoint-bad-keyhint_fail", PROD,
            "checkpoint: no signature from a trusted key: got [rekor.sigstore.dev+c4d23d6a], "
                + "want one of [rekor.sigstore.dev+c0d23d6a]"),
        // "the checkpoint is self consistent but does not apply to this bundle (root hash is wrong)"
        Arguments.of("checkpoint-wrong-roothash_fail", PROD,
            "checkpoint: checkpoint tree size 75610772 does not match proof tree size 23083062"),
        // "The inclusion proof has a corrupted hash (bit flip in one of the proof hashes)"
        Arguments.of("inclusion-proof-corrupted-hash_fail", PROD,
            "inclusion proof: calculated root "),
        // "Rekor checkpoint signature is invalid"
        Arguments.of("invalid-checkpoint-signature_fail", PROD,
            "checkpoint: bad signature from key rekor.sigstore.dev+c0d23d6a"),
        // "The identity of the checkpoint signature does not match the transparency log host"
        Arguments.of("rekor2-checkpoint-no-matching-signature_fail",
            CASES + "rekor2-checkpoint-no-matching-signature_fail/trusted_root.json",
            "checkpoint: no signature from a trusted key: got [log2025-alpha1.rekor.github.dev+f30d5a99], "
                + "want one of [log2025-alpha1.rekor.sigstage.dev+f30d5a99]"),
        // "The signed entry timestamp (rekor integrated time) signature is invalid"
        Arguments.of("set-invalid-signature_fail", PROD,
            "signed entry timestamp: bad signature from log https://rekor.sigstore.dev for index 27246492"));
  }

  @ParameterizedTest
  @MethodSource("failCases")
  void rejectsEachFailCaseForItsReason(String dir, String root, String message) throws Exception {
    List<LogEntryProof> entries = BundleEntries.fromBundle(read(CASES + dir + "/bundle.sigstore.json"));
    assertThat(entries).hasSize(1);
    LogEntryVerifier verifier = new LogEntryVerifier(TrustedRoot.load(TrustFixtures.path(root)));

    var thrown = assertThatThrownBy(() -> verifier.verify(entries.get(0)))
        .isInstanceOf(LogEntryVerificationException.class);
    if (message.endsWith(" ")) {
      // A root mismatch names both roots; the computed one depends on the flipped bit.
      thrown.hasMessageStartingWith(message)
          .hasMessageEndingWith("does not match expected root "
              + "1679e3d7752ed63764b0f7381d92daa4a5f7dbd755943e7e30636c8aa06ad573");
    } else {
      thrown.hasMessage(message);
    }
  }

  @Test
  void everyFailCaseIsCovered() throws Exception {
    try (Stream<Path> dirs = Files.list(TrustFixtures.path(CASES))) {
      List<String> fail = dirs.map(p -> p.getFileName().toString()).filter(n -> n.endsWith("_fail")).sorted().toList();
      assertThat(fail).containsExactlyInAnyOrderElementsOf(failCases().map(a -> (String) a.get()[0]).toList());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "bundles/v0.3/prod-hashedrekord-gha-conformance-2024-03.sigstore.json",
      "bundles/v0.3/prod-dsse-gha-conformance-2024-12.sigstore.json",
      "bundles/v0.2/prod-hashedrekord-gha-conformance-2023-07.sigstore.json",
      "bundles/rekor-v2/prod-log2025-1-hashedrekord-v002-google-sa-with-tsa-2026-06.sigstore.json"})
  void validProductionBundlesPass(String bundle) throws Exception {
    LogEntryVerifier verifier = new LogEntryVerifier(TrustedRoot.load(TrustFixtures.path(PROD)));
    LogEntryProof entry = BundleEntries.fromBundle(read(bundle)).get(0);
    Optional<VerifiedCheckpoint> cp = verifier.verify(entry);
    assertThat(cp).isPresent();
    assertThat(cp.get().checkpoint().size()).isEqualTo(entry.treeSize());
  }

  @Test
  void validStagingAndLocalBundlesPass() throws Exception {
    var staging = new LogEntryVerifier(TrustedRoot.load(TrustFixtures.path("trust/staging/trusted_root.json")));
    assertThat(staging.verify(BundleEntries.fromBundle(read(
        "bundles/rekor-v2/staging-log2025-alpha3-hashedrekord-over-dsse-witnessed-2026-05.sigstore.json")).get(0)))
        .isPresent();
    var local = new LogEntryVerifier(TrustedRoot.load(TrustFixtures.path(
        CASES + "bundle-with-sct-with-extensions/trusted_root.json")));
    assertThat(local.verify(BundleEntries.fromBundle(read(
        CASES + "bundle-with-sct-with-extensions/bundle.sigstore.json")).get(0)).get().checkpoint().origin())
        .isEqualTo("rekor-local");
  }

  private static String read(String rel) throws Exception {
    return Files.readString(TrustFixtures.path(rel));
  }
}
