package dev.sigwatch.core.trust;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a monitor trusts and follows at one time: the trusted root, the default signing config (Rekor v1 in
 * production), the Rekor v2 signing config ({@code signing_config_rekor_v2.v0.2.json}, where production lists its v2
 * shards), and the monitor config (read URLs). Immutable.
 *
 * @param digests SHA-256 (hex) of each document's bytes by name ({@code trusted_root.json}...): two states with the
 *     same digests are the same state
 */
public record TrustState(TrustedRoot trustedRoot, Optional<SigningConfig> signingConfig,
    Optional<SigningConfig> rekorV2SigningConfig, Optional<MonitorConfig> monitorConfig, Map<String, String> digests) {
  public TrustState {
    Objects.requireNonNull(trustedRoot, "trustedRoot");
    Objects.requireNonNull(signingConfig, "signingConfig");
    Objects.requireNonNull(rekorV2SigningConfig, "rekorV2SigningConfig");
    Objects.requireNonNull(monitorConfig, "monitorConfig");
    digests = Map.copyOf(digests);
  }

  /** A state of a trusted root and an optional signing config (files, the bundled root). */
  public static TrustState of(TrustedRoot root, Optional<SigningConfig> signing) {
    return new TrustState(root, signing, Optional.empty(), Optional.empty(), Map.of());
  }

  /** This state with {@code monitor} as its monitor config (a local file overrides TUF's). */
  public TrustState withMonitorConfig(Optional<MonitorConfig> monitor) {
    return new TrustState(trustedRoot, signingConfig, rekorV2SigningConfig, monitor, digests);
  }

  /** Both signing configs' Rekor logs, the default config's first. */
  public java.util.List<ServiceEndpoint> rekorEndpoints() {
    java.util.List<ServiceEndpoint> out = new java.util.ArrayList<>();
    signingConfig.ifPresent(s -> out.addAll(s.rekorTlogUrls()));
    rekorV2SigningConfig.ifPresent(s -> out.addAll(s.rekorTlogUrls()));
    return out;
  }
}
