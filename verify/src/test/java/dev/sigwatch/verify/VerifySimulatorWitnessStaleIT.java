package dev.sigwatch.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sigwatch.ingest.LogTarget;
import dev.sigwatch.schemas.Alert;
import dev.sigwatch.schemas.LogEvent;
import dev.sigwatch.schemas.topics.TopicAdmin;
import dev.sigwatch.schemas.topics.Topics;
import dev.sigwatch.testkit.kafka.KafkaBrokerExtension;
import dev.sigwatch.testkit.kafka.KafkaTestBroker;
import dev.sigwatch.simulator.Incident;
import dev.sigwatch.simulator.SigstoreSimulator;
import dev.sigwatch.simulator.rekorv2.RekorV2Log;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.awaitility.core.ThrowingRunnable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Simulator → ingest → verify on the real broker for the incidents that need verify settings of their own: witness
 * cosignatures on Rekor v2 (a policy requiring the simulator's witness) and a stale Rekor v1 log (a staleness bound of
 * seconds, checked by verify's wall-clock punctuator; its growth resolves each STALE_LOG alert by id). {@link VerifySimulatorIT} covers the Rekor v1 integrity
 * incidents with the default settings.
 */
@ExtendWith(KafkaBrokerExtension.class)
class VerifySimulatorWitnessStaleIT {

  /**
   * Topics of this class alone: ingest resumes by reading the checkpoints topic from the start, and other ITs on the
   * broker leave records there that it cannot read (VerifyServiceIT's undecodable one, by design).
   */
  static final Topics TOPICS = VerifySimulatorIT.TOPICS.withPrefix(KafkaTestBroker.uniqueName("witness-stale") + ".");

  @TempDir Path stateDir;
  /** Older records on these topics are the other test's (whose simulators may have had our ports). */
  final long startedAt = System.currentTimeMillis();

  @BeforeAll
  static void topics(KafkaTestBroker broker) {
    try (Admin admin = broker.admin()) {
      TopicAdmin.ensureTopics(admin, TOPICS.all());
    }
  }

  @Test
  void aWithheldOrInvalidWitnessCosignatureIsOneEpisodeWhileTheLogGrowsAndAnHonestlyWitnessedLogRaisesNothing(
      KafkaTestBroker broker) throws Exception {
    SigstoreSimulator sim = SigstoreSimulator.builder().threads(2).witnessed(true).build().start();
    sim.grow(200);
    String logId = sim.rekorV2Url().replaceFirst("^https?://", ""); // a Rekor v2 log id is its URL, not its origin
    Predicate<String> ofLog = logId::equals;
    WitnessPolicy policy = WitnessPolicy.ofVkeys(List.of(sim.rekorV2().witnessVkey()), 1);
    String witness = policy.witnesses().get(0).id();
    VerifySettings vs = new VerifySettings(SimulatedPipeline.trustedRoot(List.of(sim)), policy, Duration.ofHours(1),
        null, KafkaTestBroker.uniqueName("verify-witness"));
    SimulatedPipeline p = pipeline(broker, List.of(LogTarget.of("rekor-v2", sim.rekorV2Url())), vs);
    try (sim; p) {
      // Honestly witnessed: the first checkpoint is verified and audited, and so is the next one.
      p.await(event(p, ofLog, "AUDITED", 200));
      sim.grow(10);
      p.await(event(p, ofLog, "AUDITED", 210));
      assertThat(p.alertsOf(ofLog)).isEmpty();

      // Episode 1: the witness withholds its cosignature. The log re-signs its head (210) without it and ingest
      // publishes a head whose cosignatures changed again, so the episode opens while the log is idle.
      sim.trigger(Incident.WITNESS_MISSING);
      p.await(() -> assertThat(p.alertsOf(ofLog)).hasSize(1));
      // The log grows on without the witness: each failing checkpoint continues the episode, no alert storm.
      sim.grow(10);
      p.await(event(p, ofLog, "INCIDENT_CONTINUES", 220));
      sim.grow(10);
      p.await(event(p, ofLog, "INCIDENT_CONTINUES", 230));
      // The witness cosigns again: the re-published head satisfies the policy and resolves the episode.
      sim.rekorV2().witness(RekorV2Log.Witness.VALID);
      p.await(event(p, ofLog, "INCIDENT_RESOLVED", 230));

      // Episode 2, on the same head: a cosignature that does not verify is a new incident with its own alert.
      sim.trigger(Incident.WITNESS_INVALID);
      p.await(() -> assertThat(p.alertsOf(ofLog)).hasSize(2));
      sim.grow(10);
      p.await(event(p, ofLog, "INCIDENT_CONTINUES", 240));
      sim.rekorV2().witness(RekorV2Log.Witness.VALID);
      p.await(event(p, ofLog, "INCIDENT_RESOLVED", 240));
      sim.grow(10);
      // The audit reached the end: every alert and event of the checkpoints before it is in (one transaction each).
      p.await(event(p, ofLog, "AUDITED", 250));
    }
    List<Alert> got = p.alertsOf(ofLog);
    assertThat(got).extracting(Alert::getType).containsExactly(Findings.WITNESS_POLICY, Findings.WITNESS_POLICY);
    assertThat(got).extracting(Alert::getLogIndex).containsExactly(210L, 230L);
    assertThat(got).extracting(Alert::getAlertId).doesNotHaveDuplicates();
    assertThat(got.get(0).getEvidence()).containsEntry("missing", witness).containsEntry("invalid", "")
        .containsEntry("cosigned", "");
    assertThat(got.get(0).getEvidence().get("checkpoint")).doesNotContain("\u2014 witness.sigwatch.test ");
    assertThat(got.get(1).getEvidence()).containsEntry("invalid", witness).containsEntry("missing", "")
        .containsEntry("cosigned", "");
    assertThat(got.get(1).getEvidence().get("checkpoint")).contains("\u2014 witness.sigwatch.test ");

    List<LogEvent> continues = p.eventsOf(ofLog, "INCIDENT_CONTINUES");
    assertThat(continues).extracting(LogEvent::getTreeSize).containsExactly(220L, 230L, 240L);
    assertThat(continues).extracting(e -> e.getDetail().get("alertId"))
        .containsExactly(got.get(0).getAlertId(), got.get(0).getAlertId(), got.get(1).getAlertId());
    assertThat(continues).extracting(e -> e.getDetail().get("observations")).containsExactly("2", "3", "2");
    assertThat(continues).allSatisfy(e -> assertThat(e.getDetail())
        .containsEntry("incidentType", Findings.WITNESS_POLICY).containsEntry("cosigned", ""));
    List<LogEvent> resolved = p.eventsOf(ofLog, "INCIDENT_RESOLVED");
    assertThat(resolved).extracting(LogEvent::getTreeSize).containsExactly(230L, 240L);
    assertThat(resolved).extracting(e -> e.getDetail().get("alertId"))
        .containsExactly(got.get(0).getAlertId(), got.get(1).getAlertId());
    assertThat(resolved).extracting(e -> e.getDetail().get("observations")).containsExactly("3", "2");
    assertThat(resolved).allSatisfy(e -> assertThat(e.getDetail()).containsEntry("reason", "witness policy satisfied"));
    // A witness failure is an alert, not a rejection: every checkpoint was verified and the audit went on.
    assertThat(p.sizes(ofLog, "CHECKPOINT_VERIFIED")).containsExactly(200L, 210L, 220L, 230L, 240L, 250L);
  }

  @Test
  void aStaleLogIsOneAlertPerEpisodeAndGrowingAgainRecoversIt(KafkaTestBroker broker) throws Exception {
    // Well above the pipeline's lag on a loaded machine (5 s was not: the honest log, whose newest checkpoint verify
    // had not yet processed, went stale), yet short enough for two episodes in under a minute.
    Duration staleAfter = Duration.ofSeconds(15);
    // Both logs publish a checkpoint every 200 ms until one of them stops.
    SigstoreSimulator honest = SigstoreSimulator.builder().threads(2).entriesPerSecond(50).build().start();
    SigstoreSimulator stopping = SigstoreSimulator.builder().threads(2).entriesPerSecond(50).build().start();
    Predicate<String> ofHonest = id -> VerifySimulatorIT.owns(honest, id);
    Predicate<String> ofStopping = id -> VerifySimulatorIT.owns(stopping, id);
    // Liveness checked every 250 ms; the monitor's own backlog bound kept out of the way (a minute).
    VerifySettings vs = new VerifySettings(SimulatedPipeline.trustedRoot(List.of(honest, stopping)), null, staleAfter,
        Duration.ofMillis(250), KafkaTestBroker.uniqueName("verify-stale"), Duration.ofMinutes(1));
    List<LogTarget> targets = List.of(LogTarget.of("rekor-v1", honest.rekorV1Url()),
        LogTarget.of("rekor-v1", stopping.rekorV1Url()));
    SimulatedPipeline p = pipeline(broker, targets, vs);
    try (honest; stopping; p) {
      p.await(() -> {
        assertThat(p.sizes(ofHonest, "AUDITED")).isNotEmpty();
        assertThat(p.sizes(ofStopping, "AUDITED")).isNotEmpty();
      });
      for (int episode = 1; episode <= 2; episode++) {
        int n = episode;
        stopping.trigger(Incident.STALE);
        p.await(() -> assertThat(p.alertsOf(ofStopping)).hasSize(n));
        Alert stale = p.alertsOf(ofStopping).get(n - 1);
        LogEvent progress = p.events.stream().filter(e -> ofStopping.test(e.getLogId()))
            .filter(e -> e.getType().equals("CHECKPOINT_VERIFIED")).reduce((a, b) -> b).orElseThrow();
        assertThat(stale.getType()).isEqualTo(Findings.STALE_LOG);
        assertThat(stale.getLogIndex()).isEqualTo(progress.getTreeSize());
        assertThat(stale.getCreatedAtMillis() - progress.getAtMillis()).isGreaterThan(staleAfter.toMillis());
        assertThat(stale.getEvidence()).containsEntry("staleAfter", staleAfter.toString());
        // Still stale: the punctuator (every 250 ms) raises nothing more for this episode.
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
          p.poll();
          assertThat(p.alertsOf(ofStopping)).hasSize(n);
        });
        // Growing again recovers the log: one RECOVERED event, at the first size past the stale one, and the
        // INCIDENT_RESOLVED that closes this episode's alert, at the size it was stuck at.
        stopping.resume();
        p.await(() -> {
          assertThat(p.sizes(ofStopping, "RECOVERED")).hasSize(n);
          assertThat(p.eventsOf(ofStopping, "INCIDENT_RESOLVED")).hasSize(n);
        });
        LogEvent recovered = p.eventsOf(ofStopping, "RECOVERED").get(n - 1);
        assertThat(recovered.getTreeSize()).isGreaterThan(stale.getLogIndex());
        assertThat(recovered.getDetail()).containsEntry("alertId", stale.getAlertId())
            .containsEntry("incidentType", Findings.STALE_LOG)
            .containsEntry("staleSize", Long.toString(stale.getLogIndex()))
            .containsEntry("recoveredSize", Long.toString(recovered.getTreeSize()));
        LogEvent resolved = p.eventsOf(ofStopping, "INCIDENT_RESOLVED").get(n - 1);
        assertThat(resolved.getTreeSize()).isEqualTo(stale.getLogIndex());
        assertThat(resolved.getAtMillis()).isEqualTo(recovered.getAtMillis());
        assertThat(resolved.getDetail()).containsEntry("alertId", stale.getAlertId())
            .containsEntry("incidentType", Findings.STALE_LOG).containsEntry("observations", "1")
            .containsEntry("openedAtMillis", Long.toString(stale.getCreatedAtMillis()))
            .containsEntry("reason", "log advanced again to size " + recovered.getTreeSize());
      }
      p.await(() -> assertThat(p.sizes(ofStopping, "AUDITED").get(p.sizes(ofStopping, "AUDITED").size() - 1))
          .isGreaterThan(p.sizes(ofStopping, "RECOVERED").get(1)));
    }
    // Two episodes, two alerts (each its own id), nothing else; the honest log never went stale.
    assertThat(p.alertsOf(ofStopping)).extracting(Alert::getType).containsOnly(Findings.STALE_LOG).hasSize(2);
    assertThat(p.alertsOf(ofStopping)).extracting(Alert::getAlertId).doesNotHaveDuplicates();
    // Each alert resolved once, by its own id: a consumer can tell both episodes closed.
    assertThat(p.eventsOf(ofStopping, "INCIDENT_RESOLVED")).extracting(e -> e.getDetail().get("alertId"))
        .containsExactlyElementsOf(p.alertsOf(ofStopping).stream().map(Alert::getAlertId).toList());
    assertThat(p.eventsOf(ofStopping, "INCIDENT_RESOLVED")).extracting(LogEvent::getEventId).doesNotHaveDuplicates();
    assertThat(p.alertsOf(ofHonest)).isEmpty();
    assertThat(p.sizes(ofHonest, "RECOVERED")).isEmpty();
    assertThat(p.eventsOf(ofHonest, "INCIDENT_RESOLVED")).isEmpty();
  }

  static ThrowingRunnable event(SimulatedPipeline p, Predicate<String> log, String type, long size) {
    return () -> assertThat(p.sizes(log, type)).as(type).contains(size);
  }

  SimulatedPipeline pipeline(KafkaTestBroker broker, List<LogTarget> targets, VerifySettings vs) {
    return new SimulatedPipeline(broker, TOPICS, targets, vs, stateDir, startedAt, Duration.ofSeconds(90));
  }
}
