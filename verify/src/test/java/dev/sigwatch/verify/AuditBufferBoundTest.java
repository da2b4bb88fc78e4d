package dev.sigwatch.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sigwatch.core.trust.TrustedRoot;
import dev.sigwatch.schemas.Alert;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When checkpoints stop verifying (the log's key rotated and the trusted root does not know the new one yet), the
 * entries keep coming: the audit holds at most {@code auditBufferLimit} of them, says so with one HEALTH alert, and
 * re-anchors once a checkpoint verifies again.
 */
class AuditBufferBoundTest {
  static final long T = Harness.T0.toEpochMilli();
  static final int LIMIT = 2 * AuditStore.CHUNK;

  @TempDir Path stateDir;
  final TestLog v1 = TestLog.rekorV1("rekor.test", 1111).grow(12_000);
  /** The same log signing with a key the trusted root does not list. */
  final TestLog rotated = TestLog.rekorV1("rekor.test", 1111, TestLog.generate("EC")).grow(12_000);

  VerifySettings settings() throws Exception {
    return new VerifySettings(TrustedRoot.parse(TestLog.trustedRoot(v1.trustedRootEntry("2025-01-01T00:00:00Z", null))),
        null, Duration.ofMinutes(30), null, "t").withAuditBufferLimit(LIMIT);
  }

  @Test
  void theBufferStaysBoundedWhileCheckpointsFailAndTheAuditReanchorsAfterTheNextVerifiedOne() throws Exception {
    try (Harness h = new Harness(settings(), stateDir)) {
      h.checkpoint(v1.checkpoint(100, T));
      h.entries(v1, 0, 100);
      assertThat(h.events("AUDITED")).extracting(e -> e.getTreeSize()).containsExactly(100L);
      long maxHeld = 0;
      for (long size = 1000; size <= 10_000; size += 1000) {
        h.checkpoint(rotated.checkpoint(size, T + size)); // UNKNOWN_KEY: nothing to compare the entries against
        h.entries(v1, size - 1000 + (size == 1000 ? 100 : 0), size);
        maxHeld = Math.max(maxHeld, storedLeaves(h));
      }
      // The buffer never held more than the bound: what the store holds of it (and so what a restart would load).
      assertThat(maxHeld).isBetween(1L, (long) LIMIT);
      List<Alert> health = h.alerts().stream().filter(a -> a.getType().equals(Findings.HEALTH)).toList();
      assertThat(health).hasSize(1);
      assertThat(health.get(0).getSummary()).contains("full audit suspended: no verified checkpoint covers entries [100, "
          + (100 + LIMIT + 1) + ")").contains("over the bound of " + LIMIT);
      assertThat(health.get(0).getEvidence()).containsEntry("reason", "audit buffer bound");

      // The trusted root learns nothing new, but the log signs with its known key again: the audit re-anchors at the
      // first entry after that checkpoint and audits up to the next one.
      h.checkpoint(v1.checkpoint(11_000, T + 11_000));
      h.rekor.pipeInput(v1.logId, v1.entryWithProof(10_000, 11_000, T));
      h.entries(v1, 10_001, 12_000);
      h.checkpoint(v1.checkpoint(12_000, T + 12_000));
      assertThat(h.events("AUDITED")).extracting(e -> e.getTreeSize()).containsExactly(100L, 11_000L, 12_000L);
      assertThat(storedLeaves(h)).as("nothing held once audited").isZero();
      assertThat(h.alerts()).extracting(Alert::getType).doesNotContain(Findings.TAMPERED_ENTRIES, Findings.ENTRY_GAP);
    }
  }

  /** Leaves the store holds in buffer chunks, from the changelog's latest value of each chunk key. */
  static long storedLeaves(Harness h) {
    long n = 0;
    for (Map.Entry<String, byte[]> e : AuditStoreTest.changelog(h).entrySet()) {
      if (e.getKey().startsWith("b") && e.getValue() != null) n += (e.getValue().length - 8) / 32;
    }
    return n;
  }
}
