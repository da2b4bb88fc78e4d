package dev.sigwatch.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sigwatch.core.merkle.Rfc6962;
import dev.sigwatch.core.trust.TrustedRoot;
import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.schemas.LogEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The full audit's anchors through the real topology: a start mid-log from the frontier published with a verified
 * checkpoint (what ingest derives for Rekor v2, static-ct and RFC 6962 CT), a tamper after it proven and narrowed, a
 * gap after which the audit starts again, a frontier that does not hash to the signed root (never an anchor), and a
 * Rekor v1 anchor that no signed root proves (a mismatch is then no tamper claim).
 */
class AuditAnchorTest {

  static final long T = Harness.T0.toEpochMilli();
  static final String START = "2025-01-01T00:00:00Z";

  @TempDir Path stateDir;
  final TestLog v2 = TestLog.rekorV2("log2025-1.rekor.test").grow(400);
  Harness h;

  Harness v2Harness() throws Exception {
    return v2Harness(stateDir);
  }

  Harness v2Harness(Path dir) throws Exception {
    h = new Harness(new VerifySettings(TrustedRoot.parse(TestLog.trustedRoot(v2.trustedRootEntry(START, null))), null,
        Duration.ofMinutes(30), null, "t"), dir);
    return h;
  }

  @AfterEach
  void close() {
    if (h != null) h.close();
  }

  /** A verified checkpoint of the test log carrying its tree's frontier, as ingest publishes it. */
  Checkpoint withFrontier(long size, long at) {
    return withFrontier(v2.checkpoint(size, at), v2.tree.frontier(size));
  }

  static Checkpoint withFrontier(Checkpoint c, List<byte[]> frontier) {
    return Checkpoint.newBuilder(c).setFrontier(frontier.stream().map(ByteBuffer::wrap).toList()).build();
  }

  static List<String> types(List<Alert> alerts) {
    return alerts.stream().map(Alert::getType).toList();
  }

  static List<Long> sizes(List<LogEvent> events) {
    return events.stream().map(LogEvent::getTreeSize).toList();
  }

  @Test
  void startsAtTheFirstCheckpointsFrontierWhicheverArrivesFirst() throws Exception {
    Harness h = v2Harness();
    h.entries(v2, 100, 130);            // entries from the start (startAt: end), before their checkpoint is verified
    h.checkpoint(withFrontier(100, T));
    h.entries(v2, 130, 200);
    h.checkpoint(withFrontier(200, T + 1));
    h.checkpoint(withFrontier(250, T + 2)); // a checkpoint ahead of the entries waits
    h.entries(v2, 200, 250);
    assertThat(h.alerts()).isEmpty();
    // Nothing is claimed audited at the anchor itself: entries below 100 were never read.
    assertThat(sizes(h.events("AUDITED"))).containsExactly(200L, 250L);
    assertThat(h.events("AUDITED").get(0).getDetail()).containsEntry("from", "100");
  }

  @Test
  void aTamperAfterTheStartIsProvenAndNarrowedToTheLeaf() throws Exception {
    Harness h = v2Harness();
    h.checkpoint(withFrontier(100, T));
    h.entries(v2, 100, 150);
    byte[] tampered = "{\"tampered\":true}".getBytes(StandardCharsets.UTF_8);
    h.rekor.pipeInput(v2.logId, v2.entry(150, tampered, null, T));
    h.checkpoint(withFrontier(151, T + 1)); // odd size: entry 150 is a subtree of its own in the frontier
    h.entries(v2, 151, 300);
    h.checkpoint(withFrontier(300, T + 2));
    h.driver.advanceWallClockTime(AuditProcessor.FORK_GRACE); // a tamper waits for a fork that would explain it
    assertThat(types(h.alerts())).containsExactly(Findings.TAMPERED_ENTRIES);
    Alert a = h.alerts().get(0);
    assertThat(a.getLogIndex()).isEqualTo(150L);
    assertThat(a.getEvidence()).containsEntry("rangeStart", "100").containsEntry("rangeEnd", "151")
        .containsEntry("leafIndex", "150")
        .containsEntry("servedLeafHash", Findings.hex(Rfc6962.leafHash(tampered)))
        .containsEntry("signedLeafHash", Findings.hex(v2.tree.leafHash(150)))
        .containsEntry("signedRoot", Findings.hex(v2.tree.root(151)));
    // The audit goes on from the tampered checkpoint's own frontier.
    assertThat(sizes(h.events("AUDITED"))).containsExactly(300L);
  }

  @Test
  void aTamperInALargerSubtreeIsNarrowedToThatSubtree() throws Exception {
    Harness h = v2Harness();
    h.checkpoint(withFrontier(100, T));
    h.entries(v2, 100, 200);
    h.rekor.pipeInput(v2.logId, v2.entry(200, "x".getBytes(StandardCharsets.UTF_8), null, T));
    h.entries(v2, 201, 300);
    h.checkpoint(withFrontier(300, T + 1)); // 300 = 256 + 32 + 8 + 4: entry 200 lies in no perfect subtree but the first
    h.driver.advanceWallClockTime(AuditProcessor.FORK_GRACE); // a tamper waits for a fork that would explain it
    assertThat(types(h.alerts())).containsExactly(Findings.TAMPERED_ENTRIES);
    assertThat(h.alerts().get(0).getEvidence()).containsEntry("differingFrom", "100").containsEntry("differingTo", "256")
        .doesNotContainKey("leafIndex");
  }

  @Test
  void afterAGapTheAuditStartsAgainAtTheNextFrontierAndNeverClaimsATamper() throws Exception {
    Harness h = v2Harness();
    h.checkpoint(withFrontier(100, T));
    h.entries(v2, 100, 120);
    h.entries(v2, 130, 300); // 120..129 never arrive (rejected by ingest as malformed)
    h.checkpoint(withFrontier(150, T + 1));
    h.checkpoint(withFrontier(300, T + 2));
    assertThat(types(h.alerts())).containsExactly(Findings.ENTRY_GAP);
    assertThat(h.alerts().get(0).getEvidence()).containsEntry("expectedIndex", "120").containsEntry("receivedIndex", "130");
    assertThat(sizes(h.events("AUDITED"))).containsExactly(300L);
    assertThat(h.events("AUDITED").get(0).getDetail()).containsEntry("from", "150");
  }

  @Test
  void aGapAheadOfEveryFrontierWaitsForTheNextOne() throws Exception {
    Harness h = v2Harness();
    h.checkpoint(withFrontier(100, T));
    h.entries(v2, 100, 120);
    h.checkpoint(withFrontier(125, T + 1)); // verified while 120..129 are still missing
    h.entries(v2, 130, 300);
    h.checkpoint(withFrontier(200, T + 2));
    h.checkpoint(withFrontier(300, T + 3));
    assertThat(types(h.alerts())).containsExactly(Findings.ENTRY_GAP);
    assertThat(sizes(h.events("AUDITED"))).containsExactly(300L);
  }

  @Test
  void aFrontierThatDoesNotHashToTheSignedRootIsNeverAnAnchor() throws Exception {
    Harness h = v2Harness();
    h.entries(v2, 100, 300);
    for (int size = 100; size < 108; size++) { // every hash of the frontier mutated in turn
      List<byte[]> mutated = new ArrayList<>(v2.tree.frontier(size));
      int k = size % mutated.size();
      byte[] flipped = mutated.get(k).clone();
      flipped[size % 32] ^= 1;
      mutated.set(k, flipped);
      h.checkpoint(withFrontier(v2.checkpoint(size, T + size), mutated));
    }
    h.checkpoint(withFrontier(v2.checkpoint(200, T + 200), v2.tree.frontier(101))); // another shape: 4 hashes, want 3
    List<Alert> alerts = h.alerts();
    assertThat(alerts).allSatisfy(a -> assertThat(a.getType()).isEqualTo(Findings.HEALTH));
    assertThat(alerts.stream().filter(a -> "frontier unproven".equals(a.getEvidence().get("reason")))).hasSize(9);
    assertThat(alerts).anySatisfy(a -> assertThat(a.getSummary()).contains("wrong frontier size"));
    assertThat(alerts.stream().filter(a -> "no anchor".equals(a.getEvidence().get("reason")))).hasSize(1);
    assertThat(h.events("AUDITED")).isEmpty();
    h.checkpoint(withFrontier(250, T + 250));
    h.checkpoint(withFrontier(300, T + 300));
    assertThat(h.alerts()).hasSize(alerts.size());
    assertThat(sizes(h.events("AUDITED"))).containsExactly(300L);
  }

  @Test
  void aMismatchFromAnUnprovenRekorV1AnchorIsNoTamperClaim() throws Exception {
    TestLog v1 = TestLog.rekorV1("rekor.test", 1111).grow(50);
    TestLog evil = TestLog.rekorV1("rekor.test", 1111, v1.keys).grow(50).grow(950, "evil");
    v1.grow(950);
    h = new Harness(new VerifySettings(TrustedRoot.parse(TestLog.trustedRoot(v1.trustedRootEntry(START, null))), null,
        Duration.ofMinutes(30), null, "t"), stateDir);
    // Entry 637 as served with a proof to a tree the log never signed: its frontier is wrong, the entries after it true.
    h.rekor.pipeInput(v1.logId, v1.entry(637, evil.bodies.get(637), evil.entryWithProof(637, 900, T).getRaw().array(), T));
    h.entries(v1, 638, 1000);
    h.checkpoint(v1.checkpoint(1000, T));
    assertThat(types(h.alerts())).containsExactly(Findings.HEALTH);
    Alert a = h.alerts().get(0);
    assertThat(a.getEvidence()).containsEntry("reason", "anchor unproven").containsEntry("anchorProofSize", "900")
        .containsEntry("anchorProofRoot", Findings.hex(evil.tree.root(900)));
    assertThat(a.getSummary()).contains("no tamper is claimed");
    assertThat(h.events("AUDITED")).isEmpty();
  }

  @Test
  void aRekorV1AnchorWhoseProofIsForAVerifiedRootIsProvenAndItsTamperClaimed() throws Exception {
    TestLog v1 = TestLog.rekorV1("rekor.test", 1111).grow(1000);
    h = new Harness(new VerifySettings(TrustedRoot.parse(TestLog.trustedRoot(v1.trustedRootEntry(START, null))), null,
        Duration.ofMinutes(30), null, "t"), stateDir);
    h.checkpoint(v1.checkpoint(900, T));
    h.rekor.pipeInput(v1.logId, v1.entryWithProof(637, 900, T));
    h.entries(v1, 638, 700);
    h.rekor.pipeInput(v1.logId, v1.entry(700, "tampered".getBytes(StandardCharsets.UTF_8), null, T));
    h.entries(v1, 701, 900);
    h.driver.advanceWallClockTime(AuditProcessor.FORK_GRACE); // a tamper waits for a fork that would explain it
    assertThat(types(h.alerts())).containsExactly(Findings.TAMPERED_ENTRIES);
    assertThat(h.alerts().get(0).getEvidence()).containsEntry("rangeStart", "637").containsEntry("rangeEnd", "900");
  }

  @Test
  void aTamperRevealedByACheckpointWithoutFrontierReanchorsAtTheNextFrontier() throws Exception {
    Harness h = v2Harness();
    h.checkpoint(withFrontier(6, T));
    h.entries(v2, 6, 8);
    h.rekor.pipeInput(v2.logId, v2.entry(8, "x".getBytes(StandardCharsets.UTF_8), null, T));
    h.checkpoint(v2.checkpoint(9, T + 1)); // the log served its tampered leaf in the proof too: no frontier
    h.entries(v2, 9, 12);
    h.checkpoint(withFrontier(10, T + 2));
    h.checkpoint(withFrontier(12, T + 3));
    h.driver.advanceWallClockTime(AuditProcessor.FORK_GRACE); // a tamper waits for a fork that would explain it
    assertThat(types(h.alerts())).containsExactly(Findings.TAMPERED_ENTRIES);
    assertThat(sizes(h.events("AUDITED"))).containsExactly(12L);
    assertThat(h.events("AUDITED").get(0).getDetail()).containsEntry("from", "10");
  }

  @Test
  void aFrontierAheadOfTheEntriesWaitsForThemSoAReadFromZeroStartsAtZero() throws Exception {
    Harness h = v2Harness();
    h.checkpoint(withFrontier(9, T)); // verified before any entry arrived (entries read slowly from index 0)
    h.entries(v2, 0, 20);
    h.checkpoint(withFrontier(20, T + 1));
    assertThat(h.alerts()).isEmpty();
    assertThat(sizes(h.events("AUDITED"))).containsExactly(9L, 20L);
    assertThat(h.events("AUDITED").get(0).getDetail()).containsEntry("from", "0");
  }
}
