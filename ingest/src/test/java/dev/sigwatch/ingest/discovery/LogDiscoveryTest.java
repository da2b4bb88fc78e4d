package dev.sigwatch.ingest.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sigwatch.core.trust.SigningConfig;
import dev.sigwatch.core.trust.TrustedRoot;
import dev.sigwatch.ingest.LogTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Discovery on the real public-good and staging trusted roots and signing configs in the fixtures. */
class LogDiscoveryTest {
  static final Path TRUST = Path.of(System.getProperty("sigwatch.fixtures"), "trust");
  static final Instant NOW = Instant.parse("2026-11-25T00:00:00Z");

  static TrustedRoot root(String env) throws Exception {
    return TrustedRoot.load(TRUST.resolve(env).resolve("trusted_root.json"));
  }

  static Optional<SigningConfig> signing(String env, String file) throws Exception {
    return Optional.of(SigningConfig.load(TRUST.resolve(env).resolve(file)));
  }

  static List<String> names(List<LogTarget> logs) {
    return logs.stream().map(t -> t.family().configName() + " " + t.url()).toList();
  }

  @Test
  void publicGoodIsRekorV1TheRekorV2ShardAndTheCurrentCtLog() throws Exception {
    List<String> want = List.of("rekor-v1 https://rekor.sigstore.dev", "rekor-v2 https://log2025-1.rekor.sigstore.dev",
        "ct https://ctfe.sigstore.dev/2022");
    // The API version from the signing config that lists both, from the key type without one: the same answer.
    assertThat(names(LogDiscovery.discover(root("production"), signing("production", "signing_config_rekor_v2.v0.2.json"),
        NOW))).isEqualTo(want);
    assertThat(names(LogDiscovery.discover(root("production"), Optional.empty(), NOW))).isEqualTo(want);
    // A signing config from before Rekor v2 does not hide the v2 shard: its entries are still monitored.
    assertThat(names(LogDiscovery.discover(root("production"), signing("production", "signing_config.v0.2.json"), NOW)))
        .isEqualTo(want);
    // Before log2025-1's key was valid, it is not watched; the expired test CT log never is.
    assertThat(names(LogDiscovery.discover(root("production"), Optional.empty(), Instant.parse("2025-01-01T00:00:00Z"))))
        .containsExactly("rekor-v1 https://rekor.sigstore.dev", "ct https://ctfe.sigstore.dev/2022");
  }

  @Test
  void stagingShardsComeAndGoWithTheirValidity() throws Exception {
    List<String> sep2025 = names(LogDiscovery.discover(root("staging"), Optional.empty(), Instant.parse("2025-09-01T00:00:00Z")));
    assertThat(sep2025).filteredOn(n -> n.startsWith("rekor")).containsExactly("rekor-v1 https://rekor.sigstage.dev",
        "rekor-v2 https://log2025-alpha1.rekor.sigstage.dev", "rekor-v2 https://log2025-alpha2.rekor.sigstage.dev");
    List<String> now = names(LogDiscovery.discover(root("staging"), Optional.empty(), NOW));
    assertThat(now).filteredOn(n -> n.startsWith("rekor")).containsExactly("rekor-v1 https://rekor.sigstage.dev",
        "rekor-v2 https://log2025-alpha3.rekor.sigstage.dev", "rekor-v2 https://log2026-1.us-east4.rekor.sigstage.dev");
    assertThat(now).filteredOn(n -> n.startsWith("ct ")).isNotEmpty();
  }

  @Test
  void theSigningConfigsApiVersionWinsOverTheKeyType() throws Exception {
    String json = Files.readString(TRUST.resolve("production").resolve("signing_config_rekor_v2.v0.2.json"))
        .replace("\"majorApiVersion\": 2", "\"majorApiVersion\": 1");
    assertThat(json).as("mutation applied").doesNotContain("\"majorApiVersion\": 2");
    List<String> got = names(LogDiscovery.discover(root("production"), Optional.of(SigningConfig.parse(json)), NOW));
    assertThat(got).contains("rekor-v1 https://log2025-1.rekor.sigstore.dev");
  }
}
