package dev.sigwatch.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sigwatch.core.trust.TrustedRoot;
import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.Checkpoint;
import dev.sigwatch.schemas.LogEvent;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The judge goes on from state stored by older code: a {@link LogState} written before the STALE_LOG alert id was
 * kept and an {@link IncidentState} of layout 1 (one views episode for every fact, no witness episode, nothing
 * unproven). The restored view is typed by its phase, a new fact is not folded into the old episode, the stale episode
 * ends naming the alert id the old code raised, and the old episode still resolves when quiet.
 */
class JudgeRestoredStateTest {

  static final long T = Harness.T0.toEpochMilli();

  final TestLog honest = TestLog.rekorV1("rekor.old", 7).grow(400);
  final TestLog evil = TestLog.rekorV1("rekor.old", 7, honest.keys).grow(150).grow(250, "evil");
  final VerifySettings settings = settings();
  final Judge judge = new Judge(Judge.Bounds.of(settings));
  final CheckpointSignatures signatures = new CheckpointSignatures(settings::rootNow, settings.origins());

  VerifySettings settings() {
    try {
      return new VerifySettings(TrustedRoot.parse(TestLog.trustedRoot(honest.trustedRootEntry("2025-01-01T00:00:00Z",
          null))), null, Duration.ofHours(1), Duration.ofMinutes(1), "old").withIncidentQuiet(Duration.ofMinutes(10));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  Judgement judge(LogView view, Checkpoint c) {
    return judge.judge(view, new Judge.Observation(c, signatures.verify(c), null, List.of()), c.getObservedAtMillis());
  }

  /** LogState layout 1 without the trailing alert id: stale at size 200. */
  byte[] oldLogState() throws IOException {
    byte[] note = new String(honest.checkpointWithProofFrom(200, 100, T).getRawNote().array(), StandardCharsets.UTF_8)
        .getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(1);
      out.writeLong(200);
      out.write(32);
      out.write(honest.tree.root(200));
      out.writeInt(note.length);
      out.write(note);
      out.writeLong(T);
      out.writeLong(T);
      out.writeBoolean(true); // stale
      out.writeBoolean(false); // not frozen
    }
    return bytes.toByteArray();
  }

  /** IncidentState layout 1: one views episode (an open ROLLBACK, no subject then), no signature episode, roots. */
  byte[] oldIncidentState(Episode views) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(1);
      IncidentState.write(out, views);
      IncidentState.write(out, null);
      out.writeInt(2);
      for (long size : new long[] {100, 200}) {
        out.writeLong(size);
        out.write(32);
        out.write(honest.tree.root(size));
      }
    }
    return bytes.toByteArray();
  }

  @Test
  void judgesOnFromTheOldLayouts() throws Exception {
    Episode rollback = new Episode(Findings.ROLLBACK, "r".repeat(64), "", T, T + 5_000, 2, 150);
    LogView view = LogView.of(LogState.serde().deserializer().deserialize("t", oldLogState()),
        IncidentState.serde().deserializer().deserialize("t", oldIncidentState(rollback)));
    assertThat(view).isInstanceOf(LogView.Stale.class);
    assertThat(view.incidents().views()).containsExactly(rollback);

    // A fork of the head: another fact than the old episode's, so its own alert (the old episode does not fold it).
    Judgement fork = judge(view, evil.checkpointWithProofFrom(300, 200, T + 60_000));
    assertThat(fork.verdict()).isInstanceOf(Verdict.Refused.class);
    assertThat(((Verdict.Refused) fork.verdict()).incident()).isInstanceOf(LogIncident.Fork.class);
    assertThat(alerts(fork)).extracting(Alert::getType).containsExactly(Findings.FORK);
    assertThat(fork.view()).isInstanceOf(LogView.Stale.class);

    // The log grows on its verified tree: accepted; the stale episode ends naming the id the old code raised.
    Judgement grown = judge(fork.view(), honest.checkpointWithProofFrom(300, 200, T + 120_000));
    assertThat(grown.verdict()).isEqualTo(new Verdict.Accepted(300, "consistent with size 200"));
    assertThat(grown.view()).isInstanceOf(LogView.Growing.class);
    String staleId = Findings.id(Findings.STALE_LOG, honest.logId, 200L, honest.tree.root(200));
    assertThat(events(grown, StaleLog.RECOVERED)).singleElement()
        .satisfies(e -> assertThat(e.getDetail()).containsEntry("alertId", staleId));
    assertThat(events(grown, "INCIDENT_RESOLVED")).extracting(e -> e.getDetail().get("alertId"))
        .containsExactly(staleId);

    // Quiet for incidentQuiet: both view episodes, the old one and the fork, are resolved by the liveness check.
    Judgement quiet = judge.tick(honest.logId, grown.view(), Optional.empty(), T + 120_000 + 11 * 60_000);
    assertThat(events(quiet, "INCIDENT_RESOLVED")).extracting(e -> e.getDetail().get("incidentType"))
        .containsExactly(Findings.ROLLBACK, Findings.FORK);
    assertThat(quiet.view().incidents().views()).isEmpty();
  }

  static List<Alert> alerts(Judgement j) {
    return j.out().stream().filter(o -> o instanceof VerifyOutput.AlertOut)
        .map(o -> ((VerifyOutput.AlertOut) o).alert()).toList();
  }

  static List<LogEvent> events(Judgement j, String type) {
    return j.out().stream().filter(o -> o instanceof VerifyOutput.EventOut)
        .map(o -> ((VerifyOutput.EventOut) o).event()).filter(e -> e.getType().equals(type)).toList();
  }
}
