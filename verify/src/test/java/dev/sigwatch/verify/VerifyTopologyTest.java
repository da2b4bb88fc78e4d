package dev.sigwatch.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sigwatch.core.trust.TrustedRoot;
import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.LogEvent;
import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.schemas.ShardState;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifyTopologyTest {

  static final long T = Harness.T0.toEpochMilli();
  static final String START = "2025-01-01T00:00:00Z";

  @TempDir Path stateDir;
  final TestLog v1 = TestLog.rekorV1("rekor.test", 1111).grow(1000);
  Harness h;

  Harness harness(VerifySettings settings) {
    h = new Harness(settings, stateDir);
    return h;
  }

  VerifySettings settings(String... tlogs) throws Exception {
    return new VerifySettings(TrustedRoot.parse(TestLog.trustedRoot(tlogs)), null, Duration.ofMinutes(30), null, "t");
  }

  Harness v1Harness() throws Exception {
    return harness(settings(v1.trustedRootEntry(START, null)));
  }

  @AfterEach
  void close() {
    if (h != null) h.close();
  }

  static List<String> types(List<Alert> alerts) {
    return alerts.stream().map(Alert::getType).toList();
  }

  @Test
  void happyPathInEitherOrderRaisesNoAlertAndAuditsEveryCheckpoint() throws Exception {
    Harness h = v1Harness();
    h.checkpoint(v1.checkpoint(100, T));   // checkpoint ahead of the entries
    h.entries(v1, 0, 350);                 // entries ahead of the next checkpoint wait in the buffer
    h.checkpoint(v1.checkpoint(350, T + 1));
    h.checkpoint(v1.checkpoint(1000, T + 2));
    h.entries(v1, 350, 1000);
    h.entries(v1, 990, 1000);              // duplicates from an ingest retry are ignored
    assertThat(h.alerts()).isEmpty();
    assertThat(h.events("AUDITED")).extracting(e -> e.getTreeSize()).containsExactly(100L, 350L, 1000L);
    assertThat(h.events("CHECKPOINT_VERIFIED")).hasSize(3);
    assertThat(h.rejected()).isEmpty();
  }

  @Test
  void badSignatureIsOneAlertEvenWhenReplayed() throws Exception {
    Harness h = v1Harness();
    h.checkpoint(v1.checkpoint(100, T));
    Checkpoint good = v1.checkpoint(200, T + 1);
    String note = new String(good.getRawNote().array(), StandardCharsets.UTF_8);
    String text = v1.body(200, v1.tree.root(200));
    // Same key name and id, signature from another key: a bad signature, not an unknown key.
    String forged = text + "\n" + v1.signatureLine(text, TestLog.generate("EC"));
    Checkpoint bad = Checkpoint.newBuilder(good).setRawNote(ByteBuffer.wrap(forged.getBytes(StandardCharsets.UTF_8))).build();
    h.checkpoint(bad);
    h.checkpoint(bad);
    assertThat(types(h.alerts())).containsExactly(Findings.BAD_SIGNATURE);
    assertThat(h.alerts().get(0).getEvidence().get("checkpoint")).isEqualTo(forged).isNotEqualTo(note);
    assertThat(h.alerts().get(0).getLogIndex()).isEqualTo(200L);
  }

  @Test
  void unknownKeyAndUnknownLog() throws Exception {
    Harness h = v1Harness();
    TestLog impostor = TestLog.rekorV1("rekor.test", 1111).grow(10);
    TestLog stranger = TestLog.rekorV2("log2099.example.dev").grow(10);
    h.checkpoint(impostor.checkpoint(10, T));
    h.checkpoint(stranger.checkpoint(10, T));
    assertThat(types(h.alerts())).containsExactly(Findings.UNKNOWN_KEY, Findings.UNKNOWN_KEY);
    assertThat(h.alerts().get(1).getSummary())
        .contains("no signature from a key of the trusted root: got [log2099.example.dev+");
  }

  @Test
  void keyOutsideItsValidityPeriodIsUnknown() throws Exception {
    Harness h = harness(settings(v1.trustedRootEntry("2026-06-01T00:00:00Z", null)));
    h.checkpoint(v1.checkpoint(10, T));
    assertThat(types(h.alerts())).containsExactly(Findings.UNKNOWN_KEY);
    assertThat(h.alerts().get(0).getSummary()).contains("is not valid at 2026-01-01T00:00:00Z");
  }

  @Test
  void splitViewRollbackAndForkEachCarryBothCheckpoints() throws Exception {
    Harness h = v1Harness();
    TestLog evil = TestLog.rekorV1("rekor.test", 1111, v1.keys).grow(50).grow(950, "evil");
    Checkpoint first = v1.checkpoint(100, T);
    h.checkpoint(first);
    // three incidents, each after the previous one's quiet period (a new episode, a new alert)
    long quiet = VerifySettings.DEFAULT_INCIDENT_QUIET_MINUTES * 60_000 + 1;
    h.checkpoint(evil.checkpoint(100, T + 1));                                // same size, other root
    h.checkpoint(v1.checkpointWithProofTo(60, 100, T + 1 + quiet));            // smaller size, proven a prefix
    h.checkpoint(evil.checkpointWithProofFrom(300, 100, T + 1 + 2 * quiet));  // proof from 100 fails against our root
    List<Alert> alerts = h.alerts();
    assertThat(types(alerts)).containsExactly(Findings.SPLIT_VIEW, Findings.ROLLBACK, Findings.FORK);
    String firstNote = new String(first.getRawNote().array(), StandardCharsets.UTF_8);
    for (Alert a : alerts) {
      assertThat(a.getEvidence().get("previousCheckpoint")).isEqualTo(firstNote);
      assertThat(a.getEvidence().get("checkpoint")).isNotEqualTo(firstNote).startsWith("rekor.test - 1111\n");
    }
    assertThat(alerts.get(2).getEvidence()).containsKeys("proof", "root1", "root2");
    // The honest log goes on from the last verified checkpoint.
    h.checkpoint(v1.checkpointWithProofFrom(400, 100, T + 4));
    assertThat(h.alerts()).hasSize(3);
    assertThat(h.events("CHECKPOINT_VERIFIED")).extracting(e -> e.getTreeSize()).containsExactly(100L, 400L);
  }

  /**
   * A log whose checkpoint of size 100 is verified and whose first 50 entries were read; returns the log it forks to
   * (the same first 50 leaves, then others).
   */
  private TestLog verifiedHundredHalfRead(Harness h) throws Exception {
    TestLog evil = TestLog.rekorV1("rekor.test", 1111, v1.keys).grow(50).grow(950, "evil");
    h.checkpoint(v1.checkpoint(100, T));
    h.entries(v1, 0, 50);
    return evil;
  }

  @Test
  void aMismatchTheLogsForkExplainsIsTheForksEvidenceNotASecondAlert() throws Exception {
    // The log forks while ingest reads the range of its verified checkpoint of size 100: [0, 50) were read from the
    // old tree, [50, 100) come from the forked one, and the forked head arrives a moment after them.
    Harness h = v1Harness();
    TestLog evil = verifiedHundredHalfRead(h);
    h.entries(evil, 50, 100);
    assertThat(h.alerts()).as("a mismatch waits a moment for a fork that would explain it").isEmpty();
    h.checkpoint(evil.checkpointWithProofFrom(300, 100, T + 2));
    h.driver.advanceWallClockTime(AuditProcessor.FORK_GRACE);
    assertThat(types(h.alerts())).containsExactly(Findings.FORK);
    LogEvent forked = h.events(AuditAlerts.FORKED_ENTRIES).get(0);
    assertThat(h.events(AuditAlerts.FORKED_ENTRIES)).hasSize(1);
    assertThat(forked.getTreeSize()).isEqualTo(100L);
    assertThat(forked.getDetail()).containsEntry("rangeStart", "0").containsEntry("rangeEnd", "100")
        .containsEntry("divergedFromSize", "100").containsEntry("explainedBy", Findings.FORK)
        .containsEntry("divergedFromRoot", Findings.hex(v1.tree.root(100)));
  }

  @Test
  void aMismatchAfterTheForkIsKnownIsTheForksEvidenceAtOnce() throws Exception {
    Harness h = v1Harness();
    TestLog evil = verifiedHundredHalfRead(h);
    h.checkpoint(evil.checkpointWithProofFrom(300, 100, T + 2));
    h.entries(evil, 50, 100);
    assertThat(h.events(AuditAlerts.FORKED_ENTRIES)).hasSize(1);
    h.driver.advanceWallClockTime(AuditProcessor.FORK_GRACE.multipliedBy(2));
    assertThat(types(h.alerts())).containsExactly(Findings.FORK);
  }

  @Test
  void aMismatchASplitViewExplainsIsTheSplitViewsEvidence() throws Exception {
    // Another signed root at the verified size: the log serves a second tree, and the entries read after it differ.
    Harness h = v1Harness();
    TestLog evil = verifiedHundredHalfRead(h);
    h.entries(evil, 50, 100);
    h.checkpoint(evil.checkpoint(100, T + 1));
    h.driver.advanceWallClockTime(AuditProcessor.FORK_GRACE);
    assertThat(types(h.alerts())).containsExactly(Findings.SPLIT_VIEW);
    assertThat(h.events(AuditAlerts.FORKED_ENTRIES)).singleElement()
        .satisfies(e -> assertThat(e.getDetail()).containsEntry("explainedBy", Findings.SPLIT_VIEW));
  }

  @Test
  void aTamperNoForkExplainsIsRaisedAfterTheGraceAndAForkAfterItChangesNothing() throws Exception {
    Harness h = v1Harness();
    TestLog evil = verifiedHundredHalfRead(h);
    h.entries(evil, 50, 100);
    h.driver.advanceWallClockTime(AuditProcessor.FORK_GRACE);
    assertThat(types(h.alerts())).containsExactly(Findings.TAMPERED_ENTRIES);
    h.checkpoint(evil.checkpointWithProofFrom(300, 100, T + 2)); // too late: two facts, two alerts
    assertThat(types(h.alerts())).containsExactly(Findings.TAMPERED_ENTRIES, Findings.FORK);
    assertThat(h.events(AuditAlerts.FORKED_ENTRIES)).isEmpty();
  }

  @Test
  void tamperedEntryIsNamedByItsRange() throws Exception {
    Harness h = v1Harness();
    h.checkpoint(v1.checkpoint(100, T));
    h.checkpoint(v1.checkpoint(350, T + 1));
    h.entries(v1, 0, 200);
    h.rekor.pipeInput(v1.logId, v1.entry(200, "tampered".getBytes(StandardCharsets.UTF_8), null, T));
    h.entries(v1, 201, 350);
    h.driver.advanceWallClockTime(AuditProcessor.FORK_GRACE); // a tamper waits for a fork that would explain it
    assertThat(types(h.alerts())).containsExactly(Findings.TAMPERED_ENTRIES);
    Alert a = h.alerts().get(0);
    assertThat(a.getEvidence()).containsEntry("rangeStart", "100").containsEntry("rangeEnd", "350");
    assertThat(a.getEvidence().get("signedRoot")).isEqualTo(Findings.hex(v1.tree.root(350)));
    assertThat(h.events("AUDITED")).extracting(e -> e.getTreeSize()).containsExactly(100L);
  }

  @Test
  void gapInIndexesIsAnAlertAndAuditRestartsFromTheNextProof() throws Exception {
    Harness h = v1Harness();
    h.checkpoint(v1.checkpoint(100, T));
    h.entries(v1, 0, 100);
    h.entries(v1, 100, 150);
    h.rekor.pipeInput(v1.logId, v1.entryWithProof(160, 1000, T)); // 150..159 never arrive
    h.entries(v1, 161, 1000);
    h.checkpoint(v1.checkpoint(1000, T + 1));
    assertThat(types(h.alerts())).containsExactly(Findings.ENTRY_GAP);
    assertThat(h.alerts().get(0).getEvidence()).containsEntry("expectedIndex", "150").containsEntry("receivedIndex", "160");
    assertThat(h.events("AUDITED")).extracting(e -> e.getTreeSize()).containsExactly(100L, 1000L);
  }

  @Test
  void startsMidLogFromAnInclusionProof() throws Exception {
    Harness h = v1Harness();
    h.checkpoint(v1.checkpoint(1000, T));
    h.rekor.pipeInput(v1.logId, v1.entryWithProof(637, 900, T));
    h.entries(v1, 638, 1000);
    assertThat(h.alerts()).isEmpty();
    assertThat(h.events("AUDITED")).extracting(e -> e.getTreeSize()).containsExactly(1000L);
  }

  @Test
  void midLogStartWithoutProofIsOneHealthAlert() throws Exception {
    Harness h = v1Harness();
    h.entries(v1, 500, 510);
    assertThat(h.alerts()).as("held until a checkpoint says where the audit can start").isEmpty();
    h.checkpoint(v1.checkpoint(505, T)); // Rekor v1 checkpoints carry no frontier
    h.checkpoint(v1.checkpoint(510, T + 1));
    assertThat(types(h.alerts())).containsExactly(Findings.HEALTH);
    assertThat(h.alerts().get(0).getSummary()).contains("cannot audit from entry 500");
  }

  @Test
  void shardRotationIsAnEventAndAFrozenShardThatChangesOrDisappearsIsAnAlert() throws Exception {
    TestLog next = TestLog.rekorV1("rekor.test", 2222, v1.keys).grow(20);
    Harness h = v1Harness();
    h.checkpoint(v1.checkpoint(500, T));
    Checkpoint frozen = Checkpoint.newBuilder(v1.checkpoint(600, T + 1)).setShardState(ShardState.INACTIVE).build();
    h.checkpoint(frozen);
    h.checkpoint(Checkpoint.newBuilder(next.checkpoint(20, T + 1)).setActiveShards(List.of(next.logId, v1.logId)).build());
    assertThat(h.alerts()).isEmpty();
    assertThat(h.events("SHARD_ROTATED")).extracting(e -> e.getTreeSize()).containsExactly(600L);
    h.checkpoint(frozen); // the same final tree head again: fine
    h.checkpoint(Checkpoint.newBuilder(v1.checkpoint(700, T + 2)).setShardState(ShardState.INACTIVE).build());
    h.checkpoint(Checkpoint.newBuilder(next.checkpoint(20, T + 3)).setActiveShards(List.of(next.logId)).build());
    assertThat(types(h.alerts())).containsExactly(Findings.SHARD_CHANGED, Findings.SHARD_CHANGED);
    assertThat(h.alerts().get(0).getSummary()).contains("frozen shard changed from size 600 to 700");
    assertThat(h.alerts().get(1).getSummary()).contains("no longer listed");
  }

  @Test
  void twoRekorV1InstancesSharingAHostnameNeverAnswerForEachOthersShards() throws Exception {
    // Two private Rekor v1 servers both named after the default hostname, at different URLs with different keys.
    TestLog a1 = TestLog.rekorV1("rekor-server", 1).at("https://a.example/rekor").grow(100);
    TestLog a2 = TestLog.rekorV1("rekor-server", 2, a1.keys).at("https://a.example/rekor").grow(10);
    TestLog b3 = TestLog.rekorV1("rekor-server", 3).at("https://b.example:8443/rekor").grow(50);
    Harness h = harness(settings(a1.trustedRootEntry(START, null), b3.trustedRootEntry(START, null)));
    h.checkpoint(a1.checkpoint(100, T));
    h.checkpoint(Checkpoint.newBuilder(a1.checkpoint(100, T + 1)).setShardState(ShardState.INACTIVE).build());
    h.checkpoint(Checkpoint.newBuilder(a2.checkpoint(10, T + 1)).setActiveShards(List.of(a2.logId, a1.logId)).build());
    assertThat(h.events("SHARD_ROTATED")).extracting(e -> e.getLogId()).containsExactly(a1.logId);
    // B lists only its own shard: A's frozen shard, same hostname in its log id, is not B's to list.
    h.checkpoint(Checkpoint.newBuilder(b3.checkpoint(50, T + 2)).setActiveShards(List.of(b3.logId)).build());
    h.checkpoint(Checkpoint.newBuilder(b3.checkpoint(50, T + 3)).setActiveShards(List.of(b3.logId)).build());
    assertThat(h.alerts()).isEmpty();
    // A itself dropping its frozen shard is still a SHARD_CHANGED, on that shard.
    h.checkpoint(Checkpoint.newBuilder(a2.checkpoint(10, T + 4)).setActiveShards(List.of(a2.logId)).build());
    assertThat(h.alerts()).extracting(Alert::getType).containsExactly(Findings.SHARD_CHANGED);
    assertThat(h.alerts().get(0).getLogId()).isEqualTo(a1.logId);
    assertThat(h.alerts().get(0).getSummary()).contains("no longer listed");
  }

  @Test
  void staleThenRecoveredByWallClock() throws Exception {
    Harness h = v1Harness();
    h.checkpoint(v1.checkpoint(100, T));
    h.entries(v1, 0, 100); // the monitor itself is caught up: no backlog HEALTH alert
    h.driver.advanceWallClockTime(Duration.ofMinutes(20));
    assertThat(h.alerts()).isEmpty();
    h.driver.advanceWallClockTime(Duration.ofMinutes(15));
    h.driver.advanceWallClockTime(Duration.ofMinutes(15));
    assertThat(types(h.alerts())).containsExactly(Findings.STALE_LOG);
    h.checkpoint(v1.checkpoint(200, T + Duration.ofMinutes(50).toMillis()));
    assertThat(h.events("RECOVERED")).extracting(e -> e.getTreeSize()).containsExactly(200L);
    h.driver.advanceWallClockTime(Duration.ofMinutes(10));
    assertThat(h.alerts()).hasSize(1);
  }

  @Test
  void witnessPolicyKOfN() throws Exception {
    TestLog v2 = TestLog.rekorV2("log2025-1.rekor.test").grow(30);
    KeyPair w1 = TestLog.generate("Ed25519");
    KeyPair w2 = TestLog.generate("Ed25519");
    WitnessPolicy policy = WitnessPolicy.ofVkeys(
        List.of(TestLog.vkey("witness.one", w1), TestLog.vkey("witness.two", w2)), 2);
    harness(new VerifySettings(TrustedRoot.parse(TestLog.trustedRoot(v2.trustedRootEntry(START, null))), policy,
        Duration.ofHours(1), null, "t"));
    long t = 1767225600L;
    for (int size : new int[] {10, 20, 30}) {
      String text = v2.body(size, v2.tree.root(size));
      String sigs = v2.signatureLine(text, v2.keys) + TestLog.cosignatureLine("witness.one", w1, text, t);
      if (size == 10) sigs += TestLog.cosignatureLine("witness.two", w2, text, t);         // 2 of 2
      if (size == 30) sigs += TestLog.cosignatureLine("witness.two", w2, w1, text, t);     // bad signature
      h.checkpoint(v2.publish(size, v2.tree.root(size), text + "\n" + sigs, T + size));
    }
    List<Alert> alerts = h.alerts();
    assertThat(types(alerts)).containsExactly(Findings.WITNESS_POLICY, Findings.WITNESS_POLICY);
    assertThat(alerts.get(0).getEvidence()).containsEntry("missing", policy.witnesses().get(1).id());
    assertThat(alerts.get(1).getEvidence()).containsEntry("invalid", policy.witnesses().get(1).id());
    assertThat(h.events("CHECKPOINT_VERIFIED")).hasSize(3);
  }

  @Test
  void badInputGoesToTheDlqAndTheStageGoesOn() throws Exception {
    Harness h = v1Harness();
    h.rawCheckpoints.pipeInput(v1.logId.getBytes(StandardCharsets.UTF_8), new byte[] {1, 2, 3});
    Checkpoint c = v1.checkpoint(100, T);
    h.checkpoint(Checkpoint.newBuilder(c).setRawNote(ByteBuffer.wrap("no note".getBytes(StandardCharsets.UTF_8))).build());
    h.checkpoint(Checkpoint.newBuilder(c).setTreeSize(101).build());
    h.checkpoint(c);
    // The undecodable record is skipped by the DLQ deserialization handler (its DLQ write is covered by the IT).
    assertThat(h.rejected()).hasSize(2);
    assertThat(h.rejected().get(0).getReason()).startsWith("rawNote: malformed");
    assertThat(h.rejected().get(1).getReason()).isEqualTo("treeSize 101 does not match the note's 100");
    assertThat(h.events("CHECKPOINT_VERIFIED")).hasSize(1);
    assertThat(h.alerts()).isEmpty();
  }

  @Test
  void sameInputGivesTheSameAlertIds() throws Exception {
    List<String> ids = new java.util.ArrayList<>();
    TestLog evil = TestLog.rekorV1("rekor.test", 1111, v1.keys).grow(50).grow(950, "evil");
    Checkpoint a = v1.checkpoint(100, T);
    Checkpoint b = evil.checkpoint(100, T + 1);
    for (int run = 0; run < 2; run++) {
      try (Harness h = new Harness(settings(v1.trustedRootEntry(START, null)), stateDir.resolve("run" + run))) {
        h.checkpoint(a);
        h.checkpoint(b);
        ids.add(h.alerts().get(0).getAlertId());
      }
    }
    assertThat(ids.get(0)).isEqualTo(ids.get(1)).hasSize(64);
  }
}
