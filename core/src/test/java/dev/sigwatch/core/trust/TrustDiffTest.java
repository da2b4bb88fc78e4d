package dev.sigwatch.core.trust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TrustDiffTest {
  private static TrustedRoot root(String name) throws TrustException {
    return TrustedRoot.load(TrustFixtures.path("trust/" + name));
  }

  private static SigningConfig signing(String name) throws TrustException {
    return SigningConfig.load(TrustFixtures.path("trust/" + name));
  }

  @Test
  void productionAddingRekorV2IsOneTlogAddedAndTheV2SigningConfigsShard() throws Exception {
    TrustState before = TrustState.of(root("production/trusted_root.pre-rekor-v2.json"),
        Optional.of(signing("production/signing_config.v0.2.json")));
    TrustState after = new TrustState(root("production/trusted_root.json"),
        Optional.of(signing("production/signing_config.v0.2.json")),
        Optional.of(signing("production/signing_config_rekor_v2.v0.2.json")), Optional.empty(), java.util.Map.of());
    List<TrustChange> changes = TrustDiff.between(before, after);
    List<TrustChange> tlogs = changes.stream().filter(c -> c.item().equals("tlog")).toList();
    assertEquals(1, tlogs.size(), changes.toString());
    assertEquals(TrustChange.Kind.ADDED, tlogs.get(0).kind());
    assertTrue(tlogs.get(0).after().contains("PKIX_ED25519"), tlogs.get(0).after());
    assertTrue(changes.stream().anyMatch(c -> c.document().equals(TrustDiff.SIGNING_CONFIG_REKOR_V2)
        && c.item().equals("rekorTlogUrl") && c.kind() == TrustChange.Kind.ADDED && c.subject().contains("log2025")),
        changes.toString());
    assertTrue(changes.stream().noneMatch(c -> c.document().equals(TrustDiff.SIGNING_CONFIG)), changes.toString());
    assertEquals(List.of(), TrustDiff.between(after, after));
  }

  @Test
  void aValidityEndIsAChangeWithBeforeAndAfter() throws Exception {
    TrustedRoot r = root("production/trusted_root.json");
    LogKey k = r.tlogs().get(0);
    LogKey ended = new LogKey(k.logId(), k.baseUrl(), k.key(), k.keyType(), k.validFrom(),
        java.time.Instant.parse("2030-01-01T00:00:00Z"));
    List<LogKey> tlogs = new java.util.ArrayList<>(r.tlogs());
    tlogs.set(0, ended);
    TrustedRoot changed = new TrustedRoot(tlogs, r.ctlogs(), r.certificateAuthorities(), r.timestampAuthorities());
    List<TrustChange> changes = TrustDiff.between(TrustState.of(r, Optional.empty()),
        TrustState.of(changed, Optional.empty()));
    assertEquals(1, changes.size(), changes.toString());
    TrustChange c = changes.get(0);
    assertEquals(TrustChange.Kind.CHANGED, c.kind());
    assertTrue(c.before().endsWith(".. open"), c.before());
    assertTrue(c.after().endsWith(".. 2030-01-01T00:00:00Z"), c.after());
  }

  @Test
  void monitorConfigReadUrlsAreDiffed() throws Exception {
    TrustedRoot r = root("production/trusted_root.json");
    MonitorConfig m1 = MonitorConfig.parse("{\"rekorLogs\":[{\"readUrl\":\"https://read.example/a\","
        + "\"logOrigin\":\"log2025-1.rekor.sigstore.dev\",\"majorApiVersion\":2}]}");
    MonitorConfig m2 = MonitorConfig.parse("{\"rekorLogs\":[{\"readUrl\":\"https://read.example/a\","
        + "\"logOrigin\":\"log2025-1.rekor.sigstore.dev\",\"majorApiVersion\":2},{\"readUrl\":\"https://read.example/b\","
        + "\"logOrigin\":\"log2026-1.rekor.sigstore.dev\",\"majorApiVersion\":2}]}");
    List<TrustChange> changes = TrustDiff.between(TrustState.of(r, Optional.empty()).withMonitorConfig(Optional.of(m1)),
        TrustState.of(r, Optional.empty()).withMonitorConfig(Optional.of(m2)));
    assertEquals(1, changes.size(), changes.toString());
    assertEquals("https://read.example/b", changes.get(0).subject());
  }

  @Test
  void aMonitorConfigWithoutRekorLogsNamesTheField() {
    TrustException e = org.junit.jupiter.api.Assertions.assertThrows(TrustException.class,
        () -> MonitorConfig.parse("{\"rekorLogs\":[{\"readUrl\":\"https://x\",\"majorApiVersion\":2}]}"));
    assertEquals("rekorLogs[0].logOrigin is missing", e.getMessage());
  }
}
