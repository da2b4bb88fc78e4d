package dev.sigwatch.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sigwatch.core.trust.TrustedRoot;
import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.LogEvent;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stale log's episodes, driven by wall-clock punctuation: one STALE_LOG alert each, ended by RECOVERED and
 * INCIDENT_RESOLVED events that name it, with the same ids for the same input.
 */
class StaleEpisodeTest {

  static final long T = Harness.T0.toEpochMilli();
  static final long MIN = Duration.ofMinutes(1).toMillis();
  static final Duration STALE_AFTER = Duration.ofMinutes(30);

  @TempDir Path stateDir;
  final TestLog v1 = TestLog.rekorV1("rekor.test", 1111).grow(400);
  Harness h;

  Harness harness(Path dir) throws Exception {
    h = new Harness(new VerifySettings(TrustedRoot.parse(TestLog.trustedRoot(v1.trustedRootEntry(
        "2025-01-01T00:00:00Z", null))), null, STALE_AFTER, Duration.ofMinutes(1), "t"), dir);
    return h;
  }

  @AfterEach
  void close() {
    if (h != null) h.close();
  }

  /** A checkpoint of {@code size} observed at T + {@code atMin} minutes, and its entries (the monitor caught up). */
  void grow(Harness h, long from, long size, long atMin) {
    h.checkpoint(v1.checkpoint(size, T + atMin * MIN));
    h.entries(v1, from, size);
  }

  /**
   * Two stale episodes: stuck at 100 (last growth at T) and raised by the punctuation at T+31 min, grown to 200 at
   * T+45; stuck at 200, raised at T+76, grown to 300 at T+80.
   */
  void twoEpisodes(Harness h) {
    grow(h, 0, 100, 0);
    h.driver.advanceWallClockTime(Duration.ofMinutes(29));
    assertThat(h.alerts()).isEmpty();
    h.driver.advanceWallClockTime(Duration.ofMinutes(2)); // T+31: no progress for more than 30 min
    assertThat(h.alerts()).hasSize(1);
    h.driver.advanceWallClockTime(Duration.ofMinutes(10)); // still stale: the same episode
    assertThat(h.alerts()).hasSize(1);
    assertThat(h.events(StaleLog.RECOVERED)).isEmpty();
    grow(h, 100, 200, 45);
    h.driver.advanceWallClockTime(Duration.ofMinutes(35)); // T+76: no progress since T+45
    assertThat(h.alerts()).hasSize(2);
    grow(h, 200, 300, 80);
  }

  @Test
  void aLogServingAForkOrBadSignaturesIsNotAlsoStaleWhileItShowsThemButIsOnceItStops() throws Exception {
    Harness h = harness(stateDir);
    TestLog evil = TestLog.rekorV1("rekor.test", 1111, v1.keys).grow(50).grow(350, "evil");
    grow(h, 0, 100, 0);
    // From T+10 the log serves a fork that grows on (every checkpoint fails the proof from the head 100) until T+50.
    for (int m = 10; m <= 50; m += 10) {
      h.checkpoint(evil.checkpointWithProofFrom(100 + 5 * m, 100, T + m * MIN));
      h.driver.advanceWallClockTime(Duration.ofMinutes(10));
    }
    assertThat(h.alerts()).extracting(Alert::getType).containsExactly(Findings.FORK);
    // It stops at T+50: stale once nothing was seen for 30 min, neither growth nor the fork.
    h.driver.advanceWallClockTime(Duration.ofMinutes(25)); // T+75
    assertThat(h.alerts()).extracting(Alert::getType).containsExactly(Findings.FORK);
    h.driver.advanceWallClockTime(Duration.ofMinutes(10)); // T+85
    assertThat(h.alerts()).extracting(Alert::getType).containsExactly(Findings.FORK, Findings.STALE_LOG);
  }

  @Test
  void eachStaleEpisodeIsOneAlertEndedByRecoveredAndIncidentResolvedNamingIt() throws Exception {
    Harness h = harness(stateDir);
    twoEpisodes(h);
    List<Alert> alerts = h.alerts();
    assertThat(alerts).extracting(Alert::getType).containsExactly(Findings.STALE_LOG, Findings.STALE_LOG);
    assertThat(alerts).extracting(Alert::getLogIndex).containsExactly(100L, 200L);
    assertThat(alerts).extracting(Alert::getCreatedAtMillis).containsExactly(T + 31 * MIN, T + 76 * MIN);
    String a1 = alerts.get(0).getAlertId();
    String a2 = alerts.get(1).getAlertId();
    assertThat(a1).isNotEqualTo(a2).hasSize(64);

    List<LogEvent> recovered = h.events(StaleLog.RECOVERED);
    assertThat(recovered).extracting(LogEvent::getTreeSize).containsExactly(200L, 300L);
    assertThat(recovered).extracting(LogEvent::getAtMillis).containsExactly(T + 45 * MIN, T + 80 * MIN);
    assertThat(recovered.get(0).getDetail()).containsEntry("alertId", a1)
        .containsEntry("incidentType", Findings.STALE_LOG).containsEntry("staleSize", "100")
        .containsEntry("recoveredSize", "200").containsEntry("staleSinceMillis", Long.toString(T))
        .containsEntry("openedAtMillis", Long.toString(T + 31 * MIN));
    assertThat(recovered.get(1).getDetail()).containsEntry("alertId", a2).containsEntry("staleSize", "200")
        .containsEntry("recoveredSize", "300").containsEntry("staleSinceMillis", Long.toString(T + 45 * MIN))
        .containsEntry("openedAtMillis", Long.toString(T + 76 * MIN));

    List<LogEvent> resolved = h.events("INCIDENT_RESOLVED");
    assertThat(resolved).extracting(e -> e.getDetail().get("alertId")).containsExactly(a1, a2);
    // at the size the log was stuck at (an episode's last observation), when the growth was observed
    assertThat(resolved).extracting(LogEvent::getTreeSize).containsExactly(100L, 200L);
    assertThat(resolved).extracting(LogEvent::getAtMillis).containsExactly(T + 45 * MIN, T + 80 * MIN);
    assertThat(resolved.get(0).getDetail()).containsEntry("incidentType", Findings.STALE_LOG)
        .containsEntry("observations", "1").containsEntry("openedAtMillis", Long.toString(T + 31 * MIN))
        .containsEntry("lastSeenAtMillis", Long.toString(T + 31 * MIN))
        .containsEntry("reason", "log advanced again to size 200").containsEntry("recoveredSize", "200");
    assertThat(resolved.get(1).getDetail()).containsEntry("reason", "log advanced again to size 300")
        .containsEntry("openedAtMillis", Long.toString(T + 76 * MIN));
    assertThat(resolved).extracting(LogEvent::getEventId).doesNotHaveDuplicates()
        .doesNotContainAnyElementsOf(recovered.stream().map(LogEvent::getEventId).toList());

    // Recovered for good: growth and time raise nothing more.
    grow(h, 300, 400, 90);
    h.driver.advanceWallClockTime(Duration.ofMinutes(10));
    assertThat(h.alerts()).hasSize(2);
    assertThat(h.events("INCIDENT_RESOLVED")).hasSize(2);
  }

  @Test
  void replayingTheSameInputGivesTheSameIds() throws Exception {
    List<List<String>> runs = new ArrayList<>();
    for (int run = 0; run < 2; run++) {
      try (Harness r = harness(stateDir.resolve("run" + run))) {
        twoEpisodes(r);
        List<String> ids = new ArrayList<>(r.alerts().stream().map(Alert::getAlertId).toList());
        r.events(StaleLog.RECOVERED).forEach(e -> ids.add(e.getEventId() + " " + e.getDetail().get("alertId")));
        r.events("INCIDENT_RESOLVED").forEach(e -> ids.add(e.getEventId() + " " + e.getDetail().get("alertId")));
        assertThat(ids).hasSize(6).doesNotHaveDuplicates();
        runs.add(ids);
      }
      h = null;
    }
    assertThat(runs.get(0)).isEqualTo(runs.get(1));
  }

  @Test
  void stateWrittenBeforeTheAlertIdWasKeptRecoversWithTheAlertsId() throws Exception {
    Harness h = harness(stateDir);
    grow(h, 0, 100, 0);
    h.driver.advanceWallClockTime(Duration.ofMinutes(31));
    assertThat(h.alerts()).hasSize(1);
    // The stale state as the code before this change stored it: no id, no time.
    KeyValueStore<String, LogState> states = h.driver.getKeyValueStore(VerifyTopology.LOG_STATE_STORE);
    LogState current = states.get(v1.logId);
    assertThat(current.staleAlertId()).isEqualTo(h.alerts().get(0).getAlertId());
    LogState old = LogState.serde().deserializer().deserialize("t", oldLayout(current));
    assertThat(old.stale()).isTrue();
    assertThat(old.staleAlertId()).isNull();
    states.put(v1.logId, old);

    grow(h, 100, 200, 45);
    String a1 = h.alerts().get(0).getAlertId();
    assertThat(h.events(StaleLog.RECOVERED)).singleElement()
        .satisfies(e -> assertThat(e.getDetail()).containsEntry("alertId", a1).containsEntry("staleSize", "100")
            .doesNotContainKey("openedAtMillis"));
    assertThat(h.events("INCIDENT_RESOLVED")).singleElement()
        .satisfies(e -> assertThat(e.getDetail()).containsEntry("alertId", a1).containsEntry("observations", "1")
            .containsEntry("reason", "log advanced again to size 200").doesNotContainKey("lastSeenAtMillis"));
  }

  @Test
  void logStateSerdeReadsAndWritesTheOldLayout() throws Exception {
    Serde<LogState> serde = LogState.serde();
    byte[] note = "rekor.test - 1111\n100\nroot\n".getBytes(StandardCharsets.UTF_8);
    LogState fresh = new LogState(100, v1.tree.root(100), note, T, T - 5, false);
    // Not stale: exactly the old bytes, so code that predates the alert id reads it too.
    assertThat(serde.serializer().serialize("t", fresh)).isEqualTo(oldLayout(fresh));
    LogState stale = fresh.withStaleAlert("a".repeat(64), T + 31 * MIN);
    LogState back = serde.deserializer().deserialize("t", serde.serializer().serialize("t", stale));
    assertThat(back.staleAlertId()).isEqualTo("a".repeat(64));
    assertThat(back.staleAtMillis()).isEqualTo(T + 31 * MIN);
    assertThat(back.stale()).isTrue();
    assertThat(back.root()).isEqualTo(v1.tree.root(100));
    assertThat(back.rawNote()).isEqualTo(note);
    assertThat(List.of(back.size(), back.observedAtMillis(), back.progressAtMillis())).containsExactly(100L, T, T - 5);
    LogState old = serde.deserializer().deserialize("t", oldLayout(stale));
    assertThat(old.stale()).isTrue();
    assertThat(old.staleAlertId()).isNull();
    assertThat(old.frozen()).isFalse();
  }

  /** LogState as the code before the alert id was kept wrote it (version 1, without the trailing id). */
  static byte[] oldLayout(LogState s) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(1);
      out.writeLong(s.size());
      out.write(s.root().length);
      out.write(s.root());
      out.writeInt(s.rawNote().length);
      out.write(s.rawNote());
      out.writeLong(s.observedAtMillis());
      out.writeLong(s.progressAtMillis());
      out.writeBoolean(s.stale());
      out.writeBoolean(s.frozen());
    }
    return bytes.toByteArray();
  }
}
