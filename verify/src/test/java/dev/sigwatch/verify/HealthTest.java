package dev.sigwatch.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sigwatch.core.trust.TrustedRoot;
import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.LogEvent;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The monitor's own backlog: one deduplicated HEALTH alert per checkpoint whose entries stay missing. */
class HealthTest {

  static final long T = Harness.T0.toEpochMilli();
  static final long MIN = Duration.ofMinutes(1).toMillis();
  @TempDir Path stateDir;
  final TestLog lagging = TestLog.rekorV1("rekor.lag", 1, TestLog.generate("EC")).grow(300);
  final TestLog fine = TestLog.rekorV1("rekor.fine", 2, TestLog.generate("EC")).grow(300);
  Harness h;

  @AfterEach
  void close() {
    if (h != null) h.close();
  }

  @Test
  void aStuckCheckpointIsOneHealthAlertAndANewStuckCheckpointAnother() throws Exception {
    TrustedRoot root = TrustedRoot.parse(TestLog.trustedRoot(lagging.trustedRootEntry("2025-01-01T00:00:00Z", null),
        fine.trustedRootEntry("2025-01-01T00:00:00Z", null)));
    h = new Harness(new VerifySettings(root, null, Duration.ofHours(1), Duration.ofMinutes(1), "t",
        Duration.ofMinutes(10)), stateDir);
    h.checkpoint(lagging.checkpoint(100, T));
    h.checkpoint(fine.checkpoint(100, T));
    h.entries(lagging, 0, 50); // ingest stops at 50 (fetch errors)
    h.entries(fine, 0, 100);
    h.driver.advanceWallClockTime(Duration.ofMinutes(9));
    assertThat(h.alerts()).isEmpty();

    h.driver.advanceWallClockTime(Duration.ofMinutes(2));
    assertThat(h.alerts()).extracting(Alert::getType, Alert::getLogId)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(Findings.HEALTH, lagging.logId));
    Alert a = h.alerts().get(0);
    assertThat(a.getEvidence()).containsEntry("reason", "backlog").containsEntry("missingFrom", "50")
        .containsEntry("checkpointSize", "100");
    assertThat(a.getSummary()).contains("entries [50, 100)");

    h.driver.advanceWallClockTime(Duration.ofMinutes(20)); // still stuck: no second alert
    assertThat(h.alerts()).hasSize(1);

    h.entries(lagging, 50, 100); // caught up
    assertThat(h.events("AUDITED")).extracting(LogEvent::getLogId).contains(lagging.logId);
    h.checkpoint(lagging.checkpoint(300, T + 31 * MIN));
    h.entries(lagging, 100, 200); // stuck again, at another checkpoint
    h.driver.advanceWallClockTime(Duration.ofMinutes(5));
    assertThat(h.alerts()).hasSize(1);
    h.driver.advanceWallClockTime(Duration.ofMinutes(7));
    assertThat(h.alerts()).hasSize(2);
    assertThat(h.alerts().get(1).getEvidence()).containsEntry("missingFrom", "200").containsEntry("checkpointSize", "300");
    assertThat(h.alerts()).allMatch(x -> x.getLogId().equals(lagging.logId));
  }
}
