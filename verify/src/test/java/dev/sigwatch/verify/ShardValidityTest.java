package dev.sigwatch.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sigwatch.core.trust.TrustedRoot;
import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.LogEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rekor v2 shards per the trusted root / signing config validity: a shard that ends as planned is frozen at its
 * last checkpoint without a stale alert; growth after its end is SHARD_CHANGED; an open-ended shard still goes stale.
 */
class ShardValidityTest {

  static final long T = Harness.T0.toEpochMilli(); // 2026-01-01T00:00:00Z, also the driver's wall clock at start
  static final long MIN = Duration.ofMinutes(1).toMillis();
  @TempDir Path stateDir;
  final TestLog ended = TestLog.rekorV2("log2025-1.rekor.test").grow(40);
  final TestLog open = TestLog.rekorV2("log2026-1.rekor.test").grow(40);
  Harness h;

  Harness harness() throws Exception {
    TrustedRoot root = TrustedRoot.parse(TestLog.trustedRoot(
        ended.trustedRootEntry("2025-01-01T00:00:00Z", "2026-01-01T00:10:00Z"),
        open.trustedRootEntry("2025-06-01T00:00:00Z", null)));
    h = new Harness(new VerifySettings(root, null, Duration.ofMinutes(10), Duration.ofMinutes(1), "t"), stateDir);
    return h;
  }

  @AfterEach
  void close() {
    if (h != null) h.close();
  }

  static List<String> types(List<Alert> alerts) {
    return alerts.stream().map(a -> a.getType() + " " + a.getLogId()).toList();
  }

  @Test
  void aShardThatEndsAsPlannedIsFrozenNotStaleAndGrowthAfterwardsIsAnAlert() throws Exception {
    Harness h = harness();
    h.checkpoint(ended.checkpoint(10, T));
    h.checkpoint(ended.checkpoint(20, T + 5 * MIN)); // its last growth, before the end at +10 min
    h.checkpoint(open.checkpoint(10, T + 5 * MIN));
    h.entries(ended, 0, 20);
    h.entries(open, 0, 10); // the monitor is caught up on both: any alert below is about the logs
    h.driver.advanceWallClockTime(Duration.ofMinutes(12)); // past the end, quiet for 2 min after it
    assertThat(h.alerts()).isEmpty();
    assertThat(h.events("SHARD_ENDED")).isEmpty();

    h.driver.advanceWallClockTime(Duration.ofMinutes(14)); // +26 min: quiet for 16 min after the end
    assertThat(types(h.alerts())).containsExactly(Findings.STALE_LOG + " " + open.logId);
    assertThat(h.events("SHARD_ENDED")).extracting(LogEvent::getLogId, LogEvent::getTreeSize)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(ended.logId, 20L));
    assertThat(h.events("SHARD_ENDED").get(0).getDetail()).containsEntry("validUntil", "2026-01-01T00:10:00Z");
    assertThat(h.events("AUDITED")).filteredOn(e -> e.getLogId().equals(ended.logId))
        .extracting(LogEvent::getTreeSize).containsExactly(10L, 20L); // read to its end

    h.driver.advanceWallClockTime(Duration.ofHours(2));
    assertThat(h.alerts()).hasSize(1); // never stale, and SHARD_ENDED only once
    assertThat(h.events("SHARD_ENDED")).hasSize(1);

    h.checkpoint(ended.checkpoint(30, T + 150 * MIN)); // the ended shard grows again
    assertThat(types(h.alerts())).containsExactly(Findings.STALE_LOG + " " + open.logId,
        Findings.SHARD_CHANGED + " " + ended.logId);
    assertThat(h.alerts().get(1).getEvidence()).containsEntry("frozenSize", "20");
  }

  @Test
  void growthObservedAfterTheEndBeforeTheShardFroze() throws Exception {
    Harness h = harness();
    h.checkpoint(ended.checkpoint(10, T));
    h.checkpoint(ended.checkpoint(20, T + 11 * MIN)); // first seen one minute after the end
    assertThat(types(h.alerts())).containsExactly(Findings.SHARD_CHANGED + " " + ended.logId);
    assertThat(h.alerts().get(0).getSummary()).contains("grew after its key's validity ended");
    assertThat(h.events("CHECKPOINT_VERIFIED")).extracting(LogEvent::getTreeSize).containsExactly(10L);
  }
}
