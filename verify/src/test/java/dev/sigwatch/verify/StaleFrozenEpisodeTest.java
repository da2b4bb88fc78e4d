package dev.sigwatch.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sigwatch.core.trust.TrustedRoot;
import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.schemas.LogEvent;
import dev.sigwatch.schemas.ShardState;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stale log that becomes a frozen shard instead of growing again: a Rekor v1 shard rotated out (its checkpoint
 * republished as INACTIVE) or a shard quiet past its validity end. Its STALE_LOG episode ends with one
 * INCIDENT_RESOLVED naming the alert ("shard frozen at size N"), no RECOVERED, and it is never stale again.
 */
class StaleFrozenEpisodeTest {

  static final long T = Harness.T0.toEpochMilli(); // also the driver's wall clock at start
  static final long MIN = Duration.ofMinutes(1).toMillis();
  static final Duration STALE_AFTER = Duration.ofMinutes(30);

  @TempDir Path stateDir;
  final TestLog v1 = TestLog.rekorV1("rekor.test", 1111).grow(200);
  final TestLog v2 = TestLog.rekorV2("log2025-1.rekor.test").grow(40);
  Harness h;

  /** The v1 log open-ended; the v2 shard valid until T+60 min. */
  Harness harness() throws Exception {
    TrustedRoot root = TrustedRoot.parse(TestLog.trustedRoot(v1.trustedRootEntry("2025-01-01T00:00:00Z", null),
        v2.trustedRootEntry("2025-01-01T00:00:00Z", "2026-01-01T01:00:00Z")));
    h = new Harness(new VerifySettings(root, null, STALE_AFTER, Duration.ofMinutes(1), "t"), stateDir);
    return h;
  }

  @AfterEach
  void close() {
    if (h != null) h.close();
  }

  static Checkpoint inactive(Checkpoint c) {
    return Checkpoint.newBuilder(c).setShardState(ShardState.INACTIVE).build();
  }

  /** The v1 log at 100 (observed at T, entries read), stale at T+31 min: its one STALE_LOG alert. */
  Alert staleV1(Harness h) {
    h.checkpoint(v1.checkpoint(100, T));
    h.entries(v1, 0, 100);
    h.driver.advanceWallClockTime(Duration.ofMinutes(31));
    assertThat(h.alerts()).singleElement().satisfies(a -> assertThat(a.getType()).isEqualTo(Findings.STALE_LOG));
    assertThat(h.events("INCIDENT_RESOLVED")).isEmpty();
    return h.alerts().get(0);
  }

  LogState state(Harness h, String logId) {
    KeyValueStore<String, LogState> states = h.driver.getKeyValueStore(VerifyTopology.LOG_STATE_STORE);
    return states.get(logId);
  }

  @Test
  void aStaleShardRotatedOutAtTheSameSizeIsResolvedAsFrozenAndNeverStaleAgain() throws Exception {
    Harness h = harness();
    String a1 = staleV1(h).getAlertId();
    h.checkpoint(inactive(v1.checkpoint(100, T + 40 * MIN)));

    assertThat(h.events("SHARD_ROTATED")).extracting(LogEvent::getTreeSize).containsExactly(100L);
    assertThat(h.events(StaleLog.RECOVERED)).isEmpty();
    assertThat(h.events("INCIDENT_RESOLVED")).hasSize(1);
    LogEvent resolved = h.events("INCIDENT_RESOLVED").get(0);
    assertThat(resolved.getLogId()).isEqualTo(v1.logId);
    assertThat(resolved.getTreeSize()).isEqualTo(100L);
    assertThat(resolved.getAtMillis()).isEqualTo(T + 40 * MIN);
    // the id a recovery of the same episode would have had: over the alert id and its one observation
    assertThat(resolved.getEventId()).isEqualTo(Findings.id("INCIDENT_RESOLVED", v1.logId, a1, 1L));
    assertThat(resolved.getDetail()).containsEntry("alertId", a1).containsEntry("incidentType", Findings.STALE_LOG)
        .containsEntry("observations", "1").containsEntry("reason", "shard frozen at size 100")
        .containsEntry("staleSize", "100").containsEntry("frozenSize", "100")
        .containsEntry("staleSinceMillis", Long.toString(T))
        .containsEntry("openedAtMillis", Long.toString(T + 31 * MIN))
        .containsEntry("lastSeenAtMillis", Long.toString(T + 31 * MIN)).doesNotContainKey("recoveredSize");
    LogState s = state(h, v1.logId);
    assertThat(s.frozen()).isTrue();
    assertThat(s.stale()).isFalse();
    assertThat(s.staleAlertId()).isNull();

    // The same final head again, and hours of wall-clock time: no new alert, no second resolution.
    h.checkpoint(inactive(v1.checkpoint(100, T + 50 * MIN)));
    h.driver.advanceWallClockTime(Duration.ofHours(3));
    assertThat(h.alerts()).hasSize(1);
    assertThat(h.events("INCIDENT_RESOLVED")).hasSize(1);
    assertThat(h.events(StaleLog.RECOVERED)).isEmpty();
    assertThat(state(h, v1.logId).stale()).isFalse();
  }

  @Test
  void aStaleShardRotatedOutAtALargerFinalSizeIsResolvedAsFrozenNotRecovered() throws Exception {
    Harness h = harness();
    String a1 = staleV1(h).getAlertId();
    h.checkpoint(inactive(v1.checkpoint(150, T + 40 * MIN)));
    h.entries(v1, 100, 150);

    assertThat(h.events("SHARD_ROTATED")).extracting(LogEvent::getTreeSize).containsExactly(150L);
    assertThat(h.events(StaleLog.RECOVERED)).isEmpty();
    assertThat(h.events("INCIDENT_RESOLVED")).singleElement().satisfies(e -> {
      assertThat(e.getTreeSize()).isEqualTo(100L); // the episode's last observation: the stuck size
      assertThat(e.getDetail()).containsEntry("alertId", a1).containsEntry("reason", "shard frozen at size 150")
          .containsEntry("staleSize", "100").containsEntry("frozenSize", "150");
    });
    h.driver.advanceWallClockTime(Duration.ofHours(3));
    assertThat(h.alerts()).hasSize(1);
    assertThat(h.events("INCIDENT_RESOLVED")).hasSize(1);
  }

  @Test
  void aStaleShardQuietPastItsValidityEndIsResolvedAsFrozenAndNeverStaleAgain() throws Exception {
    Harness h = harness();
    h.checkpoint(v2.checkpoint(10, T));
    h.entries(v2, 0, 10);
    h.driver.advanceWallClockTime(Duration.ofMinutes(31)); // T+31: stale, before its end at T+60
    assertThat(h.alerts()).singleElement().satisfies(a -> {
      assertThat(a.getType()).isEqualTo(Findings.STALE_LOG);
      assertThat(a.getLogId()).isEqualTo(v2.logId);
    });
    String a1 = h.alerts().get(0).getAlertId();

    h.driver.advanceWallClockTime(Duration.ofMinutes(29)); // T+60: at its end
    h.driver.advanceWallClockTime(Duration.ofMinutes(30)); // T+90: quiet for exactly staleAfter after it
    assertThat(h.events("SHARD_ENDED")).isEmpty();
    assertThat(h.events("INCIDENT_RESOLVED")).isEmpty();
    assertThat(state(h, v2.logId).staleAlertId()).isEqualTo(a1);

    h.driver.advanceWallClockTime(Duration.ofMinutes(1)); // T+91: frozen
    assertThat(h.events("SHARD_ENDED")).extracting(LogEvent::getTreeSize).containsExactly(10L);
    assertThat(h.events(StaleLog.RECOVERED)).isEmpty();
    assertThat(h.events("INCIDENT_RESOLVED")).singleElement().satisfies(e -> {
      assertThat(e.getLogId()).isEqualTo(v2.logId);
      assertThat(e.getTreeSize()).isEqualTo(10L);
      assertThat(e.getAtMillis()).isEqualTo(T + 91 * MIN);
      assertThat(e.getEventId()).isEqualTo(Findings.id("INCIDENT_RESOLVED", v2.logId, a1, 1L));
      assertThat(e.getDetail()).containsEntry("alertId", a1).containsEntry("incidentType", Findings.STALE_LOG)
          .containsEntry("reason", "shard frozen at size 10").containsEntry("frozenSize", "10")
          .containsEntry("openedAtMillis", Long.toString(T + 31 * MIN));
    });
    LogState s = state(h, v2.logId);
    assertThat(s.frozen()).isTrue();
    assertThat(s.staleAlertId()).isNull();

    h.driver.advanceWallClockTime(Duration.ofHours(3));
    assertThat(h.alerts()).hasSize(1);
    assertThat(h.events("INCIDENT_RESOLVED")).hasSize(1);
    assertThat(h.events("SHARD_ENDED")).hasSize(1);
  }
}
