package dev.sigwatch.core.trust;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a monitor trusts and follows at one time: the trusted root, the default signing config (Rekor v1 in
 * production), the Rekor v2 signing config ({@code signing_config_rekor_v2.v0.2.json}, where production lists its v2
 * shards), and the monitor config (read URLs). Immutable.
 *
 * @param documents the JSON text of each document it was parsed from, by name ({@code trusted_root.json}...), so the
 *     state can be stored and read back ({@link #parse}); empty for a state built from parsed values only
 */
public record TrustState(TrustedRoot trustedRoot, Optional<SigningConfig> signingConfig,
    Optional<SigningConfig> rekorV2SigningConfig, Optional<MonitorConfig> monitorConfig, Map<String, String> documents) {
  public TrustState {
    Objects.requireNonNull(trustedRoot, "trustedRoot");
    Objects.requireNonNull(signingConfig, "signingConfig");
    Objects.requireNonNull(rekorV2SigningConfig, "rekorV2SigningConfig");
    Objects.requireNonNull(monitorConfig, "monitorConfig");
    documents = Map.copyOf(documents);
  }

  /** A state of a trusted root and an optional signing config (parsed values, no documents). */
  public static TrustState of(TrustedRoot root, Optional<SigningConfig> signing) {
    return new TrustState(root, signing, Optional.empty(), Optional.empty(), Map.of());
  }

  /**
   * The state of {@code documents} (JSON text by name: {@link TrustDiff#TRUSTED_ROOT} required,
   * {@link TrustDiff#SIGNING_CONFIG}, {@link TrustDiff#SIGNING_CONFIG_REKOR_V2}, {@link TrustDiff#MONITOR_CONFIG}
   * optional; other names are an error).
   */
  public static TrustState parse(Map<String, String> documents) throws TrustException {
    for (String name : documents.keySet()) {
      if (!java.util.List.of(TrustDiff.TRUSTED_ROOT, TrustDiff.SIGNING_CONFIG, TrustDiff.SIGNING_CONFIG_REKOR_V2,
          TrustDiff.MONITOR_CONFIG).contains(name)) {
        throw new TrustException("unknown trust document " + name);
      }
    }
    String root = documents.get(TrustDiff.TRUSTED_ROOT);
    if (root == null) throw new TrustException("the trust state has no " + TrustDiff.TRUSTED_ROOT);
    return new TrustState(TrustedRoot.parse(root), signing(documents.get(TrustDiff.SIGNING_CONFIG)),
        signing(documents.get(TrustDiff.SIGNING_CONFIG_REKOR_V2)),
        documents.get(TrustDiff.MONITOR_CONFIG) == null ? Optional.empty()
            : Optional.of(MonitorConfig.parse(documents.get(TrustDiff.MONITOR_CONFIG))), documents);
  }

  private static Optional<SigningConfig> signing(String json) throws TrustException {
    return json == null ? Optional.empty() : Optional.of(SigningConfig.parse(json));
  }

  /** This state with document {@code name} replaced by {@code json} (a local file overrides TUF's). */
  public TrustState with(String name, String json) throws TrustException {
    Map<String, String> docs = new LinkedHashMap<>(documents);
    docs.put(name, json);
    if (!docs.containsKey(TrustDiff.TRUSTED_ROOT)) {
      throw new IllegalStateException("a trust state built from parsed values has no documents to replace " + name
          + " in");
    }
    return parse(docs);
  }

  /** This state with {@code monitor} as its monitor config (no document). */
  public TrustState withMonitorConfig(Optional<MonitorConfig> monitor) {
    return new TrustState(trustedRoot, signingConfig, rekorV2SigningConfig, monitor, documents);
  }

  /**
   * SHA-256 (hex) of each document's UTF-8 bytes by name: two states with the same (non-empty) digests are the same
   * state.
   */
  public Map<String, String> digests() {
    Map<String, String> out = new LinkedHashMap<>();
    try {
      for (Map.Entry<String, String> d : documents.entrySet()) {
        out.put(d.getKey(), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
            .digest(d.getValue().getBytes(StandardCharsets.UTF_8))));
      }
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
    return out;
  }

  /** Both signing configs' Rekor logs, the default config's first. */
  public java.util.List<ServiceEndpoint> rekorEndpoints() {
    java.util.List<ServiceEndpoint> out = new java.util.ArrayList<>();
    signingConfig.ifPresent(s -> out.addAll(s.rekorTlogUrls()));
    rekorV2SigningConfig.ifPresent(s -> out.addAll(s.rekorTlogUrls()));
    return out;
  }
}
