package dev.sigwatch.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sigwatch.core.trust.TrustedRoot;
import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.schemas.LogEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Incident episodes: one alert per incident, further observations as events, closed after a quiet period. */
class IncidentEpisodeTest {

  static final long T = Harness.T0.toEpochMilli();
  static final long POLL = 2_000;
  static final Duration QUIET = Duration.ofMinutes(5);

  @TempDir Path stateDir;
  final TestLog v1 = TestLog.rekorV1("rekor.test", 1111).grow(2000);
  /** Signed by the log's key, sharing the first 99 leaves: at size 100 another root (the simulator's split view). */
  final TestLog alt = TestLog.rekorV1("rekor.test", 1111, v1.keys).grow(99).grow(1901, "alt");
  Harness h;

  Harness harness(Path dir) throws Exception {
    VerifySettings s = new VerifySettings(TrustedRoot.parse(TestLog.trustedRoot(v1.trustedRootEntry(
        "2025-01-01T00:00:00Z", null))), null, Duration.ofHours(1), Duration.ofMinutes(1), "t").withIncidentQuiet(QUIET);
    h = new Harness(s, dir);
    return h;
  }

  @AfterEach
  void close() {
    if (h != null) h.close();
  }

  static List<String> types(List<Alert> alerts) {
    return alerts.stream().map(Alert::getType).toList();
  }

  /**
   * Every other poll sees the other root at size 100 while the log grows: after the verified head at 100+10k, the
   * alternative view is smaller; ingest proves each new head from the largest checkpoint it published (the previous
   * head), not from the smaller view it published in between.
   */
  void alternatingSplitView(Harness h, long start, int polls) {
    h.checkpoint(v1.checkpointWithProofFrom(100, 1, start));
    for (int i = 1; i <= polls; i++) {
      h.checkpoint(alt.checkpoint(100, start + (2L * i - 1) * POLL));
      h.checkpoint(v1.checkpointWithProofFrom(100 + 10L * i, 100 + 10L * (i - 1), start + 2L * i * POLL));
    }
  }

  @Test
  void alternatingSplitViewWhileTheLogGrowsIsOneAlert() throws Exception {
    Harness h = harness(stateDir);
    alternatingSplitView(h, T, 30);
    assertThat(types(h.alerts())).containsExactly(Findings.SPLIT_VIEW);
    Alert a = h.alerts().get(0);
    assertThat(a.getEvidence().get("root1")).isEqualTo(Findings.hex(v1.tree.root(100)));
    assertThat(a.getEvidence().get("root2")).isEqualTo(Findings.hex(alt.tree.root(100)));
    assertThat(a.getEvidence()).containsKeys("checkpoint", "previousCheckpoint");
    List<LogEvent> more = h.events("INCIDENT_CONTINUES");
    assertThat(more).hasSize(29).allSatisfy(e -> {
      assertThat(e.getDetail()).containsEntry("alertId", a.getAlertId()).containsEntry("incidentType", "SPLIT_VIEW");
      // the alternative root at a size we verified earlier is another view, not a rollback
      assertThat(e.getDetail()).containsEntry("observed", "SPLIT_VIEW");
    });
    assertThat(more).extracting(e -> e.getDetail().get("observations"))
        .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(2, 30).mapToObj(Integer::toString).toList());
    assertThat(more).extracting(LogEvent::getEventId).doesNotHaveDuplicates();
    // we keep following the view we verified
    assertThat(h.events("CHECKPOINT_VERIFIED")).extracting(LogEvent::getTreeSize).hasSize(31).endsWith(400L);
  }

  @Test
  void genuineRollbackIsOneRollbackAndAnUnprovenSmallerTreeIsASplitViewUntilAProofSaysOtherwise() throws Exception {
    Harness h = harness(stateDir);
    h.checkpoint(v1.checkpointWithProofFrom(100, 1, T));
    h.checkpoint(v1.checkpointWithProofFrom(200, 100, T + POLL));
    for (int i = 0; i < 10; i++) {
      h.checkpoint(v1.checkpoint(100, T + (2 + 2 * i) * POLL));                                   // the old head again
      h.checkpoint(v1.checkpointWithProofFrom(210 + 10 * i, 200 + 10 * i, T + (3 + 2 * i) * POLL)); // the log goes on
    }
    assertThat(types(h.alerts())).containsExactly(Findings.ROLLBACK);
    assertThat(h.alerts().get(0).getEvidence()).containsEntry("prefixOfVerified", "verified")
        .containsEntry("size1", "200").containsEntry("size2", "100");
    assertThat(h.events("INCIDENT_CONTINUES")).hasSize(9)
        .allSatisfy(e -> assertThat(e.getDetail()).containsEntry("observed", "ROLLBACK"));

    // A smaller size never verified, without a proof: not proven a prefix of the verified tree, so a second view.
    long t = T + 30 * POLL;
    h.checkpoint(v1.checkpoint(150, t));
    assertThat(types(h.alerts())).containsExactly(Findings.ROLLBACK, Findings.SPLIT_VIEW);
    assertThat(h.alerts().get(1).getEvidence()).containsEntry("prefixOfVerified", "unproven");
    // The same size with the log's proof to the verified head (what ingest fetches): proven a prefix, a ROLLBACK of
    // its own, a minute later, inside the quiet period of the other two.
    h.checkpoint(v1.checkpointWithProofTo(160, 300, t + 60_000));
    assertThat(types(h.alerts())).containsExactly(Findings.ROLLBACK, Findings.SPLIT_VIEW, Findings.ROLLBACK);
    assertThat(h.alerts().get(2).getEvidence()).containsEntry("prefixOfVerified", "proven")
        .containsEntry("proofToSize", "300");
    // Another tree's checkpoint of a size never verified, whose proof to the verified head fails: a split view.
    h.checkpoint(alt.checkpointWithProofTo(170, 300, t + 120_000));
    assertThat(types(h.alerts())).containsExactly(Findings.ROLLBACK, Findings.SPLIT_VIEW, Findings.ROLLBACK,
        Findings.SPLIT_VIEW);
    assertThat(h.alerts().get(3).getEvidence()).containsEntry("prefixOfVerified", "disproven")
        .containsKeys("proof", "reason");
    assertThat(h.alerts()).extracting(Alert::getAlertId).doesNotHaveDuplicates();
    assertThat(h.events("INCIDENT_RESOLVED")).isEmpty();
    assertThat(h.events("CHECKPOINT_VERIFIED")).extracting(LogEvent::getTreeSize).endsWith(300L);
  }

  @Test
  void episodeClosesAfterAQuietPeriodAndALaterIncidentAlertsAgain() throws Exception {
    Harness h = harness(stateDir);
    alternatingSplitView(h, T, 5);
    assertThat(h.alerts()).hasSize(1);
    h.driver.advanceWallClockTime(Duration.ofMinutes(3));
    assertThat(h.events("INCIDENT_RESOLVED")).isEmpty();
    h.driver.advanceWallClockTime(Duration.ofMinutes(3)); // quiet since T+20 s for more than 5 min
    List<LogEvent> resolved = h.events("INCIDENT_RESOLVED");
    assertThat(resolved).hasSize(1);
    assertThat(resolved.get(0).getDetail()).containsEntry("alertId", h.alerts().get(0).getAlertId())
        .containsEntry("observations", "5");
    assertThat(resolved.get(0).getTreeSize()).isEqualTo(100L);
    // the same two roots at size 100 shown again later are the same fact: a new episode, but the same alert id,
    // which the dedup store does not raise twice
    long later = T + Duration.ofMinutes(7).toMillis();
    h.checkpoint(alt.checkpoint(100, later));
    assertThat(h.alerts()).hasSize(1);
    // a different incident after the quiet period (closed by event time alone, no punctuation in between): a
    // checkpoint whose proof from size 100 starts at the other view's root, not ours
    h.checkpoint(alt.checkpointWithProofFrom(500, 100, later + QUIET.toMillis() + 1));
    assertThat(types(h.alerts())).containsExactly(Findings.SPLIT_VIEW, Findings.FORK);
    assertThat(h.alerts().get(1).getEvidence()).containsEntry("size1", "100")
        .containsEntry("root1", Findings.hex(v1.tree.root(100))).containsEntry("verifiedSize", "150");
    assertThat(h.events("INCIDENT_RESOLVED")).hasSize(2);
    assertThat(h.events("CHECKPOINT_VERIFIED")).extracting(LogEvent::getTreeSize).endsWith(150L);
  }

  @Test
  void replayingTheSameInputGivesTheSameAlertsAndNoMore() throws Exception {
    List<Checkpoint> input = new ArrayList<>();
    Harness recorder = harness(stateDir.resolve("record"));
    Consumer<Checkpoint> record = input::add;
    // the scenario: a split view, a quiet period, a rollback, a quiet period, a fork
    input.add(v1.checkpointWithProofFrom(100, 1, T));
    for (int i = 1; i <= 5; i++) {
      record.accept(alt.checkpoint(100, T + (2L * i - 1) * POLL));
      record.accept(v1.checkpointWithProofFrom(100 + 10L * i, 100, T + 2L * i * POLL));
    }
    long t2 = T + 10 * POLL + QUIET.toMillis() + 1;
    record.accept(v1.checkpoint(100, t2));
    record.accept(v1.checkpointWithProofFrom(300, 100, t2 + POLL));
    record.accept(alt.checkpointWithProofFrom(400, 100, t2 + POLL + QUIET.toMillis() + 1));
    recorder.close();
    h = null;
    List<List<String>> runs = new ArrayList<>();
    for (int run = 0; run < 2; run++) {
      try (Harness r = harness(stateDir.resolve("run" + run))) {
        input.forEach(r::checkpoint);
        runs.add(r.alerts().stream().map(Alert::getAlertId).toList());
        assertThat(types(r.alerts())).containsExactly(Findings.SPLIT_VIEW, Findings.ROLLBACK, Findings.FORK);
        input.forEach(r::checkpoint); // the same input again on the same state: no new alert
        assertThat(r.alerts()).hasSize(3);
      }
      h = null;
    }
    assertThat(runs.get(0)).isEqualTo(runs.get(1)).doesNotHaveDuplicates();
  }

  Checkpoint forged(long size, long at, KeyPair signer) {
    Checkpoint good = v1.checkpoint(size, at);
    String text = v1.body(size, v1.tree.root(size));
    String note = text + "\n" + v1.signatureLine(text, signer);
    return Checkpoint.newBuilder(good).setRawNote(ByteBuffer.wrap(note.getBytes(StandardCharsets.UTF_8))).build();
  }

  @Test
  void badSignaturesFromTheSameKeyInARowAreOneAlert() throws Exception {
    Harness h = harness(stateDir);
    KeyPair other = TestLog.generate("EC");
    h.checkpoint(v1.checkpoint(100, T));
    for (int i = 1; i <= 5; i++) h.checkpoint(forged(100 + i, T + i * POLL, other));
    assertThat(types(h.alerts())).containsExactly(Findings.BAD_SIGNATURE);
    assertThat(h.events("INCIDENT_CONTINUES")).hasSize(4);
    // a validly signed checkpoint ends the run; the next bad one is a new incident
    h.checkpoint(v1.checkpointWithProofFrom(110, 100, T + 6 * POLL));
    assertThat(h.events("INCIDENT_RESOLVED")).hasSize(1);
    h.checkpoint(forged(111, T + 7 * POLL, other));
    // an impostor key (unknown to the trusted root) in a row: one UNKNOWN_KEY, which also ends the BAD_SIGNATURE run
    TestLog impostor = TestLog.rekorV1("rekor.test", 1111).grow(200);
    for (int i = 0; i < 4; i++) h.checkpoint(impostor.checkpoint(120 + i, T + (8 + i) * POLL));
    assertThat(types(h.alerts())).containsExactly(Findings.BAD_SIGNATURE, Findings.BAD_SIGNATURE,
        Findings.UNKNOWN_KEY);
    assertThat(h.events("INCIDENT_RESOLVED")).hasSize(2);
    assertThat(h.events("INCIDENT_CONTINUES")).hasSize(4 + 3);
  }

  @Test
  void stateSurvivesItsSerde() {
    IncidentState s = IncidentState.EMPTY.withRoot(100, v1.tree.root(100)).withRoot(200, v1.tree.root(200))
        .withViews(List.of(new Episode("SPLIT_VIEW", "a".repeat(64), "", T, T + 5, 3, 100)))
        .withSignature(Episode.open("BAD_SIGNATURE", "b".repeat(64), "BAD_SIGNATURE rekor.test+01020304", T, 7));
    var serde = IncidentState.serde();
    IncidentState back = serde.deserializer().deserialize("t", serde.serializer().serialize("t", s));
    assertThat(back.views()).isEqualTo(s.views());
    assertThat(back.unproven()).isNull();
    assertThat(back.signature()).isEqualTo(s.signature());
    assertThat(back.roots().keySet()).containsExactly(100L, 200L);
    assertThat(back.roots().get(200L)).isEqualTo(v1.tree.root(200));
    // bounded: only the largest sizes are kept
    IncidentState many = IncidentState.EMPTY;
    for (int i = 1; i <= IncidentState.MAX_ROOTS + 10; i++) many = many.withRoot(i, v1.tree.root(i));
    assertThat(many.roots().firstKey()).isEqualTo(11L);
  }
}
