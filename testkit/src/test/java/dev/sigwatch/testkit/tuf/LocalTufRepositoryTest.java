package dev.sigwatch.testkit.tuf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sigwatch.core.trust.TrustDiff;
import dev.sigwatch.core.trust.TrustException;
import dev.sigwatch.core.trust.TrustState;
import dev.sigwatch.core.trust.tuf.TufClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generated repository is a real TUF repository: sigstore-java's client verifies and follows it. */
class LocalTufRepositoryTest {
  private static final Path FIXTURES = Path.of(System.getProperty("sigwatch.fixtures"), "trust");

  private static byte[] fixture(String name) throws Exception {
    return Files.readAllBytes(FIXTURES.resolve(name));
  }

  @Test
  void clientFollowsTargetsAndRootRotationsAndFailsWhenTheServerIsGone(@TempDir Path dir) throws Exception {
    try (LocalTufRepository repo = LocalTufRepository.start(Map.of(
        TrustDiff.TRUSTED_ROOT, fixture("production/trusted_root.pre-rekor-v2.json"),
        TrustDiff.SIGNING_CONFIG, fixture("production/signing_config.v0.2.json")))) {
      TufClient client = TufClient.mirror(repo.mirror(), repo.writeInitialRoot(dir.resolve("root.json")),
          dir.resolve("cache"));
      TrustState first = client.fetch();
      assertTrue(first.signingConfig().isPresent());
      assertTrue(first.rekorV2SigningConfig().isEmpty());

      repo.rotateRoot();
      repo.publish(Map.of(
          TrustDiff.TRUSTED_ROOT, fixture("production/trusted_root.json"),
          TrustDiff.SIGNING_CONFIG, fixture("production/signing_config.v0.2.json"),
          TrustDiff.SIGNING_CONFIG_REKOR_V2, fixture("production/signing_config_rekor_v2.v0.2.json")));
      TrustState second = client.fetch();
      assertEquals(first.trustedRoot().tlogs().size() + 1, second.trustedRoot().tlogs().size(),
          "the rotated repository's new trusted root (with log2025-1) was read");
      assertTrue(second.rekorV2SigningConfig().isPresent());
      assertEquals(2, repo.rootVersion());

      repo.stop();
      TrustException gone = assertThrows(TrustException.class, client::fetch);
      assertTrue(gone.getMessage().contains("updating TUF repository"), gone.getMessage());
    }
  }

  @Test
  void aTargetNotSignedByTheTrustedKeysIsRefused(@TempDir Path dir) throws Exception {
    try (LocalTufRepository repo = LocalTufRepository.start(Map.of(
        TrustDiff.TRUSTED_ROOT, fixture("production/trusted_root.json")))) {
      Path root = repo.writeInitialRoot(dir.resolve("root.json"));
      // A client that trusts another repository's root cannot be fed this one's metadata.
      try (LocalTufRepository other = LocalTufRepository.start(Map.of(
          TrustDiff.TRUSTED_ROOT, fixture("production/trusted_root.json")))) {
        TufClient client = TufClient.mirror(other.mirror(), root, dir.resolve("cache"));
        TrustException e = assertThrows(TrustException.class, client::fetch);
        assertTrue(e.getMessage().contains("updating TUF repository"), e.getMessage());
      }
    }
  }
}
