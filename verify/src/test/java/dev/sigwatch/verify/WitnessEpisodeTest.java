package dev.sigwatch.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sigwatch.core.trust.TrustedRoot;
import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.schemas.LogEvent;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Witness-policy failures on Rekor v2 are one episode per log: one WITNESS_POLICY alert, INCIDENT_CONTINUES for the
 * following failing checkpoints, INCIDENT_RESOLVED at the next checkpoint that satisfies the policy or after the
 * quiet period.
 */
class WitnessEpisodeTest {

  static final long T = Harness.T0.toEpochMilli();
  static final long POLL = 2_000;
  static final Duration QUIET = Duration.ofMinutes(5);
  /** Cosignature time (seconds). */
  static final long COSIGNED_AT = T / 1000;

  /** How one witness appears on a checkpoint. */
  enum W { OK, MISSING, BAD }

  @TempDir Path stateDir;
  final TestLog v2 = TestLog.rekorV2("log2025-1.rekor.test").grow(500);
  final List<String> names = List.of("witness.one", "witness.two", "witness.three");
  final List<KeyPair> keys = List.of(TestLog.generate("Ed25519"), TestLog.generate("Ed25519"),
      TestLog.generate("Ed25519"));
  final KeyPair forger = TestLog.generate("Ed25519");
  Harness h;

  /** A harness whose policy wants {@code threshold} of the three witnesses. */
  Harness harness(Path dir, int threshold) throws Exception {
    List<String> vkeys = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) vkeys.add(TestLog.vkey(names.get(i), keys.get(i)));
    VerifySettings s = new VerifySettings(TrustedRoot.parse(TestLog.trustedRoot(v2.trustedRootEntry(
        "2025-01-01T00:00:00Z", null))), WitnessPolicy.ofVkeys(vkeys, threshold), Duration.ofHours(1),
        Duration.ofMinutes(1), "t").withIncidentQuiet(QUIET);
    h = new Harness(s, dir);
    return h;
  }

  @AfterEach
  void close() {
    if (h != null) h.close();
  }

  /** The log's checkpoint at {@code size}, cosigned (or not, or badly) by each witness as {@code how} says. */
  Checkpoint at(long size, long observedAt, W... how) {
    String text = v2.body(size, v2.tree.root(size));
    StringBuilder sigs = new StringBuilder(v2.signatureLine(text, v2.keys));
    for (int i = 0; i < how.length; i++) {
      if (how[i] == W.OK) sigs.append(TestLog.cosignatureLine(names.get(i), keys.get(i), text, COSIGNED_AT));
      if (how[i] == W.BAD) {
        sigs.append(TestLog.cosignatureLine(names.get(i), keys.get(i), forger, text, COSIGNED_AT));
      }
    }
    return v2.publish(size, v2.tree.root(size), text + "\n" + sigs, observedAt);
  }

  String id(int witness) throws Exception {
    return WitnessPolicy.ofVkeys(List.of(TestLog.vkey(names.get(witness), keys.get(witness))), 1).witnesses().get(0)
        .id();
  }

  static List<String> types(List<Alert> alerts) {
    return alerts.stream().map(Alert::getType).toList();
  }

  @Test
  void failingCheckpointsInARowAreOneAlertAndASatisfyingOneResolvesIt() throws Exception {
    Harness h = harness(stateDir, 2);
    h.checkpoint(at(100, T, W.OK, W.OK, W.OK));
    for (int i = 1; i <= 3; i++) h.checkpoint(at(100 + 10 * i, T + i * POLL, W.OK, W.MISSING, W.MISSING));
    assertThat(types(h.alerts())).containsExactly(Findings.WITNESS_POLICY);
    Alert a = h.alerts().get(0);
    assertThat(a.getLogIndex()).isEqualTo(110L);
    assertThat(a.getSummary()).isEqualTo(
        v2.logId + ": checkpoint of size 110 has 1 valid witness cosignatures, policy wants 2");
    assertThat(a.getEvidence()).containsEntry("cosigned", id(0)).containsEntry("missing", id(1) + "," + id(2))
        .containsEntry("invalid", "").containsKeys("checkpoint", "sourceUrl");
    List<LogEvent> more = h.events("INCIDENT_CONTINUES");
    assertThat(more).extracting(LogEvent::getTreeSize).containsExactly(120L, 130L);
    assertThat(more).extracting(e -> e.getDetail().get("observations")).containsExactly("2", "3");
    assertThat(more).allSatisfy(e -> assertThat(e.getDetail()).containsEntry("alertId", a.getAlertId())
        .containsEntry("incidentType", Findings.WITNESS_POLICY).containsEntry("missing", id(1) + "," + id(2)));
    assertThat(h.events("INCIDENT_RESOLVED")).isEmpty();

    h.checkpoint(at(140, T + 4 * POLL, W.OK, W.OK, W.MISSING));
    List<LogEvent> resolved = h.events("INCIDENT_RESOLVED");
    assertThat(resolved).hasSize(1);
    assertThat(resolved.get(0).getDetail()).containsEntry("alertId", a.getAlertId())
        .containsEntry("reason", "witness policy satisfied").containsEntry("observations", "3");
    assertThat(resolved.get(0).getTreeSize()).isEqualTo(130L);

    // A later failure is a new episode with its own alert.
    h.checkpoint(at(150, T + 5 * POLL, W.MISSING, W.OK, W.MISSING));
    assertThat(types(h.alerts())).containsExactly(Findings.WITNESS_POLICY, Findings.WITNESS_POLICY);
    assertThat(h.alerts().get(1).getAlertId()).isNotEqualTo(a.getAlertId());
    assertThat(h.alerts().get(1).getLogIndex()).isEqualTo(150L);
    assertThat(h.events("INCIDENT_CONTINUES")).hasSize(2);
    // A witness failure never stops verification.
    assertThat(h.events("CHECKPOINT_VERIFIED")).extracting(LogEvent::getTreeSize)
        .containsExactly(100L, 110L, 120L, 130L, 140L, 150L);
  }

  @Test
  void anotherMissingWitnessContinuesTheEpisodeButAnInvalidCosignatureIsANewOne() throws Exception {
    Harness h = harness(stateDir, 2);
    h.checkpoint(at(100, T, W.OK, W.MISSING, W.MISSING));
    h.checkpoint(at(110, T + POLL, W.MISSING, W.OK, W.MISSING));   // other witnesses missing: the same outage
    h.checkpoint(at(120, T + 2 * POLL, W.MISSING, W.MISSING, W.MISSING));
    assertThat(h.alerts()).hasSize(1);
    assertThat(h.events("INCIDENT_CONTINUES")).extracting(e -> e.getDetail().get("missing"))
        .containsExactly(id(0) + "," + id(2), id(0) + "," + id(1) + "," + id(2));

    h.checkpoint(at(130, T + 3 * POLL, W.OK, W.BAD, W.MISSING));       // a cosignature that does not verify
    assertThat(types(h.alerts())).containsExactly(Findings.WITNESS_POLICY, Findings.WITNESS_POLICY);
    Alert first = h.alerts().get(0);
    Alert invalid = h.alerts().get(1);
    assertThat(invalid.getEvidence()).containsEntry("invalid", id(1)).containsEntry("missing", id(2));
    assertThat(h.events("INCIDENT_RESOLVED")).singleElement().satisfies(e -> assertThat(e.getDetail())
        .containsEntry("alertId", first.getAlertId()).containsEntry("observations", "3")
        .containsEntry("reason", "witness failure changed: invalid witnesses: " + id(1)));

    // The same witness still signing badly, whoever else is missing, continues it; another bad signer does not.
    h.checkpoint(at(140, T + 4 * POLL, W.MISSING, W.BAD, W.OK));
    assertThat(h.alerts()).hasSize(2);
    assertThat(h.events("INCIDENT_CONTINUES").get(2).getDetail()).containsEntry("alertId", invalid.getAlertId());
    h.checkpoint(at(150, T + 5 * POLL, W.BAD, W.BAD, W.MISSING));
    assertThat(h.alerts()).hasSize(3);
    assertThat(h.alerts()).extracting(Alert::getAlertId).doesNotHaveDuplicates();
    assertThat(h.events("INCIDENT_RESOLVED")).hasSize(2);
  }

  @Test
  void theQuietPeriodClosesTheEpisode() throws Exception {
    Harness h = harness(stateDir, 1);
    h.checkpoint(at(100, T, W.MISSING));
    h.checkpoint(at(110, T + POLL, W.MISSING));
    h.driver.advanceWallClockTime(Duration.ofMinutes(3));
    assertThat(h.events("INCIDENT_RESOLVED")).isEmpty();
    h.driver.advanceWallClockTime(Duration.ofMinutes(3)); // quiet since T+2 s for more than 5 min
    assertThat(h.events("INCIDENT_RESOLVED")).singleElement().satisfies(e -> assertThat(e.getDetail())
        .containsEntry("alertId", h.alerts().get(0).getAlertId()).containsEntry("observations", "2")
        .containsEntry("reason", "quiet for PT5M"));
    // Still failing afterwards: a new episode, a new alert.
    long later = T + Duration.ofMinutes(7).toMillis();
    h.checkpoint(at(120, later, W.MISSING));
    assertThat(h.alerts()).hasSize(2);
    // Closed by event time alone too (no punctuation in between): the next failure after the quiet period.
    h.checkpoint(at(130, later + QUIET.toMillis() + 1, W.MISSING));
    assertThat(h.alerts()).hasSize(3).extracting(Alert::getAlertId).doesNotHaveDuplicates();
    assertThat(h.events("INCIDENT_RESOLVED")).hasSize(2);
    assertThat(h.events("INCIDENT_RESOLVED").get(1).getDetail()).containsEntry("alertId",
        h.alerts().get(1).getAlertId()).containsEntry("reason", "quiet for PT5M");
    assertThat(h.events("INCIDENT_CONTINUES")).hasSize(1);
  }

  @Test
  void anIdleHeadThatFailsAgainAfterPassingAlertsAgain() throws Exception {
    // Ingest republishes a Rekor v2 head whose cosignatures changed: the same size and root, three times.
    Harness h = harness(stateDir, 1);
    h.checkpoint(at(100, T, W.OK));
    h.checkpoint(at(100, T + POLL, W.MISSING));
    h.checkpoint(at(100, T + 2 * POLL, W.OK));
    h.checkpoint(at(100, T + 3 * POLL, W.MISSING));
    assertThat(types(h.alerts())).containsExactly(Findings.WITNESS_POLICY, Findings.WITNESS_POLICY);
    assertThat(h.alerts()).extracting(Alert::getLogIndex).containsExactly(100L, 100L);
    assertThat(h.alerts()).extracting(Alert::getAlertId).doesNotHaveDuplicates();
    assertThat(h.events("INCIDENT_RESOLVED")).singleElement()
        .satisfies(e -> assertThat(e.getDetail()).containsEntry("reason", "witness policy satisfied"));
  }

  @Test
  void replayingTheSameInputGivesTheSameIds() throws Exception {
    harness(stateDir.resolve("record"), 2).close();
    h = null;
    // fail ×3, pass, fail, an invalid cosignature, a quiet period, fail
    List<Checkpoint> input = new ArrayList<>();
    input.add(at(100, T, W.OK, W.OK, W.OK));
    for (int i = 1; i <= 3; i++) input.add(at(100 + 10 * i, T + i * POLL, W.OK, W.MISSING, W.MISSING));
    input.add(at(140, T + 4 * POLL, W.OK, W.OK, W.MISSING));
    input.add(at(150, T + 5 * POLL, W.MISSING, W.OK, W.MISSING));
    input.add(at(160, T + 6 * POLL, W.BAD, W.OK, W.MISSING));
    input.add(at(170, T + 7 * POLL + QUIET.toMillis() + 1, W.BAD, W.OK, W.MISSING));
    List<List<String>> alertIds = new ArrayList<>();
    List<List<String>> eventIds = new ArrayList<>();
    for (int run = 0; run < 2; run++) {
      try (Harness r = harness(stateDir.resolve("run" + run), 2)) {
        input.forEach(r::checkpoint);
        assertThat(types(r.alerts())).containsOnly(Findings.WITNESS_POLICY).hasSize(4);
        assertThat(r.events("INCIDENT_CONTINUES")).hasSize(2);
        assertThat(r.events("INCIDENT_RESOLVED")).hasSize(3);
        alertIds.add(r.alerts().stream().map(Alert::getAlertId).toList());
        eventIds.add(r.events.stream().map(LogEvent::getEventId).toList());
      }
      h = null;
    }
    assertThat(alertIds.get(0)).isEqualTo(alertIds.get(1)).doesNotHaveDuplicates();
    assertThat(eventIds.get(0)).isEqualTo(eventIds.get(1));
  }

  @Test
  void theWitnessEpisodeSurvivesTheSerdeAndOlderStateReadsAsNoneOpen() throws Exception {
    var serde = IncidentState.serde();
    Episode views = new Episode("SPLIT_VIEW", "a".repeat(64), "", T, T + 5, 3, 100);
    Episode witness = new Episode(Findings.WITNESS_POLICY, "c".repeat(64), "invalid witnesses: none", T, T + 9, 4, 130);
    IncidentState s = IncidentState.EMPTY.withRoot(100, v2.tree.root(100)).withViews(List.of(views))
        .withWitness(witness);
    IncidentState back = serde.deserializer().deserialize("t", serde.serializer().serialize("t", s));
    assertThat(back.views()).containsExactly(views);
    assertThat(back.signature()).isNull();
    assertThat(back.witness()).isEqualTo(witness);
    assertThat(back.roots().get(100L)).isEqualTo(v2.tree.root(100));

    // Version 1, as stored before witness episodes: a views episode, no signature episode, one root.
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(1);
      out.writeBoolean(true);
      out.writeUTF(views.type());
      out.writeUTF(views.alertId());
      out.writeUTF(views.subject());
      out.writeLong(views.openedAtMillis());
      out.writeLong(views.lastSeenAtMillis());
      out.writeLong(views.observations());
      out.writeLong(views.lastSize());
      out.writeBoolean(false);
      out.writeInt(1);
      out.writeLong(100);
      out.write(32);
      out.write(v2.tree.root(100));
    }
    IncidentState old = serde.deserializer().deserialize("t", bytes.toByteArray());
    assertThat(old.views()).containsExactly(views);
    assertThat(old.unproven()).isNull();
    assertThat(old.signature()).isNull();
    assertThat(old.witness()).isNull();
    assertThat(old.roots().get(100L)).isEqualTo(v2.tree.root(100));

    byte[] future = serde.serializer().serialize("t", s);
    future[0] = IncidentState.VERSION + 1;
    assertThatThrownBy(() -> serde.deserializer().deserialize("t", future))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("incident state version " + (IncidentState.VERSION + 1) + ", want 1.." + IncidentState.VERSION);
  }
}
