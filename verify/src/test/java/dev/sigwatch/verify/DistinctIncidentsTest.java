package dev.sigwatch.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sigwatch.core.trust.TrustedRoot;
import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.schemas.LogEvent;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every incident its own alert: different facts on one log a minute apart (well inside the quiet period) each raise
 * their own alert with their own id; only repeats of the same fact fold into INCIDENT_CONTINUES. A checkpoint whose
 * consistency with the trusted head is unproven never becomes the head.
 */
class DistinctIncidentsTest {

  static final long T = Harness.T0.toEpochMilli();
  static final long MINUTE = 60_000;
  static final Duration QUIET = Duration.ofMinutes(10);
  static final Duration UNPROVEN_AFTER = Duration.ofMinutes(5);

  @TempDir Path stateDir;
  final TestLog v1 = TestLog.rekorV1("rekor.test", 1111).grow(2000);
  /** Signed by the log's key, sharing the first 50 leaves of {@link #v1}, then another history. */
  final TestLog evil = TestLog.rekorV1("rekor.test", 1111, v1.keys).grow(50).grow(1950, "evil");
  Harness h;

  Harness harness() throws Exception {
    VerifySettings s = new VerifySettings(TrustedRoot.parse(TestLog.trustedRoot(v1.trustedRootEntry(
        "2025-01-01T00:00:00Z", null))), null, Duration.ofHours(1), Duration.ofMinutes(1), "t")
        .withIncidentQuiet(QUIET).withUnprovenAfter(UNPROVEN_AFTER);
    h = new Harness(s, stateDir);
    return h;
  }

  @AfterEach
  void close() {
    if (h != null) h.close();
  }

  static List<String> types(List<Alert> alerts) {
    return alerts.stream().map(Alert::getType).toList();
  }

  List<Long> verifiedSizes() {
    return h.events("CHECKPOINT_VERIFIED").stream().map(LogEvent::getTreeSize).toList();
  }

  @Test
  void aRollbackNeverMasksALaterForkNorASplitView() throws Exception {
    harness();
    h.checkpoint(v1.checkpointWithProofFrom(100, 1, T));
    h.checkpoint(v1.checkpointWithProofFrom(200, 100, T + MINUTE));
    h.checkpoint(v1.checkpointWithProofTo(150, 200, T + 2 * MINUTE));    // rollback, proven a prefix
    h.checkpoint(v1.checkpointWithProofTo(150, 200, T + 2 * MINUTE + 5)); // the same fact again
    h.checkpoint(evil.checkpointWithProofFrom(300, 200, T + 3 * MINUTE)); // a fork a minute later
    h.checkpoint(evil.checkpoint(200, T + 4 * MINUTE));                  // another root at the head's size
    assertThat(types(h.alerts())).containsExactly(Findings.ROLLBACK, Findings.FORK, Findings.SPLIT_VIEW);
    assertThat(h.alerts()).extracting(Alert::getAlertId).doesNotHaveDuplicates();
    assertThat(h.events("INCIDENT_CONTINUES")).singleElement().satisfies(e ->
        assertThat(e.getDetail()).containsEntry("alertId", h.alerts().get(0).getAlertId()));
    assertThat(h.alerts().get(1).getEvidence()).containsKeys("proof", "root1", "root2", "checkpoint",
        "previousCheckpoint");
    assertThat(verifiedSizes()).containsExactly(100L, 200L);
  }

  @Test
  void aViewIncidentAfterAnUnknownKeyOrABadSignatureIsItsOwnAlert() throws Exception {
    harness();
    TestLog impostor = TestLog.rekorV1("rekor.test", 1111).grow(200);     // another key, unknown to the trusted root
    h.checkpoint(impostor.checkpoint(100, T));                            // startup: an unknown key
    h.checkpoint(v1.checkpointWithProofFrom(100, 1, T + MINUTE));
    h.checkpoint(evil.checkpointWithProofFrom(300, 100, T + 2 * MINUTE)); // a fork
    h.checkpoint(v1.checkpointWithProofFrom(400, 100, T + 3 * MINUTE));
    Checkpoint bad = v1.checkpointWithProofFrom(500, 400, T + 4 * MINUTE);
    String note = new String(bad.getRawNote().array(), StandardCharsets.UTF_8);
    int at = note.lastIndexOf(' ') + 12;
    note = note.substring(0, at) + (note.charAt(at) == 'A' ? 'B' : 'A') + note.substring(at + 1);
    h.checkpoint(Checkpoint.newBuilder(bad).setRawNote(ByteBuffer.wrap(note.getBytes(StandardCharsets.UTF_8))).build());
    h.checkpoint(evil.checkpoint(400, T + 5 * MINUTE));                  // a split view after the bad signature
    assertThat(types(h.alerts())).containsExactly(Findings.UNKNOWN_KEY, Findings.FORK, Findings.BAD_SIGNATURE,
        Findings.SPLIT_VIEW);
    assertThat(verifiedSizes()).containsExactly(100L, 400L);
  }

  @Test
  void theForksLaterCheckpointsContinueItsIncidentAndNeverBecomeTheHead() throws Exception {
    harness();
    h.checkpoint(v1.checkpointWithProofFrom(100, 1, T));
    // the forked tree goes on: ingest proves each of its checkpoints from our head (the newest it proved), each fails
    for (int i = 0; i <= 5; i++) h.checkpoint(evil.checkpointWithProofFrom(300 + 10 * i, 100, T + MINUTE + i * 1000));
    // a checkpoint proven only from the forked one (say, after ingest started afresh on the fork) is not proven
    h.checkpoint(evil.checkpointWithProofFrom(400, 350, T + 2 * MINUTE));
    assertThat(types(h.alerts())).containsExactly(Findings.FORK);
    String fork = h.alerts().get(0).getAlertId();
    assertThat(h.events("INCIDENT_CONTINUES")).hasSize(5)
        .allSatisfy(e -> assertThat(e.getDetail()).containsEntry("alertId", fork).containsEntry("incidentType", "FORK"));
    assertThat(h.events("CONSISTENCY_UNPROVEN")).extracting(LogEvent::getTreeSize).containsExactly(400L);
    assertThat(verifiedSizes()).containsExactly(100L);
    // the honest tree, proven from our head, goes on as the head; a rollback of it now is its own alert, and the
    // fork seen again from the new head is a new fact (the log no longer extends *this* head)
    h.checkpoint(v1.checkpointWithProofFrom(400, 100, T + 3 * MINUTE));
    h.checkpoint(v1.checkpointWithProofTo(390, 400, T + 3 * MINUTE + 1000));
    h.checkpoint(evil.checkpointWithProofFrom(500, 400, T + 3 * MINUTE + 2000));
    assertThat(types(h.alerts())).containsExactly(Findings.FORK, Findings.ROLLBACK, Findings.FORK);
    assertThat(h.alerts()).extracting(Alert::getAlertId).doesNotHaveDuplicates();
    assertThat(verifiedSizes()).containsExactly(100L, 400L);
  }

  @Test
  void anUnprovenCheckpointNeverBecomesTheHeadAndAlertsOnceWhenItStaysUnprovenPastTheBound() throws Exception {
    harness();
    h.checkpoint(v1.checkpointWithProofFrom(100, 1, T));
    h.checkpoint(v1.checkpointWithProofFrom(200, 100, T + 1000));
    Checkpoint noProof = Checkpoint.newBuilder(v1.checkpointWithProofFrom(300, 200, T + 2000)).setProofFromSize(null)
        .setProofFromRoot(null).setConsistencyProof(List.of()).build();
    h.checkpoint(noProof);
    // a proof from an earlier verified size proves a common prefix, not that our head is a prefix of it
    h.checkpoint(v1.checkpointWithProofFrom(310, 100, T + 3000));
    assertThat(h.events("CONSISTENCY_UNPROVEN")).extracting(LogEvent::getTreeSize).containsExactly(300L, 310L);
    assertThat(h.alerts()).isEmpty();
    assertThat(verifiedSizes()).containsExactly(100L, 200L);

    // still unproven past the bound (event time of a later checkpoint): one alert naming the stuck head
    h.checkpoint(v1.checkpointWithProofFrom(320, 100, T + 2000 + UNPROVEN_AFTER.toMillis())); // at the bound: not past it
    h.checkpoint(v1.checkpointWithProofFrom(330, 100, T + 4000 + UNPROVEN_AFTER.toMillis()));
    assertThat(types(h.alerts())).containsExactly(Findings.UNPROVEN_CONSISTENCY);
    Alert a = h.alerts().get(0);
    assertThat(a.getLogIndex()).isEqualTo(200L);
    assertThat(a.getEvidence()).containsEntry("verifiedSize", "200").containsEntry("unprovenSize", "330")
        .containsEntry("unprovenSinceMillis", Long.toString(T + 2000));
    assertThat(verifiedSizes()).containsExactly(100L, 200L);

    // ingest publishes the head again with the proof from our head: accepted, the alert resolved
    h.checkpoint(v1.checkpointWithProofFrom(330, 200, T + 5000 + UNPROVEN_AFTER.toMillis()));
    assertThat(verifiedSizes()).containsExactly(100L, 200L, 330L);
    assertThat(h.events("INCIDENT_RESOLVED")).singleElement().satisfies(e -> assertThat(e.getDetail())
        .containsEntry("alertId", a.getAlertId()).containsEntry("incidentType", Findings.UNPROVEN_CONSISTENCY));
    assertThat(h.alerts()).hasSize(1);
  }

  @Test
  void aCheckpointAfterTheEmptyTreeNeedsNoProof() throws Exception {
    harness();
    h.checkpoint(v1.checkpoint(0, T));
    h.checkpoint(Checkpoint.newBuilder(v1.checkpoint(20, T + 1000)).setProofFromSize(null).setProofFromRoot(null)
        .setConsistencyProof(List.of()).build());
    assertThat(verifiedSizes()).containsExactly(0L, 20L);
    assertThat(h.events("CONSISTENCY_UNPROVEN")).isEmpty();
  }

  @Test
  void theBoundOnUnprovenConsistencyIsAlsoCheckedByWallClock() throws Exception {
    harness();
    h.checkpoint(v1.checkpointWithProofFrom(100, 1, T));
    h.checkpoint(v1.checkpointWithProofFrom(300, 200, T + 1000)); // proof from a size never verified
    h.driver.advanceWallClockTime(UNPROVEN_AFTER.minusMinutes(1));
    assertThat(h.alerts()).isEmpty();
    h.driver.advanceWallClockTime(Duration.ofMinutes(2));
    assertThat(types(h.alerts())).containsExactly(Findings.UNPROVEN_CONSISTENCY);
    h.driver.advanceWallClockTime(Duration.ofMinutes(10));
    assertThat(h.alerts()).hasSize(1);
  }

  @Test
  void stateOfTheOldLayoutWithOneViewsEpisodeReadsAsAListOfOne() throws Exception {
    Episode views = new Episode("FORK", "f".repeat(64), "", T, T + 5, 2, 300);
    Episode sig = Episode.open("UNKNOWN_KEY", "e".repeat(64), "UNKNOWN_KEY rekor.test+01020304", T, 100);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(2); // version 2: views, signature, witness, roots
      IncidentState.write(out, views);
      IncidentState.write(out, sig);
      IncidentState.write(out, null);
      out.writeInt(1);
      out.writeLong(100);
      out.write(32);
      out.write(v1.tree.root(100));
    }
    IncidentState old = IncidentState.serde().deserializer().deserialize("t", bytes.toByteArray());
    assertThat(old.views()).containsExactly(views);
    assertThat(old.signature()).isEqualTo(sig);
    assertThat(old.witness()).isNull();
    assertThat(old.unproven()).isNull();
    assertThat(old.roots().get(100L)).isEqualTo(v1.tree.root(100));
    // written again in the current layout, with an unproven checkpoint, it reads back the same
    IncidentState now = old.withUnproven(new IncidentState.Unproven(300, v1.tree.root(300), T, "a".repeat(64)));
    var serde = IncidentState.serde();
    IncidentState back = serde.deserializer().deserialize("t", serde.serializer().serialize("t", now));
    assertThat(back.views()).containsExactly(views);
    assertThat(back.unproven().size()).isEqualTo(300L);
    assertThat(back.unproven().root()).isEqualTo(v1.tree.root(300));
    assertThat(back.unproven().alertId()).isEqualTo("a".repeat(64));
  }

  @Test
  void stateOfLayout3ReadsWithNoIncidentSeenAndLayout4KeepsIt() throws Exception {
    Episode rollback = Episode.open("ROLLBACK", "r".repeat(64), "ROLLBACK 150 ab", T, 150);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(3); // version 3: a list of views episodes, signature, witness, roots, unproven
      out.writeInt(1);
      IncidentState.write(out, rollback);
      IncidentState.write(out, null);
      IncidentState.write(out, null);
      out.writeInt(0);
      out.writeBoolean(false);
    }
    IncidentState old = IncidentState.serde().deserializer().deserialize("t", bytes.toByteArray());
    assertThat(old.views()).containsExactly(rollback);
    assertThat(old.incidentSeenAtMillis()).isEqualTo(Long.MIN_VALUE);
    var serde = IncidentState.serde();
    IncidentState now = old.withIncidentSeen(T + 7);
    assertThat(serde.deserializer().deserialize("t", serde.serializer().serialize("t", now)).incidentSeenAtMillis())
        .isEqualTo(T + 7);
  }
}
